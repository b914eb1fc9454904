"""Many versions of a file with one long list of one-line items, each distinct line parsed once.

A stock or BOM file's history is thousands of versions that differ in a line
or two.  When a version has the shape ``ctb`` writes — a head (keys and
comments), the list's key line (``lines:``, ``rows:``), then one flow mapping
per line (``  - {part: p1, quantity: 5}``, maybe a comment after it), comments and blank lines — it
reads the same as its head parsed with ``<key>: []`` plus each item line
parsed on its own: a one-line flow mapping with no quotes, anchors, tags or
comments is self-contained.  Those pieces are parsed once per distinct bytes
and shared by every version.  Any other shape, and any piece that does not
parse, goes to the whole-file parser, so answers and messages are exactly the
same.  Lines ending CR LF read as lines ending LF.

:class:`RowVersions` is that reading for any list key; the file kinds
subclass it (:mod:`ctb_files.storage.stockread`,
:mod:`ctb_files.storage.bomread`) with their key, the characters an item row
may hold, and optionally a reader of plain rows that needs no YAML parser.
"""

from __future__ import annotations

import re
from typing import Any

# The YAML reader (PyYAML, the limits model) is imported when a piece needs it:
# a history of plain rows read by a subclass's fast reader never needs it.

# printable ASCII only (no tab, no quote, no bracket, no anchor/alias/tag/comment start)
_ITEM_CHARS = re.compile(rb"( *)- \{[^{}\[\]#&*!|>%@`'\"\\\x00-\x1f\x7f-\xff]*\}")
# what the whole-file parser takes for a comment, and so every reader of lines here skips: a blank line or a
# whole-line comment of printable ASCII (ASIDE), and a comment after what a line holds (COMMENT_AFTER)
ASIDE = re.compile(rb" *(?:#[\x20-\x7e]*)?")
COMMENT_AFTER = re.compile(rb" +#[\x20-\x7e]*")
_SKIP: tuple[bytes, Any] = (b"#", None)  # a comment or blank row

# Bounds within the YAML reader's limits (storage/yaml/read.py: Limits; a test holds them there), so that
# a version read here is one the whole-file parser takes too.
_MAX_ITEMS = 10_000  # rows of a version (items, comments, blank rows): more go to the parser, which counts items
_MAX_BYTES = 5_000_000  # a larger version goes to the whole-file parser, which words the size refusal


def as_lf(data: bytes) -> bytes | None:
    """``data`` with its lines ending LF where they end CR LF (a file written on Windows), which reads the same
    (line numbers too); None where a carriage return stands alone (the whole-file parser's to read)."""
    if b"\r" not in data:
        return data
    if data.count(b"\r") != data.count(b"\r\n"):
        return None
    return data.replace(b"\r\n", b"\n")


class _Unshaped(Exception):
    """Not the shape the split reading is exact for."""


class RowVersions:
    """Parses versions of a file whose list ``key`` holds one item per row; ``load(data, path)`` equals ``load_fast(data, path)``.

    The items of the answers are shared between versions: read them, never change them.
    """

    key = b"lines"  # the list whose items are read one row at a time
    item = _ITEM_CHARS  # an item row, its indent the first group: what parses the same on its own

    def __init__(self) -> None:
        self._marker = self.key + b":\n"
        self._name = self.key.decode()
        self._heads: dict[bytes, Any] = {b"": {self._name: []}}  # what the parser reads in ``<key>: []`` alone
        self._rows: dict[bytes, tuple[bytes, Any]] = {}

    @staticmethod
    def _fast(row: bytes) -> Any:
        """The item of an unindented item row read without the YAML parser, or None to leave it to the parser.

        Where it answers, the answer equals ``load_fast(row, "")[0]``.
        """
        return None

    def load(self, data: bytes, path: str) -> Any:
        """The parsed file; :class:`YamlProblem` exactly when ``load_fast`` raises it."""
        try:
            return self._split(data)
        except _Unshaped:
            from ctb_files.storage.yaml import load_fast

            return load_fast(data, path)

    def _split(self, data: bytes) -> Any:
        if len(data) > _MAX_BYTES:
            raise _Unshaped
        lf = as_lf(data)
        if lf is None:
            raise _Unshaped
        data = lf
        marker = self._marker
        start = data.find(b"\n" + marker)
        if start < 0:
            if not data.startswith(marker):
                raise _Unshaped
            head, body = b"", data[len(marker) :]
        else:
            head, body = data[: start + 1], data[start + 1 + len(marker) :]
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
        if not isinstance(doc, dict) or doc.get(self._name) != []:
            raise _Unshaped
        out = dict(doc)
        out[self._name] = items if indent is not None else None
        return out

    def _head(self, head: bytes) -> Any:
        if head not in self._heads:
            self._heads[head] = _piece(head + self.key + b": []\n")
        return self._heads[head]

    def _row(self, row: bytes) -> tuple[bytes, Any]:
        """(indent, parsed item) of an item row, ``_SKIP`` for a comment or blank row."""
        found = self.item.match(row)
        if found is None:
            if ASIDE.fullmatch(row) is None:
                raise _Unshaped
            return _SKIP
        if found.end() < len(row):  # a comment after the item (``- {part: p1, quantity: 5}  # reel``), or not one
            if COMMENT_AFTER.fullmatch(row, found.end()) is None:
                raise _Unshaped
            row = row[: found.end()]
        indent = found.group(1)
        fast = self._fast(row[len(indent) :])
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
