"""``ctb order``: generate order lines from shortages, place, receive, cancel, cart, list, show."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import Order
from ctb_files.core.paths import order_path
from ctb_files.core.text import money, money_exact, now, order_currency, parse_quantity
from ctb_files.core.units import is_whole
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.orders.plan import (
    add_restock,
    cancelled_order_fields,
    order_total,
    place_fields,
    plan_orders,
    receive,
)  # fmt: skip
from ctb_files.ops.stock.edits import require_known_location
from ctb_files.ops.stock.low import low_stock
from ctb_files.render.order import generated_text, order_table, orders_table
from ctb_files.render.table import number, table
from ctb_files.storage.workspace import Workspace
from ctb_files.storage.writeback.order import apply_plan, set_fields, set_received
from ctb_files.storage.writeback.stock import add_to_lines
from ctb_files.storage.yaml import (
    load_fast,
)

MOUSER_CART_HEADER = ("Mouser Part Number", "Quantity")
GENERIC_CART_HEADER = ("sku", "quantity")


def _order(inv: Inventory, order_id: str) -> Order:
    order = inv.orders.get(order_id)
    if order is None:
        raise CtbError(f"no order {order_id!r} (orders/{order_id}.yaml)")
    return order


def order_content(ws: Workspace, order_id: str, rendered: Mapping[str, bytes | None] | None = None) -> dict[str, Any]:
    """The order file as it is after this command (pending changes included), plus its id.

    ``rendered``: ``ws.changes.pending()`` taken once by a caller that shows many orders
    (each call renders every edited file).
    """
    rel = order_path(order_id)
    data = (ws.changes.pending() if rendered is None else rendered).get(rel) or ws.changes.old_bytes(rel) or b"{}"
    return {"id": order_id, **(load_fast(data, rel) or {})}


@cli.group("order")
def order_group() -> None:
    """Vendor orders: lines that cover build shortages, from open to received."""


@order_group.command("generate")
@click.argument("build_ids", nargs=-1)
@click.option("--restock", is_flag=True, help="Also bring parts below their min_stock back to it.")
@common()
@writes
def generate_cmd(build_ids: tuple[str, ...], restock: bool) -> None:
    """Add open order lines covering the shortages of BUILD_IDS (every open build by default).

    Quantities on placed orders (and your own open lines without 'for') not
    yet received count as on order.  Each part goes to the vendor part with
    the lowest total cost for the quantity bought.  Running it again
    changes nothing.
    """
    ws = workspace()
    inv = ws.inventory
    plan = plan_orders(inv, list(build_ids) if build_ids else None, now())
    if restock:
        add_restock(inv, plan, {row.part: row.buy for row in low_stock(inv)}, now())
    apply_plan(ws.changes, plan)
    touched = sorted(set(plan.lines) | set(plan.created))
    rendered = ws.changes.pending()  # once: it renders every edited order file
    changed = [oid for oid in touched if order_path(oid) in rendered]
    parts = sorted({d["part"] for oid in changed for d in plan.lines.get(oid, plan.created.get(oid, {}).get("lines", []))
                    if d.get("for") or d.get("restock")})  # fmt: skip
    finish(ws, "generate orders", {"Ctb-Order": changed, "Ctb-Part": parts}, rendered)
    contents = [order_content(ws, oid, rendered) for oid in touched]
    if options().format == "json":
        echo_json({
            "orders": contents,
            "no_vendor": [{"part": p, "quantity": q} for p, q in plan.no_vendor],
            "unorderable": [{"build": b, "quantity": q, "lines": ln, "reason": r} for b, q, ln, r in plan.unorderable],
        })  # fmt: skip
        return
    if options().quiet:
        return
    click.echo(generated_text(inv, contents, plan))


@order_group.command("place")
@click.argument("order_id")
@click.option("--number", "number_", help="The vendor's order number.")
@click.option("--expected", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Expected delivery date (YYYY-MM-DD), shown with the shortages the order covers.")
@common()
@writes
def place_cmd(order_id: str, number_: str | None, expected: datetime | None) -> None:
    """Mark an open order as placed with the vendor."""
    if number_ is not None and not number_.strip():
        raise UsageError("--number is empty; give the vendor's order number or leave the option out")
    ws = workspace()
    order = _order(ws.inventory, order_id)
    fields = place_fields(order_id, order, number_, now())
    if expected is not None:
        fields["expected"] = expected.date()
    set_fields(ws.changes, order_id, fields)
    finish(ws, f"place order {order_id}", {"Ctb-Order": [order_id]})
    _say(ws, order_id, f"{order_id}: placed" + (f" as {number_}" if number_ else ""))


@order_group.command("cancel")
@click.argument("order_id")
@common()
@writes
def cancel_cmd(order_id: str) -> None:
    """Cancel an open or placed order; received quantities stay in stock."""
    ws = workspace()
    order = _order(ws.inventory, order_id)
    set_fields(ws.changes, order_id, cancelled_order_fields(order_id, order))
    finish(ws, f"cancel order {order_id}", {"Ctb-Order": [order_id]})
    _say(ws, order_id, f"{order_id}: cancelled")


def _say(ws: Workspace, order_id: str, text: str) -> None:
    if options().format == "json":
        echo_json(order_content(ws, order_id))
    elif not options().dry_run and not options().quiet:
        click.echo(text)


def _parse_picks(inv: Inventory, items: tuple[str, ...]) -> dict[str, Decimal] | None:
    if not items:
        return None
    picks: dict[str, Decimal] = {}
    for item in items:
        part_id, sep, text = item.partition("=")
        try:
            quantity = Decimal(text.strip())
        except InvalidOperation:
            quantity = Decimal(-1)
        if not sep or not part_id or not quantity.is_finite() or quantity <= 0:
            raise UsageError(f"--line {item!r}: write PART=QUANTITY with a positive quantity")
        try:
            quantity = parse_quantity(text)
        except UsageError as error:
            raise UsageError(f"--line {item!r}: {error}") from None
        part = inv.parts.get(part_id)
        if part is not None and part.unit == "pcs" and not is_whole(quantity):
            raise CtbError(f"--line {item!r}: {part_id} is counted in pcs; give a whole number")
        picks[part_id] = picks.get(part_id, Decimal(0)) + quantity
    return picks


@order_group.command("receive")
@click.argument("order_id")
@click.option("--location", help="Stock location to put it in (default: default_location in ctb.yaml).")
@click.option("--line", "line_items", multiple=True, metavar="PART=QTY", help="Receive only this much of PART (repeatable).")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def receive_cmd(order_id: str, location: str | None, line_items: tuple[str, ...], new_location: bool) -> None:
    """Record what arrived and add it to stock, in one change.

    Without --line every outstanding quantity is received.  The order is
    'received' once every line is in.
    """
    ws = workspace()
    inv = read_inventory(ws)
    order = _order(inv, order_id)
    where = location or inv.settings.default_location
    if where is None:
        raise UsageError("give --location or set default_location in ctb.yaml")
    require_known_location(inv, where, new_location=new_location)
    receipt = receive(order_id, order, _parse_picks(inv, line_items))
    set_received(ws.changes, order_id, receipt.received)
    fields: dict[str, Any] = {"status": receipt.status}
    if receipt.status == "received":
        fields["received_at"] = now()
    set_fields(ws.changes, order_id, fields)
    changed = add_to_lines(ws.changes, where, receipt.stock)
    finish(ws, f"receive order {order_id}", {"Ctb-Order": [order_id], "Ctb-Part": sorted(receipt.stock)})
    if options().format == "json":
        echo_json({**order_content(ws, order_id),
                   "stock": [{"location": where, "part": p, "before": b, "after": a} for p, b, a in changed]})  # fmt: skip
    elif not options().dry_run and not options().quiet:
        click.echo(f"{order_id}: " + ("received" if receipt.status == "received" else "partly received, still placed"))
        click.echo(table(["location", "part", "before", "after"], [(where, p, b, a) for p, b, a in changed], right=(2, 3)))


@order_group.command("cart")
@click.argument("order_id")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write the CSV here (default: stdout).")
@common()
def cart_cmd(order_id: str, output: Path | None) -> None:
    """The vendor's bulk-upload CSV for an order (Mouser: 'Mouser Part Number,Quantity')."""
    inv = read_inventory()
    order = _order(inv, order_id)
    vendor = inv.vendors.get(order.vendor)
    header = MOUSER_CART_HEADER if vendor is not None and vendor.api == "mouser" else GENERIC_CART_HEADER
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    skipped = []
    rows: list[tuple[str, Decimal]] = []
    for line in order.lines:
        if not line.sku:
            skipped.append(line.part)
            continue
        rows.append((line.sku, line.quantity))
        writer.writerow((line.sku, number(line.quantity)))
    for part_id in skipped:
        click.echo(f"ctb: {order_id}: line for {part_id} has no sku; left out of the cart", err=True)
    if output is None and options().format == "json":
        echo_json({"id": order_id, "header": list(header), "rows": [list(row) for row in rows], "skipped": skipped})
    elif output is None:
        click.echo(buffer.getvalue(), nl=False)
    else:
        try:
            output.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        except OSError as error:
            raise CtbError(f"cannot write {output}: {error.strerror or error}") from None
        if not options().quiet:
            click.echo(f"wrote {output}", err=True)


