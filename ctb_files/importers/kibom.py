"""KiBoM's CSV/TSV output.

Header ``Component`` (the row number, when rows are numbered),
``Description, Part, Part Lib, References, Value, Footprint, Footprint Lib,
Quantity Per PCB, Build Quantity, Datasheet`` and any fields.  The quantity
of a group that is not fitted reads ``2 (DNF)``; references are joined by a
space, or as ranges (``R1-R4 R7``).  After the table come blank lines and a
metadata block (``Component Groups:``, ``Component Count:`` …), which ends
the table like any ``Label:`` row does.
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    return bool(keys & {"quantity per pcb", "build quantity"})


KIBOM = FormatSpec(name="kibom", detect=_detect, aliases={"component": "line"})
