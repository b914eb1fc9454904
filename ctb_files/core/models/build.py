"""``builds/<id>.yaml``: what to build, and the reservations ctb wrote back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, field_validator

from ctb_files.core.models.common import RECORD, Id, PositiveQuantity, Quantity, Strict, takes_whole

BuildStatus = Literal["draft", "short", "cleared", "completed"]
OPEN_STATUSES: frozenset[str] = frozenset({"draft", "short", "cleared"})

# What ctb writes back into a build, by the hundred thousand in a stockroom (a reservation and a take
# per row a build reserves): slotted dataclasses that pydantic validates with the rules of every file
# model (:data:`~ctb_files.core.models.common.RECORD`), a fifth of a model's memory and a third of its
# validation time, made by the engine without validating what it computed itself.


@dataclass(slots=True, kw_only=True)
class Take:
    __pydantic_config__ = RECORD
    location: Id
    part: Id
    bin: str | None = None
    quantity: PositiveQuantity


@dataclass(slots=True, kw_only=True)
class Reservation:
    __pydantic_config__ = RECORD
    part: Id
    quantity: Quantity
    lines: list[int] = field(default_factory=list)
    take: list[Take] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class Shortage:
    __pydantic_config__ = RECORD
    part: Id | None
    quantity: PositiveQuantity
    lines: list[int] = field(default_factory=list)
    reason: str | None = None
    on_order: Annotated[Quantity | None, Field(description="covered by open/placed order lines for this build")] = None


@dataclass(slots=True, kw_only=True)
class AssemblyNeed:
    __pydantic_config__ = RECORD
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
    @takes_whole
    def _whole(cls, value: object) -> object:
        from decimal import Decimal

        if isinstance(value, Decimal) and value != value.to_integral_value():
            raise ValueError("a build quantity is a whole number of units")
        return value

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
