"""Stock, BOM, build and order files read block by block where their lists have plain shapes.

Most of a stock file is its ``lines``, of a BOM its ``rows``, of a cleared
build its ``reservations`` (each with its ``take`` rows), ``shortages`` and
``assemblies``, of an order its ``lines`` (each with its ``for`` mapping).  ctb's writers and the round trip give them as a list of one
flow mapping per line (``  - {part: p1, quantity: 5}``) or of block mappings
(``  - part: r1`` then ``    quantity: 15``, ``    lines: [52]``, ``    take:``
and its rows ``      - {…}`` or ``      - R1``); PyYAML's ``safe_dump`` writes
the same lists at their key's own column (``- part: r1`` / ``  take:`` /
``  - location: a``), or with more room after the dash (``-   part: r1``).
Such a block is read here line by line: a block sequence at any column (blank
lines and comments of printable ASCII between its items, as a stockroom kept
by hand has them between sections) whose items are flow mappings, plain
scalars or block mappings, whose values are
in turn plain scalars, flow lists of them, mappings of words to plain
scalars (``for: {b1: 4}``, or ``for:`` and ``    b1: 4`` below), or block
sequences of the same kinds (at most :data:`_MAX_DEPTH` deep).  Scalars are read by the rules of
:func:`~ctb_files.storage.stockread.plain_scalar` (only readings that are
certain), and quoted text of printable ASCII without an escape (``'0805'``,
as PyYAML quotes text that reads as a number) as that text.  Everything else — the keys a person wrote, a block in any other
layout — is parsed by the whole-file parser as one document of its own (the
file without the blocks read here), and the file is put back together in
its order of keys.

That is exact because a block read here is a top-level key at column 0
followed only by indented lines, or items at column 0, of a strict grammar
(ASCII id characters, quoted text on one line with no escape, no anchor,
alias or tag; comments of printable ASCII, on a line of their own or after
what a line holds, hold nothing), so
it parses the same wherever it stands, and removing it leaves the rest
meaning what it meant: every line at column 0 of the rest must come back as a
top-level key of the rest's parse, in order and once.  A ``---`` line before
the first key and a ``...`` line after the last block, followed by nothing
but blank lines and comments, stay in the rest, which the parser reads as the
one document they mark.  A line ending CR LF reads as one ending LF.  Any
doubt — a byte order mark, a carriage return alone, another document marker
or a directive, content before the first key, a key twice, a rest that does
not parse, limits other than the default ones — and the whole file goes to
the whole-file parser, which words every message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TypeVar

from ctb_files.storage.rowread import _MAX_BYTES, _MAX_ITEMS, ASIDE, COMMENT_AFTER, as_lf
from ctb_files.storage.stockread import _MAX_KEYS, _MAX_TEXT, NOT_PLAIN, plain_key, plain_scalar

if TYPE_CHECKING:
    from ctb_files.storage.yaml.read import Bounds

_KEY = rb"([A-Za-z_][A-Za-z0-9_]*)"  # a plain key of key characters (what stockread.plain_key takes)
_TOP = re.compile(_KEY + rb":(?: |$)")  # a line at column 0 that starts a top-level key
_BLOCK_KEY = re.compile(_KEY + rb":")  # a top-level key whose value is on the lines below
_PAIR_LINE = re.compile(_KEY + rb":(?: ([^ ].*))?")  # key: value, or key: and rows below
_FLOW_PAIR = re.compile(_KEY + rb": (\[[^\[\]{}]*\]|\{[^\[\]{}]*\}|[^\[\]{}, ][^\[\]{},]*)")


class _Unshaped(Exception):
    """Not the shape this reading is exact for."""


def load_lists(data: bytes, path: str, limits: Bounds) -> Any:
    """``load_fast(data, path, limits)`` of one stock, BOM, build or order file, its lists read line by line.

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
    if len(data) > _MAX_BYTES:
        raise _Unshaped
    lf = as_lf(data)  # CR LF reads as LF does (a file written on Windows); a CR alone: the parser's
    if lf is None:
        raise _Unshaped
    data = lf
    # top-level blocks: (key, first line, end line) over the file's lines
    lines = data.split(b"\n")
    starts: list[int] = []  # offset of each line
    offset = 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    blocks: list[tuple[str, int, int]] = []
    started = ended = False  # a ``---`` line opened the document; a ``...`` line closed it
    for number, line in enumerate(lines):
        lead = line[:1]
        if lead in (b"", b" ", b"#"):
            if lead == b" " and (ended or not blocks) and line.strip() and not line.lstrip().startswith(b"#"):
                raise _Unshaped  # content before the first key (or after the end): not one mapping at column 0
            continue
        if ended:
            raise _Unshaped  # another document, or text after the end marker: the parser's to say
        if lead == b"-" and blocks and (line == b"-" or line.startswith(b"- ")):
            continue  # an item of a list at its key's column, as PyYAML writes lists
        if line == b"---" and not blocks and not started:
            started = True  # the document's start marker (yamllint's document-start), left in the rest
            continue
        if line == b"..." and blocks:
            blocks[-1] = (blocks[-1][0], blocks[-1][1], number)  # the last block ends here
            ended = True
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
        value = _block(lines, first, end) if _BLOCK_KEY.fullmatch(_uncommented(lines[first])) else NOT_PLAIN
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
    """The list a block's lines below its key hold, or NOT_PLAIN when they are not in the shape read here."""
    while end > first + 1 and _aside(lines[end - 1]):  # blank lines and comments before the next key, or the end
        end -= 1
    start = first + 1
    while start < end and _aside(lines[start]):  # blank lines and comments above the first item
        start += 1
    if start == end:
        return NOT_PLAIN
    try:
        items, at = _seq(lines, start, end, _indent(lines[start]), 1)
    except _Unshaped:
        return NOT_PLAIN
    return items if at == end else NOT_PLAIN


