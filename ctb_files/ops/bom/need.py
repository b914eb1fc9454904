"""The one row-need function: how much of which part a BOM row or assembly line needs.

Every place that turns a BOM row into a quantity of a part goes through
:func:`line_need` (and its two wrappers for project rows and assembly
``bom`` lines): clearing and can-build (``ops/builds``), the tree behind
``bom show --indented``/``--totals``, costing, where-used and order
generation (which buys the shortages clearing computes).  The rules live
here once: the substitute is asked for instead of the part, ``dnp`` and
excluded rows ask for nothing, and the quantity × N is converted into the
part's own unit.  Production quantities (attrition, setup, consumables)
belong here too, so they are added in this one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from ctb_files.core.models.part import BomLine, Part
from ctb_files.core.models.project import BomRow
from ctb_files.core.units import convert, normalize

UNMATCHED = "unmatched BOM row"
UNKNOWN = "unknown part"

PartLookup = Callable[[str], Part | None]


@dataclass(frozen=True)
class RowNeed:
    """What one row asks for at N units of its parent.

    ``quantity`` is in ``unit``: the part's own unit when the part is known
    and the row's unit fits it; otherwise the row's unit as written, with
    ``problem`` saying why no stock can serve it.
    """

    part: str | None
    quantity: Decimal
    unit: str
    problem: str | None = None


def lookup(parts: Mapping[str, Part] | PartLookup) -> PartLookup:
    """A part lookup from a mapping of parts or a catalog's ``part`` method."""
    return parts.get if isinstance(parts, Mapping) else parts


def line_need(parts: Mapping[str, Part] | PartLookup, asked: str | None, quantity: Decimal, unit: str | None, units: Decimal) -> RowNeed:
    """``quantity`` (in ``unit``; None: the part's own) of ``asked`` per parent unit, times ``units``."""
    amount = normalize(quantity * units)
    if asked is None:
        return RowNeed(None, amount, unit or "pcs", UNMATCHED)
    part = lookup(parts)(asked)
    if part is None:
        return RowNeed(asked, amount, unit or "pcs", UNKNOWN)
    written = unit or part.unit
    if written == part.unit:
        return RowNeed(asked, amount, written)
    try:
        return RowNeed(asked, normalize(convert(amount, written, part.unit)), part.unit)
    except ValueError:
        return RowNeed(asked, amount, written, f"BOM unit {written} does not fit the part's unit {part.unit}")


def bom_row_need(parts: Mapping[str, Part] | PartLookup, row: BomRow, units: Decimal, exclude: Iterable[int] = ()) -> RowNeed | None:
    """A project BOM row at ``units`` units of the project; None for dnp and excluded rows."""
    skip = exclude if isinstance(exclude, (set, frozenset)) else set(exclude)
    if row.dnp or (row.line is not None and row.line in skip):
        return None
    return line_need(parts, row.wanted, row.quantity, row.unit, units)


def bom_line_need(parts: Mapping[str, Part] | PartLookup, line: BomLine, units: Decimal) -> RowNeed:
    """An assembly's ``bom`` line at ``units`` units of the assembly."""
    return line_need(parts, line.part, line.quantity, line.unit, units)
