"""``ctb project list|show|sync``: projects, their versions, and syncing their BOMs."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.core import paths as layout
from ctb_files.core.models import BomFile, Project, ProjectVersion
from ctb_files.core.targets import split_project
from ctb_files.core.text import now
from ctb_files.errors import CtbError
from ctb_files.importers import ImportResult, read_bom
from ctb_files.ops.bom.matching import Matcher
from ctb_files.ops.bom.sync import VersionReport, plan_bom
from ctb_files.render.bom import sync_notes
from ctb_files.render.progress import progress
from ctb_files.render.project import reports_table, versions_table
from ctb_files.render.table import table
from ctb_files.storage.sources import Fetcher
from ctb_files.storage.workspace import Workspace
from ctb_files.storage.writeback.bom import write_plan

__all__ = ["import_version", "render_reports", "say_if_unchanged"]


def import_version(
    ws: Workspace,
    matcher: Matcher,
    project: str,
    version: str,
    result: ImportResult,
    source: Mapping[str, object] | None,
    now: datetime,
) -> VersionReport:
    """Match one imported BOM and queue its file (and placeholders) in the workspace's changes.

    A file in which no row could be read is refused: writing it would empty
    the version's BOM (a wrong file, or a header with nothing under it).
    """
    if not result.rows:
        skipped = [p for p in result.problems if p.severity == "error"]
        why = f"; {len(skipped)} row(s) skipped, the first: {skipped[0].render()}" if skipped else ""
        raise CtbError(f"{project}:{version}: the BOM file has no rows to import{why}; nothing written")
    rel = layout.bom_path(project, version)
    existing: BomFile | None = ws.inventory.boms.get((project, version))
    plan = plan_bom(project, version, result, matcher, existing, source, now, file=rel)
    write_plan(ws.changes, plan, rel)
    return plan.report


def say_if_unchanged(written: list[str]) -> None:
    opts = options()
    if not written and not opts.dry_run and not opts.quiet and opts.format != "json":
        click.echo("nothing changed", err=True)


def render_reports(reports: list[VersionReport]) -> None:
    """The summary table per version (or ``{"versions": [...]}`` with --format json)."""
    if options().format == "json":
        echo_json({"versions": [r.to_json() for r in reports]})
        return
    click.echo(reports_table(reports))
    for r in reports:
        for note in sync_notes(r, quiet=options().quiet):
            click.echo(note)


@cli.group("project")
def project_group() -> None:
    """Projects: where their BOM comes from, their versions, syncing them."""


def _project(project_id: str, *, read_only: bool = False) -> tuple[Workspace, Project]:
    ws = workspace()
    inv = read_inventory(ws) if read_only else ws.inventory
    project = inv.projects.get(project_id)
    if project is None:
        known = ", ".join(sorted(inv.projects)) or "none"
        raise CtbError(f"no project {project_id} (projects: {known})")
    return ws, project


def _source_text(project: Project) -> str:
    source = project.source
    if source is None:
        return "by hand"
    kind = "github" if source.github else "git" if source.git else "path"
    where = f"{kind} {source.github or source.git or source.path}"
    return f"{where} {project.bom_path}" if project.bom_path and not source.path else where


@project_group.command("list")
@common()
def list_cmd() -> None:
    """List projects with their source and versions.

    \b
    Example:  ctb project list
    """
    inv = read_inventory()
    if options().format == "json":
        echo_json({"projects": [
            {"id": pid, "name": p.name, "source": p.source.model_dump(exclude_none=True) if p.source else None,
             "bom_path": p.bom_path, "versions": [v.name for v in p.versions]}
            for pid, p in sorted(inv.projects.items())
        ]})  # fmt: skip
        return
    rows = [(pid, p.name, _source_text(p), [v.name for v in p.versions]) for pid, p in sorted(inv.projects.items())]
    click.echo(table(("project", "name", "source", "versions"), rows))


@project_group.command("show")
@click.argument("project_id")
@common()
def show_cmd(project_id: str) -> None:
    """Show a project's source and, per version, its ref and BOM file state.

    \b
    Example:  ctb project show vco
    """
    ws, project = _project(project_id, read_only=True)
    versions: list[dict[str, Any]] = []
    for v in project.versions:
        bom = read_inventory(ws).boms.get((project_id, v.name))
        src = bom.source if bom else None
        real = [r for r in bom.rows if not r.implicit] if bom else []
        versions.append({
            "name": v.name, "ref": v.ref, "file": layout.bom_path(project_id, v.name) if bom else None,
            "commit": src.commit if src else None, "synced_at": src.synced_at if src else None,
            "rows": len(real) if bom else None, "unmatched": sum(1 for r in real if r.part is None) if bom else None,
        })  # fmt: skip
    if options().format == "json":
        echo_json({"id": project_id, "name": project.name, "bom_path": project.bom_path,
                   "source": project.source.model_dump(exclude_none=True) if project.source else None,
                   "versions": versions})  # fmt: skip
        return
    click.echo(f"{project_id}: {project.name}")
    click.echo(f"source: {_source_text(project)}")
    click.echo(versions_table(versions))


def _chosen(project_id: str, project: Project, names: tuple[str, ...]) -> list[ProjectVersion]:
    if not names:
        if not project.versions:
            raise CtbError(f"project {project_id} lists no versions; add them to {layout.project_path(project_id)}")
        return list(project.versions)
    by_name = {v.name: v for v in project.versions}
    for name in names:
        if name not in by_name:
            known = ", ".join(by_name) or "none"
            raise CtbError(f"project {project_id} has no version {name} (versions: {known})")
    return [by_name[name] for name in dict.fromkeys(names)]


@project_group.command("sync")
@click.argument("project_id", metavar="PROJECT[:VERSION]")
@click.option("--version", "names", multiple=True, metavar="V", help="Only this version (repeatable); default: all.")
@common()
@writes
def sync_cmd(project_id: str, names: tuple[str, ...]) -> None:
    """Fetch the BOM of each version at its ref, match rows to parts, write the BOM files.

    Writes projects/P/bom/V.yaml (and placeholder parts for unknown vendor
    part numbers), keeping hand-set substitute and ext values. Unchanged
    data is not rewritten.

    \b
    Example:  ctb project sync vco --version v2 --commit
    """
    project_id, named = split_project(project_id)  # vco:v1 means vco --version v1
    if named is not None:
        names = (*names, named)
    ws, project = _project(project_id)
    chosen = _chosen(project_id, project, names)
    if project.source is None:
        raise CtbError(f"project {project_id} has no source; write its BOM files by hand or use 'ctb bom import'")
    matcher, moment, reports = Matcher(ws.inventory), now(), []
    with Fetcher(ws.root) as fetcher, progress(f"syncing {project_id}", len(chosen)) as step:
        for version in chosen:
            step(0, version.name)
            if len(chosen) > 1 and not options().quiet:
                click.echo(f"syncing {project_id} {version.name} ({version.ref or 'no ref'})", err=True)
            fetched = fetcher.fetch(project_id, project, version)
            result = read_bom(fetched.data, fetched.name, project.bom_format)
            source = {**fetched.source, "format": result.format}
            reports.append(import_version(ws, matcher, project_id, version.name, result, source, moment))
            step()
    say_if_unchanged(finish(ws, f"sync {project_id} {', '.join(v.name for v in chosen)}", {"Ctb-Project": [project_id]}))
    render_reports(reports)
