"""``ctb part``: browse parts (``list``, ``show``); other modules add commands to ``part_group``."""

from __future__ import annotations

from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, options, read_inventory
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import currency_of, money
from ctb_files.ops.stock.edits import (
    Totals,
    equivalents_of,
    part_rows,
    require_part,
    stock_view,
)
from ctb_files.render.table import number, table


@cli.group("part")
def part_group() -> None:
    """Parts: list them, show one, find where they are used."""


@part_group.command("list")
@click.option("--tag", help="Only parts with this tag.")
@click.option("--search", help="Only parts whose id, name, value, description, MPN or SKU contains this.")
@common()
def list_cmd(tag: str | None, search: str | None) -> None:
    """Every part with its stock: on hand and available (not reserved by open builds)."""
    rows = part_rows(read_inventory(), tag, search)
    if options().format == "json":
        echo_json({"parts": [row.to_json() for row in rows]})
        return
    if not rows:
        click.echo("no parts" + (f" tagged {tag}" if tag else "") + (f" matching {search!r}" if search else ""))
        return
    cells = [(r.id, r.name, r.value, r.package, r.unit, r.on_hand, r.available) for r in rows]
    click.echo(table(["id", "name", "value", "package", "unit", "on hand", "available"], cells, right=(5, 6)))


def part_document(inv: Inventory, part_id: str) -> dict[str, Any]:
    """``ctb part show --format json``: the part file's fields, its stock and its equivalents."""
    part = require_part(inv, part_id)
    view = stock_view(inv, part_id)
    fields = part.model_dump(mode="json", by_alias=True)
    fields["equivalents"] = equivalents_of(inv, part_id)
    return {
        "id": part_id,
        **fields,
        "stock": [row.to_json() for row in view.rows],
        "totals": view.totals.get(part_id, Totals()).to_json(),
    }


def _price_breaks(breaks: list[Any], currency: str) -> str:
    return ", ".join(f"{number(b.quantity)}+ {money(b.price)} {currency}" for b in breaks)


@part_group.command("show")
@click.argument("part_id", metavar="ID")
@common()
def show_cmd(part_id: str) -> None:
    """One part: its fields, vendor parts with price breaks, stock lines and equivalents."""
    inv = read_inventory()
    doc = part_document(inv, part_id)
    if options().format == "json":
        echo_json(doc)
        return
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
    out.append(f"  equivalents: {', '.join(doc['equivalents']) or '-'}")
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
    click.echo("\n".join(out))
