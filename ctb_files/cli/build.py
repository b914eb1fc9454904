"""``ctb build``: create, cancel, complete, show, list and pick builds (clear: cli/buildclear.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import click

from ctb_files.cli.app import common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.cli.buildgroup import build_group
from ctb_files.core.models.build import Build
from ctb_files.core.models.common import LIMIT, valid_id
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.paths import build_path
from ctb_files.core.targets import project_version, split_project
from ctb_files.core.text import now
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.builds.allocate import Plan
from ctb_files.ops.builds.clearing import Consulted, clear_builds, clear_each, require_build
from ctb_files.ops.builds.fields import (
    cancelled_build_fields,
    cleared_fields,
    complete_fields,
    new_build_data,
    pick_list,
    product_of,
    stock_after_complete,
)  # fmt: skip
from ctb_files.ops.orders.costing import CostLine, cost_lines
from ctb_files.ops.orders.shortages import on_order_by_build, on_order_for
from ctb_files.ops.stock.edits import require_known_location
from ctb_files.render.build import build_json, show_text
from ctb_files.render.cost import cost_json, cost_totals
from ctb_files.render.progress import progress
from ctb_files.render.table import number, table
from ctb_files.storage.loader import bulk
from ctb_files.storage.workspace import Workspace
from ctb_files.storage.writeback.build import new_build, write_build
from ctb_files.storage.writeback.stock import add_to_lines, set_quantities


def clear_and_write(ws: Workspace, build_ids: list[str] | None) -> dict[str, Plan]:
    """Clear the named builds (every open build when None) and stage the files that change; every plan."""
    return dict(clear_and_write_each(ws, build_ids))


def clear_and_write_each(
    ws: Workspace, build_ids: list[str] | None, consulted: Consulted | None = None
) -> Iterator[tuple[str, Plan]]:
    """:func:`clear_and_write` one build at a time: each plan comes once its file is staged.

    A caller that keeps only what it prints of a plan holds one build's
    reservations at a time (at 2,000 builds of 250 rows, every plan at
    once is hundreds of MiB).  ``consulted``: filled with what the plans
    read of the stock, once the last plan is made.
    """
    inv = ws.inventory
    moment = now()
    coming = on_order_by_build(inv)  # once: one pass over every order, not one per build
    # the plans, the written-back data and the new texts all live until the files are written
    with bulk(keep=True):
        if build_ids is None:
            planned: Iterable[tuple[str, Plan]] = clear_each(inv, consulted)
            count = sum(1 for b in inv.builds.values() if b.is_open)
        else:
            planned = clear_builds(inv, build_ids, consulted).items()
            count = len(build_ids)
        with progress("clearing builds", count) as step:
            for build_id, plan in planned:
                fields = cleared_fields(inv.builds[build_id], plan, moment, coming.get(build_id, {}))
                if fields is not None:  # unchanged builds are not even re-rendered
                    write_build(ws.changes, build_id, fields)
                step()
                yield build_id, plan


@build_group.command("new")
@click.argument("project", metavar="PROJECT[:VERSION]")
@click.argument("version", required=False)
@click.argument("quantity_text", metavar="QUANTITY", required=False)
@click.option("--id", "build_id", help="Build id (default: <project>-<version>-<n>, the next free n).")
@click.option("--priority", type=int, default=0, show_default=True, help="Lower clears first with --all.")
@click.option("--due", type=click.DateTime(formats=["%Y-%m-%d"]), help="Due date (YYYY-MM-DD).")
@click.option("--exclude", type=int, multiple=True, help="BOM line number left out (repeatable).")
@click.option("--fallback", multiple=True, metavar="PART=OTHER", help="If short of PART, also draw on OTHER.")
@common()
@writes
def new_cmd(project: str, version: str | None, quantity_text: str | None, build_id: str | None, priority: int,
            due: datetime | None, exclude: tuple[int, ...], fallback: tuple[str, ...]) -> None:  # fmt: skip
    """Create a draft build of QUANTITY units of PROJECT:VERSION (or PROJECT VERSION QUANTITY)."""
    if split_project(project)[1] is not None:  # P:V QTY
        if quantity_text is not None:
            raise UsageError(f"one too many arguments: ctb build new {project} QUANTITY")
        version, quantity_text = None, version
    project, version = project_version(project, version)
    if quantity_text is None:
        raise UsageError(f"how many? ctb build new {project}:{version} QUANTITY")
    quantity: int = click.IntRange(min=1, max=LIMIT - 1)(quantity_text)
    ws = workspace()
    inv = ws.inventory
    if project not in inv.projects:
        raise CtbError(f"no project {project!r} (projects/{project}/project.yaml)")
    if (project, version) not in inv.boms:
        if version not in {v.name for v in inv.projects[project].versions}:
            raise CtbError(f"project {project} has no version {version!r}")
        raise CtbError(f"project {project} has no BOM for version {version} (projects/{project}/bom/{version}.yaml); "
                       f"write it or run 'ctb project sync {project} --version {version}' first")  # fmt: skip
    fallbacks: dict[str, str] = {}
    for item in fallback:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"--fallback {item!r}: write PART=OTHER")
        if key == value:
            raise UsageError(f"--fallback {item!r}: a part cannot be its own fallback")
        if key in fallbacks:
            raise UsageError(f"--fallback {item!r}: {key} already falls back to {fallbacks[key]}")
        for part in (key, value):
            if part not in inv.parts:
                raise CtbError(f"no part {part!r} (parts/{part}.yaml)")
        fallbacks[key] = value
    known_lines = {row.line for row in inv.boms[(project, version)].rows}
    for line in exclude:
        if line not in known_lines:
            raise CtbError(f"{project}:{version} has no BOM line {line} to exclude")
    taken = set(inv.builds) | inv.seen.get("build", set())
    if build_id is None:
        n = 1
        while f"{project}-{version}-{n}" in taken:
            n += 1
        build_id = f"{project}-{version}-{n}"
    elif not valid_id(build_id):
        raise CtbError(f"{build_id!r} is not a valid id (letters, digits, . _ + -, max 80)")
    elif build_id in taken or build_id.lower() in {t.lower() for t in taken}:
        raise CtbError(f"build {build_id} already exists")
    data = new_build_data(
        project, version, Decimal(quantity), priority=priority, due=due.date() if due else None,
        exclude=exclude, fallbacks=fallbacks, now=now(),
    )  # fmt: skip
    new_build(ws.changes, build_id, data)
    finish(ws, f"new build {build_id}", {"Ctb-Build": [build_id]})
    if options().format == "json":
        echo_json({"id": build_id, "path": build_path(build_id)})
    elif not options().dry_run:
        click.echo(f"created build {build_id}: {quantity} × {project}:{version}")


@build_group.command("cancel")
@click.argument("build_id")
@common()
@writes
def cancel_cmd(build_id: str) -> None:
    """Release everything a build holds and put it back to draft."""
    ws = workspace()
    build = require_build(ws.inventory, build_id)
    if not build.is_open:
        raise CtbError(f"build {build_id} is {build.status}; a completed build never changes")
    idle = build.status == "draft" and not (build.reservations or build.shortages or build.assemblies)
    if not idle:  # a draft that holds nothing has nothing to cancel: its file is left as it is
        write_build(ws.changes, build_id, cancelled_build_fields(build))
    finish(ws, f"cancel build {build_id}", {"Ctb-Build": [build_id]})
    if options().format == "json":
        echo_json({"builds": [{"id": build_id, "status": "draft", "reservations": [], "shortages": [], "assemblies": []}]})
    elif not options().dry_run and not options().quiet:
        click.echo(f"{build_id}: " + ("already a draft; it holds nothing" if idle else "cancelled; back to draft, nothing reserved"))


@build_group.command("complete")
@click.argument("build_id")
@click.option("--into", help="Where the built units go (default: default_location in ctb.yaml).")
@click.option("--new-location", is_flag=True, help="Create that location when it does not exist yet.")
@common()
@writes
def complete_cmd(build_id: str, into: str | None, new_location: bool) -> None:
    """Take a cleared build's reservations out of stock, add the built units to the project's part, mark it completed."""
    ws = workspace()
    inv = ws.inventory
    build = require_build(inv, build_id)
    new_stock = stock_after_complete(inv, build_id, build)
    product = product_of(inv, build_id, build)
    target = into or inv.settings.default_location
    if product is not None:
        if target is None:
            raise UsageError(f"give --into: {build_id} makes {product} and ctb.yaml has no default_location")
        require_known_location(inv, target, new_location=new_location)
    changed = [
        (location, part, before, after)
        for location, quantities in sorted(new_stock.items())
        for part, before, after in set_quantities(ws.changes, location, quantities)
    ]
    if product is not None and target is not None:
        built = add_to_lines(ws.changes, target, {product: Decimal(build.quantity)})
        changed += [(target, part, before, after) for part, before, after in built]
    write_build(ws.changes, build_id, complete_fields(build, now()))
    parts = sorted({take.part for r in build.reservations for take in r.take} | ({product} if product else set()))
    finish(ws, f"complete build {build_id}", {"Ctb-Build": [build_id], "Ctb-Part": parts})
    if options().format == "json":
        echo_json({"id": build_id, "status": "completed",
                   "stock": [{"location": loc, "part": p, "before": b, "after": a} for loc, p, b, a in changed]})  # fmt: skip
    elif not options().dry_run and not options().quiet:
        click.echo(f"{build_id}: completed")
        rows = [(loc, p, b, a) for loc, p, b, a in changed]
        click.echo(table(["location", "part", "before", "after"], rows, right=(2, 3)))


@build_group.command("show")
@click.argument("build_id", required=False)
@common()
def show_cmd(build_id: str | None) -> None:
    """Show a build's reservations (with where they come from), shortages and assemblies."""
    inv = read_inventory()
    ids = [build_id] if build_id else sorted(inv.builds)
    builds = [(bid, require_build(inv, bid)) for bid in ids]
    if options().format == "json":
        echo_json({"builds": [{**build_json(bid, b.status, b), "cost": _cost_json(inv, b)} for bid, b in builds]})
        return
    coming = on_order_for(inv)
    click.echo("\n\n".join(show_text(bid, b, inv, coming) + _cost_text(inv, b) for bid, b in builds) if builds else "no builds")


