"""``builds/<id>.yaml``: what to build, and the reservations ctb wrote back."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field, field_validator

from ctb_files.core.models.common import Id, PositiveQuantity, Quantity, Strict

BuildStatus = Literal["draft", "short", "cleared", "completed"]
OPEN_STATUSES: frozenset[str] = frozenset({"draft", "short", "cleared"})


class Take(Strict):
    location: Id
    part: Id
    bin: str | None = None
    quantity: PositiveQuantity


class Reservation(Strict):
    part: Id
    quantity: Quantity
    lines: list[int] = Field(default_factory=list)
    take: list[Take] = Field(default_factory=list)


class Shortage(Strict):
    part: Id | None
    quantity: PositiveQuantity
    lines: list[int] = Field(default_factory=list)
    reason: str | None = None
    on_order: Quantity | None = Field(default=None, description="covered by open/placed order lines for this build")


class AssemblyNeed(Strict):
    part: Id
    quantity: PositiveQuantity


class Build(Strict):
    project: Id
    version: Id
    quantity: PositiveQuantity
    priority: int = 0
    due: date | None = None
    exclude: list[int] = Field(default_factory=list)
    fallbacks: dict[Id, Id] = Field(default_factory=dict)
    note: str | None = None
    status: BuildStatus = "draft"
    created_at: datetime | None = None
    cleared_at: datetime | None = None
    completed_at: datetime | None = None
    reservations: list[Reservation] = Field(default_factory=list)
    shortages: list[Shortage] = Field(default_factory=list)
    assemblies: list[AssemblyNeed] = Field(default_factory=list)

    @field_validator("quantity")
    @classmethod
    def _whole(cls, value: object) -> object:
        from decimal import Decimal

        if isinstance(value, Decimal) and value != value.to_integral_value():
            raise ValueError("a build quantity is a whole number of units")
        return value

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
