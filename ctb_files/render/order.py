"""An order's lines as a table."""

from __future__ import annotations

from ctb_files.core.models.order import Order
from ctb_files.core.text import money
from ctb_files.render.table import number, table


def order_table(order: Order) -> str:
    """The lines of an order; the ``received`` column only once something was received."""
    show_received = any(line.received for line in order.lines)
    headers = ["part", "sku", "quantity", *(["received"] if show_received else []), "unit price", "line total", "for"]
    rows = []
    for line in order.lines:
        total = line.quantity * line.unit_price if line.unit_price is not None else None
        rows.append((line.part, line.sku, line.quantity, *([line.received] if show_received else []),
                     "" if line.unit_price is None else money(line.unit_price),
                     "" if total is None else money(total),
                     ", ".join(f"{b} {number(q)}" for b, q in line.for_.items())))  # fmt: skip
    money_at = len(headers) - 3
    return table(headers, rows, right=(2, *([3] if show_received else []), money_at, money_at + 1))
