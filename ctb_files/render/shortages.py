"""``ctb shortages`` as text, JSON, CSV and Markdown, and on-order notes for build views.

One row per part: needed, on hand, available, on order (each order with its
``expected`` date), still to buy, and the builds that are short of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from ctb_files.ops.orders.shortages import OnOrder, PartShortage, ShortageReport
from ctb_files.render.table import number, table

HEADERS = ["part", "needed", "on hand", "available", "on order", "to buy", "unit", "orders", "builds"]


def order_note(entry: OnOrder) -> str:
    """``mouser-1 (placed, 10, expected 2026-12-04)``."""
    when = f", expected {entry.expected.isoformat()}" if entry.expected else ""
    return f"{entry.order} ({entry.status}, {number(entry.quantity)}{when})"


def orders_text(entries: Iterable[OnOrder]) -> str:
    return "; ".join(order_note(e) for e in entries)


def _builds_text(row: PartShortage) -> str:
    return ", ".join(f"{bid} ({number(q)})" for bid, q in row.builds.items())


def _cells(row: PartShortage) -> list[str]:
    return [
        row.part, number(row.needed), number(row.on_hand), number(row.available), number(row.on_order),
        number(row.to_buy), row.unit, orders_text(row.orders), _builds_text(row),
    ]  # fmt: skip


def shortages_text(report: ShortageReport) -> str:
    if not report.parts and not report.unmatched:
        return "no shortages"
    out: list[str] = []
    if report.parts:
        out.append(table(HEADERS, [_cells(r) for r in report.parts], right=(1, 2, 3, 4, 5)))
    if report.unmatched:
        out.append("unmatched BOM rows (fix the BOM, nothing to buy):")
        out.extend(f"  {u.build} lines {', '.join(map(str, u.lines)) or '-'}: {number(u.quantity)} ({u.reason})"
                   for u in report.unmatched)  # fmt: skip
    return "\n".join(out)


def shortages_json(report: ShortageReport) -> dict[str, Any]:
    return {
        "parts": [
            {
                "part": r.part, "unit": r.unit, "needed": r.needed, "on_hand": r.on_hand, "available": r.available,
                "on_order": r.on_order, "to_buy": r.to_buy,
                "orders": [{"order": e.order, "status": e.status, "quantity": e.quantity, "expected": e.expected}
                           for e in r.orders],
                "builds": [{"build": b, "quantity": q} for b, q in r.builds.items()],
            }
            for r in report.parts
        ],
        "unmatched": [{"build": u.build, "quantity": u.quantity, "lines": list(u.lines), "reason": u.reason}
                      for u in report.unmatched],
    }  # fmt: skip


def shortages_csv(report: ShortageReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(_cells(r) for r in report.parts)
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def shortages_markdown(report: ShortageReport) -> str:
    lines = ["| " + " | ".join(HEADERS) + " |", "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |"]
    lines += ["| " + " | ".join(_md(c) for c in _cells(r)) + " |" for r in report.parts]
    for u in report.unmatched:
        lines.append(f"\nunmatched: {_md(u.build)} lines {', '.join(map(str, u.lines)) or '-'}: "
                     f"{number(u.quantity)} ({_md(u.reason)})")  # fmt: skip
    return "\n".join(lines)
