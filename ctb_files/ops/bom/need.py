"""The one row-need function: how much of which part a BOM row or assembly line needs.

Every place that turns a BOM row into a quantity of a part goes through
:func:`line_need` (and its two wrappers for project rows and assembly
``bom`` lines): clearing and can-build (``ops/builds``), the tree behind
``bom show --indented``/``--totals``, costing, ``bom export``, where-used
and order generation (which buys the shortages clearing computes).  The
rules live here once (PRODUCT.md 4.1):

* the substitute is asked for instead of the part; ``dnp`` and excluded
  rows ask for nothing;
* a row's need for N units is ``quantity × N × (1 + attrition/100) + setup``
  in the row's unit (``setup`` once per build), then converted to the
  part's own unit;
* a row's ``attrition`` wins over its part's, which wins over its
  package's (:func:`effective_attrition`);
* a part's pooled need is the sum of its rows' needs, rounded up to whole
  pieces when the part is counted in ``pcs`` (:func:`round_need`, applied by
  whoever pools: the demand of clearing, the totals, costing);
* ``consumable`` rows get their need computed the same way and carry the
  flag: they are listed and costed, never reserved or short (the demand of
  clearing leaves them out).

A row with no attrition (own, part or package) and no setup takes the fast
path: ``quantity × N`` converted, as before production quantities existed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from ctb_files.core.models.package import Package
from ctb_files.core.models.part import BomLine, Part
from ctb_files.core.models.project import BomRow
from ctb_files.core.units import convert, normalize
from ctb_files.errors import CtbError

UNMATCHED = "unmatched BOM row"
UNKNOWN = "unknown part"
ZERO = Decimal(0)
HUNDRED = Decimal(100)

PartLookup = Callable[[str], Part | None]
Packages = Mapping[str, Package] | None


class RowNeed(NamedTuple):
    """What one row asks for at N units of its parent (attrition and setup included, not rounded).

    ``quantity`` is in ``unit``: the part's own unit when the part is known
    and the row's unit fits it; otherwise the row's unit as written, with
    ``problem`` saying why no stock can serve it.
    """

    part: str | None
    quantity: Decimal
    unit: str
    problem: str | None = None
    consumable: bool = False


def lookup(parts: Mapping[str, Part] | PartLookup) -> PartLookup:
    """A part lookup from a mapping of parts or a catalog's ``part`` method."""
    return parts.get if isinstance(parts, Mapping) else parts


def row_need(
    quantity_per_unit: Decimal, n: Decimal | int, attrition: Decimal | None = None, setup: Decimal | None = None
) -> Decimal:
    """``quantity × n × (1 + attrition/100) + setup``, exact (not rounded)."""
    amount = quantity_per_unit * Decimal(n)
    if attrition:
        amount += amount * attrition / HUNDRED
    if setup:
        amount += setup
    return normalize(amount)


def round_need(quantity: Decimal, unit: str) -> Decimal:
    """Whole pieces for parts counted in ``pcs`` (rounded up); other units stay exact."""
    if unit == "pcs":
        whole = quantity.to_integral_value(rounding=ROUND_CEILING)
        return normalize(quantity) if whole == quantity else normalize(whole)
    return normalize(quantity)


def pooled_need(rows: Iterable[RowNeed], part_unit: str) -> Decimal:
    """Σ of the rows' needs converted to the part's unit, then :func:`round_need`."""
    total = sum((convert(row.quantity, row.unit, part_unit) for row in rows), ZERO)
    return round_need(total, part_unit)


def effective_attrition(row: Decimal | None, part: Decimal | None = None, package: Decimal | None = None) -> Decimal:
    """The attrition that applies to a row: its own, else its part's, else its package's, else 0."""
    for value in (row, part, package):
        if value is not None:
            return value
    return ZERO


def part_attrition(part: Part, packages: Packages) -> Decimal | None:
    """The default attrition of rows using ``part``: the part's, else its package's."""
    if part.attrition is not None:
        return part.attrition
    if packages is not None and part.package is not None:
        package = packages.get(part.package)
        if package is not None:
            return package.attrition
    return None


def line_need(
    parts: Mapping[str, Part] | PartLookup, asked: str | None, quantity: Decimal, unit: str | None, units: Decimal,
    attrition: Decimal | None = None, setup: Decimal | None = None, consumable: bool = False,
    packages: Packages = None,
) -> RowNeed:  # fmt: skip
    """``quantity`` (in ``unit``; None: the part's own) of ``asked`` per parent unit, for ``units`` units.

    ``attrition`` (percent; None: the part's or package's default) and
    ``setup`` (in ``unit``, once) are the row's own production quantities.
    """
    # a dict of parts (the common case) is asked directly
    part = None if asked is None else parts.get(asked) if type(parts) is dict else lookup(parts)(asked)
    if attrition is None and part is not None:
        attrition = part_attrition(part, packages)
    if attrition is None and not setup:
        amount = normalize(quantity * units)  # the fast path: no production quantities
    else:
        if attrition is not None and attrition < 0:
            raise CtbError(
                f"attrition {normalize(attrition)} % of {asked or 'an unmatched row'} is negative; "
                "'ctb check' reports where (CTB405)"
            )
        amount = row_need(quantity, units, attrition, setup)
    if asked is None:
        return RowNeed(None, amount, unit or "pcs", UNMATCHED, consumable)
    if part is None:
        return RowNeed(asked, amount, unit or "pcs", UNKNOWN, consumable)
    written = unit or part.unit
    if written == part.unit:
        return RowNeed(asked, amount, written, None, consumable)
    try:
        return RowNeed(asked, normalize(convert(amount, written, part.unit)), part.unit, None, consumable)
    except ValueError:
        why = f"BOM unit {written} does not fit the part's unit {part.unit}"
        return RowNeed(asked, amount, written, why, consumable)


def bom_row_need(
    parts: Mapping[str, Part] | PartLookup, row: BomRow, units: Decimal, exclude: Iterable[int] = (),
    packages: Packages = None,
) -> RowNeed | None:  # fmt: skip
    """A project BOM row at ``units`` units of the project; None for dnp and excluded rows."""
    skip = exclude if isinstance(exclude, (set, frozenset)) else set(exclude)
    if row.dnp or (row.line is not None and row.line in skip):
        return None
    return line_need(
        parts, row.wanted, row.quantity, row.unit, units, row.attrition, row.setup, row.consumable, packages
    )


def bom_line_need(parts: Mapping[str, Part] | PartLookup, line: BomLine, units: Decimal, packages: Packages = None) -> RowNeed:
    """An assembly's ``bom`` line at ``units`` units of the assembly."""
    return line_need(
        parts, line.part, line.quantity, line.unit, units, line.attrition, line.setup, line.consumable, packages
    )


def plain_row_need(parts: Mapping[str, Part] | PartLookup, row: BomRow, units: Decimal) -> RowNeed | None:
    """A row's quantity × ``units`` without production quantities (for per-unit views and where-used)."""
    if row.dnp:
        return None
    return line_need(parts, row.wanted, row.quantity, row.unit, units, ZERO, None, row.consumable)


def plain_line_need(parts: Mapping[str, Part] | PartLookup, line: BomLine, units: Decimal) -> RowNeed:
    """An assembly line's quantity × ``units`` without production quantities."""
    return line_need(parts, line.part, line.quantity, line.unit, units, ZERO, None, line.consumable)
