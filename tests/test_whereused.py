"""``ctb part where-used``: BOMs walked upwards, through assemblies and project versions."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.bom.tree import where_used
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "parts/wire.yaml": "name: Wire\nunit: m\n",
    "parts/harness.yaml": "name: Harness\nbom:\n  - {part: wire, quantity: 250, unit: mm}\n  - {part: wire, quantity: 0.25}\n",
    "parts/box.yaml": "name: Box\nbom:\n  - {part: harness, quantity: 3}\n",
    "parts/panel.yaml": "name: Panel\nbom:\n  - {part: wire, quantity: 2}\n",
    "parts/lone.yaml": "name: Lone\n",
    "projects/synth/project.yaml": "name: Synth\nversions:\n  - {name: v1}\n",
    "projects/synth/bom/v1.yaml": """
        project: synth
        version: v1
        rows:
          - {line: 1, quantity: 2, part: box}
          - {line: 2, quantity: 1, part: lone, substitute: harness}
    """,
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_tree(tmp_path, WORLD)


def test_where_used_climbs_with_quantities(world: Path) -> None:
    rows = where_used(load_repo(world).inventory, "wire")
    assert [(r.level, r.used_in, r.kind, r.quantity, r.unit, r.total) for r in rows] == [
        (1, "harness", "part", Decimal(500), "mm", Decimal("0.5")),
        (2, "box", "part", 3, "pcs", Decimal("1.5")),
        (3, "synth:v1", "project", 2, "pcs", 3),
        (2, "synth:v1", "project", 1, "pcs", Decimal("0.5")),
        (1, "panel", "part", 2, "m", 2),
    ]  # fmt: skip


def test_cli_text_and_json(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["part", "where-used", "harness", "--repo", str(world)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["used", "in", "kind", "quantity", "unit", "harness", "per", "one", "(pcs)"]
    assert [line.split() for line in lines[2:]] == [
        ["box", "part", "3", "pcs", "3"], ["synth:v1", "project", "2", "pcs", "6"], ["synth:v1", "project", "1", "pcs", "1"]
    ]  # fmt: skip
    assert lines[3].startswith("  synth:v1")
    assert main(["part", "where-used", "box", "--repo", str(world), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "part": "box",
        "rows": [{"level": 1, "used_in": "synth:v1", "kind": "project", "quantity": 2, "unit": "pcs", "total": 2}],
    }


def test_unused_and_unknown(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["part", "where-used", "synth-x", "--repo", str(world)]) == 1
    assert "unknown part 'synth-x'" in capsys.readouterr().err
    assert main(["part", "where-used", "lone", "--repo", str(world)]) == 0
    assert capsys.readouterr().out == "lone is not used in any assembly or project BOM\n"
