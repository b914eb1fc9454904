"""``ctb cost P V [--quantity N]``: what N units of a project version cost.

The lines come from :func:`ctb_files.ops.orders.costing.cost_lines`; the
table, totals and JSON from :mod:`ctb_files.render.cost`, which ``build
show`` and ``bom show --cost`` share.  Text rounds money for reading
(:func:`ctb_files.core.text.money`); JSON gives exact decimal strings.
"""

from __future__ import annotations

import click

from ctb_files.cli.app import cli, common, echo_json, options, read_inventory
from ctb_files.core.targets import project_version
from ctb_files.ops.orders.costing import (
    cost_lines,
)
from ctb_files.render.cost import cost_json, cost_table


@cli.command("cost")
@click.argument("project", metavar="PROJECT[:VERSION]")
@click.argument("version", required=False)
@click.option("--quantity", "-n", type=click.IntRange(min=1), default=1, show_default=True, help="Units to build.")
@common()
def cost_cmd(project: str, version: str | None, quantity: int) -> None:
    """Unit and total cost of QUANTITY units of PROJECT:VERSION (or PROJECT VERSION).

    'to buy' is what 'ctb order generate' would buy for the need (attrition
    and setup included; buying up to a cheaper break, minimum and multiple);
    'used' is the need at the unit price of that purchase.
    """
    project, version = project_version(project, version)
    inv = read_inventory()
    lines = cost_lines(inv, project, version, quantity)
    if options().format == "json":
        echo_json({"project": project, "version": version, "quantity": quantity, **cost_json(lines, quantity)})
        return
    click.echo(f"{project}:{version} × {quantity}")
    click.echo(cost_table(lines, quantity))
