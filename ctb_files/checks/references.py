"""Unknown ids referenced from parts, packages, stock, orders and ctb.yaml.

Codes: CTB201 unknown part, CTB202 unknown package, CTB203 unknown vendor,
CTB207 unknown build (order lines' ``for``), CTB215 ``default_location``
names no stock file yet (a warning: receiving an order creates it).
A project's product ``part`` is checked here too.\nReferences from BOM files and builds are in :mod:`.projects`.
"""

from __future__ import annotations

from operator import attrgetter

from ctb_files.checks import check
from ctb_files.checks._support import error, known, warning
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic


def parts_named(inv: Inventory) -> frozenset[str]:
    """Every part id a file names but the part's own: equivalents and assembly lines of other parts,
    packages' implicit parts, projects' products, BOM rows, stock lines, what builds hold, lack, build and
    fall back to, and order lines.  Each is checked to be known (CTB201); a part file none of them names can
    go without one of those checks, or any other reading a part through them, saying another thing."""
    part_of = attrgetter("part")
    out: set[str | None] = set()
    for part_id, part in inv.parts.items():
        if part.equivalents or part.bom:
            out.update(other for other in part.equivalents if other != part_id)
            out.update(line.part for line in part.bom or () if line.part != part_id)
    out.update(implicit.part for package in inv.packages.values() for implicit in package.implicit_parts)
    out.update(project.part for project in inv.projects.values())
    for bom in inv.boms.values():  # rows by the hundred thousand: one pass each for parts and substitutes
        out.update(map(part_of, bom.rows))
        out.update(map(attrgetter("substitute"), bom.rows))
    out.update(line.part for stock in inv.stock.values() for line in stock.lines)
    builds = inv.builds.values()
    out.update(ident for build in builds for pair in build.fallbacks.items() for ident in pair)
    out.update(reservation.part for build in builds for reservation in build.reservations)
    out.update(take.part for build in builds for reservation in build.reservations for take in reservation.take)
    out.update(shortage.part for build in builds for shortage in build.shortages)
    out.update(need.part for build in builds for need in build.assemblies)
    out.update(line.part for order in inv.orders.values() for line in order.lines)
    return frozenset(ident for ident in out if ident is not None)  # None: no part, substitute or product


@check("part-references")
def part_references(inv: Inventory) -> list[Diagnostic]:
    """Equivalents, package, vendor parts' vendors and assembly children of every part."""
    parts, packages, vendors = known(inv, "part"), known(inv, "package"), known(inv, "vendor")
    out: list[Diagnostic] = []
    for part_id in sorted(inv.parts):
        part = inv.parts[part_id]
        for i, other in enumerate(part.equivalents):
            if other not in parts:
                out.append(error(layout.part_path(part_id), "CTB201", parts.unknown(other), ("equivalents", i)))
        if part.package is not None and part.package not in packages:
            out.append(error(layout.part_path(part_id), "CTB202", packages.unknown(part.package), ("package",)))
        for i, vendor_part in enumerate(part.vendor_parts):
            if vendor_part.vendor not in vendors:
                message = vendors.unknown(vendor_part.vendor)
                out.append(error(layout.part_path(part_id), "CTB203", message, ("vendor_parts", i, "vendor")))
        for i, line in enumerate(part.bom or ()):
            if line.part not in parts:
                out.append(error(layout.part_path(part_id), "CTB201", parts.unknown(line.part), ("bom", i, "part")))
    return out


@check("package-references")
def package_references(inv: Inventory) -> list[Diagnostic]:
    """Implicit parts of every package."""
    parts = known(inv, "part")
    out: list[Diagnostic] = []
    for package_id in sorted(inv.packages):
        for i, implicit in enumerate(inv.packages[package_id].implicit_parts):
            if implicit.part not in parts:
                loc = ("implicit_parts", i, "part")
                out.append(error(layout.package_path(package_id), "CTB201", parts.unknown(implicit.part), loc))
    return out


@check("stock-references")
def stock_references(inv: Inventory) -> list[Diagnostic]:
    """The part of every stock line."""
    parts = known(inv, "part")
    out: list[Diagnostic] = []
    for location in sorted(inv.stock):
        for i, line in enumerate(inv.stock[location].lines):
            if line.part not in parts:
                out.append(error(layout.stock_path(location), "CTB201", parts.unknown(line.part), ("lines", i, "part")))
    return out


@check("project-product")
def project_products(inv: Inventory) -> list[Diagnostic]:
    """The product ``part`` a project names."""
    parts = known(inv, "part")
    return [
        error(layout.project_path(project_id), "CTB201", parts.unknown(project.part), ("part",))
        for project_id, project in sorted(inv.projects.items())
        if project.part is not None and project.part not in parts
    ]


@check("order-references")
def order_references(inv: Inventory) -> list[Diagnostic]:
    """Vendor, lines' parts and the builds each line is ``for``."""
    parts, vendors, builds = known(inv, "part"), known(inv, "vendor"), known(inv, "build")
    out: list[Diagnostic] = []
    for order_id in sorted(inv.orders):
        order = inv.orders[order_id]
        path = layout.order_path(order_id)
        if order.vendor not in vendors:
            out.append(error(path, "CTB203", vendors.unknown(order.vendor), ("vendor",)))
        for i, line in enumerate(order.lines):
            if line.part not in parts:
                out.append(error(path, "CTB201", parts.unknown(line.part), ("lines", i, "part")))
            for build_id in line.for_:
                if build_id not in builds:
                    out.append(error(path, "CTB207", builds.unknown(build_id), ("lines", i, "for", build_id)))
    return out


@check("settings-references")
def settings_references(inv: Inventory) -> list[Diagnostic]:
    """``default_location`` should name a stock file; receiving an order would create it."""
    location, locations = inv.settings.default_location, known(inv, "stock")
    if location is None or location in locations:
        return []
    hint = locations.hint(location)
    message = (
        f"default_location {location!r} has no stock file yet; received orders will create "
        f"{layout.stock_path(location)}" + (f" (did you mean {hint!r}?)" if hint else "")
    )
    return [warning(layout.SETTINGS, "CTB215", message, ("default_location",))]
