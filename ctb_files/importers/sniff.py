"""Finding the table in a BOM file: the header line, the delimiter and the format.

The header is the first line that, split by one of the candidate
delimiters, names a references column and at least one other known column;
preambles (``Source:`` …) and titles above it are skipped.  The delimiter
is the one that makes the most header cells understood, ``csv.Sniffer``'s
guess winning ties.  The format is then read from the header's column names.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from ctb_files.errors import CtbError
from ctb_files.importers.base import (
    Column,
    FormatSpec,
    header_key,
    header_score,
    is_header,
    map_columns,
)
from ctb_files.importers.generic import CTB_CSV
from ctb_files.importers.jlc import JLC
from ctb_files.importers.kibom import KIBOM
from ctb_files.importers.kicad import KICAD_CLI
from ctb_files.importers.kitspace import KITSPACE
from ctb_files.importers.legacy import COLLATED_MARKER, KICAD_LEGACY, KICAD_LEGACY_FP
from ctb_files.importers.pcbnew import PCBNEW
from ctb_files.importers.table import split_line

# detection order: the most specific headers first; ctb-csv is also the fallback
SPECS: tuple[FormatSpec, ...] = (
    PCBNEW,
    KIBOM,
    KICAD_LEGACY_FP,
    KICAD_LEGACY,
    JLC,
    KITSPACE,
    CTB_CSV,
    KICAD_CLI,
)
SPECS_BY_NAME: dict[str, FormatSpec] = {spec.name: spec for spec in SPECS}
# every format's own column names, for recognising a header before the format is known
_ALL_ALIASES = {key: role for spec in SPECS for key, role in spec.aliases.items()}

DELIMITERS: tuple[str, ...] = (",", ";", "\t")
# how many non-blank lines may come before the header
_HEADER_SEARCH = 60
_SNIFF_CHARS = 8192
_FIRST_CELL = re.compile(r"[,;\t]")


@dataclass(frozen=True)
class Layout:
    """Where the table is and how to read it."""

    spec: FormatSpec
    delimiter: str
    header_index: int  # 0-based index of the header line
    columns: list[Column]


def find_layout(lines: list[str], fmt: str, source_name: str) -> Layout:
    """Locate the header and choose the format (``fmt`` may force one)."""
    forced = SPECS_BY_NAME.get(fmt)
    start = _table_start(lines) if fmt in ("auto", KICAD_LEGACY.name) else 0
    if forced is not None and forced.delimiter is not None:
        delimiters: tuple[str, ...] = (forced.delimiter,)
    else:
        delimiters = _delimiter_order(lines, start)
    tolerant = forced is not None and forced.tolerant
    # a header with references first; a mechanical BOM's header only when there is none
    for mechanical in (False, True):
        seen = 0
        for index in range(start, len(lines)):
            line = lines[index]
            if not line.strip():
                continue
            seen += 1
            if seen > _HEADER_SEARCH:
                break
            found = _best_split(line, delimiters, tolerant, mechanical)
            if found is None:
                continue
            delimiter, cells = found
            spec = forced or _detect(cells, delimiter)
            if spec.tolerant and not tolerant:
                cells = split_line(line, delimiter, tolerant=True)
            return Layout(spec, delimiter, index, map_columns(cells, spec.aliases))
    raise CtbError(
        f"{source_name}: no BOM header found "
        "(expected a references column and a value, footprint or quantity column, "
        "or a quantity and a description, value or MPN column)"
    )


def _table_start(lines: list[str]) -> int:
    """After ``Collated Components:`` if the file has that line, else 0."""
    for index, line in enumerate(lines):
        if COLLATED_MARKER[:-1] in line.lower() and header_key(_FIRST_CELL.split(line, 1)[0]) == COLLATED_MARKER:
            return index + 1
    return 0


def _delimiter_order(lines: list[str], start: int) -> tuple[str, ...]:
    """The candidate delimiters, ``csv.Sniffer``'s guess first."""
    sample = "\n".join(lines[start : start + 40])[:_SNIFF_CHARS]
    try:
        guess = csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return DELIMITERS
    return (guess, *(d for d in DELIMITERS if d != guess))


def _best_split(
    line: str, delimiters: tuple[str, ...], tolerant: bool, mechanical: bool = False
) -> tuple[str, list[str]] | None:
    """The delimiter under which ``line`` is the best header, with its cells."""
    best: tuple[int, str, list[str]] | None = None
    for delimiter in delimiters:
        if delimiter not in line:
            continue
        cells = split_line(line, delimiter, tolerant)
        columns = map_columns(cells, _ALL_ALIASES)
        if not is_header(columns, mechanical):
            continue
        score = header_score(columns)
        if best is None or score > best[0]:
            best = (score, delimiter, cells)
    return None if best is None else (best[1], best[2])


def _detect(cells: list[str], delimiter: str) -> FormatSpec:
    keys = frozenset(header_key(cell) for cell in cells)
    for spec in SPECS:
        if spec.detect(keys, delimiter):
            return spec
    return CTB_CSV

