"""Stock spreadsheets: the CSV files of ``ctb stock count`` and ``ctb stock import`` (pure: bytes in, rows out).

A sheet has a header row; its delimiter is sniffed (comma, semicolon, tab,
bar).  Header cells are matched to a few roles (part id, vendor SKU, MPN,
quantity, bin) under the spellings BOM files use; other columns are
ignored.  Every row keeps its physical line, so a refusal names it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ctb_files.core.text import parse_quantity
from ctb_files.errors import CtbError, UsageError
from ctb_files.importers.base import COMMON_ALIASES, header_key, vendor_column
from ctb_files.importers.table import decode

Role = Literal["part", "sku", "mpn", "quantity", "bin"]

_NAMES: dict[str, Role] = {
    **{key: "quantity" for key, role in COMMON_ALIASES.items() if role == "quantity"},
    "qty ordered": "quantity", "qty shipped": "quantity", "shipped": "quantity", "counted": "quantity",
    "part": "part", "part id": "part", "ctb part": "part",
    "sku": "sku", "vendor sku": "sku", "partnum": "sku", "order code": "sku", "supplier part number": "sku",
    "vendor part number": "sku", "distributor part number": "sku",
    "mpn": "mpn", "part number": "mpn", "manufacturer part number": "mpn", "manufacturer_part": "mpn",
    "mfr part number": "mpn", "mfr. no": "mpn", "mfr no": "mpn", "mfr. no.": "mpn", "mfr. #": "mpn", "mfr part #": "mpn", "mfr. part #": "mpn", "mfr #": "mpn",
    "bin": "bin", "box": "bin", "slot": "bin",
}  # fmt: skip


@dataclass(frozen=True)
class SheetRow:
    """One data row: its physical line and the text of each recognised column."""

    line: int
    cells: dict[Role, str]

    def get(self, role: Role) -> str:
        return self.cells.get(role, "").strip()


def _role(cell: str) -> Role | None:
    key = header_key(cell)
    if key in _NAMES:
        return _NAMES[key]
    return "sku" if vendor_column(key) is not None else None


def read_sheet(data: bytes, name: str, required: tuple[Role, ...]) -> list[SheetRow]:
    """The rows of a stock sheet; a refusal naming the file when it has no usable header."""
    text, _ = decode(data)
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        raise CtbError(f"{name}: the file is empty")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(lines[start], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO("\n".join(lines[start:])), dialect)
    header = next(reader)
    roles: dict[int, Role] = {}
    for index, cell in enumerate(header):
        role = _role(cell)
        if role is not None and role not in roles.values():
            roles[index] = role
    missing = [role for role in required if role not in roles.values()]
    if missing:
        wanted = " and ".join(missing)
        raise CtbError(f"{name}:{start + 1}: the header names no {wanted} column (found: {', '.join(header)})")
    rows: list[SheetRow] = []
    for cells in reader:
        line = start + reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(SheetRow(line, {role: cells[i] for i, role in roles.items() if i < len(cells)}))
    return rows


def row_quantity(row: SheetRow, name: str) -> Decimal:
    """The row's quantity, or a refusal naming the file and line."""
    text = row.get("quantity")
    try:
        return parse_quantity(text)
    except UsageError:
        raise CtbError(f"{name}:{row.line}: not a quantity: {text!r}") from None
