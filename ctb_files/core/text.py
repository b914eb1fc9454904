"""Rules about text that every command must share: numbers, money, currencies, quantities, hints, now.

Each rule lives here once, so two commands that show the same thing show it
the same way:

* :func:`number`: a quantity as a person reads it (``6``, ``1.5``).
* :func:`money`: money as a person reads it, one rounding rule everywhere:
  half up to at most four decimals, at least two (``0.125``, ``26.24``,
  ``0.0081``, ``1.00``).
* :func:`money_exact`: money in files and JSON: the exact decimal, at least
  two decimals (never rounded).
* :func:`currency_of` / :func:`order_currency`: the currency of a vendor
  part's price (its own, else its vendor's, else the inventory's) and of an
  order (its own, else its vendor's, else the inventory's).
* :func:`parse_quantity`: a quantity typed on the command line, with the
  same bounds as quantities in files.
* :func:`hint`: the "(did you mean x?)" suffix for an unknown name.
* :func:`now`: the current time in UTC, whole seconds.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING

from ctb_files.core.units import normalize
from ctb_files.errors import UsageError

if TYPE_CHECKING:
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.core.models.order import Order
    from ctb_files.core.models.part import VendorPart

_CENT = Decimal("0.01")
_MONEY_PLACES = Decimal("0.0001")
# the bounds of every quantity, in files and on the command line
MAX_ADJUSTED_EXPONENT = 14  # below 10**15
MAX_DECIMAL_PLACES = 9


def number(value: Decimal | int | float) -> str:
    """A quantity as a person reads it: ``6``, ``1.5``, never ``6.000`` or ``1E+1``."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    return format(normalize(Decimal(value)), "f")


def money(value: Decimal) -> str:
    """Money for reading: half up to at most 4 decimals, at least 2 (``0.125``, ``8.75``, ``1.00``)."""
    value = normalize(Decimal(value))
    if value.as_tuple().exponent < -4:  # type: ignore[operator]
        value = normalize(value.quantize(_MONEY_PLACES, rounding=ROUND_HALF_UP))
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(_CENT)
    return format(value, "f")


def money_exact(value: Decimal) -> str:
    """Money in files and JSON: the exact decimal, at least two decimals (``0.125``, ``1.00``)."""
    value = normalize(Decimal(value))
    if value.as_tuple().exponent >= -2:  # type: ignore[operator]
        value = value.quantize(_CENT)
    return format(value, "f")


def currency_of(inv: Inventory, vp: VendorPart) -> str:
    """The currency of a vendor part's prices: its own, else its vendor's, else the inventory's."""
    vendor = inv.vendors.get(vp.vendor)
    return vp.currency or (vendor.currency if vendor else None) or inv.settings.currency


def order_currency(inv: Inventory, order: Order) -> str:
    """The currency of an order: its own, else its vendor's, else the inventory's."""
    vendor = inv.vendors.get(order.vendor)
    return order.currency or (vendor.currency if vendor else None) or inv.settings.currency


def parse_quantity(text: str) -> Decimal:
    """A quantity typed on the command line: a finite, non-negative decimal within the file bounds."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise UsageError(f"not a quantity: {text!r}") from None
    if not value.is_finite() or value < 0:
        raise UsageError(f"not a quantity: {text!r} (a number of 0 or more)")
    if value and value.adjusted() > MAX_ADJUSTED_EXPONENT:
        raise UsageError(f"not a quantity: {text!r} (too large)")
    value = normalize(value)
    if value.as_tuple().exponent < -MAX_DECIMAL_PLACES:  # type: ignore[operator]
        raise UsageError(f"not a quantity: {text!r} (at most {MAX_DECIMAL_PLACES} decimal places)")
    return value


def hint(name: str, choices: Iterable[str], *, quoted: bool = False) -> str:
    """`` (did you mean x?)`` for an unknown name: the same name in another case first, else a close one.

    ``quoted`` writes the suggestion as a Python literal (``'x'``), for
    messages that quote the unknown name the same way.
    """
    names = [str(choice) for choice in choices]
    same = sorted(choice for choice in names if choice.casefold() == name.casefold())
    close = same or difflib.get_close_matches(name, names, n=1)
    if not close:
        return ""
    return f" (did you mean {close[0]!r}?)" if quoted else f" (did you mean {close[0]}?)"


def now() -> datetime:
    """The current time in UTC, to the second: what ctb writes as ``cleared_at``, ``placed_at``, …."""
    return datetime.now(UTC).replace(microsecond=0)
