"""What a project version costs at a build quantity (``ctb cost``).

The BOM is exploded down to its leaf parts (sub-assemblies are costed by
their children; ``dnp`` rows and excluded lines left out) for a build of N
(:func:`ctb_files.ops.bom.tree.explode` with ``units``), so each leaf row's
need comes from the one row-need function (:mod:`ctb_files.ops.bom.need`:
attrition and setup included), pooled per part and rounded up to whole
pieces for ``pcs``, exactly what clearing reserves; consumable rows are
costed like any other.

Two figures per part, both labelled wherever they are shown:

* **to buy** — exactly what ``order generate`` would buy for that need
  (:func:`ctb_files.ops.orders.plan.choose_offer` with buying up to a cheaper
  break, ``min_order`` and ``multiple``): 5 pieces with breaks 1: 0.12 and
  10: 0.05 cost 0.50 to buy (10 pieces);
* **used** — the need × the unit price of that purchase (0.25 above): the
  cost of the parts that go into the build, the rest staying in stock.

Parts with no part, no vendor part or no price are listed, never guessed.
Money is exact ``Decimal``; totals are kept per currency.

Money is shown to people by :func:`ctb_files.core.text.money` (one rule
for unit prices and totals alike); files and JSON keep the exact values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import currency_of
from ctb_files.core.units import normalize
from ctb_files.errors import CtbError
from ctb_files.ops.bom.need import round_need
from ctb_files.ops.bom.tree import InventoryCatalog, Target, explode, require_target
from ctb_files.ops.orders.plan import ZERO, Offer, choose_offer

NO_PART = "unmatched BOM row"
NO_VENDOR = "no vendor part"
NO_PRICE = "no price"
UNKNOWN = "unknown part"

_UNIT_PLACES = Decimal("0.000001")
_CENT = Decimal("0.01")
_PRICE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class CostLine:
    """One leaf part of the BOM at N units, and how it would be bought."""

    part: str | None
    quantity: Decimal  # needed for N units, in the part's unit
    unit: str
    lines: tuple[int, ...] = ()  # top-level BOM lines it comes from
    offer: Offer | None = None
    reason: str | None = None  # why there is no price

    @property
    def total(self) -> Decimal | None:
        """What buying costs (the whole purchase, as ``order generate`` would buy it)."""
        return None if self.offer is None else self.offer.total

    @property
    def used(self) -> Decimal | None:
        """What the parts used cost: the need × the unit price of the purchase."""
        if self.offer is None or self.offer.unit_price is None:
            return None
        return self.quantity * self.offer.unit_price


@dataclass
class CostSummary:
    quantity: Decimal
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency -> to buy for N units
    used: dict[str, Decimal] = field(default_factory=dict)  # currency -> cost of the parts used
    unpriced: list[CostLine] = field(default_factory=list)

    def unit(self, currency: str) -> Decimal:
        """To buy, per unit: the total divided by N (rounded to 6 places when it does not end)."""
        return _per_unit(self.totals[currency], self.quantity)

    def used_unit(self, currency: str) -> Decimal:
        """Used, per unit: what one built unit consumes."""
        return _per_unit(self.used[currency], self.quantity)


def _per_unit(total: Decimal, n: Decimal) -> Decimal:
    exact = total / n
    if normalize(exact).as_tuple().exponent < -6:  # type: ignore[operator]
        return exact.quantize(_UNIT_PLACES, rounding=ROUND_HALF_UP)
    return exact


def cost_lines(inv: Inventory, project: str, version: str, n: Decimal | int, exclude: Iterable[int] = ()) -> list[CostLine]:
    """Per leaf part of ``project:version`` at ``n`` units: quantity, chosen offer or why none."""
    quantity = Decimal(n)
    if quantity <= ZERO:
        raise CtbError(f"a quantity to cost must be positive, not {n}")
    if project not in inv.projects:
        raise CtbError(f"no project {project!r} (projects/{project}/project.yaml)")
    target = Target(f"{project}:{version}", project=project, version=version)
    require_target(inv, target)
    needs: dict[tuple[str | None, str], tuple[Decimal, set[int]]] = {}
    skip = set(exclude)
    top_line: int | None = None
    skipping = False
    for row in explode(InventoryCatalog(inv), target, units=quantity, packages=inv.packages):
        if row.level == 1:
            top_line = row.line
            skipping = row.line is not None and row.line in skip
        if skipping or row.has_children or row.dnp:
            continue
        key = (row.part, row.part_unit)
        total, lines = needs.get(key, (ZERO, set()))
        needs[key] = (total + row.need, lines | ({top_line} if top_line is not None else set()))
    out: list[CostLine] = []
    for (part_id, unit), (need, lines) in sorted(needs.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1])):
        out.append(price_part(inv, part_id, round_need(need, unit), unit, tuple(sorted(lines))))
    return out


def price_part(inv: Inventory, part_id: str | None, need: Decimal, unit: str, lines: tuple[int, ...] = ()) -> CostLine:
    """What buying ``need`` of one part costs at its best vendor part (as ordering buys it), or why it has no price."""
    if part_id is None:
        return CostLine(None, need, unit, lines, reason=NO_PART)
    part = inv.parts.get(part_id)
    if part is None:
        return CostLine(part_id, need, unit, lines, reason=UNKNOWN)
    if not part.vendor_parts:
        return CostLine(part_id, need, unit, lines, reason=NO_VENDOR)
    offer = choose_offer(inv, part_id, need)  # what ``order generate`` would buy
    if offer is None or offer.unit_price is None:
        return CostLine(part_id, need, unit, lines, offer=offer, reason=NO_PRICE)
    return CostLine(part_id, need, unit, lines, offer=offer)


def summarize(lines: Iterable[CostLine], n: Decimal | int) -> CostSummary:
    """Totals per currency for ``n`` units, and the lines without a price."""
    summary = CostSummary(Decimal(n))
    for line in lines:
        total = line.total
        if line.offer is None or total is None:
            summary.unpriced.append(line)
            continue
        currency = line.offer.currency
        summary.totals[currency] = summary.totals.get(currency, ZERO) + total
        summary.used[currency] = summary.used.get(currency, ZERO) + (line.used or ZERO)
    summary.totals = dict(sorted(summary.totals.items()))
    summary.used = dict(sorted(summary.used.items()))
    return summary


def best_known_price(inv: Inventory, part_id: str) -> tuple[Decimal, str] | None:
    """The lowest unit price any of the part's vendor parts lists, and its currency (the inventory's first).

    What a unit of stock is worth when a count finds more or fewer than expected.
    """
    part = inv.parts.get(part_id)
    if part is None:
        return None
    home = inv.settings.currency
    prices = [
        (currency != home, brk.price, currency)
        for vp in part.vendor_parts
        for currency in [currency_of(inv, vp)]
        for brk in vp.price_breaks
    ]  # fmt: skip
    if not prices:
        return None
    _, price, currency = min(prices)
    return price, currency
