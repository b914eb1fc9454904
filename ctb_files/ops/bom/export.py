"""A BOM as rows for a contract manufacturer or a buyer (``ctb bom export``).

Pure.  One :class:`ExportRow` per first-level row of the target (a project
version's BOM, or an assembly's ``bom``), DNP rows left out.  The quantity
is the row's production need for N units from the one row-need function
(:func:`ctb_files.ops.bom.need.bom_row_need`: attrition and setup included,
in the part's unit), rounded up to whole pieces when counted in ``pcs``;
consumable rows are exported and flagged.  What the row carries wins (value, footprint, MPN, manufacturer,
SKUs); a matched row fills the gaps from its part, the part's package and
the part's vendor parts; an unmatched row is exported from what it carries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ctb_files.core.models import BomRow, Part
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.part import BomLine
from ctb_files.errors import CtbError
from ctb_files.ops.bom.need import bom_line_need, bom_row_need, round_need
from ctb_files.ops.bom.tree import Target, require_target

LCSC_VENDORS = ("lcsc", "jlcpcb", "jlc")


@dataclass(frozen=True)
class ExportRow:
    refs: tuple[str, ...]
    quantity: Decimal
    unit: str
    value: str
    footprint: str
    mpn: str
    manufacturer: str
    part: str
    consumable: bool = False
    skus: dict[str, str] = field(default_factory=dict)  # vendor name -> sku (first one per vendor)

    @property
    def lcsc(self) -> str:
        for vendor, sku in self.skus.items():
            if vendor.casefold() in LCSC_VENDORS:
                return sku
        return ""


def _fill(part: Part | None, inv: Inventory) -> tuple[str, str, str, str, dict[str, str]]:
    """Value, footprint, MPN, manufacturer and SKUs a part supplies."""
    if part is None:
        return "", "", "", "", {}
    package = inv.packages.get(part.package) if part.package else None
    footprint = package.footprints[0] if package and package.footprints else ""
    mpn = next((vp.mpn for vp in part.vendor_parts if vp.mpn), "")
    maker = next((vp.manufacturer for vp in part.vendor_parts if vp.manufacturer), "")
    skus: dict[str, str] = {}
    for vp in part.vendor_parts:
        vendor = inv.vendors.get(vp.vendor)
        skus.setdefault(vendor.name if vendor is not None else vp.vendor, vp.sku)
    return part.value or "", footprint, mpn or "", maker or "", skus


def _row(inv: Inventory, row: BomRow, n: Decimal) -> ExportRow:
    part_id = row.wanted
    part = inv.parts.get(part_id) if part_id else None
    value, footprint, mpn, maker, part_skus = _fill(part, inv)
    need = bom_row_need(inv.parts, row, n, packages=inv.packages)
    assert need is not None  # dnp rows are left out before
    skus: dict[str, str] = {}
    for carried in row.skus:
        skus.setdefault(carried.vendor, carried.sku)
    if row.vendor and row.partnum:  # files written before ``skus`` existed
        skus.setdefault(row.vendor, row.partnum)
    for vendor, number in part_skus.items():
        if vendor.casefold() not in {v.casefold() for v in skus}:
            skus[vendor] = number
    return ExportRow(
        refs=tuple(row.refs), quantity=round_need(need.quantity, need.unit), unit=need.unit,
        value=row.value or value, footprint=row.footprint or footprint, mpn=row.mpn or mpn,
        manufacturer=row.manufacturer or maker, part=part_id or "", consumable=row.consumable, skus=skus,
    )  # fmt: skip


def _line(inv: Inventory, line: BomLine, n: Decimal) -> ExportRow:
    part = inv.parts.get(line.part)
    value, footprint, mpn, maker, skus = _fill(part, inv)
    need = bom_line_need(inv.parts, line, n, inv.packages)
    return ExportRow(tuple(line.refs), round_need(need.quantity, need.unit), need.unit, value, footprint, mpn, maker, line.part,
                     line.consumable, skus)  # fmt: skip


def export_rows(inv: Inventory, target: Target, n: Decimal | int = 1) -> list[ExportRow]:
    """The first-level rows of ``target`` for ``n`` units, DNP rows left out."""
    quantity = Decimal(n)
    if quantity <= 0:
        raise CtbError(f"a quantity to export must be positive, not {n}")
    require_target(inv, target)
    if target.project is not None:
        bom = inv.boms[(target.project, str(target.version))]
        return [_row(inv, row, quantity) for row in bom.rows if not row.dnp]
    part = inv.parts[str(target.part)]
    return [_line(inv, line, quantity) for line in part.bom or ()]


def vendor_columns(rows: list[ExportRow]) -> list[str]:
    """Every vendor that appears in some row, in first-seen order."""
    seen: dict[str, None] = {}
    for row in rows:
        for vendor in row.skus:
            seen.setdefault(vendor, None)
    return list(seen)
