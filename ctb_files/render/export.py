"""``ctb bom export`` as CSV, JLCPCB's BOM CSV and XLSX.

XLSX goes through openpyxl, an optional extra (``pip install 'ctb-files[xlsx]'``):
without it, :func:`export_xlsx` refuses in one line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from ctb_files.errors import CtbError
from ctb_files.ops.bom.export import ExportRow, vendor_columns
from ctb_files.render.table import number

JLC_HEADERS = ["Comment", "Designator", "Footprint", "LCSC Part #"]
_MAX_WIDTH = 60


def export_table(rows: list[ExportRow]) -> tuple[list[str], list[list[str]]]:
    """Headers and cells: refs, quantity, unit, value, footprint, MPN, manufacturer, part, one SKU column per vendor."""
    vendors = vendor_columns(rows)
    headers = ["Refs", "Quantity", "Unit", "Value", "Footprint", "MPN", "Manufacturer", "Part", "Consumable",
               *(f"{v} SKU" for v in vendors)]  # fmt: skip
    cells = [
        [",".join(r.refs), number(r.quantity), r.unit, r.value, r.footprint, r.mpn, r.manufacturer, r.part,
         "yes" if r.consumable else "", *(r.skus.get(v, "") for v in vendors)]
        for r in rows
    ]  # fmt: skip
    return headers, cells


def jlc_table(rows: list[ExportRow]) -> tuple[list[str], list[list[str]]]:
    """JLCPCB's assembly BOM: ``Comment,Designator,Footprint,LCSC Part #`` (rows without refs left out)."""
    cells = [[r.value, ",".join(r.refs), _short_footprint(r.footprint), r.lcsc] for r in rows if r.refs]
    return JLC_HEADERS, cells


def _short_footprint(footprint: str) -> str:
    # JLC matches footprints by name; KiCad's ``Library:Name`` prefix only gets in the way
    return footprint.rpartition(":")[2]


def to_csv(headers: Sequence[str], cells: Sequence[Sequence[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(cells)
    return buffer.getvalue()


def to_xlsx(headers: Sequence[str], cells: Sequence[Sequence[str]], title: str = "BOM") -> bytes:
    """One sheet: a bold, frozen header row and columns as wide as their content (capped)."""
    try:
        from openpyxl import Workbook
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter
    except ImportError:
        raise CtbError("XLSX export needs openpyxl: pip install 'ctb-files[xlsx]'") from None
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in cells:
        sheet.append([_xlsx_value(headers[i], v) for i, v in enumerate(row)])
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers):
        width = max([len(header), *(len(str(row[i])) for row in cells)])
        sheet.column_dimensions[get_column_letter(i + 1)].width = min(width + 2, _MAX_WIDTH)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(header: str, value: str) -> object:
    # quantities as numbers so a spreadsheet can sum them; everything else stays text
    if header == "Quantity" and value:
        return int(value) if value.isdigit() else float(value)
    return value
