"""``ctb can-build``: how many units of a project version could be built now."""

from __future__ import annotations

import click

from ctb_files.cli.app import cli, common, echo_json, options, read_inventory
from ctb_files.core.targets import project_version
from ctb_files.errors import CtbError
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.render.bom import blocker_rows
from ctb_files.render.table import table


@cli.command("can-build")
@click.argument("project", metavar="PROJECT[:VERSION]")
@click.argument("version", required=False)
@common()
def can_build_cmd(project: str, version: str | None) -> None:
    """The largest number of units of PROJECT:VERSION (or PROJECT VERSION) that would clear now.

    Uses the same rules as 'ctb build clear' and respects what open builds
    already hold; also names the parts that would be short at one more unit.
    """
    project, version = project_version(project, version)
    inv = read_inventory()
    if project not in inv.projects:
        raise CtbError(f"no project {project!r} (projects/{project}/project.yaml)")
    if (project, version) not in inv.boms:
        raise CtbError(f"project {project} has no BOM for version {version!r} (projects/{project}/bom/{version}.yaml)")
    result = can_build(inv, project, version)
    if options().format == "json":
        echo_json({"project": project, "version": version, "quantity": result.quantity, "limited_by": result.limited_by})
        return
    if result.quantity is None:
        click.echo(f"{project}:{version}: no limit (the BOM asks for no stock)")
        return
    blockers = blocker_rows(result.limited_by, inv.boms.get((project, version)))
    if len(blockers) > 5 or any(why != "short" for _, why in blockers):
        click.echo(f"{project}:{version}: {result.quantity} can be built now; limited by {len(blockers)}:")
        click.echo(table(["blocker", "why"], blockers))
        return
    limit = f"; limited by {', '.join(result.limited_by)}" if result.limited_by else ""
    click.echo(f"{project}:{version}: {result.quantity} can be built now{limit}")

