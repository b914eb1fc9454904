"""Stock, BOM and build files read block by block where their lists have the shapes ctb writes.

Most of a stock file is its ``lines``, of a BOM its ``rows``, of a cleared
build its ``reservations`` (each with its ``take`` rows), ``shortages`` and
``assemblies``: a list of one flow mapping per line (``  - {part: p1,
quantity: 5}``) or of block mappings (``  - part: r1`` then ``    quantity:
15``, ``    lines: [52]``, ``    take:`` and its rows ``      - {…}``
or ``      - R1``), as
ctb's writers and the round trip give them.  Such a block is read here line
by line, its scalars by the rules of
:func:`~ctb_files.storage.stockread.plain_scalar` (only readings that are
certain) and flow lists of them.  Everything else — the keys a person
wrote, a block in any other layout — is parsed by the whole-file parser as
one document of its own (the file without the blocks read here), and the
file is put back together in its order of keys.

That is exact because a block read here is a top-level key at column 0
followed only by indented lines of a strict grammar (ASCII id characters, no
quote, comment, anchor, alias or tag), so it parses the same wherever it
stands, and removing it leaves the rest meaning what it meant: every line at
column 0 of the rest must come back as a top-level key of the rest's parse,
in order and once.  Any doubt — a byte order mark, a carriage return, a
document marker or directive, content before the first key, a key twice, a
rest that does not parse, limits other than the default ones — and the whole
file goes to the whole-file parser, which words every message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from ctb_files.storage.rowread import _MAX_BYTES, _MAX_ITEMS
from ctb_files.storage.stockread import _MAX_KEYS, NOT_PLAIN, plain_key, plain_scalar

if TYPE_CHECKING:
    from ctb_files.storage.yaml.read import Bounds

_KEY = rb"([A-Za-z_][A-Za-z0-9_]*)"  # a plain key of key characters (what stockread.plain_key takes)
_TOP = re.compile(_KEY + rb":(?: |$)")  # a line at column 0 that starts a top-level key
_BLOCK_KEY = re.compile(_KEY + rb":")  # a top-level key whose value is on the lines below
_PAIR_LINE = re.compile(_KEY + rb":(?: ([^ ].*))?")  # key: value, or key: and rows below
_FLOW_PAIR = re.compile(_KEY + rb": (\[[^\[\]{}]*\]|[^\[\]{}, ][^\[\]{},]*)")


class _Unshaped(Exception):
    """Not the shape this reading is exact for."""


def load_lists(data: bytes, path: str, limits: Bounds) -> Any:
    """``load_fast(data, path, limits)`` of one stock, BOM or build file, its lists read line by line.

    Under limits other than the default ones (a ``ctb.yaml`` that lowers
    them) the whole-file parser reads the file and counts against them.
    """
    from ctb_files.storage.yaml.read import default_limits, load_fast

    if limits == default_limits():
        try:
            return _read(data, path)
        except _Unshaped:
            pass
    return load_fast(data, path, limits)


def _read(data: bytes, path: str) -> dict[str, Any]:
    """``data`` split into blocks read here and a rest for the parser, put back together; :class:`_Unshaped`
    when it is not a file this reading is exact for."""
    if len(data) > _MAX_BYTES or b"\r" in data:
        raise _Unshaped
    # top-level blocks: (key, first line, end line) over the file's lines
    lines = data.split(b"\n")
    starts: list[int] = []  # offset of each line
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    blocks: list[tuple[str, int, int]] = []
    for number, line in enumerate(lines):
        lead = line[:1]
        if lead in (b"", b" ", b"#"):
            if lead == b" " and not blocks and line.strip() and not line.lstrip().startswith(b"#"):
                raise _Unshaped  # content before the first key: the root is not a mapping at column 0
            continue
        found = _TOP.match(line)
        if found is None:
            raise _Unshaped  # a document marker, a directive, a list, a quoted key...
        if blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], number)
        blocks.append((found.group(1).decode("ascii"), number, len(lines)))
    if not blocks:
        raise _Unshaped
    keys = [key for key, _, _ in blocks]
    if len(set(keys)) != len(keys) or len(keys) > _MAX_KEYS:
        raise _Unshaped  # a key twice: the parser's message
    read: dict[str, Any] = {}
    rest: list[bytes] = []
    cut = 0  # where the part of the file that goes to the parser resumes
    for key, first, end in blocks:
        value = _block(lines, first, end) if _BLOCK_KEY.fullmatch(lines[first]) else NOT_PLAIN
        if value is NOT_PLAIN:
            continue
        read[key] = value
        rest.append(data[cut : starts[first]])
        cut = starts[end] if end < len(lines) else len(data)
    if not read:
        raise _Unshaped  # nothing to gain: the parser reads the file
    rest.append(data[cut:])
    parsed = _rest(b"".join(rest), path)
    if list(parsed) != [key for key in keys if key not in read]:
        raise _Unshaped  # a line at column 0 of the rest that is not one of its keys
    return {key: read[key] if key in read else parsed[key] for key in keys}


def _rest(rest: bytes, path: str) -> dict[str, Any]:
    """The rest of a file without its blocks read here, parsed; :class:`_Unshaped` when that is not a mapping."""
    from ctb_files.storage.yaml import YamlProblem, load_fast

    try:
        parsed = load_fast(rest, path)
    except YamlProblem:
        raise _Unshaped from None
    if parsed is None:
        return {}
    if not isinstance(parsed, dict):
        raise _Unshaped
    return parsed


def _block(lines: list[bytes], first: int, end: int) -> Any:
    """The list a block's indented lines hold, or NOT_PLAIN when they are not in the shape read here."""
    while end > first + 1 and lines[end - 1] == b"":  # blank lines before the next key, or the file's end
        end -= 1
    if end == first + 1:
        return NOT_PLAIN
    items: list[Any] = []
    item: dict[str, Any] | None = None  # the block mapping being read
    rows: list[Any] | None = None  # the rows of its last key, when they are on the lines below
    try:
        for line in lines[first + 1 : end]:
            if line.startswith(b"      - "):  # a row of the last key of a block mapping: a flow mapping or a scalar
                if rows is None:
                    return NOT_PLAIN
                rows.append(_made(_flow_map(line[8:])) if line[8:9] == b"{" else _scalar(line[8:]))
                continue
            if rows is not None and not rows:
                return NOT_PLAIN  # "key:" with nothing below: the parser reads it
            rows = None
            if line.startswith(b"  - {"):  # an item on one line
                item = None
                items.append(_made(_flow_map(line[4:])))
                continue
            if line.startswith(b"  - "):  # an item that is a block mapping: its first key
                item = {}
                items.append(item)
            elif item is None or not line.startswith(b"    "):
                return NOT_PLAIN
            key, value, many = _pair(line[4:])
            if key in item or len(item) >= _MAX_KEYS:
                return NOT_PLAIN
            if value is _BELOW:
                item[key] = rows = []
            else:
                item[key] = list(value) if many else value
    except _Unshaped:
        return NOT_PLAIN
    if (rows is not None and not rows) or len(items) > _MAX_ITEMS or any(len(row) > _MAX_ITEMS for row in _lists(items)):
        return NOT_PLAIN
    return items


