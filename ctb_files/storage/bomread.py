"""Many versions of a project BOM file read quickly: each distinct row parsed once.

The row-wise reading of :mod:`ctb_files.storage.rowread` (stock files use it
too), for the ``rows:`` of a BOM file as ``ctb project sync`` writes them
(``  - {line: 1, refs: [R1], quantity: 3, part: p146}``).  A row may hold
flow lists (references, SKUs); a row that parses on its own as one complete
flow mapping reads the same inside the file, and anything else goes to the
whole-file parser, so answers and messages are exactly those of
``load_fast``.  Rows of plain scalars and flow lists of them are read
without the YAML parser (:func:`~ctb_files.storage.listread.flow_row`).
"""

from __future__ import annotations

import re

from ctb_files.storage.listread import flow_row
from ctb_files.storage.rowread import RowVersions

# printable ASCII; flow lists allowed, no nested mapping, quote, anchor/alias/tag or comment start
_ROW_CHARS = re.compile(rb"( *)- \{[^{}#&*!|>%@`'\"\\\x00-\x1f\x7f-\xff]*\}")


class BomVersions(RowVersions):
    """Parses BOM file versions; ``load(data, path)`` equals ``load_fast(data, path)``."""

    key = b"rows"
    item = _ROW_CHARS
    _fast = staticmethod(flow_row)
