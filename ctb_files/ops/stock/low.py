"""Minimum stock (``ctb stock low``, ``ctb order generate --restock``): which parts to buy, how many (pure).

A part's available stock here is on hand − what open builds reserve + what
open and placed orders still bring; when that is below the part's
``min_stock``, the difference is what to buy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import normalize
from ctb_files.ops.stock.ledger import ZERO, line_states


@dataclass(frozen=True)
class LowRow:
    part: str
    min_stock: Decimal
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved + self.on_order

    @property
    def buy(self) -> Decimal:
        return max(ZERO, self.min_stock - self.available)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "available": self.available, "buy": self.buy}


def on_order(inv: Inventory) -> dict[str, Decimal]:
    """Per part, what open and placed orders still bring (ordered − received)."""
    out: dict[str, Decimal] = {}
    for order in inv.orders.values():
        if order.status not in ("open", "placed"):
            continue
        for line in order.lines:
            out[line.part] = out.get(line.part, ZERO) + max(ZERO, line.quantity - line.received)
    return out


def low_stock(inv: Inventory) -> list[LowRow]:
    """Parts with a ``min_stock`` whose available stock is below it, by part id."""
    held: dict[str, tuple[Decimal, Decimal]] = {}
    for state in line_states(inv).values():
        on_hand, reserved = held.get(state.key[1], (ZERO, ZERO))
        held[state.key[1]] = (on_hand + state.on_hand, reserved + state.reserved)
    coming = on_order(inv)
    rows: list[LowRow] = []
    for part_id in sorted(inv.parts):
        minimum = inv.parts[part_id].min_stock
        if minimum is None:
            continue
        on_hand, reserved = held.get(part_id, (ZERO, ZERO))
        row = LowRow(part_id, normalize(minimum), on_hand, reserved, coming.get(part_id, ZERO))
        if row.available < row.min_stock:
            rows.append(row)
    return rows
