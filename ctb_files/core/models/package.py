"""``packages/<id>.yaml``: a physical package, its footprints, its implicit parts."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ctb_files.core.models.common import Id, Percent, PositiveQuantity, Strict


class ImplicitPart(Strict):
    part: Id
    quantity: PositiveQuantity = Field(description="needed per unit of a row using this package")


class Package(Strict):
    name: str = Field(min_length=1)
    technology: Literal["smd", "tht", "unknown"] = "unknown"
    footprints: list[str] = Field(default_factory=list)
    implicit_parts: list[ImplicitPart] = Field(default_factory=list)
    attrition: Percent | None = Field(default=None, description="default attrition (percent) of rows using parts of this package")
