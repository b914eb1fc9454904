"""Unmatched rows are named by what they ask for: bom show (--unmatched), shortages one per row."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.core.models import BomFile, BomRow, Shortage
from ctb_files.core.models.common import record_adapter
from ctb_files.render.bom import shortage_rows
from tests.conftest import write_tree

BOM = """\
project: p
version: v1
rows:
  - {line: 1, refs: [R1, R2], quantity: 2, value: "330", footprint: "Resistor_SMD:R_0805", part: null}
  - {line: 2, refs: [U1], quantity: 1, value: TL074, mpn: TL074CDR, part: null, flags: [quantity 1 disagrees with 2 references]}
  - {line: 3, refs: [C1], quantity: 1, value: 100n, part: c1}
"""


def test_shortages_one_row_per_unmatched_line() -> None:
    bom = BomFile.model_validate({
        "project": "p", "version": "v1",
        "rows": [{"line": 1, "refs": ["R1", "R2"], "quantity": 2, "value": "330", "footprint": "X:R_0805"},
                 {"line": 2, "refs": ["U1"], "quantity": 1, "mpn": "TL074CDR"}],
    })  # fmt: skip
    shortage = Shortage(part=None, quantity=Decimal(15), lines=[1, 2], reason="unmatched BOM row")
    assert shortage_rows([shortage], bom) == [
        ("R1 R2 (unmatched: 330 R_0805)", Decimal(10), "1", "unmatched BOM row"),
        ("U1 (unmatched: MPN TL074CDR)", Decimal(5), "2", "unmatched BOM row"),
    ]
    assert record_adapter(BomRow).validate_python({"line": 1, "quantity": 1}).skus == []


def test_bom_show_names_unmatched_rows_and_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n", "parts/c1.yaml": "name: C\n", "projects/p/project.yaml": "name: P\nversions: [{name: v1}]\n",
        "projects/p/bom/v1.yaml": BOM,
    })  # fmt: skip
    assert main(["--repo", str(tmp_path), "bom", "show", "p:v1"]) == 0
    out = capsys.readouterr().out
    assert "(unmatched: 330 R_0805)" in out
    assert "(unmatched: TL074 MPN TL074CDR) (flagged)" in out
    assert main(["--repo", str(tmp_path), "bom", "show", "p:v1", "--unmatched", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert [(r["refs"], r.get("value"), r.get("mpn")) for r in rows] == [(["R1", "R2"], "330", None), (["U1"], "TL074", "TL074CDR")]


def test_build_clear_cell_counts_unmatched_rows_instead_of_listing_them() -> None:
    from ctb_files.render.bom import shortage_summary

    many = Shortage(part=None, quantity=Decimal(76), lines=list(range(1, 39)), reason="unmatched BOM row")
    tl074 = Shortage(part="tl074", quantity=Decimal(2))
    assert shortage_summary([tl074, many], "ctb build show b1") == (
        "tl074 2; 38 unmatched rows ('ctb build show b1' lists them)"
    )
    parts = [Shortage(part=f"p{n}", quantity=Decimal(1)) for n in range(6)]
    assert shortage_summary(parts, "ctb build show b1") == "6 shortages ('ctb build show b1' lists them)"


def test_can_build_lists_unmatched_blockers_as_a_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n", "parts/c1.yaml": "name: C\n", "projects/p/project.yaml": "name: P\nversions: [{name: v1}]\n",
        "projects/p/bom/v1.yaml": BOM, "stock/a.yaml": "lines:\n  - {part: c1, quantity: 5}\n",
    })  # fmt: skip
    assert main(["--repo", str(tmp_path), "can-build", "p", "v1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "p:v1: 0 can be built now; limited by 2:"
    assert [line.split("  ")[0] for line in lines[3:]] == [
        "R1 R2 (unmatched: 330 R_0805)", "U1 (unmatched: TL074 MPN TL074CDR)",
    ]  # fmt: skip
    assert lines[3].rstrip().endswith("unmatched BOM row (line 1)")
