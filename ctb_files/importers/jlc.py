"""JLCPCB-style assembly BOMs.

The JLC plugins write ``Comment, Designator, Footprint, LCSC Part #`` (the
comment is the value, there is no quantity); the Fabrication Toolkit writes
``Designator, Footprint, Quantity, Value, LCSC Part #``.  An ``LCSC`` column
gives the vendor ``LCSC``.
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec, vendor_column


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    if "designator" not in keys:
        return False
    return "comment" in keys or any(vendor_column(key) == "LCSC" for key in keys)


JLC = FormatSpec(name="jlc", detect=_detect, aliases={"comment": "value"})
