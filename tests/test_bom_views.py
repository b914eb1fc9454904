"""``ctb bom show``: levels, indented, leaves, totals, units, project BOMs."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.bom.tree import InventoryCatalog, parse_target
from ctb_files.ops.bom.views import build_view
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree

ABCDE = {
    "ctb.yaml": "ctb: 1\n",
    "parts/a.yaml": """
        name: A
        bom:
          - {part: c, quantity: 1, order: 20}
          - {part: b, quantity: 2, order: 10}
    """,
    "parts/b.yaml": "name: B\nbom:\n  - {part: d, quantity: 3}\n",
    "parts/c.yaml": "name: C\nbom:\n  - {part: d, quantity: 4}\n",
    "parts/d.yaml": "name: D\nbom:\n  - {part: e, quantity: 5}\n",
    "parts/e.yaml": "name: E\n",
}


@pytest.fixture
def abcde(tmp_path: Path) -> Path:
    return write_tree(tmp_path, ABCDE)


def _view(root: Path, target: str, mode: str = "levels", depth: int = 1):  # noqa: ANN202
    loaded = load_repo(root)
    assert loaded.errors == []
    return build_view(InventoryCatalog(loaded.inventory), parse_target(target), mode, depth)


def _levels(view) -> list[tuple[int, str, Decimal]]:  # noqa: ANN001
    return [(r.level, r.part, r.quantity) for r in view.rows]


def test_first_level(abcde: Path) -> None:
    assert [r.part for r in _view(abcde, "a").rows] == ["b", "c"]


def test_indented_expands_every_occurrence(abcde: Path) -> None:
    rows = _levels(_view(abcde, "a", "indented"))
    assert [(lvl, part) for lvl, part, _ in rows] == [(1, "b"), (2, "d"), (3, "e"), (1, "c"), (2, "d"), (3, "e")]


def test_levels_two(abcde: Path) -> None:
    rows = _levels(_view(abcde, "a", "levels", 2))
    assert [(lvl, part) for lvl, part, _ in rows] == [(1, "b"), (2, "d"), (1, "c"), (2, "d")]


def test_leaves_keep_quantity_per_direct_parent(abcde: Path) -> None:
    assert [(r.part, r.quantity) for r in _view(abcde, "a", "leaves").rows] == [("e", 5), ("e", 5)]


def test_totals_multiply_down_and_sum(abcde: Path) -> None:
    assert [(t.part, t.quantity, t.unit) for t in _view(abcde, "a", "totals").totals] == [("e", 50, "pcs")]


def test_cli_json_shapes(abcde: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "a", "--indented", "--repo", str(abcde), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["target"] == "a"
    assert doc["rows"][0] == {"level": 1, "part": "b", "quantity": 2, "unit": "pcs", "order": 10, "refs": [], "ext": {}}
    assert main(["bom", "show", "a", "--totals", "--repo", str(abcde), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"target": "a", "rows": [{"part": "e", "quantity": 50, "unit": "pcs"}]}


def test_cli_text_and_csv(abcde: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "a", "--indented", "--repo", str(abcde)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["level", "part", "quantity", "unit", "order", "refs"]
    assert lines[2].split() == ["1", "b", "2", "pcs", "10"]
    assert lines[4].startswith("    3      e")  # indented by level
    assert main(["bom", "show", "a", "--format", "csv", "--repo", str(abcde)]) == 0
    assert capsys.readouterr().out == "level,part,quantity,unit,order,refs\n1,b,2,pcs,10,\n1,c,1,pcs,20,\n"


def test_views_are_exclusive(abcde: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "a", "--leaves", "--totals", "--repo", str(abcde)]) == 2


def test_unknown_target_and_plain_part(abcde: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "bb", "--repo", str(abcde)]) == 1
    assert "unknown part 'bb' (did you mean b?)" in capsys.readouterr().err
    assert main(["bom", "show", "e", "--repo", str(abcde)]) == 1
    assert "part e is not an assembly" in capsys.readouterr().err
    assert main(["bom", "show", "a:b:c", "--repo", str(abcde)]) == 2


def test_harness_in_mm_of_wire_in_metres(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/wire.yaml": "name: Hook-up wire\nunit: m\n",
        "parts/harness.yaml": "name: Harness\nbom:\n  - {part: wire, quantity: 500, unit: mm}\n",
        "parts/box.yaml": "name: Box\nbom:\n  - {part: harness, quantity: 3}\n",
    })  # fmt: skip
    view = _view(root, "box", "totals")
    assert [(t.part, t.quantity, t.unit) for t in view.totals] == [("wire", Decimal("1.5"), "m")]
    leaves = _view(root, "box", "leaves")
    assert [(r.part, r.quantity, r.unit) for r in leaves.rows] == [("wire", 500, "mm")]


def test_unit_family_mismatch_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/wire.yaml": "name: Wire\nunit: m\n",
        "parts/box.yaml": "name: Box\nbom:\n  - {part: wire, quantity: 5, unit: g}\n",
    })  # fmt: skip
    assert main(["bom", "show", "box", "--totals", "--repo", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "ctb: parts/box.yaml bom[0]: 5 g of wire cannot be converted to m; 'ctb check' reports the unit family mismatch"
    )


PROJECT = {
    "ctb.yaml": "ctb: 1\n",
    "projects/vco/project.yaml": "name: VCO\nversions:\n  - {name: v1}\n",
    "projects/vco/bom/v1.yaml": """
        project: vco
        version: v1
        rows:
          - {line: 9, refs: [R3], quantity: 1, part: r10k}
          - {line: 2, refs: [U1], quantity: 1, part: panel}
          - {line: 5, refs: [R1, R2], quantity: 2, part: r10k, substitute: r10k-alt}
          - {line: 7, refs: [D1], quantity: 1, part: null, missing: no part matches}
          - {line: 8, refs: [R9], quantity: 1, part: r10k, dnp: true}
    """,
    "parts/r10k.yaml": "name: 10k\n",
    "parts/r10k-alt.yaml": "name: 10k other\n",
    "parts/jack.yaml": "name: Jack\n",
    "parts/panel.yaml": "name: Panel\nbom:\n  - {part: jack, quantity: 6, order: 10}\n  - {part: r10k, quantity: 2, order: 5}\n",
}


def test_project_bom_by_line_with_substitutes(tmp_path: Path) -> None:
    root = write_tree(tmp_path, PROJECT)
    view = _view(root, "vco:v1", "indented")
    assert [(r.level, r.part, r.order) for r in view.rows] == [
        (1, "panel", 2), (2, "r10k", 5), (2, "jack", 10), (1, "r10k-alt", 5), (1, None, 7), (1, "r10k", 8), (1, "r10k", 9)
    ]  # fmt: skip
    totals = _view(root, "vco:v1", "totals").totals
    # the do-not-populate row is left out; the unmatched row is kept, last
    assert [(t.part, t.quantity) for t in totals] == [("jack", 6), ("r10k", 3), ("r10k-alt", 2), (None, 1)]


def test_missing_project_bom_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_tree(tmp_path, PROJECT)
    assert main(["bom", "show", "vco:v2", "--repo", str(root)]) == 1
    assert "projects/vco/bom/v2.yaml does not exist (BOMs exist for v1)" in capsys.readouterr().err


def test_cycle_is_cut_not_looped(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/a.yaml": "name: A\nbom:\n  - {part: b, quantity: 1}\n",
        "parts/b.yaml": "name: B\nbom:\n  - {part: a, quantity: 1}\n",
    })  # fmt: skip
    rows = _view(root, "a", "indented").rows
    assert [(r.level, r.part, r.cycle) for r in rows] == [(1, "b", False), (2, "a", True)]


def _chain(root: Path, length: int) -> Path:
    files = {"ctb.yaml": "ctb: 1\n", f"parts/p{length}.yaml": "name: leaf\n"}
    for i in range(length):
        files[f"parts/p{i}.yaml"] = f"name: p{i}\nbom:\n  - {{part: p{i + 1}, quantity: 2}}\n"
    return write_tree(root, files)


def test_totals_of_a_bom_nested_beyond_the_limit_refuse_instead_of_dropping_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _chain(tmp_path, 70)
    assert main(["bom", "show", "p0", "--totals", "--repo", str(root)]) == 1
    err = capsys.readouterr().err
    assert err == "ctb: the BOM of p0 is nested deeper than 64 levels (at p64); not shown\n"


def test_totals_at_sixty_levels_multiply_all_the_way_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _chain(tmp_path, 60)
    assert main(["bom", "show", "p0", "--totals", "--format", "json", "--repo", str(root)]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert rows == [{"part": "p60", "quantity": 2**60, "unit": "pcs"}]


def test_where_used_beyond_the_limit_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _chain(tmp_path, 70)
    assert main(["part", "where-used", "p70", "--repo", str(root)]) == 1
    assert capsys.readouterr().err == "ctb: p70 is used more than 64 levels up (above p6); not shown\n"


def test_wrong_case_targets_hint_the_right_id(abcde: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(abcde, {"parts/a-b.yaml": "name: AB\n", "parts/ab.yaml": "name: ab\n"})
    assert main(["bom", "show", "A", "--repo", str(abcde)]) == 1
    assert capsys.readouterr().err == "ctb: unknown part 'A' (did you mean a?)\n"
    assert main(["part", "where-used", "A-B", "--repo", str(abcde)]) == 1
    assert capsys.readouterr().err == "ctb: unknown part 'A-B' (did you mean a-b?)\n"
