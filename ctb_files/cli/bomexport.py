"""``ctb bom export TARGET [--quantity N] --format csv|xlsx|jlc [-o FILE]``.

Glue: :func:`ctb_files.ops.bom.export.export_rows` computes the rows,
:mod:`ctb_files.render.export` renders them.  The output file is written
whole or not at all (temporary file, then rename).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click

from ctb_files.cli.app import common, options, workspace
from ctb_files.cli.bom import bom_group
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.bom import tree as bomtree
from ctb_files.ops.bom.export import export_rows
from ctb_files.render.export import export_table, jlc_table, to_csv, to_xlsx


def _write(path: Path, data: bytes) -> None:
    """All or nothing: a temporary file in the same folder, then an atomic rename."""
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise CtbError(f"cannot write {path}: {exc.strerror or exc}") from None


@bom_group.command("export")
@click.argument("target")
@click.option("--quantity", "-n", type=click.IntRange(min=1), default=1, show_default=True,
              help="Units to build: quantities include attrition and setup for this many.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@common(("csv", "xlsx", "jlc"))
def export_cmd(target: str, quantity: int, output: Path | None) -> None:
    """A BOM for a contract manufacturer or a buyer: refs, quantity, value,
    footprint, MPN, manufacturer and one SKU column per vendor; DNP rows left out.

    TARGET is PROJECT:VERSION or an assembly's part id.  --format csv (the
    default) has every column; jlc is JLCPCB's Comment,Designator,Footprint,
    LCSC Part #; xlsx is a spreadsheet (needs openpyxl and -o FILE).
    """
    fmt = options().format if options().format in ("xlsx", "jlc") else "csv"
    if fmt == "xlsx" and output is None:
        raise UsageError("--format xlsx writes a file: give -o FILE.xlsx")
    rows = export_rows(workspace().inventory, bomtree.parse_target(target), quantity)
    headers, cells = jlc_table(rows) if fmt == "jlc" else export_table(rows)
    data = to_xlsx(headers, cells) if fmt == "xlsx" else to_csv(headers, cells).encode("utf-8")
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    _write(output, data)
    if not options().quiet:
        click.echo(f"wrote {output}", err=True)
