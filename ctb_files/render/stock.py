"""Stock as text: per line and per part (``stock show``), and a part's history (``stock log``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ctb_files.core.text import money, number
from ctb_files.ops.stock.log import signed
from ctb_files.render.table import table

if TYPE_CHECKING:  # only named in annotations: `stock log` need not import the stocktake machinery
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.ops.stock.count import CountPlan
    from ctb_files.ops.stock.edits import LineChange, StockView
    from ctb_files.ops.stock.log import StockLogEntry
    from ctb_files.ops.stock.low import LowRow


def stock_text(inv: Inventory, view: StockView) -> str:
    """The lines (on hand, reserved, available) and the totals per part."""
    rows = [
        (r.location, r.bin, r.part, r.on_hand, r.reserved, r.available, "yes" if r.deprioritized else "")
        for r in view.rows
    ]  # fmt: skip
    lines = table(["location", "bin", "part", "on hand", "reserved", "available", "deprioritized"], rows, right=(3, 4, 5))
    totals = [(p, inv.parts[p].unit if p in inv.parts else "", t.on_hand, t.reserved, t.available) for p, t in view.totals.items()]
    return lines + "\n\ntotals\n" + table(["part", "unit", "on hand", "reserved", "available"], totals, right=(2, 3, 4))


def log_text(entries: Sequence[StockLogEntry]) -> str:
    """One row per change: date, author, commit, location, bin, signed delta, running total, message."""
    rows = [
        (e.date.strftime("%Y-%m-%d %H:%M"), e.author, e.commit[:7], e.location, e.bin or "", signed(e.delta), e.total,
         e.message)
        for e in entries
    ]  # fmt: skip
    return table(["date", "author", "commit", "location", "bin", "delta", "total", "message"], rows, right=(5, 6))


def count_text(plan: CountPlan) -> str:
    """``stock count``: expected, counted and the difference per line, with its value; then the totals."""
    rows = [
        (r.part, r.bin, r.expected, r.counted, f"{'+' if r.difference > 0 else ''}{number(r.difference)}",
         "" if r.value is None else f"{money(r.value)} {r.price[1] if r.price else ''}")
        for r in plan.rows
    ]  # fmt: skip
    out = [table(["part", "bin", "expected", "counted", "difference", "value"], rows, right=(2, 3, 4, 5))]
    out += [f"value of the differences: {money(total)} {currency}" for currency, total in sorted(plan.totals().items())]
    return "\n".join(out)


def changes_table(changes: Sequence[LineChange]) -> str:
    """Stock lines before and after a change, with the signed delta."""
    return table(
        ["part", "bin", "before", "after", "delta"],
        [(c.part, c.bin, c.before, c.after, signed(c.delta)) for c in changes],
        right=(2, 3, 4),
    )


def low_table(rows: Sequence[LowRow]) -> str:
    """``stock low``: parts below their min_stock and how many to buy."""
    cells = [(r.part, r.min_stock, r.on_hand, r.reserved, r.on_order, r.available, r.buy) for r in rows]
    return table(["part", "min", "on hand", "reserved", "on order", "available", "buy"], cells, right=(1, 2, 3, 4, 5, 6))
