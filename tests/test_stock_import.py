"""``ctb stock import``: packing lists and initial stock sheets matched by part id, SKU, then MPN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import write_tree

SHELF = "lines:\n  - {part: r1, quantity: 10}\n"

WORLD = {
    "ctb.yaml": "ctb: 1\ndefault_location: shelf\n",
    "vendors/mouser.yaml": "name: Mouser\n",
    "parts/r1.yaml": "name: R1\nvendor_parts:\n  - {vendor: mouser, sku: 603-RC0805FR-0710KL, mpn: RC0805FR-0710KL}\n",
    "parts/tl074.yaml": "name: TL074\nvendor_parts:\n  - {vendor: mouser, sku: 595-TL074CDR, mpn: TL074CDR}\n",
    "parts/c1.yaml": "name: C1\n",
    "stock/shelf.yaml": SHELF,
}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "inv", WORLD)


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_a_packing_list_matches_by_sku_and_by_mpn_and_adds_to_existing_lines(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "packing.csv").write_text(
        "Mouser No,Mfr. No,Qty Shipped\n603-RC0805FR-0710KL,,100\n,TL074-CDR,5\n,tl074cdr,2\n"
    )
    assert ctb(inv, "stock", "import", str(inv / "packing.csv"), "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["matched"] == [{"line": 2, "part": "r1", "by": "sku"}, {"line": 3, "part": "tl074", "by": "mpn"},
                              {"line": 4, "part": "tl074", "by": "mpn"}]  # fmt: skip
    assert doc["changes"] == [
        {"location": "shelf", "part": "r1", "bin": None, "before": 10, "after": 110},
        {"location": "shelf", "part": "tl074", "bin": None, "before": 0, "after": 7},
    ]
    assert (inv / "stock/shelf.yaml").read_text() == "lines:\n  - {part: r1, quantity: 110}\n  - {part: tl074, quantity: 7}\n"


def test_one_unknown_sku_refuses_the_file_and_writes_nothing(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "packing.csv").write_text("sku;quantity\n595-TL074CDR;5\n595-NOPE;1\n")
    assert ctb(inv, "stock", "import", str(inv / "packing.csv"), "--location", "shelf") == 1
    assert capsys.readouterr().err == (
        "ctb: packing.csv: 1 row(s) match no part, nothing imported (line 3: no part has sku '595-NOPE'); "
        "fix them or give --skip-unmatched\n"
    )
    assert (inv / "stock/shelf.yaml").read_text() == SHELF
    assert ctb(inv, "stock", "import", str(inv / "packing.csv"), "--skip-unmatched") == 0
    captured = capsys.readouterr()
    assert "packing.csv:3: skipped: no part has sku '595-NOPE'\n" in captured.err
    assert (inv / "stock/shelf.yaml").read_text() == SHELF + "  - {part: tl074, quantity: 5}\n"


def test_part_ids_and_bins_into_a_new_location(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "initial.csv").write_text("part\tbin\tquantity\nc1\tA1\t30\nc1\tA1\t20\nr1\t\t4\n")
    assert ctb(inv, "stock", "import", str(inv / "initial.csv"), "--location", "drawr") == 1
    assert capsys.readouterr().err.startswith("ctb: no stock location 'drawr'")
    assert ctb(inv, "stock", "import", str(inv / "initial.csv"), "--location", "drawer", "--new-location", "-q") == 0
    assert (inv / "stock/drawer.yaml").read_text() == "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: c1, quantity: 50, bin: A1}\n  - {part: r1, quantity: 4}\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sku,quantity\n595-TL074CDR,many\n", "ctb: p.csv:2: not a quantity: 'many'\n"),
        ("sku,amount\n595-TL074CDR,1\n", "ctb: p.csv:1: the header names no quantity column (found: sku, amount)\n"),
        ("", "ctb: p.csv: the file is empty\n"),
        ("part,quantity\nr1,1.5\n", "ctb: p.csv:2: r1 is counted in pieces: 1.5 is not a whole number\n"),
    ],
)
def test_bad_files_are_one_line_and_write_nothing(inv: Path, capsys: pytest.CaptureFixture[str], text: str, message: str) -> None:
    (inv / "p.csv").write_text(text)
    assert ctb(inv, "stock", "import", str(inv / "p.csv")) == 1
    assert capsys.readouterr().err == message
    assert (inv / "stock/shelf.yaml").read_text() == SHELF
