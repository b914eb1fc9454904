"""From bytes to cells: decoding, physical lines, and records with their line numbers.

Every record keeps the physical line it starts on, so a problem in row 40 of
a file with a quoted multi-line cell is still reported at the right line.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator

from ctb_files.importers.pcbnew import split_tolerant

_LINE_BREAK = re.compile(r"\r\n|\r|\n")

# (physical line, cells); cells is None when the line could not be read
Record = tuple[int, list[str] | None]


def decode(data: bytes) -> tuple[str, str]:
    """The text of a BOM file and the encoding it was read with.

    UTF-8 with or without a byte-order mark, UTF-16 with one; anything that
    is not valid UTF-8 is read as Latin-1, which never fails.
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return body.decode("latin-1"), "latin-1"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def split_lines(text: str) -> list[str]:
    """Physical lines, whatever mix of CRLF, LF and CR ends them; NULs dropped."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return _LINE_BREAK.split(text)


def split_line(line: str, delimiter: str, tolerant: bool = False) -> list[str]:
    """The cells of one line (a header), read as CSV or with the tolerant splitter."""
    if tolerant:
        return split_tolerant(line, delimiter)
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [])
    except csv.Error:
        return split_tolerant(line, delimiter)


def records(lines: list[str], start: int, delimiter: str, tolerant: bool) -> Iterator[Record]:
    """The records from 0-based line ``start`` on, each with its 1-based physical line."""
    if tolerant:
        for index in range(start, len(lines)):
            yield index + 1, split_tolerant(lines[index], delimiter)
        return
    yield from _csv_records(lines, start, delimiter)


def _csv_records(lines: list[str], start: int, delimiter: str) -> Iterator[Record]:
    source = (line + "\n" for line in lines[start:])
    reader = csv.reader(source, delimiter=delimiter, skipinitialspace=True, strict=False)
    consumed = 0
    while True:
        first = start + consumed + 1
        try:
            cells: list[str] | None = next(reader)
        except StopIteration:
            return
        except csv.Error:
            cells = None
        consumed = reader.line_num
        yield first, cells
