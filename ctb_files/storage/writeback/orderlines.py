"""An order file as ctb writes it, its ``lines`` rewritten as text (``ctb order generate``).

``order generate`` rewrites the ``lines`` of every open order it adds to:
lines that stay keep their place in the file and their style, changed values
are written anew, new lines are appended.  Through ruamel's round trip
(parse, merge, write; pure Python) that was most of the command's time on a
stockroom with many open orders.  A file in the shape ctb writes — a head of
plain lines (comments, plain values, ``created_at: 2026-12-04T10:00:00Z``),
then ``lines:`` and each line a mapping of plain or quoted scalars and a
``for`` mapping, in flow style (``  - {part: p1, quantity: 5, for: {b1: 5}}``)
or in block style as the round trip writes it (``  - part: p1`` then
``    quantity: 5`` and ``    for: {b1: 5}``, or the ``for`` below its key as
PyYAML writes it, kept so), and plain keys after — is
instead kept as its lines of text, and :meth:`OrderLines.update` writes the
lines as the round trip would: the same merge (``writeback.lists.merge_by_key``
and ``yaml.merge_into``: lines matched by part, first come first served;
unchanged values keep their text, new keys go where the line's key order puts
them, keys the new line lacks go), a kept line in its own style, a new line
in block style with its ``for`` in flow style (in flow style when it has no
``for``).  Where a value's text is not certain (a text that is no plain word
or number and would need other quoting, an empty ``for``, a line longer than
:data:`_WIDTH`), where the file holds anything else (comments among the lines,
lists or deeper mappings below a key, ``lines: []``), or where no line would be left,
the caller edits the round-trip document instead.  The frame of the file (a
``---`` line, a ``...`` line) and CR LF line breaks are kept, as the round trip
keeps them.  A test holds both ways to the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from ctb_files.storage.listread import flow_row
from ctb_files.storage.stockread import NOT_PLAIN, plain_scalar
from ctb_files.storage.writeback.flowlines import HEAD, ListFile, scan_file
from ctb_files.storage.yaml import same_value
from ctb_files.storage.yaml.scalars import YAML11_WORDS, number_text, writes_plain

# text written in double quotes as it stands: printable ASCII, no quote or backslash (no escape needed)
_QUOTABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")
# a head line of an order: what a stock file's head holds, a time as ctb writes one, or a value in double quotes
_HEAD = re.compile(
    HEAD.pattern
    + r"|[A-Za-z_][A-Za-z0-9_]*: (?:[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z|\""
    + _QUOTABLE.pattern
    + r"\")"
)
_WIDTH = 2000  # longer lines are left to the round trip, whose writer folds flow lines past its width
_INDENT = "  "


class OrderLines:
    """The ``lines`` of an order file in the shape ctb writes: the file as scanned, and each line's text and data."""

    def __init__(self, scanned: ListFile) -> None:
        self._file = scanned  # the head, the tail, the dashes' column, the frame, the line break: kept as they are
        self._rows = [row.text for row in scanned.rows]  # each line's text, its indent and newlines included
        self._blocks = [row.block for row in scanned.rows]  # whether each line is a block mapping
        self.items: Sequence[dict[str, Any]] = [row.item for row in scanned.rows]  # as the loader reads them

    @classmethod
    def read(cls, data: bytes) -> OrderLines | None:
        """The lines of ``data``, or None when the file is not in the shape this edits (a comment, a blank line,
        ``lines: []``, another layout: the round trip's)."""
        scanned = scan_file(data, _HEAD, _flow_line, _block_line, width=_WIDTH)
        return cls(scanned) if scanned is not None else None

    def update(self, lines: Sequence[Mapping[str, Any]]) -> bool:
        """Make the order's lines hold ``lines``, as ``writeback.order`` makes the round-trip document hold them;
        False (nothing changed) where some line cannot be written as text whose reading is certain, or none is
        left."""
        spare: dict[str, list[int]] = {}
        for index, item in enumerate(self.items):
            spare.setdefault(str(item.get("part")), []).append(index)
        rows: list[str] = []
        items: list[dict[str, Any]] = []
        blocks: list[bool] = []
        for data in lines:
            indexes = spare.get(str(data.get("part")))
            if indexes:
                index = indexes.pop(0)
                item = merged(self.items[index], data)
                block = self._blocks[index]  # a line that stays keeps its style
            else:  # a new line: flow style when all its values are scalars (yaml.to_roundtrip), else block
                item = dict(data)
                block = any(isinstance(value, (dict, list, tuple)) for value in item.values())
            indent = self._file.indent
            text = block_text(item, indent) if block else flow_text(item, indent)
            if text is None:
                return False
            rows.append(text)
            items.append(item)
            blocks.append(block)
        if not rows:
            return False  # ``lines: []``: the round trip's
        self._rows, self.items, self._blocks = rows, items, blocks
        return True

    def text(self) -> str:
        return self._file.around("".join(self._rows))


def _flow_line(row: str, indent: str) -> dict[str, Any] | None:
    """An order line in flow style, where the round trip writes it again as it stands."""
    item = flow_row(row.encode("utf-8"))
    return item if item is not None and flow_text(item, indent) == f"{indent}{row}\n" else None


def _block_line(block: list[str], indent: str) -> dict[str, Any] | None:
    """An order line in block style (its lines), where the round trip writes it again as it stands."""
    item = _block_item(block, indent)
    text = "".join(f"{each}\n" for each in block)
    return item if item is not None and block_text(item, indent) == text else None


