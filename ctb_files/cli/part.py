"""``ctb part``: browse parts (``list``, ``show``); other modules add commands to ``part_group``."""

from __future__ import annotations

from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, options, read_inventory
from ctb_files.core.models.inventory import Inventory
from ctb_files.ops.stock.edits import (
    Totals,
    equivalents_of,
    part_rows,
    require_part,
    stock_view,
)
from ctb_files.render.part import part_text
from ctb_files.render.table import table


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
    click.echo(part_text(inv, part_id, doc["equivalents"]))
