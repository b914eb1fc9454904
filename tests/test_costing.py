"""Costing a project version at a build quantity: price breaks reached, cheapest vendor part, unpriced parts."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.cli.cost import cost_lines as reexported
from ctb_files.core.text import money
from ctb_files.errors import CtbError
from ctb_files.ops.orders.costing import cost_lines, summarize
from tests.test_ordering import R1, load

D = Decimal

C1 = """\
name: C1
vendor_parts:
  - {vendor: tayda, sku: T-C1, min_order: 25, multiple: 5, price_breaks: [{quantity: 1, price: "0.02"}]}
"""
PANEL = "name: Panel\nbom:\n  - {part: c1, quantity: 2}\n  - {part: knob, quantity: 1}\n"
BOM = """\
project: p
version: v1
rows:
  - {line: 1, quantity: 5, part: r1}
  - {line: 2, quantity: 1, part: panel}
  - {line: 3, quantity: 4, part: r1, dnp: true}
  - {line: 4, quantity: 1, part: null}
  - {line: 5, quantity: 1, part: c1}
"""
FILES = {
    "parts/r1.yaml": R1, "parts/c1.yaml": C1, "parts/knob.yaml": "name: Knob\n", "parts/panel.yaml": PANEL,
    "projects/p/bom/v1.yaml": BOM,
}  # fmt: skip


def test_each_part_at_the_break_its_total_reaches(tmp_path: Path) -> None:
    inv = load(tmp_path, FILES)
    lines = cost_lines(inv, "p", "v1", 2)
    got = {
        line.part: (line.quantity, line.offer.vendor if line.offer else None,
                    line.offer.quantity if line.offer else None, line.total, line.reason)
        for line in lines
    }  # fmt: skip
    assert got == {
        # 10 reach mouser's 10 break: 10 × 0.05 = 0.50 beats tayda's 1.10
        "r1": (10, "mouser", 10, D("0.50"), None),
        # 2 × 2 (panel) + 1 × 2 (row 5) = 6, bought as the minimum 25: 25 × 0.02
        "c1": (6, "tayda", 25, D("0.50"), None),
        "knob": (2, None, None, None, "no vendor part"),
        None: (2, None, None, None, "unmatched BOM row"),
    }
    assert [line.lines for line in lines] == [(2, 5), (2,), (1,), (4,)]
    summary = summarize(lines, 2)
    assert summary.totals == {"USD": D("1.00")}
    assert summary.unit("USD") == D("0.50")
    assert [line.part for line in summary.unpriced] == ["knob", None]
    assert reexported is cost_lines


def test_five_units_are_priced_as_ordering_buys_them(tmp_path: Path) -> None:
    bom = "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 1, part: r1}\n"
    inv = load(tmp_path, {"parts/r1.yaml": R1, "projects/p/bom/v1.yaml": bom})
    (line,) = cost_lines(inv, "p", "v1", 5)
    # buying up: mouser 10 × 0.05 = 0.50 beats tayda 5 × 0.11 = 0.55 and mouser 5 × 0.12 = 0.60
    assert (line.offer.vendor, line.offer.quantity, line.total) == ("mouser", 10, D("0.50"))  # type: ignore[union-attr]
    assert line.used == D("0.25")  # the 5 used, at the 0.05 paid
    assert summarize([line], 3).unit("USD") == D("0.166667")
    assert summarize([line], 5).used_unit("USD") == D("0.05")


def test_cost_says_what_order_generate_buys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 1, part: r1}\n"
    load(tmp_path, {"parts/r1.yaml": R1, "projects/p/bom/v1.yaml": bom})
    assert main(["--repo", str(tmp_path), "cost", "p", "v1", "-n", "5"]) == 0
    out = capsys.readouterr().out
    assert "to buy USD 0.50 for 5; unit USD 0.10\nused USD 0.25 for 5; unit USD 0.05\n" in out


def test_excluded_lines_and_their_subtrees_are_left_out(tmp_path: Path) -> None:
    inv = load(tmp_path, FILES)
    assert [line.part for line in cost_lines(inv, "p", "v1", 1, exclude=[2, 4])] == ["c1", "r1"]
    assert cost_lines(inv, "p", "v1", 1, exclude=[2, 4])[0].quantity == 1


def test_unknown_versions_are_refused(tmp_path: Path) -> None:
    inv = load(tmp_path, FILES)
    with pytest.raises(CtbError, match="projects/p/bom/v9.yaml does not exist"):
        cost_lines(inv, "p", "v9", 1)
    with pytest.raises(CtbError, match=r"^no project 'zz' \(projects/zz/project.yaml\)$"):
        cost_lines(inv, "zz", "v1", 1)


def test_cost_command_text_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load(tmp_path, FILES)
    assert main(["--repo", str(tmp_path), "cost", "p", "v1", "--quantity", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("p:v1 × 2\n")
    assert "r1          10        mouser  603-R1   10        0.05    0.50  0.50  USD" in out
    assert "to buy USD 1.00 for 2; unit USD 0.50\nused USD 0.62 for 2; unit USD 0.31" in out
    assert "no price: knob (no vendor part), (line 4) (unmatched BOM row)" in out
    assert main(["--repo", str(tmp_path), "cost", "p", "v1", "-n", "2", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["totals"] == {"USD": {"total": "1.00", "unit": "0.50", "used": "0.62", "used_unit": "0.31"}}
    assert doc["lines"][0] == {
        "part": "c1", "quantity": 6, "unit": "pcs", "lines": [2, 5], "vendor": "tayda", "sku": "T-C1", "buy": 25,
        "unit_price": "0.02", "total": "0.50", "used": "0.12", "currency": "USD", "reason": None,
    }  # fmt: skip
    assert doc["unpriced"] == [{"part": "knob", "lines": [2], "reason": "no vendor part"},
                               {"part": None, "lines": [4], "reason": "unmatched BOM row"}]  # fmt: skip


# --- how money is shown -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [("0.45", "0.45"), ("0.012", "0.012"), ("0.00812", "0.0081"), ("8.746667", "8.7467"), ("1", "1.00"),
     ("0.010", "0.01"), ("0.125", "0.125"), ("0.00005", "0.0001"), ("1E+2", "100.00"), ("24.38436", "24.3844")],
)  # fmt: skip
def test_money_shows_two_to_four_decimals_half_up(value: str, shown: str) -> None:
    assert money(D(value)) == shown


def test_cost_text_rounds_for_reading_and_json_stays_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    part = 'name: R9\nvendor_parts:\n  - {vendor: tayda, sku: T9, price_breaks: [{quantity: 1, price: "0.00812"}]}\n'
    bom = "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 1001, part: r9}\n  - {line: 2, quantity: 1, part: c1}\n"
    load(tmp_path, {"parts/r9.yaml": part, "parts/c1.yaml": C1, "projects/p/bom/v1.yaml": bom})
    # 3003 × 0.00812 = 24.38436; c1 bought as its minimum 25 × 0.02 = 0.50; 24.88436 for 3 = 8.2947866…
    assert main(["--repo", str(tmp_path), "cost", "p", "v1", "-n", "3"]) == 0
    out = capsys.readouterr().out
    assert "r9    3003        tayda   T9    3003      0.0081  24.3844  24.3844  USD\n" in out
    assert "to buy USD 24.8844 for 3; unit USD 8.2948\nused USD 24.4444 for 3; unit USD 8.1481\n" in out
    assert main(["--repo", str(tmp_path), "cost", "p", "v1", "-n", "3", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["totals"] == {"USD": {"total": "24.88436", "unit": "8.294787", "used": "24.44436", "used_unit": "8.14812"}}
    assert (doc["lines"][1]["unit_price"], doc["lines"][1]["total"]) == ("0.00812", "24.38436")
