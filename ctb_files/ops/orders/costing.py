"""What a project version costs at a build quantity (``ctb cost``).

The BOM is exploded down to its leaf parts (sub-assemblies are costed by
their children; ``dnp`` rows and excluded lines left out) and each leaf's
quantity is multiplied by the build quantity N.  Each part is priced at the
break that quantity reaches, after rounding it up to the vendor part's
``min_order`` and ``multiple`` (you pay for what you must buy); the cheapest
vendor part wins, ties going to fewer units, then the vendor id.  Parts with
no part, no vendor part or no price are listed, never guessed.  Money is
exact ``Decimal``; totals are kept per currency.

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
        return None if self.offer is None else self.offer.total


@dataclass
class CostSummary:
    quantity: Decimal
    totals: dict[str, Decimal] = field(default_factory=dict)  # currency -> total for N units
    unpriced: list[CostLine] = field(default_factory=list)

    def unit(self, currency: str) -> Decimal:
        """Cost of one unit: the total divided by N (rounded to 6 places when it does not end)."""
        exact = self.totals[currency] / self.quantity
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
    for row in explode(InventoryCatalog(inv), target):
        if row.level == 1:
            top_line = row.line
            skipping = row.line is not None and row.line in skip
        if skipping or row.has_children or row.dnp:
            continue
        key = (row.part, row.part_unit)
        total, lines = needs.get(key, (ZERO, set()))
        needs[key] = (total + row.need * quantity, lines | ({top_line} if top_line is not None else set()))
    out: list[CostLine] = []
    for (part_id, unit), (need, lines) in sorted(needs.items(), key=lambda kv: (kv[0][0] is None, kv[0][0] or "", kv[0][1])):
        out.append(price_part(inv, part_id, normalize(need), unit, tuple(sorted(lines))))
    return out


def price_part(inv: Inventory, part_id: str | None, need: Decimal, unit: str, lines: tuple[int, ...] = ()) -> CostLine:
    """What ``need`` of one part costs at its cheapest vendor part (no buying up), or why it has no price."""
    if part_id is None:
        return CostLine(None, need, unit, lines, reason=NO_PART)
    part = inv.parts.get(part_id)
    if part is None:
        return CostLine(part_id, need, unit, lines, reason=UNKNOWN)
    if not part.vendor_parts:
        return CostLine(part_id, need, unit, lines, reason=NO_VENDOR)
    offer = choose_offer(inv, part_id, need, buy_up=False)
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
    summary.totals = dict(sorted(summary.totals.items()))
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
