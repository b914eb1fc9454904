"""What to buy, from whom, at what price: ``ctb order generate`` (PRODUCT.md 8).

Pure functions over a loaded :class:`Inventory`; the CLI writes the result.

* :func:`allowed_quantity`, :func:`unit_price_at` and :func:`best_offer` read
  one vendor part: the smallest quantity its ``min_order`` and ``multiple``
  allow, the price break that applies, and the cheapest way to buy a need
  (buying up to a higher break when that costs less in total).
* :func:`choose_offer` picks the vendor part of a part: lowest total, then
  fewer units, then vendor id.
* :func:`plan_orders` turns the shortages of open builds into open order
  lines, net of what placed orders (and hand-written open lines) still bring.

Lines ctb writes carry a non-empty ``for`` mapping (build → quantity); they
are recomputed on every run, so running twice changes nothing and shrinking
shortages shrink them.  Open lines without ``for`` are the user's own: they
count as on order and are never changed.  Placed orders never change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any

from ctb_files.core.models.build import Build
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import Order, OrderLine
from ctb_files.core.models.part import PriceBreak, VendorPart
from ctb_files.core.text import currency_of, money_exact
from ctb_files.core.units import normalize
from ctb_files.errors import CtbError

ZERO = Decimal(0)


# --- one vendor part --------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """Buying ``quantity`` units of a part as ``sku`` at ``vendor``."""

    vendor: str
    sku: str
    quantity: Decimal
    unit_price: Decimal | None  # None: the vendor part lists no price for this quantity
    currency: str

    @property
    def total(self) -> Decimal | None:
        return None if self.unit_price is None else self.quantity * self.unit_price


def allowed_quantity(need: Decimal, min_order: int | None = None, multiple: int | None = None) -> Decimal:
    """The smallest quantity ≥ ``need`` and ≥ ``min_order`` that is a whole multiple of ``multiple``."""
    step = Decimal(multiple or 1)
    floor = max(need, Decimal(min_order or 1))
    steps = (floor / step).to_integral_value(rounding=ROUND_CEILING)
    return normalize(steps * step)


def unit_price_at(breaks: Iterable[PriceBreak], quantity: Decimal) -> Decimal | None:
    """The price of the break with the largest quantity ≤ ``quantity`` (None below every break)."""
    reached = [b for b in breaks if b.quantity <= quantity]
    if not reached:
        return None
    return max(reached, key=lambda b: b.quantity).price


def best_offer(vp: VendorPart, need: Decimal, currency: str, *, buy_up: bool = True) -> Offer:
    """The cheapest purchase of at least ``need`` from one vendor part.

    Candidates are the smallest allowed quantity and, with ``buy_up``, each
    higher price break (rounded to what ``min_order``/``multiple`` allow).
    The lowest total wins, then fewer units.  Without a price for any
    candidate the offer is the smallest allowed quantity with no price.
    """
    base = allowed_quantity(need, vp.min_order, vp.multiple)
    candidates = [base]
    if buy_up:
        for brk in vp.price_breaks:
            if brk.quantity > base:
                candidates.append(allowed_quantity(brk.quantity, vp.min_order, vp.multiple))
    priced: list[tuple[Decimal, Decimal, Decimal]] = []
    for quantity in dict.fromkeys(candidates):
        price = unit_price_at(vp.price_breaks, quantity)
        if price is not None:
            priced.append((quantity * price, quantity, price))
    if not priced:
        return Offer(vp.vendor, vp.sku, base, None, currency)
    _, quantity, price = min(priced)
    return Offer(vp.vendor, vp.sku, quantity, price, currency)


def offer_key(offer: Offer, home_currency: str) -> tuple[Any, ...]:
    """Sort key: priced first, the inventory's currency first, lowest total, fewer units, vendor id."""
    total = offer.total
    return (total is None, offer.currency != home_currency, total or ZERO, offer.quantity, offer.vendor, offer.sku)


def choose_offer(inv: Inventory, part_id: str, need: Decimal, *, buy_up: bool = True) -> Offer | None:
    """The best offer for ``need`` units of a part among all its vendor parts (None without any)."""
    part = inv.parts.get(part_id)
    if part is None or not part.vendor_parts:
        return None
    home = inv.settings.currency
    offers = [best_offer(vp, need, currency_of(inv, vp), buy_up=buy_up) for vp in part.vendor_parts]
    return min(offers, key=lambda offer: offer_key(offer, home))


