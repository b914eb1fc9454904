"""An order's lines and status must agree.

Codes: CTB504 a line that received more than was ordered, CTB505 (warning)
an order marked ``received`` while some lines are not fully received.
Unknown vendors, parts and builds in orders are in :mod:`.references`.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.checks._support import error, qty, warning
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic


@check("order-lines")
def order_lines(inv: Inventory) -> list[Diagnostic]:
    """``received`` never exceeds ``quantity``; a received order received every line."""
    out: list[Diagnostic] = []
    for order_id in sorted(inv.orders):
        order = inv.orders[order_id]
        path = layout.order_path(order_id)
        open_lines = 0
        for i, line in enumerate(order.lines):
            if line.received > line.quantity:
                message = f"received {qty(line.received)} of {line.part!r}, more than the {qty(line.quantity)} ordered"
                out.append(error(path, "CTB504", message, ("lines", i, "received")))
            elif line.received < line.quantity:
                open_lines += 1
        if order.status == "received" and open_lines:
            what = "1 line is" if open_lines == 1 else f"{open_lines} lines are"
            message = f"status is received but {what} not fully received"
            out.append(warning(path, "CTB505", message, ("status",)))
    return out
