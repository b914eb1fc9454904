"""Unknown ids referenced from BOM files and builds.

Codes: CTB201 unknown part, CTB204 unknown location, CTB205 unknown project,
CTB206 version not listed in the project, CTB208 a build's version has no BOM
file, CTB209 a BOM file's ``project``/``version`` disagree with its path,
CTB210 (warning) an ``exclude`` line number that is not in the BOM.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.checks._support import Known, error, known, known_boms, warning
from ctb_files.core import paths as layout
from ctb_files.core.models.build import Build
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic


def _versions(inv: Inventory, project: str) -> Known | None:
    """The versions a loaded project lists, or None when the project is not loaded."""
    found = inv.projects.get(project)
    return None if found is None else Known("version", (v.name for v in found.versions))


@check("bom-references")
def bom_references(inv: Inventory) -> list[Diagnostic]:
    """Each BOM file's place, project, version and the parts of its rows."""
    parts, projects = known(inv, "part"), known(inv, "project")
    out: list[Diagnostic] = []
    for project, version in sorted(inv.boms):
        bom = inv.boms[(project, version)]
        path = layout.bom_path(project, version)
        if bom.project != project:
            message = f"project {bom.project!r} disagrees with the file's folder {project!r}"
            out.append(error(path, "CTB209", message, ("project",)))
        elif project not in projects:
            message = f"{projects.unknown(project)}: {layout.project_path(project)} does not exist"
            out.append(error(path, "CTB205", message, ("project",)))
        if bom.version != version:
            message = f"version {bom.version!r} disagrees with the file name {version!r}"
            out.append(error(path, "CTB209", message, ("version",)))
        else:
            versions = _versions(inv, project)
            if versions is not None and version not in versions:
                message = f"{versions.unknown(version)}: not listed in {layout.project_path(project)}"
                out.append(error(path, "CTB206", message, ("version",)))
        for i, row in enumerate(bom.rows):
            if row.part is not None and row.part not in parts:
                out.append(error(path, "CTB201", parts.unknown(row.part), ("rows", i, "part")))
            if row.substitute is not None and row.substitute not in parts:
                out.append(error(path, "CTB201", parts.unknown(row.substitute), ("rows", i, "substitute")))
    return out


@check("build-references")
def build_references(inv: Inventory) -> list[Diagnostic]:
    """Project, version, BOM file, excluded lines, fallbacks and written-back parts of every build."""
    parts, locations, projects = known(inv, "part"), known(inv, "stock"), known(inv, "project")
    part_ids, location_ids = parts.ids, locations.ids  # asked for every take: the sets themselves
    boms = known_boms(inv)
    out: list[Diagnostic] = []
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        path = layout.build_path(build_id)
        out.extend(_target(inv, build, path, projects, boms))
        for key, value in sorted(build.fallbacks.items()):
            for ident in (key, value) if key != value else (key,):
                if ident not in parts:
                    out.append(error(path, "CTB201", parts.unknown(ident), ("fallbacks", key)))
        is_open = build.is_open
        for i, reservation in enumerate(build.reservations):
            if reservation.part not in part_ids:
                out.append(error(path, "CTB201", parts.unknown(reservation.part), ("reservations", i, "part")))
            for j, take in enumerate(reservation.take):
                if take.part not in part_ids:
                    out.append(error(path, "CTB201", parts.unknown(take.part), ("reservations", i, "take", j, "part")))
                # a completed build's location may since have been emptied and removed
                if is_open and take.location not in location_ids:
                    loc = ("reservations", i, "take", j, "location")
                    out.append(error(path, "CTB204", locations.unknown(take.location), loc))
        for i, shortage in enumerate(build.shortages):
            if shortage.part is not None and shortage.part not in parts:
                out.append(error(path, "CTB201", parts.unknown(shortage.part), ("shortages", i, "part")))
        for i, need in enumerate(build.assemblies):
            if need.part not in parts:
                out.append(error(path, "CTB201", parts.unknown(need.part), ("assemblies", i, "part")))
    return out


def _target(inv: Inventory, build: Build, path: str, projects: Known, boms: set[tuple[str, str]]) -> list[Diagnostic]:
    """The project, the version and its BOM file; excluded lines when the BOM is loaded."""
    if build.project not in projects:
        return [error(path, "CTB205", projects.unknown(build.project), ("project",))]
    versions = _versions(inv, build.project)
    if versions is not None and build.version not in versions:
        message = f"{versions.unknown(build.version)}: not listed in {layout.project_path(build.project)}"
        return [error(path, "CTB206", message, ("version",))]
    if (build.project, build.version) not in boms:
        bom = layout.bom_path(build.project, build.version)
        message = (
            f"version {build.version!r} has no BOM file {bom}; run 'ctb project sync {build.project}' "
            "or write it by hand"
        )
        return [error(path, "CTB208", message, ("version",))]
    bom_file = inv.boms.get((build.project, build.version))
    if bom_file is None:
        return []
    lines = {row.line for row in bom_file.rows if row.line is not None}
    out: list[Diagnostic] = []
    for i, number in enumerate(build.exclude):
        if number not in lines:
            message = f"line {number} is not in {layout.bom_path(build.project, build.version)}; nothing to exclude"
            out.append(warning(path, "CTB210", message, ("exclude", i)))
    return out