def _costs(inv: Inventory, build: Build) -> list[CostLine] | str:
    """The build's cost lines, or why it cannot be costed (its BOM is missing, say)."""
    try:
        return cost_lines(inv, build.project, build.version, build.quantity, exclude=build.exclude)
    except CtbError as exc:
        return str(exc)


def _cost_json(inv: Inventory, build: Build) -> dict[str, Any]:
    lines = _costs(inv, build)
    if isinstance(lines, str):
        return {"lines": [], "totals": {}, "unpriced": [], "error": lines}
    return cost_json(lines, build.quantity)


def _cost_text(inv: Inventory, build: Build) -> str:
    """Short cost section: totals at the build quantity and the parts without a price."""
    lines = _costs(inv, build)
    n = number(build.quantity)
    if isinstance(lines, str):
        return f"\n\ncost\nnot available: {lines}"
    head = f"cost ('ctb cost {build.project} {build.version} -n {n}' lists each part)"
    return "\n\n" + "\n".join([head, *cost_totals(lines, build.quantity)])


@build_group.command("list")
@common()
def list_cmd() -> None:
    """List builds: id, project:version, quantity, status, priority, due, shortages."""
    inv = read_inventory()
    items = [(bid, inv.builds[bid]) for bid in sorted(inv.builds)]
    if options().format == "json":
        echo_json({"builds": [
            {"id": bid, "project": b.project, "version": b.version, "quantity": b.quantity, "status": b.status,
             "priority": b.priority, "due": b.due, "shortages": len(b.shortages)} for bid, b in items
        ]})  # fmt: skip
        return
    rows = [(bid, f"{b.project}:{b.version}", b.quantity, b.status, b.priority, b.due, len(b.shortages)) for bid, b in items]
    click.echo(table(["id", "project:version", "qty", "status", "priority", "due", "short"], rows, right=(2, 4, 6)))


@build_group.command("pick")
@click.argument("build_id")
@common(("text", "json", "csv", "markdown"))
def pick_cmd(build_id: str) -> None:
    """Pick list of a cleared build, in walking order (location, bin, part)."""
    build = require_build(read_inventory(), build_id)
    if build.status != "cleared":
        raise CtbError(f"build {build_id} is {build.status}; only a cleared build has a pick list")
    rows = pick_list(build)
    headers = ["location", "bin", "part", "quantity"]
    fmt = options().format
    if fmt == "json":
        echo_json({"id": build_id, "pick": [dict(zip(headers, row, strict=False)) for row in rows]})
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([(loc, bin_, part, number(qty)) for loc, bin_, part, qty in rows])
        click.echo(buffer.getvalue(), nl=False)
    elif fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "| --- | --- | --- | ---: |"]
        lines += [f"| {loc} | {bin_} | {part} | {number(qty)} |" for loc, bin_, part, qty in rows]
        click.echo("\n".join(lines))
    else:
        click.echo(table(headers, rows, right=(3,)))