def merged(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``old`` made to hold ``new`` as ``yaml.merge_into`` does it: keys ``new`` lacks go, a value equal to the
    old one (``yaml.same_value``) stays as it was, a mapping is merged key by key, a new text replacing a quoted
    one keeps its quotes (as ruamel's mapping does), a new key goes before the next key of ``new``'s order already
    there (else last)."""
    order = list(new)
    keys = [key for key in old if key in new]
    for index, key in enumerate(order):
        if key not in keys:
            following = next((k for k in order[index + 1 :] if k in keys), None)
            keys.insert(keys.index(following) if following is not None else len(keys), key)
    out: dict[str, Any] = {}
    for key in keys:
        value = new[key]
        if key in old:
            was = old[key]
            if same_value(was, value):
                value = was
            elif isinstance(was, dict) and isinstance(value, dict):
                value = _BlockMap(merged(was, value)) if type(was) is _BlockMap else merged(was, value)
            elif type(value) is str and type(was) is str and (_scalar(was) or "").startswith('"'):
                value = _Quoted(value)  # ruamel gives a new text the quotes of the one it replaces
        out[key] = value
    return out


class _Quoted(str):
    """Text written in double quotes whatever it holds: it replaced a value written so."""

    __slots__ = ()


def flow_text(item: Mapping[str, Any], indent: str = _INDENT) -> str | None:
    """A line as the round trip writes a flow mapping in a list (``  - {part: p1, for: {b1: 4}}``, newline
    included), or None where some value's text is not certain."""
    inner = _mapping(item)
    if inner is None or len(inner) + len(indent) + 2 > _WIDTH:
        return None
    return f"{indent}- {inner}\n"


def block_text(item: Mapping[str, Any], indent: str = _INDENT) -> str | None:
    """A line as the round trip writes a block mapping in a list, a ``for`` mapping in flow style::

    - part: p1
      quantity: 5
      for: {b1: 5}
    """
    out: list[str] = []
    for i, (name, value) in enumerate(item.items()):
        key = _word(name)
        if type(value) is _BlockMap:  # kept in block style, its keys below it
            below = [(_word(k), _scalar(v)) for k, v in value.items()]
            if key is None or not below or any(k is None or v is None or len(k) + len(v) > _WIDTH for k, v in below):
                return None
            nested = "".join(f"{indent}    {k}: {v}\n" for k, v in below)
            out.append(f"{indent}{'  ' if i else '- '}{key}:\n{nested}")
            continue
        text = _mapping(value) if isinstance(value, Mapping) else _scalar(value)
        if key is None or text is None or len(text) + len(indent) + len(key) + 4 > _WIDTH:
            return None
        out.append(f"{indent}{'  ' if i else '- '}{key}: {text}\n")
    return "".join(out) or None


class _BlockMap(dict[str, Any]):
    """A line's mapping written in block style below its key (``for:`` then ``    b1: 4``, as PyYAML writes it):
    the round trip keeps the style of a mapping it merges into."""

    __slots__ = ()


def _block_item(block: list[str], indent: str) -> dict[str, Any] | None:
    """The data of a block mapping in a list (its lines, without newlines), a mapping below a key (``for:`` then
    its keys two columns further in) as a :class:`_BlockMap`; None where it is not read with certainty."""
    more = indent + "  "
    nested = more + "  "
    pairs: list[str] = []
    below: dict[int, list[str]] = {}  # index in pairs -> the pairs of the mapping below that key
    for i, line in enumerate(block):
        if i and line.startswith(nested) and (len(pairs) - 1) in below:
            below[len(pairs) - 1].append(line[len(nested) :])
            continue
        pair = line[len(more) :]
        if pair.startswith(" "):
            return None
        if pair.endswith(":") and ": " not in pair:
            below[len(pairs)] = []
            pair = pair[:-1]
        pairs.append(pair)
    if any(not inner or any(p.startswith(" ") for p in inner) for inner in below.values()):
        return None
    written = [f"{pair}: {{{', '.join(below[i])}}}" if i in below else pair for i, pair in enumerate(pairs)]
    item = flow_row(("- {" + ", ".join(written) + "}").encode("utf-8"))
    if item is None:
        return None
    for i in below:
        key = pairs[i]
        if type(item.get(key)) is not dict:
            return None
        item[key] = _BlockMap(item[key])
    return item


def _mapping(item: Mapping[str, Any]) -> str | None:
    """``{key: value, ...}`` in flow style, a mapping value in flow style too; None when empty or uncertain."""
    pairs: list[str] = []
    for name, value in item.items():
        key = _word(name)
        text = _mapping(value) if isinstance(value, Mapping) else _scalar(value)
        if key is None or text is None:
            return None
        pairs.append(f"{key}: {text}")
    return "{" + ", ".join(pairs) + "}" if pairs else None


def _word(key: Any) -> str | None:
    """A key written plain: text the reader takes back as that same text."""
    return str(key) if type(key) is str and writes_plain(key) else None


def _scalar(value: Any) -> str | None:
    """A value as the round trip writes it (``yaml.to_roundtrip``): numbers as :func:`number_text`, text plain,
    or in double quotes where it would read as something else; None where that is not certain."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is Decimal:
        return number_text(Decimal(value))
    if kind is _Quoted:
        return f'"{value}"' if _QUOTABLE.fullmatch(value) else None
    if kind is not str:
        return None
    if writes_plain(value):
        return str(value)
    read = plain_scalar(value.encode("utf-8")) if value.isascii() else NOT_PLAIN
    if value.lower() in YAML11_WORDS or (read is not NOT_PLAIN and type(read) is not str):
        return f'"{value}"' if _QUOTABLE.fullmatch(value) else None  # it would read as a number, a boolean, null
    return None
