"""The legacy KiCad python BOM plugins (``bom_csv_grouped_by_value`` and ``…_with_fp``).

Both start with a preamble (``Source:``, ``Date:``, ``Tool:``, ``Generator:``,
``Component Count:``).  ``bom_csv_grouped_by_value`` then writes *two*
tables under the same header: ``Individual Components:`` (one row per part,
no item number, no quantity) and ``Collated Components:`` (the grouped BOM,
columns ``Item, Qty, Reference(s), Value, LibPart, Footprint, Datasheet``
and the symbol fields); only the collated table is the BOM.
``…_with_fp`` writes one table ``Ref, Qnty, Value, Cmp name, Footprint,
Description, Vendor`` whose references end in a comma (``"R1, R2, "``).
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec

# the first cell of the line after which the grouped table starts
COLLATED_MARKER = "collated components:"


def _detect_grouped(keys: frozenset[str], delimiter: str) -> bool:
    return "reference(s)" in keys or {"item", "libpart"} <= keys


def _detect_with_fp(keys: frozenset[str], delimiter: str) -> bool:
    return "qnty" in keys and "ref" in keys


KICAD_LEGACY = FormatSpec(name="kicad-legacy", detect=_detect_grouped)
KICAD_LEGACY_FP = FormatSpec(name="kicad-legacy-fp", detect=_detect_with_fp)
