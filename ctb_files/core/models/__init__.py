"""Pydantic models, one per file kind, and the table that maps folders to kinds."""

from __future__ import annotations

from pydantic import BaseModel

from ctb_files.core.models.build import AssemblyNeed, Build, Reservation, Shortage, Take
from ctb_files.core.models.common import Id, Quantity, valid_id
from ctb_files.core.models.order import Order, OrderLine
from ctb_files.core.models.package import ImplicitPart, Package
from ctb_files.core.models.part import BomLine, Part, PriceBreak, VendorPart
from ctb_files.core.models.project import (
    BomFile,
    BomRow,
    BomSource,
    Project,
    ProjectVersion,
    Source,
)
from ctb_files.core.models.settings import Extension, Settings
from ctb_files.core.models.stock import Stock, StockLine
from ctb_files.core.models.vendor import Vendor

# file kind -> model; the kind names are used in schemas/<kind>.schema.json
KINDS: dict[str, type[BaseModel]] = {
    "settings": Settings,
    "part": Part,
    "package": Package,
    "vendor": Vendor,
    "stock": Stock,
    "project": Project,
    "bom": BomFile,
    "build": Build,
    "order": Order,
}

__all__ = [
    "KINDS", "AssemblyNeed", "BomFile", "BomLine", "BomRow", "BomSource", "Build", "Extension",
    "Id", "ImplicitPart", "Order", "OrderLine", "Package", "Part", "PriceBreak", "Project",
    "ProjectVersion", "Quantity", "Reservation", "Settings", "Shortage", "Source", "Stock",
    "StockLine", "Take", "Vendor", "VendorPart", "valid_id",
]  # fmt: skip