def _indent(line: bytes) -> int:
    return len(line) - len(line.lstrip(b" "))


def _aside(line: bytes) -> bool:
    """A line that holds no data: blank, or a whole-line comment of printable ASCII."""
    return ASIDE.fullmatch(line) is not None


def _uncommented(text: bytes) -> bytes:
    """``text`` without the comment after it: from its first `` #`` on, which no scalar read here holds (a plain
    scalar cannot, and quoted text cut there no longer reads); :class:`_Unshaped` when the comment is not of
    printable ASCII."""
    at = text.find(b" #")
    if at < 0:
        return text
    if COMMENT_AFTER.fullmatch(text, at) is None:  # ``  - {part: r1, quantity: 5}  # reel``
        raise _Unshaped
    return text[:at].rstrip(b" ")


def _seq(lines: list[bytes], at: int, end: int, indent: int, depth: int) -> tuple[list[Any], int]:
    """The block sequence whose items start ``- `` at column ``indent`` from line ``at``, and the line after it.

    An item is a flow mapping, a plain scalar, or a block mapping whose first
    key stands after the dash (its other keys at the column of the first).
    Blank lines and whole-line comments between two items hold nothing.  The
    sequence ends at the first other line that does not start an item at its
    column; what that line may be is the caller's to say.
    """
    if depth > _MAX_DEPTH:
        raise _Unshaped  # deeper than read here: the parser counts nesting against its limit
    dash = b" " * indent + b"- "
    cut = indent + 2
    items: list[Any] = []
    while at < end:
        line = lines[at]
        if not line.startswith(dash):
            if _aside(line):  # blank lines and comments between two items (a stock file's sections)
                ahead = at + 1
                while ahead < end and _aside(lines[ahead]):
                    ahead += 1
                if ahead < end and lines[ahead].startswith(dash):
                    at = ahead
                    continue
            break
        text = line[cut:]
        at += 1
        column = cut
        if text[:1] == b" ":  # more spaces after the dash (PyYAML's indent=4 writes "-   part: p1")
            column += _indent(text)
            text = line[column:]
        text = _uncommented(text)
        if text[:1] == b"{":
            items.append(_made(_flow_map(text)))
        elif b":" in text:
            item, at = _map(lines, at, end, column, _pair(text), depth + 1)
            items.append(item)
        else:
            items.append(_scalar(text))
    if not items or len(items) > _MAX_ITEMS:
        raise _Unshaped
    return items, at


