"""A part as text: its fields, vendor parts with price breaks, its assembly BOM, its stock lines."""

from __future__ import annotations

from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import currency_of, money, number
from ctb_files.ops.stock.edits import Totals, stock_view
from ctb_files.render.table import table


def _price_breaks(breaks: list[Any], currency: str) -> str:
    return ", ".join(f"{number(b.quantity)}+ {money(b.price)} {currency}" for b in breaks)


def part_text(inv: Inventory, part_id: str, equivalents: list[str]) -> str:
    """``ctb part show``: the part's fields, vendor parts, bom and stock, then its totals."""
    part = inv.parts[part_id]
    out = [f"{part_id}: {part.name}"]
    for key in ("description", "value", "symbol", "package", "unit", "datasheet", "min_stock", "notes"):
        value = getattr(part, key)
        if value:
            out.append(f"  {key}: {value}")
    if part.tags:
        out.append(f"  tags: {', '.join(part.tags)}")
    if part.placeholder:
        out.append("  placeholder: yes (created by sync; fill it in)")
    out.append(f"  equivalents: {', '.join(equivalents) or '-'}")
    if part.vendor_parts:
        rows: list[tuple[Any, ...]] = [
            (vp.vendor, vp.sku, vp.mpn, vp.manufacturer, vp.min_order, vp.multiple,
             _price_breaks(vp.price_breaks, currency_of(inv, vp)))
            for vp in part.vendor_parts
        ]  # fmt: skip
        out += ["", "vendor parts", table(["vendor", "sku", "mpn", "manufacturer", "min", "multiple", "price breaks"], rows, right=(4, 5))]
    if part.bom:
        rows = [(line.part, line.quantity, line.unit or "", line.order, line.refs) for line in part.bom]
        out += ["", "bom", table(["part", "quantity", "unit", "order", "refs"], rows, right=(1, 3))]
    view = stock_view(inv, part_id)
    if view.rows:
        rows = [(r.location, r.bin, r.on_hand, r.reserved, r.available, "yes" if r.deprioritized else "") for r in view.rows]
        out += ["", "stock", table(["location", "bin", "on hand", "reserved", "available", "deprioritized"], rows, right=(2, 3, 4))]
    totals = view.totals.get(part_id, Totals())
    out.append(
        f"\ntotal: {number(totals.on_hand)} {part.unit} on hand, {number(totals.reserved)} reserved, "
        f"{number(totals.available)} available"
    )
    return "\n".join(out)
