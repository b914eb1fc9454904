"""``ctb bom import FILE --project P --version V``: a BOM file from disk into a version."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ctb_files.cli.app import common, finish, options, workspace, writes
from ctb_files.cli.bom import bom_group
from ctb_files.core import paths as layout
from ctb_files.core.models import valid_id
from ctb_files.core.text import now
from ctb_files.errors import CtbError, UsageError
from ctb_files.importers import FORMATS, read_bom

if TYPE_CHECKING:
    from ctb_files.storage.workspace import Workspace

__all__ = ["import_cmd"]

_OUTPUT = ("text", "json")


def _format_option(func: click.Command) -> click.Command:
    # --format chooses text/json output; a BOM format given there is still read (older spelling)
    for param in func.params:
        if param.name == "format":
            param.help = "Output: text or json (a BOM format here works as --bom-format)."
    return func


def _ensure_version(ws: Workspace, project_id: str, version: str) -> None:
    """Create the project, or list the version in it, when the import names a new one."""
    from ctb_files.storage.writeback.project import add_version, new_project

    rel = layout.project_path(project_id)
    project = ws.inventory.projects.get(project_id)
    # on a case-insensitive file system these would be the same file
    _refuse_case_twin("project", project_id, ws.inventory.projects)
    if project is not None:
        _refuse_case_twin(f"version of {project_id}", version, [v.name for v in project.versions])
    if project is None:
        if rel in ws.inventory.files:
            raise CtbError(f"{rel} exists but does not load; fix it first ('ctb check')")
        new_project(ws.changes, project_id, {"name": project_id, "versions": [{"name": version}]})
        return
    if any(v.name == version for v in project.versions):
        return
    add_version(ws.changes, project_id, {"name": version})


def _refuse_case_twin(what: str, name: str, existing: Iterable[str]) -> None:
    for other in existing:
        if other != name and other.lower() == name.lower():
            raise CtbError(f"{what} {name!r} differs from the existing {other!r} only by case; use {other!r}")


def _source_name(ws: Workspace, file: Path) -> str:
    try:
        return file.resolve().relative_to(ws.root.resolve()).as_posix()
    except ValueError:
        return file.name  # a file outside the inventory: its name only, never a machine path


@_format_option
@bom_group.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--project", "project_id", required=True, metavar="P", help="Project id (created if new).")
@click.option("--version", "version", required=True, metavar="V", help="Version name (added to the project if new).")
@click.option(
    "--bom-format",
    "bom_format_option",
    type=click.Choice(FORMATS),
    default=None,
    help="BOM file format (default: the project's bom_format, else auto).",
)
@common(_OUTPUT + tuple(f for f in FORMATS if f not in _OUTPUT))
@writes
def import_cmd(file: Path, project_id: str, version: str, bom_format_option: str | None) -> None:
    """Import a BOM file (KiCad, KiBoM, JLC, CSV…) from disk as version V of project P.

    Rows are matched to parts as 'ctb project sync' does, and written to
    projects/P/bom/V.yaml; hand-set substitute and ext values survive a
    re-import. Bad rows are reported with their line and skipped.

    \b
    Example:  ctb bom import vco-bom.csv --project vco --version v3 --bom-format kibom
    """
    # the import's machinery (matching, sources, writers) loads only for an import, not for every bom command
    from ctb_files.cli.project import import_version, render_reports, say_if_unchanged
    from ctb_files.ops.bom.matching import Matcher

    for what, ident in (("project", project_id), ("version", version)):
        if not valid_id(ident):
            raise UsageError(f"{what} {ident!r} is not a valid id (letters, digits, . _ + -, max 80)")
    opts = options()
    bom_format = bom_format_option or (opts.format if opts.format in FORMATS else None)
    if opts.format not in _OUTPUT:
        opts.format = "text"
    try:
        data = file.read_bytes()
    except OSError as exc:
        raise CtbError(f"cannot read {file}: {exc.strerror or exc}") from None
    ws = workspace()
    inventory = ws.inventory
    project = inventory.projects.get(project_id)
    if bom_format is None:
        bom_format = project.bom_format if project else "auto"
    result = read_bom(data, file.name, bom_format)
    _ensure_version(ws, project_id, version)
    source = {"path": _source_name(ws, file), "format": result.format}
    report = import_version(ws, Matcher(inventory), project_id, version, result, source, now())
    say_if_unchanged(finish(ws, f"import {project_id} {version}", {"Ctb-Project": [project_id]}))
    render_reports([report])
