"""BOM rows the importer marked questionable.

Code: CTB404 (warning) a BOM row has ``flags`` (a quantity that disagrees
with its references, a row with more or fewer cells than the header, text
in a DNP column that is not a DNP word, …).  One warning per flag, at the
row's ``flags`` entry, so each can be fixed in the BOM source or accepted.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.checks._support import warning
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic

FLAGGED_ROW = "CTB404"


@check("bom-row-flags")
def bom_row_flags(inv: Inventory) -> list[Diagnostic]:
    """A warning per flag of every BOM row."""
    out: list[Diagnostic] = []
    for project, version in sorted(inv.boms):
        path = layout.bom_path(project, version)
        for i, row in enumerate(inv.boms[(project, version)].rows):
            refs = " ".join(row.refs) or f"line {row.line}"
            for j, flag in enumerate(row.flags):
                out.append(warning(path, FLAGGED_ROW, f"row {refs}: {flag}", ("rows", i, "flags", j)))
    return out