def _map(
    lines: list[bytes], at: int, end: int, indent: int, pair: tuple[str, Any, bool], depth: int
) -> tuple[dict[str, Any], int]:
    """The block mapping of a sequence item whose keys stand at column ``indent``, its first ``pair`` read
    from the item's own line; and the line after it."""
    pad = b" " * indent
    item: dict[str, Any] = {}
    while True:
        key, value, many = pair
        if key in item or len(item) >= _MAX_KEYS:
            raise _Unshaped
        if value is _BELOW:  # on the lines below: a sequence at the key's column or deeper, or a mapping deeper
            if at == end:
                raise _Unshaped  # "key:" and nothing: null, the parser's to read
            below = _indent(lines[at])
            if below < indent:
                raise _Unshaped  # null
            if lines[at][below : below + 2] == b"- ":
                item[key], at = _seq(lines, at, end, below, depth + 1)
            elif below > indent:
                item[key], at = _words(lines, at, end, below)
            else:
                raise _Unshaped  # null, the next key at this column
        else:
            item[key] = _fresh(value) if many else value
        if at == end:
            return item, at
        line = lines[at]
        if line.startswith(pad) and line[indent : indent + 1] != b" ":
            pair = _pair(_uncommented(line[indent:]))  # the next key (a dash after a value on its line is refused)
            at += 1
            continue
        if _indent(line) < indent:
            return item, at  # the item ends: a line of an outer block (or a blank line, the caller's to refuse)
        raise _Unshaped  # deeper than a key: a value's continuation, or a mapping below


def _words(lines: list[bytes], at: int, end: int, indent: int) -> tuple[dict[str, Any], int]:
    """A block mapping of words to plain scalars at column ``indent`` (an order line's ``for``, as PyYAML
    writes it: ``for:`` then ``    b1: 4``), and the line after it."""
    pad = b" " * indent
    out: dict[str, Any] = {}
    while at < end:
        line = lines[at]
        if not line.startswith(pad) or line[indent : indent + 1] == b" ":
            if _indent(line) < indent:
                break  # a line of an outer block (or a blank line, the caller's to refuse)
            raise _Unshaped
        key, value = _word_pair(_uncommented(line[indent:]), block=True)
        if key in out or len(out) >= _MAX_KEYS:
            raise _Unshaped
        out[key] = value
        at += 1
    return out, at


def _word_pair(text: bytes, block: bool = False) -> tuple[str, Any]:
    """``word: scalar``, the key any word the reader takes as text (``b-12``, not only key characters);
    ``block``: a line of a block mapping, whose value may also be plain text of more kinds (:func:`_block_text`)."""
    key, sep, value = text.partition(b": ")
    name = plain_scalar(key)
    if not sep or type(name) is not str:
        raise _Unshaped
    try:
        return _text(name), _scalar(value)
    except _Unshaped:
        if not block:
            raise
        return _text(name), _block_text(value)


def _inner(text: bytes) -> dict[str, Any]:
    """``{word: scalar, ...}`` inside a mapping (an order line's ``for: {b1: 4}``)."""
    body = text[1:-1]
    out: dict[str, Any] = {}
    if not body:
        return out
    for piece in body.split(b", "):
        key, value = _word_pair(piece)
        if key in out or len(out) >= _MAX_KEYS:
            raise _Unshaped
        out[key] = value
    return out


def _fresh(value: Any) -> Any:
    """A remembered list (kept as a tuple) or mapping, as a new one: the data is the caller's to keep."""
    return list(value) if type(value) is tuple else dict(value)


