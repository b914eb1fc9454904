"""Stock as text: per line and per part (``stock show``), and a part's history (``stock log``)."""

from __future__ import annotations

from collections.abc import Sequence

from ctb_files.core.models.inventory import Inventory
from ctb_files.ops.stock.edits import StockView
from ctb_files.ops.stock.log import StockLogEntry, signed
from ctb_files.render.table import table


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
