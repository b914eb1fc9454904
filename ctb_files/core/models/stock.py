"""``stock/<location>.yaml``: the stock lines held at one location."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from ctb_files.core.models.common import Id, Quantity, Strict


class StockLine(Strict):
    part: Id
    quantity: Quantity
    bin: str | None = None
    counted_at: date | None = None  # set by ``ctb stock count``
    deprioritized: bool = False
    note: str | None = None


class Stock(Strict):
    name: str | None = None
    lines: list[StockLine] = Field(default_factory=list)