_T = TypeVar("_T")
_BELOW: Any = object()  # the value of "key:" whose rows are on the lines below
# each distinct line read once per process: a line's reading is a function of its bytes alone
_PAIRS: dict[bytes, tuple[str, Any, bool]] = {}
_MAPS: dict[bytes, tuple[dict[str, Any], bool]] = {}
_TEXTS: dict[Any, Any] = {}
_MAX_DEPTH = 8  # lists inside lists read here; deeper ones go to the parser, which counts nesting
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
    return {key: _fresh(value) if type(value) in (tuple, dict) else value for key, value in template.items()}


def _pair(text: bytes) -> tuple[str, Any, bool]:
    """``key: value`` as (key, value, whether the value is a list, kept as a tuple); ``key:`` as (key, _BELOW, False)."""
    found = _PAIRS.get(text)
    if found is not None:
        return found
    matched = _PAIR_LINE.fullmatch(text)
    if matched is None:
        raise _Unshaped
    value = matched.group(2)
    if value is None:
        read = _BELOW
    else:
        try:
            read = _value(value)
        except _Unshaped:
            read = _block_text(value)  # what a block mapping's value may be besides
    many = type(read) in (tuple, dict)
    return _kept(_PAIRS, text, (_key(matched.group(1)), read, many))


def _block_text(text: bytes) -> str:
    """A block mapping's value written as plain text of one line that the parser reads as that same text
    (``footprint: Resistor_SMD:R_0603_1608Metric``, ``value: 0201, 1uF, 10V, X5R, 20%``, ``value: 4.7kΩ``):
    no indicator first, no ``: `` or `` #`` inside, no tab, nothing but printable characters, nothing that
    ends a key or trails, and no implicit tag of the parser takes it (``yaml.read.plain_is_text``); else
    :class:`_Unshaped`."""
    if not text or text[0] in _INDICATORS or b": " in text or b" #" in text or text.endswith((b" ", b":")):
        raise _Unshaped
    if b"\t" in text or len(text) > _MAX_TEXT:
        raise _Unshaped
    from ctb_files.storage.yaml.read import plain_is_text  # here: the readers of lines import no YAML library

    try:
        value = text.decode("utf-8")
    except UnicodeDecodeError:
        raise _Unshaped from None
    if not value.isprintable() or not plain_is_text(value):
        raise _Unshaped  # a control, a line or paragraph separator, a byte order mark; a number, a date, ...
    return _text(value)


# bytes a plain scalar may not start with (YAML's indicators; "-", "?" and ":" may, before a non-space: refused)
_INDICATORS = frozenset(b"-?:,[]{}#&*!|>'\"%@` ")


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
        many = many or type(value) in (tuple, dict)
        at = matched.end()
        if at == len(body):
            break
        if body[at : at + 2] != b", ":
            raise _Unshaped
        at += 2
    return _kept(_MAPS, text, (out, many))


def _value(text: bytes) -> Any:
    """A plain scalar, a flow list of plain scalars (``[]``, ``[5, 50]``) as a tuple, or a flow mapping of
    words to plain scalars."""
    if text.startswith(b"{"):
        if not text.endswith(b"}"):
            raise _Unshaped
        return _inner(text)
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
        quoted = _QUOTED.fullmatch(text)
        if quoted is None or len(text) > _MAX_TEXT:
            raise _Unshaped
        return _text((quoted[1] if quoted[1] is not None else quoted[2]).decode("ascii"))
    return _text(value) if type(value) is str else value


# a quoted scalar whose text is its bytes as they stand: printable ASCII, no quote of its kind inside and, in
# double quotes, no escape (as PyYAML quotes '0805', '100' or 'a: b')
_QUOTED = re.compile(rb"'([\x20-\x26\x28-\x7e]*)'|\"([\x20\x21\x23-\x5b\x5d-\x7e]*)\"")


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
