"""The production need of BOM rows: attrition, setup and consumables (PRODUCT.md 4.1).

One rule, used by every command that turns a BOM into quantities (shortages,
``bom export``, costing, and the demand of clearing):

* a row's need for N units is ``quantity × N × (1 + attrition/100) + setup``,
  in the row's unit (``setup`` is an absolute extra once per build);
* a part's pooled need is the sum of its rows' needs in the part's unit,
  rounded up to a whole number when the part is counted in ``pcs``;
* a row's ``attrition`` wins over its part's, which wins over its package's.

Consumable rows get their need computed the same way; whether they are
reserved is the caller's business (they never are).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from ctb_files.core.units import convert, is_whole, normalize, same_family
from ctb_files.errors import CtbError

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class RowNeed:
    """One row's contribution to a part: its need for the build, in ``unit``."""

    quantity: Decimal
    unit: str


def row_need(
    quantity_per_unit: Decimal,
    n: Decimal | int,
    attrition: Decimal | None = None,
    setup: Decimal | None = None,
) -> Decimal:
    """``quantity × n × (1 + attrition/100) + setup``, exact (not rounded)."""
    factor = Decimal(1) + (attrition or ZERO) / HUNDRED
    return normalize(quantity_per_unit * Decimal(n) * factor + (setup or ZERO))


def round_need(quantity: Decimal, unit: str) -> Decimal:
    """Whole pieces for parts counted in ``pcs`` (rounded up); other units stay exact."""
    if unit == "pcs":
        return normalize(quantity.to_integral_value(rounding=ROUND_CEILING))
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


def max_units(
    available: Decimal,
    per_unit: Decimal,
    attrition: Decimal | None = None,
    setup: Decimal | None = None,
    unit: str = "pcs",
) -> Decimal:
    """The largest whole N whose (rounded) need fits in ``available``; exact, by search.

    A rounding rule makes the need a step function of N, so the closed form
    is only a starting guess; the answer is checked against :func:`row_need`.
    """
    if per_unit <= ZERO:
        raise ValueError("a quantity per unit must be positive")
    factor = per_unit * (Decimal(1) + (attrition or ZERO) / HUNDRED)
    room = available - (setup or ZERO)
    if room < ZERO:
        return ZERO
    guess = int(room / factor) + 1
    while guess > 0 and round_need(row_need(per_unit, guess, attrition, setup), unit) > available:
        guess -= 1
    return Decimal(guess)


def check_setup(setup: Decimal, setup_unit: str | None, row_unit: str, where: str) -> Decimal:
    """``setup`` in the row's unit, or a one-line :class:`CtbError` saying why it does not fit.

    A setup typed with a unit must be of the row's unit family (it is
    converted); in ``pcs`` it must be whole.
    """
    if setup < ZERO:
        raise CtbError(f"{where}: setup is a quantity of 0 or more, not {normalize(setup)}")
    if setup_unit is not None and setup_unit != row_unit:
        if not same_family(setup_unit, row_unit):
            raise CtbError(
                f"{where}: setup {normalize(setup)} {setup_unit} does not fit a row counted in {row_unit}"
                f" (give the setup in {row_unit})"
            )
        setup = convert(setup, setup_unit, row_unit)
    if row_unit == "pcs" and not is_whole(setup):
        raise CtbError(f"{where}: setup {normalize(setup)} is not a whole number of pcs")
    return normalize(setup)


def check_attrition(attrition: Decimal, where: str) -> Decimal:
    if attrition < ZERO:
        raise CtbError(f"{where}: attrition is a percent of 0 or more, not {normalize(attrition)}")
    return normalize(attrition)
