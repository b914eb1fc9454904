"""The unit table: families and exact conversion factors.

A small table rather than a units library: ctb needs only SI prefixes within
five families, exact ``Decimal`` arithmetic and a CLI that starts quickly; the
libraries that do this (pint and friends) cost more start-up time than the
whole command and work in floats.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, Literal, get_args

Unit = Literal[
    "pcs", "mol",
    "mm", "cm", "dm", "m", "km",
    "mL", "cL", "dL", "L", "m3",
    "mg", "cg", "dg", "g", "kg",
]  # fmt: skip

UNITS: tuple[str, ...] = get_args(Unit)

# unit -> (family, size in the family's base unit)
_TABLE: dict[str, tuple[str, Decimal]] = {
    "pcs": ("count", Decimal(1)),
    "mol": ("amount", Decimal(1)),
    "mm": ("length", Decimal("0.001")),
    "cm": ("length", Decimal("0.01")),
    "dm": ("length", Decimal("0.1")),
    "m": ("length", Decimal(1)),
    "km": ("length", Decimal(1000)),
    "mL": ("volume", Decimal("0.001")),
    "cL": ("volume", Decimal("0.01")),
    "dL": ("volume", Decimal("0.1")),
    "L": ("volume", Decimal(1)),
    "m3": ("volume", Decimal(1000)),
    "mg": ("mass", Decimal("0.001")),
    "cg": ("mass", Decimal("0.01")),
    "dg": ("mass", Decimal("0.1")),
    "g": ("mass", Decimal(1)),
    "kg": ("mass", Decimal(1000)),
}


def family(unit: str) -> str:
    """The family a unit belongs to: count, amount, length, volume or mass."""
    return _TABLE[unit][0]


def same_family(a: str, b: str) -> bool:
    return _TABLE[a][0] == _TABLE[b][0]


def convert(quantity: Decimal, from_unit: str, to_unit: str) -> Decimal:
    """Convert exactly between two units of one family (ValueError otherwise)."""
    if from_unit == to_unit:
        return quantity
    fam_a, size_a = _TABLE[from_unit]
    fam_b, size_b = _TABLE[to_unit]
    if fam_a != fam_b:
        raise ValueError(f"cannot convert {from_unit} ({fam_a}) to {to_unit} ({fam_b})")
    return normalize(quantity * size_a / size_b)


def normalize(value: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (``6.0`` → ``6``).

    Equal values have one normal form, so each nonzero value met is kept
    with it: clearing and writing a stockroom's builds normalizes hundreds
    of thousands of quantities of a few hundred values.  A zero is left out
    (``-0`` keeps its sign); the table is capped so that no input grows it
    without bound.
    """
    return _NORMAL[value] if value else _normal_form(value)


def _normal_form(value: Decimal) -> Decimal:
    return value.quantize(_ONE) if value == value.to_integral_value() else value.normalize()


class SharedValues(dict[Any, Any]):
    """A table of values that cannot change, made once each by ``make`` and then shared.

    Filled on first use of a key, up to ``cap`` keys so that no input grows
    it without bound (past the cap a value is made and not kept).  A lookup
    that finds its key costs one dict lookup.
    """

    def __init__(self, make: Callable[[Any], Any], cap: int = 1 << 16) -> None:
        super().__init__()
        self.make = make
        self.cap = cap

    def __missing__(self, key: Any) -> Any:
        value = self.make(key)
        if len(self) < self.cap:
            self[key] = value
        return value


_ONE = Decimal(1)
_NORMAL = SharedValues(_normal_form)


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()
