"""What a project version costs, as a table, totals lines and JSON (money through core.text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ctb_files.core.text import money, money_exact
from ctb_files.ops.orders.costing import (
    CostLine,
    CostSummary,
    summarize,
)
from ctb_files.render.table import number, table


def _part(line: CostLine) -> str:
    if line.part is not None:
        return line.part
    return "(line " + ", ".join(map(str, line.lines)) + ")" if line.lines else "(none)"


def cost_table(lines: list[CostLine], n: Decimal | int) -> str:
    """Text: one row per part, then totals per currency and the parts without a price."""
    summary = summarize(lines, n)
    rows = []
    for line in lines:
        offer = line.offer
        priced = offer is not None and offer.unit_price is not None
        rows.append((
            _part(line), line.quantity, line.unit if line.unit != "pcs" else "",
            offer.vendor if offer else "", offer.sku if offer else "",
            offer.quantity if priced and offer else None,
            money(offer.unit_price) if priced and offer and offer.unit_price is not None else "",
            money(line.total) if line.total is not None else "",
            money(line.used) if line.used is not None else "",
            offer.currency if priced and offer else line.reason or "",
        ))  # fmt: skip
    headers = ["part", "need", "unit", "vendor", "sku", "buy", "unit price", "to buy", "used", "currency"]
    out = [table(headers, rows, right=(1, 5, 6, 7, 8))]
    out.extend(_totals(summary))
    return "\n".join(out)


def cost_totals(lines: list[CostLine], n: Decimal | int) -> list[str]:
    """Text: the total and unit cost per currency, then the parts without a price (no per-part table)."""
    return _totals(summarize(lines, n))


def _totals(summary: CostSummary) -> list[str]:
    out = []
    for currency, total in summary.totals.items():
        out.append(f"to buy {currency} {money(total)} for {number(summary.quantity)}; "
                   f"unit {currency} {money(summary.unit(currency))}")  # fmt: skip
        used = summary.used.get(currency, total)
        out.append(f"used {currency} {money(used)} for {number(summary.quantity)}; "
                   f"unit {currency} {money(summary.used_unit(currency))}")  # fmt: skip
    if not summary.totals:
        out.append("no prices listed")
    if summary.unpriced:
        out.append("no price: " + ", ".join(f"{_part(line)} ({line.reason})" for line in summary.unpriced))
    return out


def cost_json(lines: list[CostLine], n: Decimal | int) -> dict[str, Any]:
    """JSON: ``lines``, ``totals`` {currency: {"total", "unit"}} (money as strings), ``unpriced``."""
    summary = summarize(lines, n)
    return {
        "lines": [
            {
                "part": line.part, "quantity": line.quantity, "unit": line.unit, "lines": list(line.lines),
                "vendor": line.offer.vendor if line.offer else None, "sku": line.offer.sku if line.offer else None,
                "buy": line.offer.quantity if line.offer and line.total is not None else None,
                "unit_price": money_exact(line.offer.unit_price) if line.offer and line.offer.unit_price is not None else None,
                "total": money_exact(line.total) if line.total is not None else None,
                "used": money_exact(line.used) if line.used is not None else None,
                "currency": line.offer.currency if line.offer and line.total is not None else None,
                "reason": line.reason,
            }
            for line in lines
        ],
        "totals": {
            c: {"total": money_exact(t), "unit": money_exact(summary.unit(c)),
                "used": money_exact(summary.used[c]), "used_unit": money_exact(summary.used_unit(c))}
            for c, t in summary.totals.items()
        },
        "unpriced": [{"part": line.part, "lines": list(line.lines), "reason": line.reason} for line in summary.unpriced],
    }  # fmt: skip
