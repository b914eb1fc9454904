"""``ctb stock count``, ``ctb stock import`` and ``ctb stock low``: stocktakes, packing lists, minimum stock."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.cli.stock import stock_group
from ctb_files.errors import CtbError, UsageError

# Each command imports the stocktake machinery when it runs: loading the `stock`
# group for another subcommand (such as `stock log`) must not pay for it.


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CtbError(f"cannot read {path}: {exc.strerror or exc}") from None


@stock_group.command("count")
@click.argument("file", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--location", required=True, help="The location counted.")
@click.option("--line", "line_items", multiple=True, metavar="PART[@BIN]=N", help="A counted line (repeatable).")
@click.option("--complete", is_flag=True, help="Lines of the location that were not counted are empty.")
@click.option("--force", is_flag=True, help="Write the count even when open builds reserve more than was counted.")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def count_cmd(
    file: Path | None, location: str, line_items: tuple[str, ...], complete: bool, force: bool, new_location: bool
) -> None:
    """A stocktake of one location: counted quantities (FILE.csv with part,bin,quantity, or --line) replace on hand."""
    from ctb_files.core.text import now
    from ctb_files.ops.stock.count import Counted, parse_line_option, plan_count, sheet_counts, unfit_builds
    from ctb_files.ops.stock.edits import require_known_location
    from ctb_files.ops.stock.sheets import read_sheet
    from ctb_files.render.stock import count_text
    from ctb_files.storage.writeback.stock import write_counts

    ws = workspace()
    inv = ws.inventory
    require_known_location(inv, location, new_location=new_location)
    counts: list[Counted] = []
    if file is not None:
        counts += sheet_counts(read_sheet(read_file(file), file.name, ("part", "quantity")), file.name)
    counts += [parse_line_option(item) for item in line_items]
    if not counts and not complete:
        raise UsageError("give a CSV file or --line PART[@BIN]=N (or --complete to empty the location)")
    plan = plan_count(inv, location, counts, complete=complete)
    if plan.unfit and not force:
        raise CtbError(
            f"cannot count {location}: {unfit_builds(plan)} reserve more than was counted; "
            "cancel or re-clear first, or give --force"
        )
    changed = [(r.index, r.part, r.bin, r.counted) for r in plan.rows]
    write_counts(ws.changes, location, changed, now().date())
    opts = options()
    if opts.format != "json" and not opts.quiet:
        click.echo(count_text(plan))
    parts = sorted({r.part for r in plan.rows})
    finish(ws, f"stock count {location}", {"Ctb-Part": parts})
    if opts.format == "json":
        echo_json(plan.to_json())
    elif plan.unfit:
        click.echo(f"re-clear: {unfit_builds(plan)} (reserve more than was counted)", err=True)


@stock_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--location", help="Where the stock goes (default: default_location in ctb.yaml).")
@click.option("--skip-unmatched", is_flag=True, help="Import the rows that match; list the others.")
@click.option("--new-location", is_flag=True, help="Create the location when it does not exist yet.")
@common()
@writes
def import_cmd(file: Path, location: str | None, skip_unmatched: bool, new_location: bool) -> None:
    """Add the quantities of a packing list or stock sheet (part / sku / mpn, quantity, bin) to a location."""
    from ctb_files.ops.stock.edits import plan_add, require_known_location
    from ctb_files.ops.stock.intake import match_rows
    from ctb_files.ops.stock.sheets import read_sheet
    from ctb_files.render.stock import changes_table
    from ctb_files.storage.writeback.stock import write_line

    ws = workspace()
    inv = ws.inventory
    where_to = location or inv.settings.default_location
    if where_to is None:
        raise UsageError("give --location (ctb.yaml has no default_location)")
    require_known_location(inv, where_to, new_location=new_location)
    rows = read_sheet(read_file(file), file.name, ("quantity",))
    intake = match_rows(inv, rows, file.name)
    if not intake.matched and not intake.unmatched:
        raise CtbError(f"{file.name}: no rows")
    if intake.unmatched and not skip_unmatched:
        first = "; ".join(f"line {line}: {why}" for line, why in intake.unmatched)
        raise CtbError(f"{file.name}: {len(intake.unmatched)} row(s) match no part, nothing imported ({first}); "
                       "fix them or give --skip-unmatched")  # fmt: skip
    changes = [
        plan_add(inv, part, quantity, where_to, bin_, new_location=True)
        for (part, bin_), quantity in sorted(intake.quantities.items(), key=lambda kv: (kv[0][0], kv[0][1] or ""))
    ]  # fmt: skip
    opts = options()
    if not opts.quiet:
        for line, why in intake.unmatched:
            click.echo(f"{file.name}:{line}: skipped: {why}", err=True)
    if not changes:
        raise CtbError(f"{file.name}: no row matches a part; nothing imported")
    for change in changes:
        write_line(ws.changes, change.location, change.part, change.bin, change.after, index=change.index)
    finish(ws, f"stock import {file.name} to {where_to}", {"Ctb-Part": sorted({c.part for c in changes})})
    if opts.format == "json":
        echo_json({**intake.to_json(), "changes": [c.to_json() for c in changes]})
    elif not opts.dry_run and not opts.quiet:
        click.echo(changes_table(changes))


@stock_group.command("low")
@common()
def low_cmd() -> None:
    """Parts whose available stock (on hand − reserved + on order) is below their min_stock, and how many to buy."""
    from ctb_files.ops.stock.low import low_stock
    from ctb_files.render.stock import low_table

    rows = low_stock(read_inventory())
    if options().format == "json":
        echo_json({"parts": [row.to_json() for row in rows]})
        return
    if not rows:
        click.echo("no part is below its min_stock")
        return
    click.echo(low_table(rows))
