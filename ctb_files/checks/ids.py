"""Things that must be unique: ids across case, stock lines, BOM line numbers, versions.

Codes: CTB211 duplicate stock line (same location, part and bin), CTB212
duplicate ``line`` number in a BOM file, CTB213 duplicate version name in a
project, CTB214 ids of one kind that differ only by case.  A duplicate is
reported at its second occurrence and names the first one's line.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from ctb_files.checks import check
from ctb_files.checks._support import Lines, error, ids_of
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic
from ctb_files.ops.stock.ledger import label, line_key

_PATHS: dict[str, Callable[[str], str]] = {
    "part": layout.part_path, "package": layout.package_path, "vendor": layout.vendor_path,
    "stock": layout.stock_path, "project": layout.project_path, "build": layout.build_path,
    "order": layout.order_path,
}  # fmt: skip


def _bom_paths(inv: Inventory) -> dict[str, str]:
    """``project:version`` -> path of every BOM file, loaded or not."""
    keys = {f"{p}:{v}" for p, v in inv.boms} | inv.seen.get("bom", set())
    return {key: layout.bom_path(*key.split(":", 1)) for key in keys}


@check("case-clashes")
def case_clashes(inv: Inventory) -> list[Diagnostic]:
    """Files of one kind whose ids differ only by case cannot coexist on macOS or Windows."""
    paths: dict[str, str] = {}
    groups: dict[tuple[str, Hashable], list[str]] = {}
    for kind, to_path in _PATHS.items():
        for ident in ids_of(inv, kind):
            path = to_path(ident)
            paths[path] = ident
            groups.setdefault((kind, ident.casefold()), []).append(path)
    for key, path in _bom_paths(inv).items():
        project, version = key.split(":", 1)
        paths[path] = version
        groups.setdefault(("bom", (project, version.casefold())), []).append(path)
    out: list[Diagnostic] = []
    for members in groups.values():
        if len(members) < 2:
            continue
        first, *others = sorted(members)
        for path in others:
            message = f"id {paths[path]!r} differs from {paths[first]!r} ({first}) only by case"
            out.append(error(path, "CTB214", message, ()))
    return out


@check("duplicate-stock-lines")
def duplicate_stock_lines(inv: Inventory) -> list[Diagnostic]:
    """Two lines of one location with the same part and bin."""
    lines = Lines(inv)
    out: list[Diagnostic] = []
    for location in sorted(inv.stock):
        path = layout.stock_path(location)
        first: dict[tuple[str, str | None], int] = {}
        for i, line in enumerate(inv.stock[location].lines):
            key = (line.part, line.bin or None)
            if key not in first:
                first[key] = i
                continue
            at = lines.line(path, ("lines", first[key]))
            name = label(line_key(location, line.part, line.bin))
            message = f"duplicate stock line {name}: same part and bin as lines[{first[key]}] (line {at})"
            out.append(error(path, "CTB211", message, ("lines", i)))
    return out


@check("duplicate-bom-lines")
def duplicate_bom_lines(inv: Inventory) -> list[Diagnostic]:
    """Two rows of one BOM file with the same ``line`` number."""
    lines = Lines(inv)
    out: list[Diagnostic] = []
    for project, version in sorted(inv.boms):
        path = layout.bom_path(project, version)
        first: dict[int, int] = {}
        for i, row in enumerate(inv.boms[(project, version)].rows):
            if row.line is None or row.implicit:
                continue
            if row.line not in first:
                first[row.line] = i
                continue
            at = lines.line(path, ("rows", first[row.line]))
            message = f"duplicate line number {row.line}: already rows[{first[row.line]}] (line {at})"
            out.append(error(path, "CTB212", message, ("rows", i, "line")))
    return out


@check("duplicate-versions")
def duplicate_versions(inv: Inventory) -> list[Diagnostic]:
    """Two versions of one project with the same name."""
    lines = Lines(inv)
    out: list[Diagnostic] = []
    for project_id in sorted(inv.projects):
        path = layout.project_path(project_id)
        first: dict[str, int] = {}
        for i, version in enumerate(inv.projects[project_id].versions):
            if version.name not in first:
                first[version.name] = i
                continue
            at = lines.line(path, ("versions", first[version.name]))
            message = f"duplicate version {version.name!r}: already versions[{first[version.name]}] (line {at})"
            out.append(error(path, "CTB213", message, ("versions", i, "name")))
    return out
