"""How ctb writes a number, and which words it quotes: one rule for the round-trip writer and the line editor."""

from __future__ import annotations

from decimal import Decimal

#: words other tools still read as booleans or null (YAML 1.1): a text of one of them is written quoted
YAML11_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"})


def number_text(value: Decimal) -> str:
    """A Decimal as written: its digits as held, no exponent (``12``, ``2.50``, ``0.000001``)."""
    return format(value, "f")
