"""Production quantities: checking typed attrition and setup, and the largest N a stock allows.

The rule itself (:func:`row_need`, :func:`round_need`, :func:`pooled_need`,
:func:`effective_attrition`) lives in :mod:`ctb_files.ops.bom.need`, the one
row-need function every command goes through; it is re-exported here.  In short:

* a row's need for N units is ``quantity × N × (1 + attrition/100) + setup``,
  in the row's unit (``setup`` is an absolute extra once per build);
* a part's pooled need is the sum of its rows' needs in the part's unit,
  rounded up to a whole number when the part is counted in ``pcs``;
* a row's ``attrition`` wins over its part's, which wins over its package's.

Consumable rows get their need computed the same way; whether they are
reserved is the caller's business (they never are).
"""

from __future__ import annotations

from decimal import Decimal

from ctb_files.core.units import convert, is_whole, normalize, same_family
from ctb_files.errors import CtbError
from ctb_files.ops.bom.need import (
    HUNDRED,
    ZERO,
    RowNeed,
    effective_attrition,
    pooled_need,
    round_need,
    row_need,
)

__all__ = [
    "RowNeed", "check_attrition", "check_setup", "effective_attrition", "max_units", "pooled_need", "round_need",
    "row_need",
]


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
