"""KiCad's own CSV exports: ``kicad-cli sch export bom`` and the Symbol Fields Table.

Both write the labels ``Refs``/``Reference``, ``Value``, ``Footprint``,
``Qty`` and ``DNP`` (plus any custom fields), optionally an item-number
column ``#``, and may join references into ranges (``R1-R4``).  Nothing
about them needs special parsing; what is special is only recognising them.
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    return bool(keys & {"refs", "reference"}) and "qty" in keys


KICAD_CLI = FormatSpec(name="kicad-cli", detect=_detect)
