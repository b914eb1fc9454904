"""What an import produces: rows, the format used, and the problems found.

Plain frozen dataclasses with no behaviour, so callers (sync, ``bom import``,
the matcher) can build on them without importing any parsing code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ctb_files.errors import Diagnostic

FORMATS: tuple[str, ...] = (
    "auto",
    "kicad-cli",
    "kicad-legacy",
    "kicad-legacy-fp",
    "pcbnew",
    "kibom",
    "jlc",
    "kitspace",
    "ctb-csv",
)

# Diagnostic codes of the importers (CTB6xx)
BAD_QUANTITY = "CTB601"
EMPTY_ROW = "CTB602"
NO_QUANTITY = "CTB603"
UNREADABLE_ROW = "CTB604"
LINE_NUMBERS = "CTB605"
# a row kept but marked questionable (its ``flags``), reported as a warning
FLAGGED_ROW = "CTB606"


@dataclass(frozen=True)
class ImportedRow:
    """One grouped BOM line as the file states it (nothing matched yet)."""

    line: int
    refs: tuple[str, ...]
    quantity: Decimal
    value: str | None = None
    footprint: str | None = None
    mpn: str | None = None
    manufacturer: str | None = None
    # (vendor as written, part number), every distributor part number in column order
    skus: tuple[tuple[str, str], ...] = ()
    dnp: bool = False
    optional: bool = False
    description: str | None = None
    fields: dict[str, str] = field(default_factory=dict, hash=False)
    source_line: int = 0
    flags: tuple[str, ...] = ()

    @property
    def vendor(self) -> str | None:
        """The vendor of the first SKU."""
        return self.skus[0][0] if self.skus else None

    @property
    def partnum(self) -> str | None:
        """The part number of the first SKU."""
        return self.skus[0][1] if self.skus else None


@dataclass(frozen=True)
class ImportResult:
    """The rows of one BOM file, the format they were read as, and the problems."""

    format: str
    rows: list[ImportedRow] = field(hash=False)
    problems: list[Diagnostic] = field(default_factory=list, hash=False)
    encoding: str = "utf-8"
    delimiter: str = ","
    header_line: int = 1
