"""A stock file as ctb writes it, edited as text: a line's count set, a line appended.

Parsing a stock file of a few thousand lines for editing, and writing it
out again, costs most of a ``ctb stock add`` (ruamel's round trip is pure
Python).  A file in the shape ctb writes — a head of plain lines, then
``lines:`` and one mapping of plain keys and plain scalars per line, in
flow style (``  - {part: p1, quantity: 5, bin: A3}``) or in block style as
the round trip writes it (``  - part: p1`` then ``    quantity: 5``), and
nothing after — is instead kept as its lines of text; an edit rewrites only
the lines it changes, as the round trip would write them (:func:`row_text`,
:func:`block_text`: a line keeps its style, an appended line is a flow
mapping), and every other byte stays.  Where the edit would write a value
whose reading is not certain (:func:`~ctb_files.storage.stockread.fast_item`:
a text that reads as a number or a boolean, a long decimal, text with two
spaces or a character a plain scalar may not hold), or the file has any
other shape (comments after a line, nested
values, ``lines: []``, a byte order mark), the caller edits the round-trip
document instead.  A ``---`` line opening the file and a ``...`` line
closing it, with the comments around them, are kept as they are
(:mod:`ctb_files.storage.yaml.frame`); so are blank lines and comments
above a flow line (a file's sections), and line breaks CR LF where every
line ends so.  A test holds both ways to the same bytes on generated
files and edits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from ctb_files.storage.rowread import ASIDE
from ctb_files.storage.stockread import fast_item
from ctb_files.storage.yaml.frame import document_frame, line_break, with_break
from ctb_files.storage.yaml.scalars import YAML11_WORDS, number_text

KEY = "lines"
# a pair whose value is written as a day (``counted_at: 2024-01-02``), in a line's mapping
_DATE_PAIR = re.compile(r"(?<=[{ ])([A-Za-z_][A-Za-z0-9_]*): ([0-9]{4}-[0-9]{2}-[0-9]{2})(?=[,}])")
_INDENT = "  "
# a line of the head: a whole-line comment, or a plain key with a plain value (maybe a comment after it); a
# blank line is not one (left to the round trip)
_PAIR = r"[A-Za-z_][A-Za-z0-9_]*: [A-Za-z0-9_.-](?:[^\n#:'\"{}\[\]&*!|>%@`]*[^\s#:'\"{}\[\]&*!|>%@`])?"  # plain key: plain text
HEAD = re.compile(r"#[^\n]*|" + _PAIR + r"(?: +#[^\n]*)?")


class FlowLines:
    """The lines of a stock file in the shape ctb writes: the file as scanned, and each line's text and data."""

    def __init__(self, scanned: ListFile) -> None:
        self._file = scanned  # the head, the tail, the dashes' column, the frame, the line break: kept as they are
        self._rows = [row.text for row in scanned.rows]  # each line's text, its indent and newline included
        self._blocks = [row.block for row in scanned.rows]  # whether each line is a block mapping
        self._leads = [row.lead for row in scanned.rows]  # blank lines and comments above each line (sections)
        self.items: Sequence[dict[str, Any]] = [row.item for row in scanned.rows]  # as the loader reads them

    @classmethod
    def read(cls, data: bytes) -> FlowLines | None:
        """The lines of ``data``, or None when the file is not in the shape this edits."""
        scanned = scan_file(data, HEAD, _flow_item, _block_item, asides=True)
        return cls(scanned) if scanned is not None else None

    def update(self, changes: Mapping[int, Mapping[str, Any]], appended: Sequence[Mapping[str, Any]] = ()) -> bool:
        """Write lines anew (by index: each line's whole mapping, in order) and append lines, all or nothing; False
        (nothing changed) where some value cannot be written as text whose reading is certain."""
        rows: dict[int, tuple[str, dict[str, Any]]] = {}
        for index, fields in changes.items():
            found = _certain_row(fields)
            if found is None:
                return False
            rows[index] = found
        added: list[tuple[str, dict[str, Any]]] = []
        for fields in appended:
            found = _certain_row(fields)
            if found is None:
                return False
            added.append(found)
        listed = list(self.items)
        indent = self._file.indent
        for index, (row, item) in rows.items():
            self._rows[index] = block_text(item, indent) if self._blocks[index] else f"{indent}{row}\n"
            listed[index] = item
        for row, item in added:  # a new line is a flow mapping, as the round trip appends one
            self._rows.append(f"{indent}{row}\n")
            self._blocks.append(False)
            self._leads.append("")
            listed.append(item)
        self.items = listed
        return True

    def text(self) -> str:
        return self._file.around("".join(lead + row for lead, row in zip(self._leads, self._rows, strict=True)))


