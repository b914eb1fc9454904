"""Every open build's shortages in one list, and what is already on order for them.

Pure (``ctb shortages``, ``build show``, ``review`` and the ``on_order`` that
clearing writes into build files all read it):

* :func:`on_order_for` — per (build, part), the open or placed order lines
  whose ``for`` names the build: order id, quantity (capped at what the line
  has still to deliver) and the order's ``expected`` date;
* :func:`on_order_by_build` — those summed per build and part, as a build
  file's shortages carry them;
* :func:`shortage_list` — one :class:`PartShortage` per part: needed (Σ of
  the open builds' shortages), on hand and available (on hand − what open
  builds reserve, deprioritized lines left out), on order (everything open
  or placed orders still bring for the part), still to buy, and which builds.

"Still to buy" is needed − on order (never below 0): what ``order generate``
would still add.  Stock that arrives after a build was cleared is not
subtracted: a build stays short until it is cleared again, and then its
shortage (and so this list) shrinks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import OrderLine
from ctb_files.core.units import normalize
from ctb_files.ops.stock.ledger import line_states

ZERO = Decimal(0)
OPEN_ORDER = frozenset({"open", "placed"})


@dataclass(frozen=True)
class OnOrder:
    """Part of an order line on its way: which order, how much, when it is expected."""

    order: str
    status: str
    quantity: Decimal
    expected: date | None = None


@dataclass
class PartShortage:
    """One part that open builds are short of."""

    part: str
    unit: str
    needed: Decimal
    on_hand: Decimal
    available: Decimal
    on_order: Decimal
    orders: list[OnOrder] = field(default_factory=list)
    builds: dict[str, Decimal] = field(default_factory=dict)  # build id -> its shortage

    @property
    def to_buy(self) -> Decimal:
        return normalize(max(ZERO, self.needed - self.on_order))


@dataclass(frozen=True)
class Unmatched:
    """A shortage with no part (an unmatched BOM row): it can only be fixed in the BOM."""

    build: str
    quantity: Decimal
    lines: tuple[int, ...]
    reason: str


@dataclass
class ShortageReport:
    parts: list[PartShortage] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def _outstanding(line: OrderLine) -> Decimal:
    return max(ZERO, line.quantity - line.received)


def on_order_for(inv: Inventory) -> dict[tuple[str, str], list[OnOrder]]:
    """Per (build, part): the open or placed order lines whose ``for`` names the build."""
    out: dict[tuple[str, str], list[OnOrder]] = {}
    for order_id in sorted(inv.orders):
        order = inv.orders[order_id]
        if order.status not in OPEN_ORDER:
            continue
        for line in order.lines:
            left = _outstanding(line)
            for build_id, quantity in line.for_.items():
                share = min(quantity, left)
                if share > ZERO:
                    out.setdefault((build_id, line.part), []).append(
                        OnOrder(order_id, order.status, normalize(share), order.expected)
                    )
    return out


def on_order_by_build(inv: Inventory) -> dict[str, dict[str, Decimal]]:
    """Per build, per part, how much open or placed orders bring for it (what the build file's ``on_order`` says).

    Made in one pass over the orders: ``build clear --all`` asks it for every build.
    """
    out: dict[str, dict[str, Decimal]] = {}
    for (bid, part), entries in on_order_for(inv).items():
        out.setdefault(bid, {})[part] = normalize(sum((e.quantity for e in entries), ZERO))
    return out


def _part_orders(inv: Inventory) -> dict[str, list[OnOrder]]:
    """Per part, every open or placed order line still to deliver (with or without ``for``)."""
    out: dict[str, list[OnOrder]] = {}
    for order_id in sorted(inv.orders):
        order = inv.orders[order_id]
        if order.status not in OPEN_ORDER:
            continue
        for line in order.lines:
            left = _outstanding(line)
            if left > ZERO:
                out.setdefault(line.part, []).append(OnOrder(order_id, order.status, normalize(left), order.expected))
    return out


def _merge(entries: list[OnOrder]) -> list[OnOrder]:
    """One entry per order (an order may have several lines of the part)."""
    merged: dict[str, OnOrder] = {}
    for entry in entries:
        old = merged.get(entry.order)
        merged[entry.order] = entry if old is None else OnOrder(
            entry.order, entry.status, normalize(old.quantity + entry.quantity), entry.expected
        )
    return list(merged.values())


def shortage_list(inv: Inventory, build_ids: Mapping[str, object] | None = None) -> ShortageReport:
    """The open builds' shortages grouped by part (only ``build_ids`` when given), parts by id."""
    report = ShortageReport()
    per_part: dict[str, dict[str, Decimal]] = {}
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        if not build.is_open or (build_ids is not None and build_id not in build_ids):
            continue
        for shortage in build.shortages:
            if shortage.part is None:
                report.unmatched.append(
                    Unmatched(build_id, shortage.quantity, tuple(shortage.lines), shortage.reason or "no part")
                )
                continue
            builds = per_part.setdefault(shortage.part, {})
            builds[build_id] = normalize(builds.get(build_id, ZERO) + shortage.quantity)
    if not per_part:
        return report
    on_hand: dict[str, Decimal] = {}
    available: dict[str, Decimal] = {}
    for state in line_states(inv).values():
        held = state.key[1]
        on_hand[held] = on_hand.get(held, ZERO) + state.on_hand
        if not state.deprioritized:
            available[held] = available.get(held, ZERO) + max(ZERO, state.available)
    orders = _part_orders(inv)
    for part_id in sorted(per_part):
        part = inv.parts.get(part_id)
        entries = _merge(orders.get(part_id, []))
        report.parts.append(PartShortage(
            part=part_id,
            unit=part.unit if part is not None else "pcs",
            needed=normalize(sum(per_part[part_id].values(), ZERO)),
            on_hand=normalize(on_hand.get(part_id, ZERO)),
            available=normalize(available.get(part_id, ZERO)),
            on_order=normalize(sum((e.quantity for e in entries), ZERO)),
            orders=entries,
            builds=per_part[part_id],
        ))  # fmt: skip
    return report
