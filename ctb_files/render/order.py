"""Orders as text: an order's lines, the list of orders, what ``order generate`` wrote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import Order
from ctb_files.core.text import money, order_currency
from ctb_files.ops.orders.plan import OrderPlan, order_total
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


def generated_text(inv: Inventory, contents: Sequence[Mapping[str, Any]], plan: OrderPlan) -> str:
    """``order generate``: each order it wrote with its lines and total; parts it could not order."""
    blocks: list[str] = []
    for content in contents:
        order = Order.model_validate({k: v for k, v in content.items() if k != "id"})
        currency = order_currency(inv, order)
        head = f"{content['id']} ({order.vendor}, {order.status})"
        body = order_table(order) if order.lines else "(no lines)"
        blocks.append(f"{head}\n{body}\ntotal {currency} {money(order_total(order))}")
    if plan.no_vendor:
        blocks.append("no vendor part (add one to the part file):\n" +
                      "\n".join(f"  {p}  {number(q)}" for p, q in plan.no_vendor))  # fmt: skip
    if plan.unorderable:
        blocks.append("cannot be ordered (no part):\n" + "\n".join(
            f"  {b} lines {', '.join(map(str, ln)) or '-'}: {number(q)} ({r})" for b, q, ln, r in plan.unorderable))  # fmt: skip
    return "\n\n".join(blocks) if blocks else "nothing to order"


def orders_table(inv: Inventory, items: Sequence[tuple[str, Order]]) -> str:
    """``order list``: one row per order with its total in its currency."""
    rows = [(oid, o.vendor, o.status, o.number, len(o.lines), money(order_total(o)), order_currency(inv, o)) for oid, o in items]
    return table(["id", "vendor", "status", "number", "lines", "total", "currency"], rows, right=(4, 5))
