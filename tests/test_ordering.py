"""Pure ordering: quantities to buy, price breaks, vendor choice, lines that cover shortages once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.part import PriceBreak, VendorPart
from ctb_files.core.text import money_exact
from ctb_files.errors import CtbError
from ctb_files.ops.orders.plan import (
    allowed_quantity,
    best_offer,
    choose_offer,
    plan_orders,
    receive,
    unit_price_at,
)  # fmt: skip
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree

D = Decimal
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

BASE = {
    "ctb.yaml": "ctb: 1\ndefault_location: shelf\n",
    "vendors/mouser.yaml": "name: Mouser\napi: mouser\n",
    "vendors/tayda.yaml": "name: Tayda\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows: []\n",
}

R1 = """\
name: R1
vendor_parts:
  - vendor: mouser
    sku: 603-R1
    price_breaks:
      - {quantity: 1, price: "0.12"}
      - {quantity: 10, price: "0.05"}
  - vendor: tayda
    sku: T-R1
    price_breaks:
      - {quantity: 1, price: "0.11"}
"""


def short_build(*shortages: str, extra: str = "") -> str:
    rows = "".join(f"  - {s}\n" for s in shortages)
    return f"project: p\nversion: v1\nquantity: 1\n{extra}status: short\nshortages:\n{rows}"


def load(root: Path, files: dict[str, str]) -> Inventory:
    write_tree(root, {**BASE, **files})
    result = load_repo(root)
    assert not result.errors, [d.render() for d in result.errors]
    return result.inventory


def vp(*breaks: tuple[int, str], min_order: int | None = None, multiple: int | None = None) -> VendorPart:
    return VendorPart(
        vendor="v", sku="s", min_order=min_order, multiple=multiple,
        price_breaks=[PriceBreak(quantity=D(q), price=D(p)) for q, p in breaks],
    )  # fmt: skip


# --- one vendor part --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("need", "min_order", "multiple", "expected"),
    [(7, 25, 5, 25), (7, None, None, 7), (7, None, 5, 10), (26, 25, 5, 30), (3, 10, 3, 12), (D("0.5"), None, None, 1)],
)
def test_allowed_quantity_honours_minimum_and_multiple(need: Decimal, min_order: int | None, multiple: int | None, expected: int) -> None:
    assert allowed_quantity(D(need), min_order, multiple) == expected


def test_unit_price_is_the_largest_break_not_above_the_quantity() -> None:
    breaks = vp((1, "0.12"), (10, "0.05"), (100, "0.02")).price_breaks
    assert unit_price_at(breaks, D(9)) == D("0.12")
    assert unit_price_at(breaks, D(10)) == D("0.05")
    assert unit_price_at(breaks, D(250)) == D("0.02")
    assert unit_price_at(vp((10, "0.05")).price_breaks, D(5)) is None


def test_buying_up_to_a_higher_break_when_it_costs_less() -> None:
    offer = best_offer(vp((1, "0.12"), (10, "0.05")), D(5), "USD")
    assert (offer.quantity, offer.unit_price, offer.total) == (10, D("0.05"), D("0.50"))
    # 9 × 0.12 = 1.08 > 10 × 0.05; 3 × 0.12 = 0.36 < 0.50
    assert best_offer(vp((1, "0.12"), (10, "0.05")), D(3), "USD").quantity == 3
    # equal totals: fewer units win (5 × 0.10 = 0.50 = 10 × 0.05)
    assert best_offer(vp((1, "0.10"), (10, "0.05")), D(5), "USD").quantity == 5
    assert best_offer(vp((1, "0.12"), (10, "0.05")), D(5), "USD", buy_up=False).total == D("0.60")


def test_minimum_25_in_fives_with_a_need_of_7_buys_25() -> None:
    offer = best_offer(vp((1, "0.20"), min_order=25, multiple=5), D(7), "USD")
    assert (offer.quantity, offer.total) == (25, D("5.00"))


def test_below_the_first_break_buys_up_to_it_or_has_no_price() -> None:
    offer = best_offer(vp((10, "0.05")), D(4), "USD")
    assert (offer.quantity, offer.unit_price) == (10, D("0.05"))
    bare = best_offer(vp(), D(4), "USD")
    assert (bare.quantity, bare.unit_price, bare.total) == (4, None, None)


def test_the_cheaper_total_wins_across_vendors(tmp_path: Path) -> None:
    inv = load(tmp_path, {"parts/r1.yaml": R1})
    offer = choose_offer(inv, "r1", D(5))
    assert offer is not None
    assert (offer.vendor, offer.sku, offer.quantity, offer.unit_price, offer.total) == ("mouser", "603-R1", 10, D("0.05"), D("0.50"))
    # without buying up, tayda's 5 × 0.11 = 0.55 beats mouser's 5 × 0.12 = 0.60
    assert choose_offer(inv, "r1", D(5), buy_up=False).vendor == "tayda"  # type: ignore[union-attr]


def test_ties_go_to_fewer_units_then_the_vendor_id(tmp_path: Path) -> None:
    part = """\
        name: C1
        vendor_parts:
          - {vendor: tayda, sku: T, price_breaks: [{quantity: 1, price: "0.10"}]}
          - {vendor: mouser, sku: M, price_breaks: [{quantity: 1, price: "0.10"}]}
          - {vendor: mouser, sku: M10, min_order: 10, price_breaks: [{quantity: 10, price: "0.05"}]}
        """
    inv = load(tmp_path, {"parts/c1.yaml": part})
    offer = choose_offer(inv, "c1", D(5))
    assert (offer.vendor, offer.sku, offer.quantity) == ("mouser", "M", 5)  # type: ignore[union-attr]


def test_money_is_exact_with_at_least_two_decimals() -> None:
    assert [money_exact(D(x)) for x in ("0.5", "0.0125", "12", "0.050", "1E+1")] == ["0.50", "0.0125", "12.00", "0.05", "10.00"]


# --- plans ------------------------------------------------------------------------------------


def test_a_shortage_of_5_buys_10_from_the_cheaper_vendor(tmp_path: Path) -> None:
    inv = load(tmp_path, {"parts/r1.yaml": R1, "builds/b1.yaml": short_build("{part: r1, quantity: 5}")})
    plan = plan_orders(inv, None, NOW)
    assert plan.lines == {}
    assert list(plan.created) == ["mouser-1"]
    order = plan.created["mouser-1"]
    assert order["status"] == "open" and order["currency"] == "USD" and order["created_at"] == NOW
    assert order["lines"] == [{"part": "r1", "sku": "603-R1", "quantity": 10, "unit_price": "0.05", "for": {"b1": 5}}]


def test_a_placed_order_already_bringing_10_means_nothing_more_is_ordered(tmp_path: Path) -> None:
    placed = """\
        vendor: tayda
        status: placed
        lines:
          - {part: r1, sku: T-R1, quantity: 10, unit_price: "0.11"}
        """
    inv = load(tmp_path, {"parts/r1.yaml": R1, "builds/b1.yaml": short_build("{part: r1, quantity: 10}"), "orders/tayda-1.yaml": placed})
    plan = plan_orders(inv, None, NOW)
    assert plan.created == {} and plan.lines == {} and plan.no_vendor == []


def test_received_part_of_a_placed_line_no_longer_counts(tmp_path: Path) -> None:
    placed = "vendor: tayda\nstatus: placed\nlines:\n  - {part: r1, sku: T-R1, quantity: 10, received: 6}\n"
    inv = load(tmp_path, {"parts/r1.yaml": R1, "builds/b1.yaml": short_build("{part: r1, quantity: 10}"), "orders/tayda-1.yaml": placed})
    lines = plan_orders(inv, None, NOW).created["mouser-1"]["lines"]
    assert lines == [{"part": "r1", "sku": "603-R1", "quantity": 10, "unit_price": "0.05", "for": {"b1": 6}}]


def test_placed_cover_goes_to_builds_in_priority_due_id_order(tmp_path: Path) -> None:
    placed = "vendor: tayda\nstatus: placed\nlines:\n  - {part: r1, sku: T-R1, quantity: 4}\n"
    inv = load(tmp_path, {
        "parts/r1.yaml": R1,
        "builds/a.yaml": short_build("{part: r1, quantity: 3}", extra="priority: 1\n"),
        "builds/b.yaml": short_build("{part: r1, quantity: 3}", extra="due: 2026-12-01\n"),
        "builds/c.yaml": short_build("{part: r1, quantity: 3}"),
        "orders/tayda-1.yaml": placed,
    })  # fmt: skip
    line = plan_orders(inv, None, NOW).created["mouser-1"]["lines"][0]
    # b (due) and c come before a (priority 1): the 4 on order cover b's 3 and 1 of c
    assert line["for"] == {"c": 2, "a": 3}
    assert list(line["for"]) == ["c", "a"]
    assert line["quantity"] == 10


def test_open_lines_are_recomputed_not_added_to(tmp_path: Path) -> None:
    mine = """\
        vendor: mouser
        status: open
        lines:
          - {part: r1, sku: 603-R1, quantity: 30, unit_price: "0.05", for: {b1: 30}}
          - {part: r1, sku: 603-R1, quantity: 2}
        """
    inv = load(tmp_path, {"parts/r1.yaml": R1, "builds/b1.yaml": short_build("{part: r1, quantity: 12}"), "orders/mouser-3.yaml": mine})
    plan = plan_orders(inv, None, NOW)
    assert plan.created == {}
    # the user's own line (no 'for') brings 2; 10 more at 0.05 cover the rest
    assert plan.lines["mouser-3"] == [
        {"part": "r1", "sku": "603-R1", "quantity": 10, "unit_price": "0.05", "for": {"b1": 10}},
        {"part": "r1", "sku": "603-R1", "quantity": 2},
    ]


def test_a_line_disappears_when_its_shortage_does(tmp_path: Path) -> None:
    mine = "vendor: mouser\nstatus: open\nlines:\n  - {part: r1, sku: 603-R1, quantity: 10, for: {b1: 5}}\n"
    cleared = "project: p\nversion: v1\nquantity: 1\nstatus: cleared\n"
    inv = load(tmp_path, {"parts/r1.yaml": R1, "builds/b1.yaml": cleared, "orders/mouser-1.yaml": mine})
    assert plan_orders(inv, None, NOW).lines == {"mouser-1": []}


def test_naming_builds_updates_only_their_share(tmp_path: Path) -> None:
    mine = "vendor: mouser\nstatus: open\nlines:\n  - {part: r1, sku: 603-R1, quantity: 10, for: {b1: 4, b2: 3}}\n"
    inv = load(tmp_path, {
        "parts/r1.yaml": R1,
        "builds/b1.yaml": short_build("{part: r1, quantity: 6}"),
        "builds/b2.yaml": short_build("{part: r1, quantity: 9}"),
        "orders/mouser-1.yaml": mine,
    })  # fmt: skip
    line = plan_orders(inv, ["b1"], NOW).lines["mouser-1"][0]
    assert line["for"] == {"b1": 6, "b2": 3} and line["quantity"] == 10
    assert plan_orders(inv, None, NOW).lines["mouser-1"][0]["for"] == {"b1": 6, "b2": 9}


def test_parts_without_vendor_parts_and_null_parts_are_listed(tmp_path: Path) -> None:
    build = short_build("{part: knob, quantity: 6, lines: [4]}", "{part: null, quantity: 3, lines: [12], reason: unmatched BOM row}")
    inv = load(tmp_path, {"parts/knob.yaml": "name: Knob\n", "builds/b1.yaml": build})
    plan = plan_orders(inv, None, NOW)
    assert plan.no_vendor == [("knob", 6)]
    assert plan.unorderable == [("b1", 3, [12], "unmatched BOM row")]
    assert plan.created == {}


def test_closed_or_unknown_builds_are_refused_by_name(tmp_path: Path) -> None:
    inv = load(tmp_path, {"builds/done.yaml": "project: p\nversion: v1\nquantity: 1\nstatus: completed\n"})
    with pytest.raises(CtbError, match="no build 'nope'"):
        plan_orders(inv, ["nope"], NOW)
    with pytest.raises(CtbError, match="build done is completed"):
        plan_orders(inv, ["done"], NOW)


def test_receive_fills_lines_in_order_and_refuses_too_much(tmp_path: Path) -> None:
    order = """\
        vendor: mouser
        status: placed
        lines:
          - {part: r1, quantity: 10, received: 2}
          - {part: r1, quantity: 5}
          - {part: c1, quantity: 3}
        """
    inv = load(tmp_path, {"parts/r1.yaml": R1, "parts/c1.yaml": "name: C1\n", "orders/mouser-1.yaml": order})
    got = receive("mouser-1", inv.orders["mouser-1"], {"r1": D(10)})
    assert (got.received, got.stock, got.status) == ({0: 10, 1: 2}, {"r1": 10}, "placed")
    everything = receive("mouser-1", inv.orders["mouser-1"])
    assert (everything.received, everything.stock, everything.status) == ({0: 10, 1: 5, 2: 3}, {"r1": 13, "c1": 3}, "received")
    with pytest.raises(CtbError, match="r1: 14 received but only 13 outstanding"):
        receive("mouser-1", inv.orders["mouser-1"], {"r1": D(14)})
    with pytest.raises(CtbError, match="x is not on order mouser-1"):
        receive("mouser-1", inv.orders["mouser-1"], {"x": D(1)})
