"""``ctb can-build``: how many units of a project version could be built now (and the demo's clearing step)."""

from __future__ import annotations

from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, options, workspace
from ctb_files.cli.build import clear_and_write
from ctb_files.errors import CtbError
from ctb_files.ops.allocate import can_build
from ctb_files.report import number
from ctb_files.storage.loader import load_repo
from ctb_files.storage.workspace import Workspace


@cli.command("can-build")
@click.argument("project")
@click.argument("version")
@common()
def can_build_cmd(project: str, version: str) -> None:
    """The largest number of units of PROJECT:VERSION that would clear now.

    Uses the same rules as 'ctb build clear' and respects what open builds
    already hold; also names the parts that would be short at one more unit.
    """
    inv = workspace().inventory
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
    limit = f"; limited by {', '.join(result.limited_by)}" if result.limited_by else ""
    click.echo(f"{project}:{version}: {result.quantity} can be built now{limit}")


def demo_step(demo: Any) -> int:
    """The tour's clearing step (for ``ctb demo``): clear every open build, show what came of it.

    ``demo`` is the tour's shared state (``root``, ``echo``, ``summary``).
    """
    ws = Workspace(demo.root)
    plans = clear_and_write(ws, None)
    ws.changes.apply()  # left uncommitted: `git diff` shows what clearing wrote
    for build_id, plan in plans.items():
        reserved = sum(len(r.take) for r in plan.reservations)
        demo.echo(f"  {build_id}: {plan.status}, {len(plan.reservations)} parts reserved from {reserved} stock lines")
        for s in plan.shortages:
            name = s.part or "(unmatched)"
            demo.echo(f"    short {number(s.quantity)} {name} (BOM lines {', '.join(map(str, s.lines))})")
        for a in plan.assemblies:
            demo.echo(f"    build {number(a.quantity)} × {a.part} from its parts")
        demo.summary.append(("cleared", f"{build_id} {plan.status}: {len(plan.reservations)} reserved, {len(plan.shortages)} short"))
    inv = load_repo(demo.root).inventory
    for project, version in sorted(inv.boms):
        result = can_build(inv, project, version)
        limit = f" (limited by {', '.join(result.limited_by)})" if result.limited_by else ""
        count = "no limit" if result.quantity is None else str(result.quantity)
        demo.echo(f"  can-build {project} {version}: {count}{limit}")
        demo.summary.append(("can-build", f"{project}:{version} {count} more now{limit}"))
    return 0
