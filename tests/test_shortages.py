"""``ctb shortages``: one list of what open builds are short of, with what is on order."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.orders.shortages import on_order_by_build, on_order_for, shortage_list
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree
from tests.test_ordering import BASE, R1, short_build

D = Decimal

PLACED_10 = (
    "vendor: mouser\nstatus: placed\nexpected: 2026-12-04\nlines:\n"
    "  - {part: r1, sku: 603-R1, quantity: 10, unit_price: \"0.05\", for: {b1: 5, b2: 5}}\n"
)


def world(root: Path, **extra: str) -> Path:
    return write_tree(root, {
        **BASE, "parts/r1.yaml": R1, "parts/knob.yaml": "name: Knob\n",
        "stock/shelf.yaml": "lines:\n  - {part: knob, quantity: 3}\n  - {part: r1, quantity: 4, deprioritized: true}\n",
        "builds/b1.yaml": short_build("{part: r1, quantity: 5, lines: [1]}"),
        "builds/b2.yaml": short_build("{part: r1, quantity: 7, lines: [1]}", "{part: knob, quantity: 2, lines: [2]}"),
        **extra,
    })  # fmt: skip


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_two_builds_short_of_one_part_with_a_placed_order_give_one_line(tmp_path: Path) -> None:
    inv = load_repo(world(tmp_path, **{"orders/mouser-1.yaml": PLACED_10})).inventory
    report = shortage_list(inv)
    r1 = next(r for r in report.parts if r.part == "r1")
    assert (r1.needed, r1.on_order, r1.to_buy) == (D(12), D(10), D(2))
    assert (r1.on_hand, r1.available) == (D(4), D(0))  # the deprioritized line is not available
    assert r1.builds == {"b1": D(5), "b2": D(7)}
    assert [(o.order, o.quantity, str(o.expected)) for o in r1.orders] == [("mouser-1", D(10), "2026-12-04")]
    knob = next(r for r in report.parts if r.part == "knob")
    assert (knob.needed, knob.on_hand, knob.available, knob.on_order, knob.to_buy) == (D(2), D(3), D(3), D(0), D(2))


def test_on_order_per_build_comes_from_the_lines_for_it(tmp_path: Path) -> None:
    inv = load_repo(world(tmp_path, **{"orders/mouser-1.yaml": PLACED_10})).inventory
    assert on_order_by_build(inv) == {"b1": {"r1": D(5)}, "b2": {"r1": D(5)}}
    assert [e.quantity for e in on_order_for(inv)[("b1", "r1")]] == [D(5)]


def test_received_and_cancelled_orders_are_not_on_order(tmp_path: Path) -> None:
    received = PLACED_10.replace("status: placed", "status: received").replace("for:", "received: 10, for:")
    inv = load_repo(world(tmp_path, **{"orders/mouser-1.yaml": received})).inventory
    r1 = shortage_list(inv).parts[1]
    assert (r1.part, r1.on_order, r1.to_buy) == ("r1", D(0), D(12))


def test_shortages_text_json_csv_md(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    world(tmp_path, **{"orders/mouser-1.yaml": PLACED_10})
    assert ctb(tmp_path, "shortages") == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith("r1 "))
    assert line.split()[:7] == ["r1", "12", "4", "0", "10", "2", "pcs"]
    assert "mouser-1 (placed, 10, expected 2026-12-04)" in line and "b1 (5), b2 (7)" in line

    assert ctb(tmp_path, "shortages", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    r1 = doc["parts"][1]
    assert (r1["needed"], r1["on_order"], r1["to_buy"]) == (12, 10, 2)
    assert r1["orders"] == [{"order": "mouser-1", "status": "placed", "quantity": 10, "expected": "2026-12-04"}]

    assert ctb(tmp_path, "shortages", "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:6] == ["part", "needed", "on hand", "available", "on order", "to buy"]
    assert rows[2][:6] == ["r1", "12", "4", "0", "10", "2"]

    assert ctb(tmp_path, "shortages", "--format", "md") == 0
    assert "| r1 | 12 | 4 | 0 | 10 | 2 | pcs |" in capsys.readouterr().out


def test_no_open_build_short_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, BASE)
    assert ctb(tmp_path, "shortages") == 0
    assert capsys.readouterr().out == "no shortages\n"
