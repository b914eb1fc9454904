"""``ctb bom export`` and the production need rule (attrition, setup) it uses."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.bom.production import RowNeed, max_units, pooled_need, round_need, row_need
from tests.conftest import write_tree

D = Decimal

FILES = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/mouser.yaml": "name: Mouser\n",
    "packages/c-0402.yaml": "name: '0402'\nfootprints: ['Capacitor_SMD:C_0402_1005Metric']\n",
    "parts/c100n.yaml": (
        "name: 100n 0402\nvalue: 100n\npackage: c-0402\nvendor_parts:\n"
        "  - {vendor: mouser, sku: 81-GRM155, mpn: GRM155R71C104KA88D, manufacturer: Murata}\n"
    ),
    "parts/solder.yaml": "name: Solder paste\nunit: g\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": """\
        project: p
        version: v1
        rows:
          - line: 1
            refs: [C1, C2]
            quantity: 100
            value: 100nF
            footprint: Capacitor_SMD:C_0402_1005Metric
            mpn: CL05B104KO5NNNC
            manufacturer: Samsung
            skus:
              - {vendor: Mouser, sku: 187-CL05B104KO5NNNC}
              - {vendor: LCSC, sku: C1525}
            part: c100n
            attrition: 2
            setup: 15
          - {line: 2, refs: [U1], quantity: 1, value: TL074, footprint: 'Package_SO:SOIC-14', mpn: TL074CDR, skus: [{vendor: LCSC, sku: C12594}]}
          - {line: 3, refs: [R9], quantity: 1, value: 10k, footprint: R_0805, dnp: true, skus: [{vendor: LCSC, sku: C17414}]}
          - {line: 4, quantity: 2.5, part: solder, consumable: true}
    """,
}


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_row_need_attrition_and_setup() -> None:
    assert row_need(D(100), 10, D(2)) == D(1020)
    assert row_need(D(100), 10, D(2), D(15)) == D(1035)
    assert round_need(row_need(D(1), 3, D(10)), "pcs") == D(4)  # 3.3 → 4 whole pieces
    assert round_need(row_need(D("2.5"), 3, D(10)), "g") == D("8.25")
    assert pooled_need([RowNeed("r", D("0.6"), "pcs"), RowNeed("r", D("0.6"), "pcs")], "pcs") == D(2)
    assert pooled_need([RowNeed("w", D(500), "mm"), RowNeed("w", D(1), "m")], "m") == D("1.5")
    # 19 × 102 + 15 = 1,953 ≤ 2,000 < 2,055 = 20 × 102 + 15
    assert max_units(D(2000), D(100), D(2), D(15)) == D(19)
    assert max_units(D(10), D(100), D(2), D(15)) == D(0)


def test_csv_export_at_ten_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, FILES)
    assert ctb(tmp_path, "bom", "export", "p:v1", "--quantity", "10") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["Refs", "Quantity", "Unit", "Value", "Footprint", "MPN", "Manufacturer", "Part", "Consumable",
                       "Mouser SKU", "LCSC SKU"]  # fmt: skip
    assert rows[1] == ["C1,C2", "1035", "pcs", "100nF", "Capacitor_SMD:C_0402_1005Metric", "CL05B104KO5NNNC",
                       "Samsung", "c100n", "", "187-CL05B104KO5NNNC", "C1525"]  # fmt: skip
    assert rows[2] == ["U1", "10", "pcs", "TL074", "Package_SO:SOIC-14", "TL074CDR", "", "", "", "", "C12594"]
    assert rows[3][:9] == ["", "25", "g", "", "", "", "", "solder", "yes"]
    assert len(rows) == 4  # the DNP row is left out


def test_jlc_export_has_lcsc_numbers_and_no_dnp(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, FILES)
    assert ctb(tmp_path, "bom", "export", "p:v1", "--format", "jlc") == 0
    assert capsys.readouterr().out == (
        "Comment,Designator,Footprint,LCSC Part #\n"
        '100nF,"C1,C2",C_0402_1005Metric,C1525\n'
        "TL074,U1,SOIC-14,C12594\n"
    )


def test_xlsx_export_has_a_header_row_and_widths(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    write_tree(tmp_path, FILES)
    out = tmp_path / "bom.xlsx"
    assert ctb(tmp_path, "bom", "export", "p:v1", "-n", "10", "--format", "xlsx", "-o", str(out)) == 0
    sheet = openpyxl.load_workbook(out).active
    assert [c.value for c in sheet[1]][:3] == ["Refs", "Quantity", "Unit"]
    assert sheet["B2"].value == 1035
    assert sheet.column_dimensions["E"].width == len("Capacitor_SMD:C_0402_1005Metric") + 2


def test_unknown_target_is_one_line_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, FILES)
    out = tmp_path / "bom.csv"
    assert ctb(tmp_path, "bom", "export", "q:v1", "-o", str(out)) == 1
    assert capsys.readouterr().err == "ctb: unknown project 'q'\n"
    assert not out.exists()
