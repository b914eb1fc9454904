"""How ctb writes a number, and which words it quotes: one rule for the round-trip writer and the line editor."""

from __future__ import annotations

from decimal import Decimal

from ctb_files.storage.stockread import plain_scalar

#: words other tools still read as booleans or null (YAML 1.1): a text of one of them is written quoted
YAML11_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"})


def number_text(value: Decimal) -> str:
    """A Decimal as written: its digits as held, no exponent (``12``, ``2.50``, ``0.000001``)."""
    return format(value, "f")


def writes_plain(value: str) -> bool:
    """Whether a text is written without quotes: the readers of lines (:func:`~ctb_files.storage.stockread.plain_scalar`)
    read it back as that same text, and it is none of :data:`YAML11_WORDS` (the round trip quotes those).  The one
    rule every text writer asks (the build writer, the stock and order editors)."""
    return value.isascii() and value.lower() not in YAML11_WORDS and plain_scalar(value.encode("ascii")) == value
