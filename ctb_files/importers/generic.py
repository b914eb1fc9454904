"""The generic ``ctb-csv`` columns, and the fallback for any other headed table.

``#``/``line``, ``Reference``/``Ref``, ``Qty``/``Qnty``, ``Value``,
``Footprint``, ``Vendor``, ``PartNum``, ``Optional``, ``DNP``.  A file is
recognised as ctb-csv by the columns only it has (``line``, ``Vendor``,
``PartNum``, ``Optional``); any other table with a references column is
read with the same rules (Digi-Key cart exports, KiCad 5 ungrouped lists).
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec

_OWN_COLUMNS = frozenset(["line", "vendor", "partnum", "optional"])


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    return bool(keys & _OWN_COLUMNS)


CTB_CSV = FormatSpec(name="ctb-csv", detect=_detect)
