"""Kitspace 1-click-BOM TSV.

Tab-separated, ``References, Qty, Description`` and then any number of
``Manufacturer``/``MPN`` pairs and distributor columns (``Digikey``,
``Mouser``, ``RS``, ``Newark``, ``Farnell``, ``LCSC`` …).  The first
Manufacturer/MPN pair fills ``manufacturer``/``mpn``; every distributor
column is an SKU; later pairs are kept in ``fields``.
"""

from __future__ import annotations

from ctb_files.importers.base import FormatSpec


def _detect(keys: frozenset[str], delimiter: str) -> bool:
    return delimiter == "\t" and "references" in keys and "qty" in keys


KITSPACE = FormatSpec(name="kitspace", detect=_detect)
