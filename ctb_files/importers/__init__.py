"""BOM file importers: bytes of a CSV/TSV BOM in, grouped rows and problems out.

Pure parsing: no disk, no network, no matching against parts.  One module
per format family (``kicad``, ``legacy``, ``pcbnew``, ``kibom``, ``jlc``,
``generic``) describes what is special about it; ``sniff`` finds the header,
delimiter and format; ``table`` decodes and splits; ``rows`` builds rows.

    result = read_bom(data, "vco.csv")
    result.format, result.rows, result.problems
"""

from __future__ import annotations

from ctb_files.errors import CtbError
from ctb_files.importers.model import FORMATS, ImportedRow, ImportResult
from ctb_files.importers.rows import build_rows
from ctb_files.importers.sniff import find_layout
from ctb_files.importers.table import decode, records, split_lines

__all__ = ["FORMATS", "ImportResult", "ImportedRow", "read_bom"]


def read_bom(data: bytes, source_name: str, fmt: str = "auto") -> ImportResult:
    """Read a BOM file's bytes.

    ``fmt`` is one of :data:`FORMATS`; ``auto`` detects it from the header.
    Bad rows are skipped and reported in ``problems`` (with ``source_name``
    as the path and the physical line); a file with no recognisable header
    raises :class:`CtbError` with one line naming ``source_name``.
    """
    if fmt not in FORMATS:
        raise CtbError(f"{source_name}: unknown BOM format {fmt!r} (one of {', '.join(FORMATS)})")
    text, encoding = decode(data)
    lines = split_lines(text)
    layout = find_layout(lines, fmt, source_name)
    header_line = layout.header_index + 1
    rows, problems = build_rows(
        records(lines, layout.header_index + 1, layout.delimiter, layout.spec.tolerant),
        layout.columns,
        source_name,
        header_line,
        layout.delimiter,
    )
    return ImportResult(
        format=layout.spec.name,
        rows=rows,
        problems=problems,
        encoding=encoding,
        delimiter=layout.delimiter,
        header_line=header_line,
    )
