"""``min_stock``, ``ctb stock low`` and ``ctb order generate --restock``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/tayda.yaml": "name: Tayda\n",
    "parts/r1.yaml": (
        "name: R1\nmin_stock: 100\nvendor_parts:\n"
        '  - {vendor: tayda, sku: T-R1, min_order: 25, multiple: 25, price_breaks: [{quantity: 1, price: "0.02"}]}\n'
    ),
    "parts/c1.yaml": "name: C1\nmin_stock: 5\n",
    "parts/w.yaml": "name: W\n",
    "stock/shelf.yaml": "lines:\n  - {part: r1, quantity: 80}\n  - {part: c1, quantity: 9}\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 10, part: r1}\n",
    "builds/b1.yaml": (
        "project: p\nversion: v1\nquantity: 3\nstatus: cleared\nreservations:\n  - part: r1\n    quantity: 30\n"
        "    lines: [1]\n    take:\n      - {location: shelf, part: r1, quantity: 30}\n"
    ),
    "orders/tayda-1.yaml": "vendor: tayda\nstatus: placed\nlines:\n  - {part: r1, sku: T-R1, quantity: 20}\n",
}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "inv", WORLD)


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_low_min_100_on_hand_80_reserved_30_on_order_20_says_buy_30(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "stock", "low", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"parts": [
        {"part": "r1", "min_stock": 100, "on_hand": 80, "reserved": 30, "on_order": 20, "available": 70, "buy": 30},
    ]}  # fmt: skip
    assert ctb(inv, "stock", "low") == 0
    assert capsys.readouterr().out == (
        "part  min  on hand  reserved  on order  available  buy\n"
        "----  ---  -------  --------  --------  ---------  ---\n"
        "r1    100       80        30        20         70   30\n"
    )


def test_restock_orders_through_the_vendor_choice_and_is_idempotent(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "order", "generate", "--restock", "-q") == 0
    text = (inv / "orders/tayda-2.yaml").read_text()
    assert '  - {part: r1, sku: T-R1, quantity: 50, unit_price: "0.02", restock: true}\n' in text  # 30 rounded up to 2 × 25
    before = {p: p.read_text() for p in (inv / "orders").iterdir()}
    assert ctb(inv, "order", "generate", "--restock", "-q") == 0
    assert {p: p.read_text() for p in (inv / "orders").iterdir()} == before
    assert ctb(inv, "stock", "low", "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == {"parts": []}
    assert ctb(inv, "check") == 0


def test_without_restock_min_stock_orders_nothing(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "order", "generate") == 0
    assert capsys.readouterr().out == "nothing to order\n"
    assert not (inv / "orders/tayda-2.yaml").exists()
