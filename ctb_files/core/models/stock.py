"""``stock/<location>.yaml``: the stock lines held at one location."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import Field

from ctb_files.core.models.common import RECORD, Id, Quantity, Strict


# a stockroom holds stock lines by the hundred thousand: a slotted dataclass validated with the
# file models' rules (see ``core/models/build.Take``)
@dataclass(slots=True, kw_only=True)
class StockLine:
    __pydantic_config__ = RECORD
    part: Id
    quantity: Quantity
    bin: str | None = None
    counted_at: date | None = None  # set by ``ctb stock count``
    deprioritized: bool = False
    note: str | None = None


class Stock(Strict):
    name: str | None = None
    lines: list[StockLine] = Field(default_factory=list)
