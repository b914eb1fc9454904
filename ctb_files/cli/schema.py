"""``ctb schema export``: the JSON Schemas of every file kind, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import cli
from ctb_files.core.schema import export_schemas
from ctb_files.storage.init.scaffold import write_schemas


@cli.group("schema")
def schema_group() -> None:
    """JSON Schemas of the file formats, generated from ctb's models."""


@schema_group.command("export")
@click.argument("directory", required=False, default="schemas", type=click.Path(file_okay=False))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if DIRECTORY is not up to date.")
def export_cmd(directory: str, check: bool) -> None:
    """Write <kind>.schema.json for every file kind into DIRECTORY (default: schemas).

    The schemas are draft-07, the dialect editors understand.  Point a file
    at one with a first line such as
    '# yaml-language-server: $schema=../.ctb/schemas/part.schema.json'
    (ctb init writes them to .ctb/schemas/ and every file it writes starts so).
    """
    if not directory:
        raise click.UsageError("DIRECTORY must not be empty (use '.' for the current folder)")
    folder = Path(directory)
    if check:
        stale = [
            name for name, text in export_schemas().items()
            if not (folder / name).is_file() or (folder / name).read_bytes() != text.encode("utf-8")
        ]  # fmt: skip
        for name in stale:
            click.echo(f"out of date: {folder / name}")
        if stale:
            raise click.exceptions.Exit(1)
        click.echo(f"{directory}: up to date", err=True)
        return
    changed = write_schemas(folder)
    for name in changed:
        click.echo(f"wrote {folder / name}")
    if not changed:
        click.echo(f"{directory}: up to date", err=True)
