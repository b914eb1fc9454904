"""``orders/<id>.yaml``: a vendor order and the builds each line serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from ctb_files.core.models.common import (
    RECORD,
    Currency,
    Id,
    Money,
    PositiveQuantity,
    Quantity,
    Strict,
)

OrderStatus = Literal["open", "placed", "received", "cancelled"]


# orders hold lines by the ten thousand: a slotted dataclass validated with the file models' rules
# (see ``core/models/build.Take``); ``for`` is a Python keyword, so the field is ``for_`` written as ``for``
@dataclass(slots=True, kw_only=True)
class OrderLine:
    __pydantic_config__ = RECORD
    part: Id
    sku: str | None = None
    quantity: PositiveQuantity
    unit_price: Money | None = None
    received: Quantity = Decimal(0)
    for_: Annotated[dict[Id, Quantity], Field(alias="for")] = field(default_factory=dict)
    restock: Annotated[bool, Field(description="added by `ctb order generate --restock` to reach min_stock")] = False


class Order(Strict):
    vendor: Id
    status: OrderStatus = "open"
    number: str | None = None
    expected: date | None = Field(default=None, description="expected delivery date")
    currency: Currency | None = None
    created_at: datetime | None = None
    placed_at: datetime | None = None
    received_at: datetime | None = None
    lines: list[OrderLine] = Field(default_factory=list)
