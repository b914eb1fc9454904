"""Production quantities written by hand (PRODUCT.md 4.1): attrition and setup that cannot be used.

Codes: CTB405 a negative ``attrition`` (a BOM row, an assembly ``bom``
line, a part's or a package's default); CTB406 a ``setup`` that does not
fit its row: a fraction on a row counted in ``pcs`` of a part counted in
``pcs``, or a row whose unit is of another family than its part's (the
setup is in the row's unit, so it cannot be converted).  ``ctb bom set``
refuses both; these catch what was typed into the files.
"""

from __future__ import annotations

from decimal import Decimal

from ctb_files.checks import check
from ctb_files.checks._support import error, qty
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import family, is_whole
from ctb_files.errors import Diagnostic


def _negative(attrition: Decimal | None) -> str | None:
    if attrition is None or attrition >= 0:
        return None
    return f"attrition {qty(attrition)} is negative: a percent extra per build is 0 or more"


def _bad_setup(inv: Inventory, part_id: str | None, unit: str | None, setup: Decimal | None) -> str | None:
    part = inv.parts.get(part_id) if part_id else None
    if not setup or part is None:
        return None
    written = unit or part.unit
    if family(written) != family(part.unit):
        return (
            f"setup {qty(setup)} is in the row's unit {written!r}, which cannot measure {part_id!r}"
            f" (counted in {part.unit!r})"
        )
    if written == "pcs" and part.unit == "pcs" and not is_whole(setup):
        return f"setup {qty(setup)} is not a whole number, and {part_id!r} is counted in pcs"
    return None


@check("production-quantities")
def production_quantities(inv: Inventory) -> list[Diagnostic]:
    """Negative attrition anywhere; setups that do not fit their row's part."""
    out: list[Diagnostic] = []
    for package_id in sorted(inv.packages):
        why = _negative(inv.packages[package_id].attrition)
        if why:
            out.append(error(layout.package_path(package_id), "CTB405", why, ("attrition",)))
    for part_id in sorted(inv.parts):
        part = inv.parts[part_id]
        why = _negative(part.attrition)
        if why:
            out.append(error(layout.part_path(part_id), "CTB405", why, ("attrition",)))
        for i, line in enumerate(part.bom or ()):
            if line.attrition is not None or line.setup:
                path = layout.part_path(part_id)
                out += _line_problems(inv, path, ("bom", i), line.attrition, line.part, line.unit, line.setup)
    for project, version in sorted(inv.boms):
        path = layout.bom_path(project, version)
        for i, row in enumerate(inv.boms[(project, version)].rows):
            if row.attrition is not None or row.setup:  # neither written: nothing to look at (nearly every row)
                out += _line_problems(inv, path, ("rows", i), row.attrition, row.wanted, row.unit, row.setup)
    return out


def _line_problems(
    inv: Inventory, path: str, at: tuple[str, int], attrition: Decimal | None, asked: str | None,
    unit: str | None, setup: Decimal | None,
) -> list[Diagnostic]:  # fmt: skip
    """CTB405 and CTB406 of one BOM row or assembly line."""
    out: list[Diagnostic] = []
    why = _negative(attrition)
    if why:
        out.append(error(path, "CTB405", why, (*at, "attrition")))
    why = _bad_setup(inv, asked, unit, setup)
    if why:
        out.append(error(path, "CTB406", why, (*at, "setup")))
    return out
