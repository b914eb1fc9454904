"""``ctb shortages``: every open build's shortages in one list, grouped by part."""

from __future__ import annotations

import click

from ctb_files.cli.app import cli, common, echo_json, options, workspace
from ctb_files.ops.orders.shortages import shortage_list
from ctb_files.render.shortages import shortages_csv, shortages_json, shortages_markdown, shortages_text


@cli.command("shortages")
@common(("text", "json", "csv", "md", "markdown"))
def shortages_cmd() -> None:
    """What all open builds are short of, per part: needed, on hand, available,
    on order (order ids and expected dates), still to buy, and which builds.

    'to buy' is needed minus what open or placed orders still bring.
    """
    report = shortage_list(workspace().inventory)
    fmt = options().format
    if fmt == "json":
        echo_json(shortages_json(report))
    elif fmt == "csv":
        click.echo(shortages_csv(report), nl=False)
    elif fmt in ("md", "markdown"):
        click.echo(shortages_markdown(report))
    else:
        click.echo(shortages_text(report))
