"""Pcbnew's "Fabrication Outputs → BOM" file.

``"Id";"Designator";"Footprint";"Quantity";"Designation";"Supplier and ref";``
with text cells in double quotes that are never escaped
(``"0.96" OLED Display"``), numbers bare, and rows longer than the header
(``…;;;``).  A strict CSV reader merges or splits cells at such a quote, so
this format has its own splitter: a quoted cell ends only at a quote that
is followed by the delimiter or the end of the line.
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec


def split_tolerant(line: str, delimiter: str = ";") -> list[str]:
    """Split one line into cells, reading unescaped inner quotes as text."""
    cells: list[str] = []
    size = len(line)
    i = 0
    while True:
        if i < size and line[i] == '"':
            end = _closing_quote(line, i + 1, delimiter)
            if end < 0:  # never closed: the rest of the line is the cell
                cells.append(line[i + 1 :])
                return cells
            cells.append(line[i + 1 : end].replace('""', '"'))
            i = end + 1
            while i < size and line[i] in " \t":
                i += 1
            if i >= size:
                return cells
            i += 1  # the delimiter
            continue
        stop = line.find(delimiter, i)
        if stop < 0:
            cells.append(line[i:])
            return cells
        cells.append(line[i:stop])
        i = stop + 1


def _closing_quote(line: str, start: int, delimiter: str) -> int:
    """Index of the quote that ends a cell opened before ``start``; -1 if none."""
    size = len(line)
    at = line.find('"', start)
    while at >= 0:
        after = at + 1
        while after < size and line[after] in " \t":
            after += 1
        if after >= size or line[after] == delimiter:
            return at
        at = line.find('"', at + 1)
    return -1


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    return "designator" in keys and bool(keys & {"designation", "supplier and ref"})


PCBNEW = FormatSpec(name="pcbnew", detect=_detect, delimiter=";", tolerant=True)
