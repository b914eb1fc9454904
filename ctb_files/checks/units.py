"""Units: families that must match, and whole numbers for parts counted in pieces.

Codes: CTB403 an assembly ``bom`` line or a BOM row whose ``unit`` is of
another family than its part's unit (``m`` for a part counted in ``pcs``);
CTB305 a quantity of a ``pcs`` part that is not a whole number (stock lines,
assembly lines, BOM rows, build takes, order lines).  Quantities of parts
that are unknown are left alone: the unknown id is reported instead.
"""

from __future__ import annotations

from decimal import Decimal

from ctb_files.checks import check
from ctb_files.checks._support import error, qty
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import family, is_whole
from ctb_files.errors import Diagnostic


def _mismatch(inv: Inventory, part_id: str | None, unit: str | None) -> str | None:
    """Why ``unit`` cannot measure ``part_id``, or None when it can (or cannot be told)."""
    part = inv.parts.get(part_id) if part_id else None
    if part is None or unit is None or family(unit) == family(part.unit):
        return None
    return f"unit {unit!r} ({family(unit)}) cannot measure {part_id!r}, counted in {part.unit!r} ({family(part.unit)})"


def _fraction(inv: Inventory, part_id: str | None, unit: str | None, quantity: Decimal) -> str | None:
    """Why ``quantity`` is not allowed, when it is a fraction of pieces."""
    part = inv.parts.get(part_id) if part_id else None
    if part is None or is_whole(quantity):
        return None
    if (unit or part.unit) != "pcs" or part.unit != "pcs":
        return None
    return f"{qty(quantity)} is not a whole number, and {part_id!r} is counted in pcs"


@check("unit-families")
def unit_families(inv: Inventory) -> list[Diagnostic]:
    """Assembly lines and BOM rows whose unit cannot be converted to their part's unit."""
    out: list[Diagnostic] = []
    for part_id in sorted(inv.parts):
        for i, line in enumerate(inv.parts[part_id].bom or ()):
            if line.unit is None:
                continue
            why = _mismatch(inv, line.part, line.unit)
            if why:
                out.append(error(layout.part_path(part_id), "CTB403", why, ("bom", i, "unit")))
    for project, version in sorted(inv.boms):
        for i, row in enumerate(inv.boms[(project, version)].rows):
            if row.unit is None:  # in its part's unit (nearly every row)
                continue
            why = _mismatch(inv, row.wanted, row.unit)
            if why:
                out.append(error(layout.bom_path(project, version), "CTB403", why, ("rows", i, "unit")))
    return out


@check("whole-pieces")
def whole_pieces(inv: Inventory) -> list[Diagnostic]:
    """Fractions of parts counted in pcs, wherever a quantity of such a part is written."""
    out: list[Diagnostic] = []

    def note(path: str, loc: tuple[str | int, ...], part_id: str | None, unit: str | None, quantity: Decimal) -> None:
        if is_whole(quantity):
            return  # nearly every quantity: nothing more to look at
        why = _fraction(inv, part_id, unit, quantity)
        if why:
            out.append(error(path, "CTB305", why, loc))

    for location in sorted(inv.stock):
        path = layout.stock_path(location)
        for i, s_line in enumerate(inv.stock[location].lines):
            if not is_whole(s_line.quantity):
                note(path, ("lines", i, "quantity"), s_line.part, None, s_line.quantity)
    for part_id in sorted(inv.parts):
        bom = inv.parts[part_id].bom
        if not bom:
            continue
        path = layout.part_path(part_id)
        for i, b_line in enumerate(bom):
            note(path, ("bom", i, "quantity"), b_line.part, b_line.unit, b_line.quantity)
    for project, version in sorted(inv.boms):
        path = layout.bom_path(project, version)
        for i, row in enumerate(inv.boms[(project, version)].rows):
            if not is_whole(row.quantity):
                note(path, ("rows", i, "quantity"), row.wanted, row.unit, row.quantity)
    for build_id in sorted(inv.builds):
        path = layout.build_path(build_id)
        for i, reservation in enumerate(inv.builds[build_id].reservations):
            for j, take in enumerate(reservation.take):
                if not is_whole(take.quantity):
                    note(path, ("reservations", i, "take", j, "quantity"), take.part, None, take.quantity)
    for order_id in sorted(inv.orders):
        path = layout.order_path(order_id)
        for i, o_line in enumerate(inv.orders[order_id].lines):
            note(path, ("lines", i, "quantity"), o_line.part, None, o_line.quantity)
            note(path, ("lines", i, "received"), o_line.part, None, o_line.received)
    return out
