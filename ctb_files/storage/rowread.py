"""Many versions of a file with one long list of one-line items (BOM rows), each distinct line parsed once.

The general form of :mod:`ctb_files.storage.stockread` for any list key (``key``); stock reading
has its own faster reader there.
"""


from __future__ import annotations

import re
from typing import Any

from ctb_files.storage.yaml import DEFAULT_LIMITS, YamlProblem, load_fast

# printable ASCII only (no tab, no quote, no bracket, no anchor/alias/tag/comment start)
_ITEM_CHARS = re.compile(rb"( *)- \{[^{}\[\]#&*!|>%@`'\"\\\x00-\x1f\x7f-\xff]*\}")
_COMMENT = re.compile(rb" *(#[\x20-\x7e]*)?")
_SKIP: tuple[bytes, Any] = (b"#", None)  # a comment or blank row
_MAX_ITEMS = DEFAULT_LIMITS.items  # rows, comments included: never more items than the parser allows


class _Unshaped(Exception):
    """Not the shape the split reading is exact for."""


class RowVersions:
    """Parses stock file versions; ``load(data, path)`` equals ``load_fast(data, path)``.

    The lines of the answers are shared between versions: read them, never change them.
    """

    key = b"lines"  # the list whose items are read one row at a time
    item = _ITEM_CHARS

    def __init__(self) -> None:
        self._heads: dict[bytes, Any] = {}
        self._rows: dict[bytes, tuple[bytes, Any]] = {}

    def load(self, data: bytes, path: str) -> Any:
        """The parsed file; :class:`YamlProblem` exactly when ``load_fast`` raises it."""
        if len(data) > DEFAULT_LIMITS.file_size:
            return load_fast(data, path)  # the size refusal is the whole-file parser's to word
        try:
            return self._split(data)
        except (_Unshaped, YamlProblem):
            return load_fast(data, path)

    def _split(self, data: bytes) -> Any:
        marker = self.key + b":\n"
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
        name = self.key.decode()
        if not isinstance(doc, dict) or doc.get(name) != []:
            raise _Unshaped
        out = dict(doc)
        out[name] = items if indent is not None else None
        return out

    def _head(self, head: bytes) -> Any:
        if head not in self._heads:
            self._heads[head] = load_fast(head + self.key + b": []\n", "")
        return self._heads[head]

    def _row(self, row: bytes) -> tuple[bytes, Any]:
        """(indent, parsed item) of an item row, ``_SKIP`` for a comment or blank row."""
        found = self.item.fullmatch(row)
        if found is None:
            if _COMMENT.fullmatch(row) is None:
                raise _Unshaped
            return _SKIP
        indent = found.group(1)
        parsed = load_fast(row[len(indent) :], "")
        if not isinstance(parsed, list) or len(parsed) != 1:
            raise _Unshaped
        return indent, parsed[0]
