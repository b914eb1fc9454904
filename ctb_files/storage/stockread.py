"""Many versions of stock files read quickly: each distinct line parsed once.

A stock file's history is thousands of versions that differ in a line or
two.  When a version has the shape ``ctb`` writes — a head (``name:`` and
comments), a ``lines:`` line, then one flow mapping per line (``  - {part:
p1, quantity: 5}``), comments and blank lines — it reads the same as its
head parsed with ``lines: []`` plus each item line parsed on its own: a
one-line flow mapping with no quotes, brackets, anchors, tags or comments is
self-contained.  Those pieces are parsed once per distinct bytes and shared
by every version.  Any other shape, and any piece that does not parse, goes
to the whole-file parser, so answers and messages are exactly the same.

Most item rows are plain keys and plain scalars (``- {part: p1, quantity:
5, bin: A3}``); :func:`fast_item` builds those without the YAML parser,
taking only the scalars whose reading is certain (decimal integers and
decimals within the parser's digit limits, words that start with a letter
and are not a boolean or null word) and leaving every other row to it.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

# The YAML reader (PyYAML, the limits model) is imported when a piece needs it:
# a history of plain rows, as ctb writes them, is read without it.

# printable ASCII only (no tab, no quote, no bracket, no anchor/alias/tag/comment start)
_ITEM_CHARS = re.compile(rb"( *)- \{[^{}\[\]#&*!|>%@`'\"\\\x00-\x1f\x7f-\xff]*\}")
_COMMENT = re.compile(rb" *(#[\x20-\x7e]*)?")
_SKIP: tuple[bytes, Any] = (b"#", None)  # a comment or blank row
_EMPTY_HEAD: dict[str, Any] = {"lines": []}  # what the parser reads in ``lines: []`` alone

# Bounds within the YAML reader's limits (storage/yaml/read.py: MAX_INTEGER_DIGITS, MAX_FRACTION_DIGITS,
# Limits; a test holds them there), so that a number or text taken here is one the parser takes too.
_INTEGER_DIGITS = 15
_FRACTION_DIGITS = 12
_MAX_KEYS = 1_000
_MAX_ITEMS = 10_000  # rows of a version (items, comments, blank rows): more go to the parser, which counts items
_MAX_TEXT = 1_000
_MAX_BYTES = 1_000_000  # a larger version goes to the whole-file parser, which knows the file size limit

# key: a plain word; value: a plain scalar of id characters (the reading of each is settled below)
_PAIR = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*): +([-+]?[A-Za-z0-9][A-Za-z0-9._+-]*)")
_INTEGER = re.compile(rb"[-+]?[0-9]{1,%d}" % _INTEGER_DIGITS)
_DECIMAL = re.compile(rb"[-+]?[0-9]{1,%d}\.[0-9]{1,%d}" % (_INTEGER_DIGITS, _FRACTION_DIGITS))
_WORD = re.compile(rb"[A-Za-z][A-Za-z0-9._+-]*")
# words the parser reads as something other than text (booleans, null); all start with a letter
_NOT_TEXT = frozenset({b"true", b"True", b"TRUE", b"false", b"False", b"FALSE", b"null", b"Null", b"NULL"})


def _load(data: bytes, path: str) -> Any:
    from ctb_files.storage.yaml import load_fast

    return load_fast(data, path)


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
        key, value = pair.group(1), pair.group(2)
        if key in _NOT_TEXT or len(key) > _MAX_TEXT:
            return None
        name = key.decode("ascii")
        if name in out:
            return None  # a duplicate key: the parser's message
        if _INTEGER.fullmatch(value):
            out[name] = int(value)
        elif _DECIMAL.fullmatch(value):
            out[name] = Decimal(value.decode("ascii"))
        elif _WORD.fullmatch(value) and value not in _NOT_TEXT and len(value) <= _MAX_TEXT:
            out[name] = value.decode("ascii")
        else:
            return None
    return out


class _Unshaped(Exception):
    """Not the shape the split reading is exact for."""


class StockVersions:
    """Parses stock file versions; ``load(data, path)`` equals ``load_fast(data, path)``.

    The lines of the answers are shared between versions: read them, never change them.
    """

    def __init__(self) -> None:
        self._heads: dict[bytes, Any] = {}
        self._rows: dict[bytes, tuple[bytes, Any]] = {}

    def load(self, data: bytes, path: str) -> Any:
        """The parsed file; :class:`YamlProblem` exactly when ``load_fast`` raises it."""
        try:
            return self._split(data)
        except _Unshaped:
            return _load(data, path)

    def _split(self, data: bytes) -> Any:
        if len(data) > _MAX_BYTES:
            raise _Unshaped
        start = data.find(b"\nlines:\n")
        if start < 0:
            if not data.startswith(b"lines:\n"):
                raise _Unshaped
            head, body = b"", data[len(b"lines:\n") :]
        else:
            head, body = data[: start + 1], data[start + len(b"\nlines:\n") :]
        rows = body.split(b"\n")
        if len(rows) > _MAX_ITEMS:
            raise _Unshaped
        indent: bytes | None = None
        items: list[Any] = []
        for row in rows:
            known = self._rows.get(row)
            if known is None:
                known = self._rows[row] = self._row(row)
            if known is _SKIP:
                continue
            if indent is None:
                indent = known[0]
            elif known[0] != indent:
                raise _Unshaped  # a deeper or shallower item nests differently in the whole file
            items.append(known[1])
        doc = self._head(head)
        if not isinstance(doc, dict) or doc.get("lines") != []:
            raise _Unshaped
        out = dict(doc)
        out["lines"] = items if indent is not None else None
        return out

    def _head(self, head: bytes) -> Any:
        if not head:
            return _EMPTY_HEAD
        if head not in self._heads:
            self._heads[head] = _piece(head + b"lines: []\n")
        return self._heads[head]

    @staticmethod
    def _row(row: bytes) -> tuple[bytes, Any]:
        """(indent, parsed item) of an item row, ``_SKIP`` for a comment or blank row."""
        found = _ITEM_CHARS.fullmatch(row)
        if found is None:
            if _COMMENT.fullmatch(row) is None:
                raise _Unshaped
            return _SKIP
        indent = found.group(1)
        fast = fast_item(row[len(indent) :])
        if fast is not None:
            return indent, fast
        parsed = _piece(row[len(indent) :])
        if not isinstance(parsed, list) or len(parsed) != 1:
            raise _Unshaped
        return indent, parsed[0]


def _piece(data: bytes) -> Any:
    """A head or a row parsed on its own; :class:`_Unshaped` (the whole file decides) when it does not parse."""
    from ctb_files.storage.yaml import YamlProblem, load_fast

    try:
        return load_fast(data, "")
    except YamlProblem:
        raise _Unshaped from None