def _lists(items: list[Any]) -> Iterator[list[Any]]:
    """The lists inside the items of a block (their rows)."""
    for item in items:
        for value in item.values():
            if type(value) is list:
                yield value


_T = TypeVar("_T")
_BELOW: Any = object()  # the value of "key:" whose rows are on the lines below
# each distinct line read once per process: a line's reading is a function of its bytes alone
_PAIRS: dict[bytes, tuple[str, Any, bool]] = {}
_MAPS: dict[bytes, tuple[dict[str, Any], bool]] = {}
_TEXTS: dict[Any, Any] = {}
_MEMO_SIZE = 1 << 16  # distinct lines of each kind remembered (about 25 MiB at most)


def flow_row(row: bytes) -> dict[str, Any] | None:
    """The mapping of an item row ``- {key: value, ...}`` (no indent), each value a plain scalar or a flow list
    of them, or None when the parser must read it.

    Where it answers, the answer equals ``load_fast(row, "")[0]``: the
    stock reader's certain readings (:func:`~ctb_files.storage.stockread.plain_scalar`),
    and lists such as a BOM row's ``refs: [R1, R2]``.
    """
    if not row.startswith(b"- "):
        return None
    try:
        return _made(_flow_map(row[2:]))
    except _Unshaped:
        return None


