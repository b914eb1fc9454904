"""``ctb stock``: show stock, change it (add, set, move), and its history from git."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.core import paths as layout
from ctb_files.core.ids import valid_id
from ctb_files.core.text import number, parse_quantity
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.stock.log import signed
from ctb_files.render.stock import log_text, stock_text
from ctb_files.storage.stocklog import stock_history
from ctb_files.storage.tree import inventory_root

if TYPE_CHECKING:
    from ctb_files.ops.stock.edits import LineChange
    from ctb_files.storage.workspace import Workspace

# The commands that change stock import what they need when they run: `stock log`
# on a long history must not pay for the editing and write-back machinery.


@cli.group("stock")
def stock_group() -> None:
    """Stock: what is on hand where, what builds reserve, and its history."""


# --- show -----------------------------------------------------------------------------------


@stock_group.command("show")
@click.argument("part", required=False)
@click.option("--location", help="Only this location.")
@common()
def show_cmd(part: str | None, location: str | None) -> None:
    """On hand, reserved (by open builds) and available, per line and per part."""
    from ctb_files.ops.stock.edits import stock_view

    inv = read_inventory()
    view = stock_view(inv, part, location)
    if options().format == "json":
        echo_json(view.to_json())
        return
    if not view.rows:
        click.echo("no stock" + (f" of {part}" if part else "") + (f" at {location}" if location else ""))
        return
    click.echo(stock_text(inv, view))


# --- add, set, move -------------------------------------------------------------------------


def _write(ws: Workspace, change: LineChange) -> None:
    """Put one line change into its stock file: only that line's quantity (and note) change."""
    from ctb_files.storage.writeback.stock import write_line

    created = write_line(
        ws.changes, change.location, change.part, change.bin, change.after, index=change.index, note=change.note
    )
    if created:
        click.echo(f"new location {change.location} ({layout.stock_path(change.location)})", err=True)


def _apply(ws: Workspace, changes: list[LineChange], what: str) -> None:
    from ctb_files.ops.stock.edits import where

    for change in changes:
        _write(ws, change)
    finish(ws, what, {"Ctb-Part": sorted({c.part for c in changes})})
    opts = options()
    if opts.format == "json":
        echo_json({"changes": [c.to_json() for c in changes]})
    elif not opts.dry_run and not opts.quiet:
        for c in changes:
            click.echo(f"{where(c.location, c.bin)}: {c.part} {number(c.before)} → {number(c.after)} ({signed(c.delta)})")


# a change by an amount is planned again on the new files when another command wrote meanwhile
_ATTEMPTS = 20  # each round of a race lets at least one writer through


def _by_amount(plan: Callable[[Workspace], LineChange], what: Callable[[LineChange], str]) -> None:
    """Add or remove an amount: concurrent ``stock add`` commands on one line all count.

    A command whose inventory changed between its read and its write
    (another ctb wrote meanwhile) reads again and plans the same amount on the
    new quantities, up to a few times; the lock keeps the writes in a queue.
    """
    from ctb_files.storage.changes import InventoryChanged

    for attempt in range(_ATTEMPTS):
        ws = workspace()
        change = plan(ws)
        try:
            _apply(ws, [change], what(change))
            return
        except InventoryChanged:
            if attempt == _ATTEMPTS - 1:
                raise


@stock_group.command("add")
@click.argument("part")
@click.argument("quantity")
@click.option("--location", help="Where (default: default_location in ctb.yaml).")
@click.option("--bin", "bin_", help="Bin within the location.")
@click.option("--note", help="Note written on the stock line.")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def add_cmd(part: str, quantity: str, location: str | None, bin_: str | None, note: str | None, new_location: bool) -> None:
    """Add QUANTITY of PART to a stock line (created if missing)."""
    from ctb_files.ops.stock.edits import plan_add, where

    amount = parse_quantity(quantity)
    _by_amount(
        lambda ws: plan_add(ws.inventory, part, amount, location, bin_, note, new_location=new_location),
        lambda change: f"stock add {number(change.delta)} {part} to {where(change.location, change.bin)}",
    )


@stock_group.command("set")
@click.argument("part")
@click.argument("quantity")
@click.option("--location", required=True, help="Where.")
@click.option("--bin", "bin_", help="Bin within the location.")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def set_cmd(part: str, quantity: str, location: str, bin_: str | None, new_location: bool) -> None:
    """Set the on-hand QUANTITY of PART at a location (a stock count)."""
    from ctb_files.ops.stock.edits import plan_set, where

    ws = workspace()
    change = plan_set(ws.inventory, part, parse_quantity(quantity), location, bin_, new_location=new_location)
    _apply(ws, [change], f"stock set {part} at {where(location, change.bin)} to {number(change.after)}")


@stock_group.command("move")
@click.argument("part")
@click.argument("quantity")
@click.option("--from", "source", required=True, help="Source location.")
@click.option("--to", "target", required=True, help="Target location (created if new).")
@click.option("--from-bin", help="Bin at the source.")
@click.option("--to-bin", help="Bin at the target.")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def move_cmd(
    part: str, quantity: str, source: str, target: str, from_bin: str | None, to_bin: str | None, new_location: bool
) -> None:
    """Move QUANTITY of PART between locations; never takes stock that builds reserve."""
    from ctb_files.ops.stock.edits import plan_move, where

    ws = workspace()
    changes = plan_move(
        ws.inventory, part, parse_quantity(quantity), source, target, from_bin, to_bin, new_location=new_location
    )
    amount = number(changes[1].delta)
    _apply(ws, changes, f"stock move {amount} {part} from {where(source, from_bin)} to {where(target, to_bin)}")


@stock_group.command("remove")
@click.argument("part")
@click.argument("quantity")
@click.option("--location", required=True, help="Where.")
@click.option("--bin", "bin_", help="Bin within the location.")
@click.option("--reason", help="Why (scrapped, used for a repair, …); goes into the commit message.")
@common()
@writes
def remove_cmd(part: str, quantity: str, location: str, bin_: str | None, reason: str | None) -> None:
    """Take QUANTITY of PART out of a stock line; never below what open builds reserve on it."""
    from ctb_files.ops.stock.edits import plan_remove, where

    amount = parse_quantity(quantity)
    _by_amount(
        lambda ws: plan_remove(ws.inventory, part, amount, location, bin_),
        lambda change: f"stock remove {number(-change.delta)} {part} from {where(location, change.bin)}"
        + (f": {reason}" if reason else ""),
    )


# --- log ------------------------------------------------------------------------------------


@stock_group.command("log")
@click.argument("part")
@common()
def log_cmd(part: str) -> None:
    """PART's stock history from git: who changed how much where, oldest first.

    Each commit that changed PART's quantity in a stock file gives one line
    per location and bin with a signed delta and the running total.  A merge shows
    only what it changed itself (beyond the commits it merged, listed on
    their own), so the last total is the committed quantity.
    """
    if not valid_id(part):
        raise UsageError(f"{part!r} is not a valid part id")
    # git history only: the working tree is loaded (and a killed write finished) only to tell
    # an unknown part from a part without history
    entries, notes = stock_history(inventory_root(options().repo), part)
    if not entries and part not in workspace().loaded.inventory.parts:
        raise CtbError(f"no part {part!r} (parts/{part}.yaml) and no stock history for it")
    opts = options()
    if not opts.quiet:
        for note in notes:
            click.echo(f"note: {note}", err=True)
    if opts.format == "json":
        echo_json({"part": part, "entries": [e.to_json() for e in entries]})
        return
    if not entries:
        click.echo(f"no stock history for {part}")
        return
    click.echo(log_text(entries))