@order_group.command("list")
@common()
def list_cmd() -> None:
    """Every order: vendor, status, lines, total."""
    inv = read_inventory()
    items = [(oid, inv.orders[oid]) for oid in sorted(inv.orders)]
    if options().format == "json":
        echo_json({"orders": [
            {"id": oid, "vendor": o.vendor, "status": o.status, "number": o.number, "lines": len(o.lines),
             "total": money_exact(order_total(o)), "currency": order_currency(inv, o)} for oid, o in items
        ]})  # fmt: skip
        return
    click.echo(orders_table(inv, items) if items else "no orders")


@order_group.command("show")
@click.argument("order_id")
@common()
def show_cmd(order_id: str) -> None:
    """An order's lines: quantity, received, price, and the builds each line is for."""
    ws = workspace()
    inv = read_inventory(ws)
    order = _order(inv, order_id)
    currency = order_currency(inv, order)
    if options().format == "json":
        echo_json({**order_content(ws, order_id), "total": money_exact(order_total(order)), "currency": currency})
        return
    stamps = [f"{k} {v.isoformat().replace('+00:00', 'Z')}" for k, v in
              (("placed", order.placed_at), ("received", order.received_at)) if v is not None]  # fmt: skip
    head = f"{order_id}: {order.vendor}, {order.status}" + (f", number {order.number}" if order.number else "")
    if order.expected is not None and order.status in ("open", "placed"):
        stamps.append(f"expected {order.expected.isoformat()}")
    click.echo("\n".join([head + ("; " + "; ".join(stamps) if stamps else ""), order_table(order),
                          f"total {currency} {money(order_total(order))}"]))  # fmt: skip
