"""``parts/<id>.yaml``: a part, its vendor parts and (for assemblies) its BOM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from ctb_files.core.models.common import (
    RECORD,
    Currency,
    Id,
    Money,
    Percent,
    PositiveQuantity,
    Quantity,
    Strict,
    Unit,
)

# a stockroom's parts hold vendor parts and price breaks by the hundred thousand: slotted
# dataclasses validated with the file models' rules (see ``core/models/build.Take``)


@dataclass(slots=True, kw_only=True)
class PriceBreak:
    __pydantic_config__ = RECORD
    quantity: PositiveQuantity
    price: Money


@dataclass(slots=True, kw_only=True)
class VendorPart:
    __pydantic_config__ = RECORD
    vendor: Id
    sku: Annotated[str, Field(min_length=1, description="the vendor's part number")]
    mpn: str | None = None
    manufacturer: str | None = None
    description: str | None = None
    url: str | None = None
    min_order: Annotated[int | None, Field(ge=1)] = None
    multiple: Annotated[int | None, Field(ge=1)] = None
    currency: Currency | None = None
    price_breaks: list[PriceBreak] = field(default_factory=list)
    availability: str | None = None
    lead_time: str | None = None
    fetched_at: datetime | None = None


class BomLine(Strict):
    """One child of an assembly."""

    part: Id
    quantity: PositiveQuantity
    unit: Unit | None = None
    order: int | None = None
    refs: list[str] = Field(default_factory=list)
    attrition: Percent | None = Field(default=None, description="percent extra per build (PRODUCT.md 4.1)")
    setup: Quantity | None = Field(default=None, description="extra quantity once per build, in the line's unit")
    consumable: bool = Field(default=False, description="listed and costed, never reserved or short")
    note: str | None = None
    ext: dict[str, Any] = Field(default_factory=dict)


class Part(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    value: str | None = None
    symbol: str | None = None
    package: Id | None = None
    unit: Unit = "pcs"
    attrition: Percent | None = Field(default=None, description="default attrition (percent) of rows using this part")
    tags: list[str] = Field(default_factory=list)
    datasheet: str | None = None
    min_stock: Quantity | None = Field(default=None, description="`ctb stock low` and `order generate --restock` keep at least this available")
    placeholder: bool = Field(default=False, description="created by sync; fill it in")
    equivalents: list[Id] = Field(default_factory=list)
    vendor_parts: list[VendorPart] = Field(default_factory=list)
    notes: str | None = None
    bom: list[BomLine] | None = None

    @property
    def is_assembly(self) -> bool:
        return bool(self.bom)


__all__ = ["BomLine", "Part", "PriceBreak", "Quantity", "VendorPart"]
