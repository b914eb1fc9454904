"""``ctb stock count``, ``ctb stock import`` and ``ctb stock low``: stocktakes, packing lists, minimum stock."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import common, echo_json, finish, options, workspace, writes
from ctb_files.cli.stock import stock_group
from ctb_files.core.text import money, now
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.stock.count import Counted, parse_line_option, plan_count, sheet_counts, unfit_builds
from ctb_files.ops.stock.edits import require_known_location
from ctb_files.ops.stock.sheets import read_sheet
from ctb_files.render.table import number, table
from ctb_files.storage.writeback.stock import write_counts


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
        rows = [
            (r.part, r.bin, r.expected, r.counted, f"{'+' if r.difference > 0 else ''}{number(r.difference)}",
             "" if r.value is None else f"{money(r.value)} {r.price[1] if r.price else ''}")
            for r in plan.rows
        ]  # fmt: skip
        click.echo(table(["part", "bin", "expected", "counted", "difference", "value"], rows, right=(2, 3, 4, 5)))
        for currency, total in sorted(plan.totals().items()):
            click.echo(f"value of the differences: {money(total)} {currency}")
    parts = sorted({r.part for r in plan.rows})
    finish(ws, f"stock count {location}", {"Ctb-Part": parts})
    if opts.format == "json":
        echo_json(plan.to_json())
    elif plan.unfit:
        click.echo(f"re-clear: {unfit_builds(plan)} (reserve more than was counted)", err=True)