def _made(found: tuple[dict[str, Any], bool]) -> dict[str, Any]:
    """A fresh mapping from a remembered reading (its lists fresh too: the data is the caller's to keep)."""
    template, many = found
    if not many:
        return dict(template)
    return {key: list(value) if type(value) is tuple else value for key, value in template.items()}


def _pair(text: bytes) -> tuple[str, Any, bool]:
    """``key: value`` as (key, value, whether the value is a list, kept as a tuple); ``key:`` as (key, _BELOW, False)."""
    found = _PAIRS.get(text)
    if found is not None:
        return found
    matched = _PAIR_LINE.fullmatch(text)
    if matched is None:
        raise _Unshaped
    value = matched.group(2)
    read = _value(value) if value is not None else _BELOW
    many = type(read) is tuple
    return _kept(_PAIRS, text, (_key(matched.group(1)), read, many))


def _flow_map(text: bytes) -> tuple[dict[str, Any], bool]:
    """``{key: value, ...}`` on one line, each value a plain scalar or a flow list of them (kept as a tuple)."""
    found = _MAPS.get(text)
    if found is not None:
        return found
    if not (text.startswith(b"{") and text.endswith(b"}")) or len(text) == 2:
        raise _Unshaped
    body = text[1:-1]
    out: dict[str, Any] = {}
    many = False
    at = 0
    while True:
        matched = _FLOW_PAIR.match(body, at)
        if matched is None:
            raise _Unshaped
        key = _key(matched.group(1))
        if key in out or len(out) >= _MAX_KEYS:
            raise _Unshaped
        value = out[key] = _value(matched.group(2))
        many = many or type(value) is tuple
        at = matched.end()
        if at == len(body):
            break
        if body[at : at + 2] != b", ":
            raise _Unshaped
        at += 2
    return _kept(_MAPS, text, (out, many))


def _value(text: bytes) -> Any:
    """A plain scalar, or a flow list of plain scalars (``[]``, ``[5, 50]``) as a tuple."""
    if text.startswith(b"["):
        if not text.endswith(b"]"):
            raise _Unshaped
        inner = text[1:-1]
        if not inner:
            return ()
        pieces = inner.split(b", ")
        if len(pieces) > _MAX_ITEMS:
            raise _Unshaped
        return tuple(_scalar(piece) for piece in pieces)
    return _scalar(text)


def _scalar(text: bytes) -> Any:
    value = plain_scalar(text)
    if value is NOT_PLAIN:
        raise _Unshaped
    return _text(value) if type(value) is str else value


def _key(text: bytes) -> str:
    key = plain_key(text)
    if key is None:
        raise _Unshaped
    return _text(key)


def _text(text: str) -> str:
    """One object per distinct text, as the parser makes them (texts past the memo's room stay as they are)."""
    found: str | None = _TEXTS.get(text)
    return found if found is not None else _kept(_TEXTS, text, text)


def _kept(memo: dict[bytes, _T] | dict[str, _T], key: Any, value: _T) -> _T:
    """``value``, remembered under ``key`` while ``memo`` has room: the lines seen first stay, so a load of
    more distinct lines than that never empties it to fill it again."""
    if len(memo) < _MEMO_SIZE:
        memo[key] = value
    return value