class ListFile(NamedTuple):
    """A file in the shape the text editors take, as :func:`scan_file` found it."""

    head: str  # every line up to and including ``lines:``
    rows: list[Row]  # the items of ``lines``
    tail: str  # plain keys after the lines
    indent: str  # the column of the dashes: two spaces (ctb's) or none (PyYAML's)
    frame: tuple[str, str]  # a ``---`` line opening the file, a ``...`` line closing it (yaml.frame)
    brk: str  # the file's line break ("\r\n" where every line ends so)

    def around(self, body: str) -> str:
        """The file's text with ``body`` (lines ending "\\n") as its items: its head, tail, frame and line break."""
        return with_break(self.frame[0] + self.head + body + self.tail + self.frame[1], self.brk)


def scan_file(
    data: bytes,
    head_line: re.Pattern[str],
    read_flow: Callable[[str, str], dict[str, Any] | None],
    read_block: Callable[[list[str], str], dict[str, Any] | None],
    *,
    asides: bool = False,
    width: int | None = None,
) -> ListFile | None:
    """``data`` as its head, items and tail (:func:`_split_at_lines`, :func:`_scan_rows`), or None where the text
    editors leave it to the round trip.  One home for what both text editors (stock, orders) take."""
    cut = _split_at_lines(data, head_line)
    if cut is None:
        return None
    head, body, frame, brk = cut
    scanned = _scan_rows(body, read_flow, read_block, asides=asides, width=width)
    if scanned is None:
        return None
    indent, rows, tail = scanned
    return ListFile(head, rows, tail, indent, frame, brk)


