"""``ctb stock count``: a stocktake of one location from a CSV or --line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.core.text import now
from tests.conftest import write_tree

SHELF = """\
name: Shelf
lines:
  - {part: r1, quantity: 10}  # reel
  - {part: c1, quantity: 5, bin: "2"}
  - {part: w, quantity: 3}
"""

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/m.yaml": "name: M\n",
    "parts/r1.yaml": 'name: R1\nvendor_parts:\n  - {vendor: m, sku: S1, price_breaks: [{quantity: 1, price: "0.10"}, {quantity: 100, price: "0.02"}]}\n',
    "parts/c1.yaml": 'name: C1\nvendor_parts:\n  - {vendor: m, sku: S2, price_breaks: [{quantity: 1, price: "0.25"}]}\n',
    "parts/w.yaml": "name: W\n",
    "stock/shelf.yaml": SHELF,
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 2, part: c1}\n",
    "builds/b1.yaml": (
        "project: p\nversion: v1\nquantity: 2\nstatus: cleared\nreservations:\n  - part: c1\n    quantity: 4\n"
        "    lines: [1]\n    take:\n      - {location: shelf, part: c1, quantity: 4, bin: \"2\"}\n"
    ),
}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "inv", WORLD)
    (root / "count.csv").write_text("part;bin;quantity\nr1;;12\nc1;2;4\n")
    return root


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_count_higher_lower_and_not_counted_gives_the_exact_differences(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "stock", "count", str(inv / "count.csv"), "--location", "shelf", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["lines"] == [
        {"part": "r1", "bin": None, "expected": 10, "counted": 12, "difference": 2, "value": "0.04", "currency": "USD"},
        {"part": "c1", "bin": "2", "expected": 5, "counted": 4, "difference": -1, "value": "-0.25", "currency": "USD"},
    ]
    assert doc["value"] == {"USD": "-0.21"}
    today = now().date().isoformat()
    assert (inv / "stock/shelf.yaml").read_text() == (
        "name: Shelf\nlines:\n"
        f"  - {{part: r1, quantity: 12, counted_at: {today}}} # reel\n"
        f'  - {{part: c1, quantity: 4, bin: "2", counted_at: {today}}}\n'
        "  - {part: w, quantity: 3}\n"
    )


def test_complete_zeroes_the_line_that_was_not_counted(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "stock", "count", str(inv / "count.csv"), "--location", "shelf", "--complete") == 0
    assert capsys.readouterr().out == (
        "part  bin  expected  counted  difference      value\n"
        "----  ---  --------  -------  ----------  ---------\n"
        "r1               10       12          +2   0.04 USD\n"
        "c1    2           5        4          -1  -0.25 USD\n"
        "w                 3        0          -3\n"
        "value of the differences: -0.21 USD\n"
    )
    assert f"  - {{part: w, quantity: 0, counted_at: {now().date().isoformat()}}}\n" in (inv / "stock/shelf.yaml").read_text()
    assert ctb(inv, "check") == 0
    assert ctb(inv, "fmt", "--check", str(inv / "stock")) == 0


def test_a_count_below_a_reservation_is_refused_naming_the_build(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "stock", "count", "--location", "shelf", "--line", "c1@2=3") == 1
    captured = capsys.readouterr()
    assert captured.err == (
        "ctb: cannot count shelf: build b1 (c1 at shelf bin 2) reserve more than was counted; "
        "cancel or re-clear first, or give --force\n"
    )
    assert (inv / "stock/shelf.yaml").read_text() == SHELF
    assert ctb(inv, "stock", "count", "--location", "shelf", "--line", "c1@2=3", "--force", "-q") == 0
    assert capsys.readouterr().err == "re-clear: build b1 (c1 at shelf bin 2) (reserve more than was counted)\n"
    assert '{part: c1, quantity: 3, bin: "2", counted_at: ' in (inv / "stock/shelf.yaml").read_text()


def test_dry_run_shows_the_table_and_writes_nothing(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "stock", "count", "--location", "shelf", "--line", "r1=7", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "r1               10        7          -3  -0.06 USD" in out
    assert "+  - {part: r1, quantity: 7, counted_at: " in out
    assert (inv / "stock/shelf.yaml").read_text() == SHELF


@pytest.mark.parametrize(
    ("args", "csv", "message"),
    [
        (["--line", "r1=x"], None, "ctb: not a quantity: 'x'\n"),
        (["--line", "r9=1"], None, "ctb: --line r9=1: no part 'r9' (parts/r9.yaml)\n"),
        ([], "part,quantity\nr1,1\nr1,2\n", "ctb: c.csv:3: r1 at shelf was already counted (c.csv:2)\n"),
        ([], "part,quantity\nr1,lots\n", "ctb: c.csv:2: not a quantity: 'lots'\n"),
        ([], "name,amount\nr1,1\n", "ctb: c.csv:1: the header names no part and quantity column (found: name, amount)\n"),
        ([], "part\tquantity\nr1\t1.5\n", "ctb: c.csv:2: r1 is counted in pieces: 1.5 is not a whole number\n"),
    ],
)
def test_bad_counts_are_one_line_and_write_nothing(
    inv: Path, capsys: pytest.CaptureFixture[str], args: list[str], csv: str | None, message: str
) -> None:
    if csv is not None:
        (inv / "c.csv").write_text(csv)
        args = [*args, str(inv / "c.csv")]
    code = ctb(inv, "stock", "count", "--location", "shelf", *args)
    assert code in (1, 2)
    assert capsys.readouterr().err == message
    assert (inv / "stock/shelf.yaml").read_text() == SHELF