# --- generating order lines -------------------------------------------------------------------


@dataclass
class OrderPlan:
    """Everything ``order generate`` decided; plain data for the order files."""

    lines: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # open order id -> its new lines
    created: dict[str, dict[str, Any]] = field(default_factory=dict)  # new order id -> whole file data
    no_vendor: list[tuple[str, Decimal]] = field(default_factory=list)
    unorderable: list[tuple[str, Decimal, list[int], str]] = field(default_factory=list)  # build, qty, lines, why


def rank(build_id: str, build: Build) -> tuple[int, bool, date, str]:
    """Builds get stock and orders in order of priority, due date (none last), id."""
    return (build.priority, build.due is None, build.due or date.min, build_id)


def _natural(text: str) -> list[Any]:
    return [int(piece) if piece.isdigit() else piece for piece in re.split(r"(\d+)", text)]


def _managed(line: OrderLine) -> bool:
    return bool(line.for_)


def _outstanding(line: OrderLine) -> Decimal:
    return max(ZERO, line.quantity - line.received)


def selected_builds(inv: Inventory, build_ids: Iterable[str] | None) -> list[str]:
    """The builds to order for, checked: every open build when None."""
    if build_ids is None:
        return [bid for bid, build in inv.builds.items() if build.is_open]
    out: list[str] = []
    for build_id in build_ids:
        build = inv.builds.get(build_id)
        if build is None:
            raise CtbError(f"no build {build_id!r} (builds/{build_id}.yaml)")
        if not build.is_open:
            raise CtbError(f"build {build_id} is {build.status}; only open builds have shortages to order")
        out.append(build_id)
    return list(dict.fromkeys(out))


def plan_orders(inv: Inventory, build_ids: Iterable[str] | None = None, now: datetime | None = None) -> OrderPlan:
    """Open order lines covering the shortages of ``build_ids`` (every open build when None).

    Per part: what placed orders and the user's own open lines still bring
    covers builds first, in (priority, due, id) order; the rest of each
    selected build's shortage goes into the ``for`` of one open line at the
    vendor with the best offer.  Naming builds updates only their share of
    each line; other open builds' shares stay as they are.
    """
    selected = set(selected_builds(inv, build_ids))
    explicit = build_ids is not None
    open_builds = sorted((bid for bid, b in inv.builds.items() if b.is_open), key=lambda bid: rank(bid, inv.builds[bid]))
    position = {bid: i for i, bid in enumerate(open_builds)}
    plan = OrderPlan()

    demand: dict[str, dict[str, Decimal]] = {}
    for build_id in open_builds:
        for shortage in inv.builds[build_id].shortages:
            if shortage.part is None:
                if build_id in selected:
                    plan.unorderable.append((build_id, shortage.quantity, list(shortage.lines), shortage.reason or "no part"))
                continue
            per_build = demand.setdefault(shortage.part, {})
            per_build[build_id] = per_build.get(build_id, ZERO) + shortage.quantity

    cover: dict[str, Decimal] = {}
    old_shares: dict[str, dict[str, Decimal]] = {}
    for order in inv.orders.values():
        for line in order.lines:
            if order.status == "placed" or (order.status == "open" and not _managed(line) and not line.restock):
                cover[line.part] = cover.get(line.part, ZERO) + _outstanding(line)
            elif order.status == "open":
                held = old_shares.setdefault(line.part, {})
                for build_id, quantity in line.for_.items():
                    held[build_id] = held.get(build_id, ZERO) + quantity

    wanted: dict[str, dict[str, Decimal]] = {}
    for part_id in sorted(set(demand) | set(old_shares)):
        residual = _after_cover(demand.get(part_id, {}), cover.get(part_id, ZERO), position)
        shares: dict[str, Decimal] = {}
        for build_id, quantity in old_shares.get(part_id, {}).items():
            if explicit and build_id not in selected and build_id in position and quantity > ZERO:
                shares[build_id] = quantity
        for build_id, quantity in residual.items():
            if build_id in selected:
                shares[build_id] = quantity
        if shares:
            wanted[part_id] = {bid: normalize(shares[bid]) for bid in sorted(shares, key=lambda b: position[b])}

    _place_lines(inv, wanted, plan, now)
    return plan


