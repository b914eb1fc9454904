"""Exact prices from the localized strings distributors return.

Mouser formats a unit price for the buyer's locale: ``"$0.106"``,
``"0,106 €"``, ``"1.234,56 €"``, ``"CHF 1'234.50"``, ``"12,50 kr"``.
:func:`parse_price` turns such a string into an exact :class:`~decimal.Decimal`
and, when the symbol or code says so, an ISO 4217 currency code.  No floats
anywhere: a price is money.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["parse_price"]

# symbol or word -> ISO code (None where the symbol alone is ambiguous)
_SYMBOLS: dict[str, str | None] = {
    "$": "USD",
    "US$": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "NT$": "TWD",
    "R$": "BRL",
    "MX$": "MXN",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "円": "JPY",
    "CN¥": "CNY",
    "元": "CNY",
    "RMB": "CNY",
    "₹": "INR",
    "₩": "KRW",
    "₪": "ILS",
    "฿": "THB",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "lei": "RON",
    "RM": "MYR",
    "Fr.": "CHF",
    # Swedish, Danish and Norwegian crowns all write "kr"
    "kr": None,
    "kr.": None,
}

# Currencies whose usual notation uses a decimal comma.  Everything else with a
# known code is taken to use a decimal point.
_COMMA_DECIMAL = frozenset(
    {"EUR", "SEK", "DKK", "NOK", "PLN", "CZK", "HUF", "RON", "BGN", "BRL", "TRY", "RUB", "IDR"}
)
# Tokens without an ISO code whose notation is still known.
_TOKEN_DECIMAL = {"kr": ",", "kr.": ","}

_CODE = re.compile(r"[A-Z]{3}")
# grouping characters that can never be a decimal mark
_GROUPING = re.compile(r"[\s\u00a0\u202f'’]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def parse_price(text: str, *, default_currency: str | None = None) -> tuple[Decimal, str | None]:
    """Return ``(amount, currency)`` for a localized price string.

    The currency is a symbol or an ISO code before or after the number
    (``"$0.106"``, ``"0.106 USD"``, ``"CHF 1'234.50"``); it is returned as an
    ISO code when recognizable, else ``default_currency`` (``None`` for
    ambiguous symbols such as ``kr``).

    Which separator is the decimal mark:

    1. Spaces (also no-break spaces) and apostrophes only ever group digits.
    2. When both ``.`` and ``,`` occur, the one occurring last is the decimal
       mark: ``1.234,56`` and ``1,234.56`` are both 1234.56.
    3. A mark occurring more than once groups thousands: ``1.234.567``.
    4. A single mark followed by 1, 2 or 4+ digits is the decimal mark:
       ``12,50`` is 12.50, ``0.1065`` is 0.1065.
    5. A single mark followed by exactly 3 digits is ambiguous (``1,234``).
       It is the decimal mark when the integer part is ``0`` (``0,106``), or
       when it matches the currency's convention (comma for EUR, SEK, ``kr``
       ...; point for USD, GBP, JPY, CHF ...), or when the currency is
       unknown.  Only a mark that is *not* the currency's decimal mark groups
       thousands: ``"$1,234"`` is 1234 but ``"1,234 €"`` is 1.234.

    Grouped digits must come in groups of three (two are allowed before the
    last group, for Indian notation); anything else raises :class:`ValueError`.
    """
    stripped = text.strip()
    first = next((i for i, ch in enumerate(stripped) if ch.isdigit()), None)
    if first is None:
        raise ValueError(f"no amount in price {text!r}")
    last = max(i for i, ch in enumerate(stripped) if ch.isdigit())
    before, after = stripped[:first].strip(), stripped[last + 1 :].strip()
    number = stripped[first : last + 1]
    if before and after:
        raise ValueError(f"cannot tell the currency of price {text!r}")
    token = before or after
    currency, mark = _currency(token, text)
    if currency is None:
        currency = default_currency
        if mark is None and default_currency is not None:
            mark = "," if default_currency in _COMMA_DECIMAL else "."
    digits = _GROUPING.sub("", number)
    if not _NUMBER.fullmatch(digits):
        raise ValueError(f"cannot read the amount of price {text!r}")
    return Decimal(_canonical(digits, mark, text)), currency


def _currency(token: str, text: str) -> tuple[str | None, str | None]:
    """The ISO code and decimal-mark convention a currency token implies."""
    if not token:
        return None, None
    if token in _SYMBOLS:
        code = _SYMBOLS[token]
        if code is None:
            return None, _TOKEN_DECIMAL.get(token)
    elif _CODE.fullmatch(token):
        code = token
    else:
        raise ValueError(f"unknown currency {token!r} in price {text!r}")
    return code, ("," if code in _COMMA_DECIMAL else ".")


def _canonical(digits: str, mark: str | None, text: str) -> str:
    """Rewrite ``digits`` with ``.`` as the decimal mark and no grouping."""
    points, commas = digits.count("."), digits.count(",")
    if points and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
    elif points + commas == 0:
        return digits
    else:
        sep = "." if points else ","
        if points + commas > 1:
            decimal = None
        else:
            whole, fraction = digits.split(sep)
            decimal = sep if len(fraction) != 3 or whole.strip("0") == "" or mark is None or mark == sep else None
    if decimal is None:
        whole, fraction = digits, ""
    else:
        whole, _, fraction = digits.rpartition(decimal)
        if decimal in whole:
            raise ValueError(f"more than one decimal mark in price {text!r}")
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and not _grouped(groups):
        raise ValueError(f"digits are not grouped by thousands in price {text!r}")
    return "".join(groups) + ("." + fraction if fraction else "")


def _grouped(groups: list[str]) -> bool:
    head, middle, tail = groups[0], groups[1:-1], groups[-1]
    if not 1 <= len(head) <= 3 or len(tail) != 3:
        return False
    return all(len(g) == 3 for g in middle) or all(len(g) == 2 for g in middle)
