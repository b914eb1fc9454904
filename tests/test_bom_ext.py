"""BOM extensions: type validation (CTB45x), visible columns and ``ctb bom set``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.core.models import Extension
from ctb_files.ops.bom.extensions import parse_value, value_problems
from ctb_files.storage.loader import load_repo, locate_all
from tests.conftest import write_tree

SETTINGS = """
    ctb: 1
    bom_extensions:
      - {name: placement, type: object, fields: {x: number, y: number, rotation: number}, visible: false}
      - {name: assembly_note, type: string, visible: true, editable: true, applies_to: {tags: [pcb]}}
      - {name: side, type: enum, values: [top, bottom], visible: true, editable: true}
      - {name: torque, type: number, editable: true}
      - {name: glue, type: boolean, editable: true}
      - {name: count, type: integer, editable: true}
      - {name: tools, type: list, items: string, editable: true}
      - {name: locked, type: string, visible: true}
"""


def _ext(**kw: object) -> Extension:
    return Extension.model_validate({"name": "f", **kw})


@pytest.mark.parametrize(
    ("decl", "value", "problem"),
    [
        ({"type": "string"}, "ok", None),
        ({"type": "string"}, 5, "should be a string, not 5"),
        ({"type": "integer"}, 3, None),
        ({"type": "integer"}, Decimal("3.5"), "should be a whole number, not 3.5"),
        ({"type": "integer"}, True, "should be a whole number, not true"),
        ({"type": "number"}, Decimal("2.5"), None),
        ({"type": "number"}, "2.5", "should be a number, not '2.5'"),
        ({"type": "boolean"}, False, None),
        ({"type": "boolean"}, "yes", "should be true or false, not 'yes'"),
        ({"type": "enum", "values": ["top", "bottom"]}, "top", None),
        ({"type": "enum", "values": ["top", "bottom"]}, "left", "should be one of top, bottom, not 'left'"),
        ({"type": "object", "fields": {"x": "number"}}, {"x": 1}, None),
        ({"type": "object", "fields": {"x": "number"}}, {"x": "a"}, "should be a number, not 'a'"),
        ({"type": "object", "fields": {"rotation": "number"}}, {"rotaton": 1}, "unknown field 'rotaton' (did you mean 'rotation'?)"),
        ({"type": "list", "items": "integer"}, [1, 2], None),
        ({"type": "list", "items": "integer"}, [1, "b"], "should be a whole number, not 'b'"),
        ({"type": "list"}, "a", "should be a list, not 'a'"),
        ({"type": "string"}, None, None),
    ],
)
def test_value_types(decl: dict, value: object, problem: str | None) -> None:
    found = value_problems(_ext(**decl), value)
    assert (found[0][1] if found else None) == problem


def test_parse_value_per_type() -> None:
    assert parse_value(_ext(type="number"), "1.50") == Decimal("1.50")
    assert parse_value(_ext(type="integer"), "7") == 7
    assert parse_value(_ext(type="boolean"), "yes") is True
    assert parse_value(_ext(type="object", fields={"x": "number"}), '{"x": 1.5}') == {"x": Decimal("1.5")}
    with pytest.raises(ValueError, match="expected one of top, bottom, not 'left'"):
        parse_value(_ext(type="enum", values=["top", "bottom"]), "left")
    with pytest.raises(ValueError, match="expected a whole number"):
        parse_value(_ext(type="integer"), "7.5")


WORLD = {
    "ctb.yaml": SETTINGS,
    "parts/pcb-vco.yaml": """
        name: VCO board
        tags: [pcb]
        bom:
          # the jacks go on last
          - {part: jack, quantity: 6, order: 10, ext: {assembly_note: after washing, side: top}}
          - part: r10k
            quantity: 2
            order: 20
            ext:
              placement: {x: 1.5, y: 2, rotaton: 90}
              side: left
    """,
    "parts/panel.yaml": """
        name: Panel
        bom:
          - {part: jack, quantity: 1, ext: {assembly_note: no, sde: top}}
    """,
    "parts/jack.yaml": "name: Jack\n",
    "parts/r10k.yaml": "name: 10k\n",
    "projects/vco/project.yaml": "name: VCO\ntags: [pcb]\nversions:\n  - {name: v1}\n",
    "projects/vco/bom/v1.yaml": """
        project: vco
        version: v1
        rows:
          - {line: 8, refs: [R1], quantity: 1, part: r10k, ext: {count: 2.5}}
          - {line: 9, refs: [J1], quantity: 1, part: jack}
    """,
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_tree(tmp_path, WORLD)


def test_check_reports_every_extension_problem_with_lines(world: Path) -> None:
    loaded = load_repo(world)
    assert loaded.errors == []
    diags = locate_all([d for d in run_checks(loaded.inventory) if d.code.startswith("CTB45")], loaded.inventory.files)
    assert [d.render() for d in diags] == [
        "parts/panel.yaml:3:52: CTB452 bom[0].ext.assembly_note: extension 'assembly_note' applies only to BOMs tagged pcb; part panel is not",
        "parts/panel.yaml:3:61: CTB450 bom[0].ext.sde: unknown extension 'sde' (did you mean 'side'?)",
        "parts/pcb-vco.yaml:10:42: CTB451 bom[1].ext.placement.rotaton: unknown field 'rotaton' (did you mean 'rotation'?)",
        "parts/pcb-vco.yaml:11:13: CTB451 bom[1].ext.side: should be one of top, bottom, not 'left'",
        "projects/vco/bom/v1.yaml:4:65: CTB451 rows[0].ext.count: should be a whole number, not 2.5",
    ]


def test_visible_extensions_are_columns(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "pcb-vco", "--repo", str(world)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["level", "part", "quantity", "unit", "order", "refs", "assembly_note", "side", "locked"]
    assert lines[2].split() == ["1", "jack", "6", "pcs", "10", "after", "washing", "top"]
    assert main(["bom", "show", "pcb-vco", "--repo", str(world), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows[1]["ext"] == {"placement": {"x": 1.5, "y": 2, "rotaton": 90}, "side": "left"}


def test_bom_set_keeps_comments_and_parses_per_type(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (world / "parts/pcb-vco.yaml").read_text()
    argv = ["bom", "set", "pcb-vco", "jack", "assembly_note=hand solder", "torque=0.4", "glue=true", "tools=[iron, tweezers]"]
    assert main([*argv, "--repo", str(world)]) == 0
    after = (world / "parts/pcb-vco.yaml").read_text()
    assert "# the jacks go on last" in after
    assert after.splitlines()[4] == (
        "  - {part: jack, quantity: 6, order: 10, ext: {assembly_note: hand solder, side: top, torque: 0.4, glue: true, "
        "tools: [iron, tweezers]}}"
    )
    assert before.splitlines()[:4] + before.splitlines()[5:] == after.splitlines()[:4] + after.splitlines()[5:]
    part = load_repo(world).inventory.parts["pcb-vco"]
    assert part.bom[0].ext["torque"] == Decimal("0.4")


def test_bom_set_on_project_rows_by_line(world: Path) -> None:
    assert main(["bom", "set", "vco:v1", "9", "side=bottom", "--repo", str(world)]) == 0
    bom = load_repo(world).inventory.boms[("vco", "v1")]
    assert bom.rows[1].ext == {"side": "bottom"}
    text = (world / "projects/vco/bom/v1.yaml").read_text()
    assert "  - {line: 9, refs: [J1], quantity: 1, part: jack, ext: {side: bottom}}" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pcb-vco", "jack", "sid=top"], "unknown extension 'sid' (did you mean side?)"),
        (["pcb-vco", "jack", "locked=x"], "extension 'locked' is not editable"),
        (["pcb-vco", "jack", "placement={x: 1}"], "extension 'placement' is not editable"),
        (["panel", "jack", "assembly_note=x"], "extension 'assembly_note' applies only to BOMs tagged pcb"),
        (["pcb-vco", "jack", "count=1.5"], "count: expected a whole number, not '1.5'"),
        (["pcb-vco", "jack", "side=left"], "side: expected one of top, bottom, not 'left'"),
        (["pcb-vco", "30", "side=top"], "no row of pcb-vco has order 30"),
        (["pcb-vco", "nothing", "side=top"], "no row of pcb-vco has part nothing"),
    ],
)
def test_bom_set_refusals(world: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = (world / "parts/pcb-vco.yaml").read_bytes()
    assert main(["bom", "set", *args, "--repo", str(world)]) == 1
    assert message in capsys.readouterr().err
    assert (world / "parts/pcb-vco.yaml").read_bytes() == before


def test_bom_set_ambiguous_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, {
        "ctb.yaml": SETTINGS,
        "parts/a.yaml": "name: A\nbom:\n  - {part: r, quantity: 1, order: 10}\n  - {part: r, quantity: 2, order: 20}\n",
        "parts/r.yaml": "name: R\n",
    })  # fmt: skip
    assert main(["bom", "set", "a", "r", "side=top", "--repo", str(root)]) == 1
    assert "r is on several rows of a (orders 10, 20); give the order" in capsys.readouterr().err
    assert main(["bom", "set", "a", "20", "side=top", "--repo", str(root)]) == 0


def test_a_broken_ctb_yaml_does_not_make_every_extension_unknown(
    world: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (world / "ctb.yaml").write_text("- not a mapping\n")
    assert main(["check", "--repo", str(world)]) == 1
    out = capsys.readouterr().out
    assert "ctb.yaml:1:1: CTB101 the file must be a YAML mapping" in out
    assert "CTB450" not in out


def test_an_extension_declared_twice_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = "ctb: 1\nbom_extensions:\n  - {name: note, type: string}\n  - {name: note, type: integer}\n"
    write_tree(tmp_path, {"ctb.yaml": settings})
    assert main(["check", "--repo", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        "ctb.yaml:4:12: CTB453 bom_extensions[1].name: extension 'note' is declared twice (first at bom_extensions[0])"
    )