def _after_cover(per_build: Mapping[str, Decimal], cover: Decimal, position: Mapping[str, int]) -> dict[str, Decimal]:
    """Each build's shortage left after ``cover`` serves builds in rank order."""
    out: dict[str, Decimal] = {}
    for build_id in sorted(per_build, key=lambda b: position[b]):
        used = min(cover, per_build[build_id])
        cover -= used
        if per_build[build_id] - used > ZERO:
            out[build_id] = per_build[build_id] - used
    return out


def _place_lines(inv: Inventory, wanted: dict[str, dict[str, Decimal]], plan: OrderPlan, now: datetime | None) -> None:
    open_orders = sorted((oid for oid, o in inv.orders.items() if o.status == "open"), key=_natural)
    # every open order starts from its user lines and the managed lines that stay where they are
    kept: dict[str, list[tuple[str | None, dict[str, Any]]]] = {}
    for order_id in open_orders:
        kept[order_id] = [(line.part if _managed(line) else None, line_data(line)) for line in inv.orders[order_id].lines]
    taken = {oid.lower() for oid in inv.orders} | {oid.lower() for oid in inv.seen.get("order", set())}
    new_for_vendor: dict[str, str] = {}
    placed: dict[str, tuple[str, dict[str, Any]]] = {}
    for part_id, shares in wanted.items():
        need = sum(shares.values(), ZERO)
        offer = choose_offer(inv, part_id, need)
        if offer is None:
            plan.no_vendor.append((part_id, normalize(need)))
            continue
        data: dict[str, Any] = {"part": part_id, "sku": offer.sku, "quantity": offer.quantity}
        if offer.unit_price is not None:
            data["unit_price"] = money_exact(offer.unit_price)
        data["for"] = dict(shares)
        vendor_orders = [oid for oid in open_orders if inv.orders[oid].vendor == offer.vendor]
        holding = [oid for oid in vendor_orders if any(p == part_id for p, _ in kept[oid])]
        if holding:
            target = holding[0]
        elif vendor_orders:
            target = vendor_orders[0]
        else:
            if offer.vendor not in new_for_vendor:
                new_id = _new_order_id(offer.vendor, taken)
                new_for_vendor[offer.vendor] = new_id
                taken.add(new_id.lower())
                plan.created[new_id] = _new_order(offer, now)
            target = new_for_vendor[offer.vendor]
        placed[part_id] = (target, data)
    for order_id in open_orders:
        lines: list[dict[str, Any]] = []
        for kept_part, data in kept[order_id]:
            if kept_part is None:
                lines.append(data)
            elif kept_part in placed and placed[kept_part][0] == order_id:
                lines.append(placed.pop(kept_part)[1])
        lines.extend(data for target, data in placed.values() if target == order_id)
        plan.lines[order_id] = lines
    for order_id, order in plan.created.items():
        order["lines"] = [data for target, data in placed.values() if target == order_id]


def add_restock(inv: Inventory, plan: OrderPlan, wanted: Mapping[str, Decimal], now: datetime | None) -> None:
    """Lines that bring parts back to ``min_stock`` (``wanted``: part -> quantity to buy), marked ``restock``.

    The vendor part is chosen as for shortages; the line goes to an open
    order of that vendor (the one this plan creates, if any), else a new one.
    """
    taken = {oid.lower() for oid in inv.orders} | {oid.lower() for oid in inv.seen.get("order", set())} | {
        oid.lower() for oid in plan.created}
    for part_id in sorted(wanted):
        offer = choose_offer(inv, part_id, wanted[part_id])
        if offer is None:
            plan.no_vendor.append((part_id, normalize(wanted[part_id])))
            continue
        data: dict[str, Any] = {"part": part_id, "sku": offer.sku, "quantity": offer.quantity}
        if offer.unit_price is not None:
            data["unit_price"] = money_exact(offer.unit_price)
        data["restock"] = True
        existing = sorted((oid for oid in plan.lines if inv.orders[oid].vendor == offer.vendor), key=_natural)
        created = [oid for oid, order in plan.created.items() if order["vendor"] == offer.vendor]
        if existing:
            plan.lines[existing[0]].append(data)
        elif created:
            plan.created[created[0]]["lines"].append(data)
        else:
            new_id = _new_order_id(offer.vendor, taken)
            taken.add(new_id.lower())
            plan.created[new_id] = {**_new_order(offer, now), "lines": [data]}


