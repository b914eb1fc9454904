"""Many versions of stock files read quickly: each distinct line parsed once.

A stock file's history is thousands of versions that differ in a line or
two; :class:`~ctb_files.storage.rowread.RowVersions` reads the ``lines:`` of
each version row by row, every distinct row parsed once, with exactly the
answers and messages of the whole-file parser.

Most item rows are plain keys and plain scalars (``- {part: p1, quantity:
5, bin: A3}``); :func:`fast_item` builds those without the YAML parser,
taking only the scalars whose reading is certain (decimal integers and
decimals within the parser's digit limits, words that start with a letter
and are not a boolean or null word, ``true`` and ``false``) and leaving
every other row to it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ctb_files.storage.rowread import RowVersions

# Bounds within the YAML reader's limits (storage/yaml/read.py: MAX_INTEGER_DIGITS, MAX_FRACTION_DIGITS,
# Limits; a test holds them there), so that a number or text taken here is one the parser takes too.
_INTEGER_DIGITS = 15
_FRACTION_DIGITS = 12
_MAX_KEYS = 1_000
_MAX_TEXT = 1_000

# key: a plain word; value: a plain scalar of id characters, or of such words one space apart (settled below)
_PAIR = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*): +([-+]?[A-Za-z0-9][A-Za-z0-9._+-]*(?: [A-Za-z0-9._+-]+)*)")
_INTEGER = re.compile(rb"[-+]?[0-9]{1,%d}" % _INTEGER_DIGITS)
_DECIMAL = re.compile(rb"[-+]?[0-9]{1,%d}\.[0-9]{1,%d}" % (_INTEGER_DIGITS, _FRACTION_DIGITS))
# a word that starts with a letter (or ``_``), or words of id characters one space apart after it (a note: ``from the old
# shelf``): no character a plain scalar may not hold, nothing that starts a comment or ends a key
_WORD = re.compile(rb"[A-Za-z_][A-Za-z0-9._+-]*(?: [A-Za-z0-9._+-]+)*")
# a word that starts with a digit, as part numbers, values and vendor SKUs do (``2N3904``, ``10k``, ``0.1uF``,
# ``595-TL074CDR``), maybe more words one space apart (``10uF 50V``): id characters with a letter in the first
# word, and no number the parser or the round trip reads (a base prefix ``0x``/``0o``/``0b``, an exponent
# ``1e5``, ``1.5e-3``, ``1_0e5``); no date or time either, as a date is digits and dashes only
_DIGIT_WORD = re.compile(rb"(?=[0-9._+-]*[A-Za-z])[0-9][A-Za-z0-9._+-]*(?: [A-Za-z0-9._+-]+)*")
_NUMBER_LIKE = re.compile(rb"0[bBoOxX].*|[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+")
# words the parser reads as something other than text (booleans, null); all start with a letter
_NULLS = frozenset({b"null", b"Null", b"NULL"})  # null, as ctb writes an empty value (``part: null``)
_NOT_TEXT = frozenset({b"true", b"True", b"TRUE", b"false", b"False", b"FALSE"}) | _NULLS
_BOOLEANS = {b"true": True, b"false": False}  # the two a writer writes (the others read alike, but are not written so)


NOT_PLAIN: Any = object()  # what :func:`plain_scalar` answers for a value the parser must read


def plain_scalar(value: bytes) -> Any:
    """The value of a plain scalar of id characters, or :data:`NOT_PLAIN` when its reading is not certain.

    Where it answers, the answer is what the YAML reader makes of the same
    scalar in a flow or block context (the same value of the same type):
    decimal integers and decimals within the reader's digit limits, words
    that start with a letter or ``_`` and are no boolean or null word (or several,
    one space apart, as a note is written), words that start with a digit
    (``2N3904``, ``10k``, ``0.1uF``, ``595-TL074CDR``, ``10uF 50V``: a letter
    in the first word, and no base prefix or exponent such as ``0x1F`` or
    ``1.5e-3``), the booleans ``true`` and ``false``, and null.
    """
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        return Decimal(value.decode("ascii"))
    if _WORD.fullmatch(value) and len(value) <= _MAX_TEXT:
        if value not in _NOT_TEXT:
            return value.decode("ascii")
        if value in _BOOLEANS:
            return _BOOLEANS[value]
        if value in _NULLS:
            return None
    elif _DIGIT_WORD.fullmatch(value) and not _NUMBER_LIKE.fullmatch(value) and len(value) <= _MAX_TEXT:
        return value.decode("ascii")
    return NOT_PLAIN



def plain_key(key: bytes) -> str | None:
    """A key of key characters (``[A-Za-z_][A-Za-z0-9_]*``) as the reader takes it; None for one it refuses
    (a boolean or null word is not text)."""
    return None if key in _NOT_TEXT or len(key) > _MAX_TEXT else key.decode("ascii")


def fast_item(row: bytes) -> dict[str, Any] | None:
    """The mapping of an item row ``- {key: value, ...}`` (no indent), or None when the parser must read it.

    Where it answers, the answer equals ``load_fast(row, "")[0]`` (same keys
    in the same order, same values of the same types).
    """
    if not (row.startswith(b"- {") and row.endswith(b"}")):
        return None
    body = row[3:-1]
    if not body:
        return None
    pieces = body.split(b", ")
    if len(pieces) > _MAX_KEYS:
        return None
    out: dict[str, Any] = {}
    for piece in pieces:
        pair = _PAIR.fullmatch(piece)
        if pair is None:
            return None
        name = plain_key(pair.group(1))
        if name is None or name in out:
            return None  # a duplicate key: the parser's message
        read = plain_scalar(pair.group(2))
        if read is NOT_PLAIN:
            return None
        out[name] = read
    return out


class StockVersions(RowVersions):
    """Parses stock file versions; ``load(data, path)`` equals ``load_fast(data, path)``.

    The lines of the answers are shared between versions: read them, never change them.
    """

    key = b"lines"
    _fast = staticmethod(fast_item)
