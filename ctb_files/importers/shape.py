"""Rows with more or fewer cells than the header, realigned only where it is certain.

An unquoted delimiter inside a cell (``bitaxe:O 25,0-JO32``) makes a row one
cell longer; a writer that drops trailing cells makes it shorter.  Nothing
says where the extra or missing cell is, so every position is tried: the
extra cells are joined back (or empty cells inserted) at each place, the
realignments that read sensibly are kept, and a column is read only when
all of them agree on its text.  The other columns are left empty, the row
is flagged, and the row as written is kept, so a footprint's half never
lands in the DNP column and makes the row DNP.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from ctb_files.importers.base import Column


def usual_width(rows: list[list[str]]) -> int:
    """The cell count most rows of the file have (0 for none)."""
    counts = Counter(len(cells) for cells in rows if any(c.strip() for c in cells))
    return counts.most_common(1)[0][0] if counts else 0


def align(
    values: list[str],
    columns: list[Column],
    delimiter: str,
    plausible: Callable[[list[str]], bool],
    usual: int = 0,
) -> tuple[list[str], list[str], str]:
    """(cells one per column, flags, the row as written).

    ``usual`` is the file's :func:`usual_width`: a writer that ends every row
    with extra delimiters (Pcbnew's ``;;;``) makes rows longer than the
    header, and that is the file's shape, not this row's problem.
    """
    width = len(columns)
    cells = list(values)
    if len(cells) in (width, usual) or width == 0:
        return cells, [], ""
    if usual > width and len(cells) > width and not any(cells[width:]):
        return cells, [], ""
    if len(cells) < width and all(not c.name for c in columns[len(cells) :]):
        return cells + [""] * (width - len(cells)), [], ""
    as_read = (cells + [""] * width)[:width]  # the extra cells beyond the header's end
    candidates = [_realign(cells, width, at, delimiter) for at in range(width)]
    sensible = [c for c in [as_read, *candidates] if plausible(c)] or candidates
    out = [
        sensible[0][i] if all(c[i] == sensible[0][i] for c in sensible) else ""
        for i in range(width)
    ]
    unsure = [
        columns[i].name or f"column {i + 1}"
        for i in range(width)
        if not out[i] and any(c[i] for c in sensible)
    ]
    more = "more" if len(cells) > width else "fewer"
    flag = f"row has {len(cells)} cells, the header {width} ({more} than the header)"
    if unsure:
        flag += f"; not read, as the cells may be shifted: {', '.join(unsure)}"
    if all(c == as_read for c in sensible):
        out = cells  # only the cells beyond the header are in doubt: kept as extra columns
    return out, [flag], delimiter.join(values)


def _realign(cells: list[str], width: int, at: int, delimiter: str) -> list[str]:
    """``cells`` made ``width`` long by joining or inserting at column ``at``."""
    extra = len(cells) - width
    if extra > 0:
        return [*cells[:at], delimiter.join(cells[at : at + extra + 1]), *cells[at + extra + 1 :]]
    return [*cells[:at], *([""] * -extra), *cells[at:]]
