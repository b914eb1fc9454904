"""``orders/<id>.yaml``: a vendor order and the builds each line serves."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import Field

from ctb_files.core.models.common import (
    Currency,
    Id,
    Money,
    PositiveQuantity,
    Quantity,
    Strict,
)

OrderStatus = Literal["open", "placed", "received", "cancelled"]


class OrderLine(Strict):
    part: Id
    sku: str | None = None
    quantity: PositiveQuantity
    unit_price: Money | None = None
    received: Quantity = Field(default=Decimal(0))
    for_: dict[Id, Quantity] = Field(default_factory=dict, alias="for")
    restock: bool = Field(default=False, description="added by `ctb order generate --restock` to reach min_stock")


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