def _new_order_id(vendor: str, taken: set[str]) -> str:
    n = 1
    while True:
        suffix = f"-{n}"
        candidate = vendor[: 80 - len(suffix)] + suffix
        if candidate.lower() not in taken:
            return candidate
        n += 1


def _new_order(offer: Offer, now: datetime | None) -> dict[str, Any]:
    return {
        "vendor": offer.vendor, "status": "open", "number": None, "currency": offer.currency,
        "created_at": now, "placed_at": None, "received_at": None, "lines": [],
    }  # fmt: skip


def line_data(line: OrderLine) -> dict[str, Any]:
    """An order line as written in its file, in house key order."""
    data: dict[str, Any] = {"part": line.part}
    if line.sku is not None:
        data["sku"] = line.sku
    data["quantity"] = normalize(line.quantity)
    if line.unit_price is not None:
        data["unit_price"] = money_exact(line.unit_price)
    if line.received:
        data["received"] = normalize(line.received)
    if line.for_:
        data["for"] = dict(line.for_)
    if line.restock:
        data["restock"] = True
    return data


# --- reading orders ---------------------------------------------------------------------------


def order_total(order: Order) -> Decimal:
    """Σ quantity × unit price over the lines that have a price."""
    return sum((line.quantity * line.unit_price for line in order.lines if line.unit_price is not None), ZERO)


# --- the life cycle: place, receive, cancel ---------------------------------------------------


def place_fields(order_id: str, order: Order, number: str | None, now: datetime) -> dict[str, Any]:
    """The keys ``order place`` sets: open → placed."""
    if order.status != "open":
        raise CtbError(f"order {order_id} is {order.status}; only an open order can be placed")
    if not order.lines:
        raise CtbError(f"order {order_id} has no lines; nothing to place")
    fields: dict[str, Any] = {"status": "placed", "placed_at": now}
    if number is not None:
        fields["number"] = number
    return fields


def cancelled_order_fields(order_id: str, order: Order) -> dict[str, Any]:
    """The keys ``order cancel`` sets; what was received stays received."""
    if order.status not in ("open", "placed"):
        raise CtbError(f"order {order_id} is {order.status}; only an open or placed order can be cancelled")
    return {"status": "cancelled"}


@dataclass
class Receipt:
    """What ``order receive`` changes: each line's new ``received``, stock per part, the status."""

    received: dict[int, Decimal]  # line index -> new received quantity
    stock: dict[str, Decimal]  # part -> quantity to add to stock
    status: str


def receive(order_id: str, order: Order, picks: Mapping[str, Decimal] | None = None) -> Receipt:
    """Receive everything still outstanding (``picks`` None) or ``picks`` part → quantity.

    A part's quantity fills its lines in file order; more than is
    outstanding is refused.
    """
    if order.status == "open":
        raise CtbError(f"order {order_id} is open; place it first (ctb order place {order_id})")
    if order.status != "placed":
        raise CtbError(f"order {order_id} is {order.status}; only a placed order can be received")
    outstanding: dict[str, Decimal] = {}
    for line in order.lines:
        outstanding[line.part] = outstanding.get(line.part, ZERO) + _outstanding(line)
    wanted = dict(outstanding) if picks is None else dict(picks)
    problems: list[str] = []
    for part_id, quantity in wanted.items():
        if part_id not in outstanding:
            problems.append(f"{part_id} is not on order {order_id}")
        elif quantity > outstanding[part_id]:
            problems.append(f"{part_id}: {normalize(quantity)} received but only {normalize(outstanding[part_id])} outstanding")
    if problems:
        raise CtbError("; ".join(problems))
    wanted = {p: q for p, q in wanted.items() if q > ZERO}
    if not wanted:
        raise CtbError(f"order {order_id} has nothing left to receive")
    left = dict(wanted)
    received: dict[int, Decimal] = {}
    for index, line in enumerate(order.lines):
        take = min(left.get(line.part, ZERO), _outstanding(line))
        if take > ZERO:
            received[index] = normalize(line.received + take)
            left[line.part] -= take
    done = all(received.get(i, line.received) >= line.quantity for i, line in enumerate(order.lines))
    return Receipt(received, {p: normalize(q) for p, q in wanted.items()}, "received" if done else "placed")
