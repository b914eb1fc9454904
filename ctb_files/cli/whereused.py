"""``ctb part where-used PART``: every assembly and project version using a part."""

from __future__ import annotations

import click

from ctb_files.cli.app import common, echo_json, options, read_inventory
from ctb_files.cli.part import part_group
from ctb_files.core.text import hint
from ctb_files.errors import CtbError
from ctb_files.ops.bom.tree import where_used
from ctb_files.render import bom as report_bom


@part_group.command("where-used")
@click.argument("part")
@common()
def where_used_cmd(part: str) -> None:
    """Walk BOMs upwards: the assemblies and project versions that use PART.

    Each level is indented under the row it uses, with the quantity per one
    parent and how much of PART one parent needs in all.

    \b
    ctb part where-used r-0805-10k
    """
    inv = read_inventory()
    if part not in inv.parts:
        raise CtbError(f"unknown part {part!r}" + hint(part, inv.parts))
    rows = where_used(inv, part)
    if options().format == "json":
        echo_json(report_bom.where_used_doc(part, rows))
    else:
        click.echo(report_bom.where_used_text(part, inv.parts[part].unit, rows))