def _split_at_lines(data: bytes, head_line: re.Pattern[str]) -> tuple[str, str, tuple[str, str], str] | None:
    """``data`` cut before and after its ``lines:`` line: (head up to and including it, the rest, the frame, the
    line break), the text in "\n" line breaks and without its frame; None where the text editors leave the file
    to the round trip (not UTF-8, a byte order mark, no final newline, other line breaks, no ``lines:`` line,
    a head line ``head_line`` does not match)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    brk = line_break(text)  # every line ending "\r\n" (Windows): edited with "\n", its line break put back
    text = text.replace(brk, "\n")
    if (
        text.startswith("\ufeff")
        or not text.endswith("\n")
        or "\r" in text
        or text.count("\n") != len(text.splitlines())
    ):
        return None  # a byte order mark, no final newline, or a line break other than "\n" (mixed, U+2028, …)
    frame = document_frame(text)  # written around the document again by the round trip (yaml.edit.dump)
    text = text[len(frame[0]) : len(text) - len(frame[1])]
    at = ("\n" + text).find(f"\n{KEY}:\n")
    if at < 0:
        return None
    head, body = text[: at + len(KEY) + 2], text[at + len(KEY) + 2 :]
    if not all(head_line.fullmatch(line) for line in head.splitlines()[:-1]):
        return None
    return head, body, frame, brk


class Row(NamedTuple):
    """One item of a list as :func:`_scan_rows` found it."""

    text: str  # its lines, indent and newlines included
    item: dict[str, Any]  # its data, as the loader reads it
    block: bool  # a block mapping (else a flow mapping on one line)
    lead: str  # the blank lines and comments above it, kept as they are


def _scan_rows(
    body: str,
    read_flow: Callable[[str, str], dict[str, Any] | None],
    read_block: Callable[[list[str], str], dict[str, Any] | None],
    *,
    asides: bool = False,
    width: int | None = None,
) -> tuple[str, list[Row], str] | None:
    """The items of the list below ``lines:`` (``body``): its dashes' column, each item, and the plain keys after
    it; None where anything is not an item the readers take, or there is none.

    ``read_flow(line, indent)``: a flow mapping's data, or None unless the round trip would write that line again
    as it stands; ``read_block(lines, indent)`` likewise for a block mapping's lines (no newlines).  ``asides``:
    blank lines and comments above a flow mapping are kept (a file's sections); after a block mapping the round
    trip gives them to its last key, and a key written after it would come below them: left to it, as are
    those after the last item.  ``width``: longer lines are refused.
    """
    lines = body.splitlines()
    first = next((line for line in lines if not _aside(line)), "")
    indent = "" if first.startswith("- ") else _INDENT  # the round trip keeps a file's column (yaml.edit.dump)
    dash, more = indent + "- ", indent + "  "  # an item's first line; a block mapping's other keys
    rows: list[Row] = []
    block: list[str] = []  # the lines of the block mapping being read
    aside: list[str] = []  # blank lines and comments since the last item
    block_lead = ""
    tail = ""
    for number, line in enumerate([*lines, _END]):
        if width is not None and len(line) > width:
            return None
        if block and not line.startswith(more):  # the block mapping read so far is whole
            item = read_block(block, indent)
            if item is None:
                return None  # not what the round trip would write again (a nested value, a comment, ...)
            rows.append(Row("".join(f"{each}\n" for each in block), item, True, block_lead))
            block = []
        if line is _END:
            break
        if line.startswith(dash + "{"):
            item = read_flow(line[len(indent) :], indent)
            if item is None:
                return None
            rows.append(Row(f"{line}\n", item, False, "".join(aside)))
            aside = []
        elif line.startswith(dash) or (block and line.startswith(more)):
            if not block:
                block_lead, aside = "".join(aside), []
            block.append(line)
        elif (
            asides and not (rows and rows[-1].block) and (line == "" or line.startswith(f"{indent}#")) and _aside(line)
        ):
            aside.append(f"{line}\n")  # above an item (a section of the file), kept as it is
        elif rows and all(TAIL.fullmatch(each) for each in lines[number:]):
            tail = "".join(f"{each}\n" for each in lines[number:])  # plain keys after the lines
            break
        else:
            return None
    if not rows or aside:
        return None  # no item, or blank lines and comments after the last: the round trip's
    return indent, rows, tail


def _flow_item(row: str, indent: str) -> dict[str, Any] | None:
    """A stock line in flow style, where the round trip writes it again as it stands."""
    item = read_row(row)
    return item if item is not None and row == row_text(item) else None


def _block_item(block: list[str], indent: str) -> dict[str, Any] | None:
    """A stock line in block style (its lines), where the round trip writes it again as it stands."""
    dash, more = indent + "- ", indent + "  "
    pairs = [block[0][len(dash) :], *(each[len(more) :] for each in block[1:])]
    item = read_row("- {" + ", ".join(pairs) + "}")
    text = "".join(f"{each}\n" for each in block)
    return item if item is not None and block_text(item, indent) == text else None


_END = "\0"  # past the last line
# a plain key and value after the lines, no comment (the round trip would give a comment there to the last line)
TAIL = re.compile(_PAIR)


def _aside(line: str) -> bool:
    """A blank line, or a whole-line comment of printable ASCII (the readers' rule, rowread.ASIDE)."""
    return ASIDE.fullmatch(line.encode("utf-8")) is not None


def read_row(row: str) -> dict[str, Any] | None:
    """A line's mapping (``- {…}``) as the loader reads it, or None where the reading is not certain.

    :func:`~ctb_files.storage.stockread.fast_item`'s reading, and besides
    its plain scalars a date written ``YYYY-MM-DD`` (a stocktake's
    ``counted_at``), read as a date.
    """
    item = fast_item(row.encode("utf-8"))
    if item is not None or not _DATE_PAIR.search(row):
        return item
    dates: dict[str, date] = {}

    def stand_in(found: re.Match[str]) -> str:
        try:
            dates[found[1]] = date.fromisoformat(found[2])
        except ValueError:
            return found[0]  # not a day of the calendar: the parser's to read
        return f"{found[1]}: d"

    item = fast_item(_DATE_PAIR.sub(stand_in, row).encode("utf-8"))
    if item is None or not dates:
        return None
    return {name: dates.get(name, value) for name, value in item.items()}


def row_text(item: Mapping[str, Any]) -> str:
    """A line's mapping as the round trip writes one in flow style (``- {part: p1, quantity: 5}``)."""
    return "- {" + ", ".join(f"{name}: {_scalar(value)}" for name, value in item.items()) + "}"


def block_text(item: Mapping[str, Any], indent: str = _INDENT) -> str:
    """A line's mapping as the round trip writes one in block style, its dash at ``indent``, newlines included::

    - part: p1
      quantity: 5
    """
    return "".join(
        f"{indent}- {name}: {_scalar(value)}\n" if not i else f"{indent}  {name}: {_scalar(value)}\n"
        for i, (name, value) in enumerate(item.items())
    )


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return number_text(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def _certain_row(item: Mapping[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """:func:`row_text` of ``item``, and its data read back (a whole Decimal as an int), when reading it back
    gives the same values (else None)."""
    if not item or not all(type(name) is str for name in item):
        return None
    if not all(type(value) in (str, int, Decimal, date, bool) for value in item.values()):
        return None
    row = row_text(item)
    back = read_row(row)
    if back is None or list(back) != list(item):
        return None
    for name, value in item.items():
        read = back[name]
        if type(value) is str:
            if type(read) is not str or read != value or value.lower() in YAML11_WORDS:
                return None  # another type read back, or a word the round trip quotes
        elif type(value) in (date, bool):
            if type(read) is not type(value) or read != value:
                return None
        elif (
            type(read) in (str, date, bool)
            or Decimal(read) != value
            or number_text(Decimal(read)) != number_text(Decimal(value))
        ):
            return None
    return row, back
