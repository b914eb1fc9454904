"""``vendors/<id>.yaml``: a vendor."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ctb_files.core.models.common import Currency, Strict


class Vendor(Strict):
    name: str = Field(min_length=1)
    # other spellings of this vendor in BOM files ("Digi-Key", "DK"), matched ignoring case
    aliases: list[str] = Field(default_factory=list)
    url: str | None = None
    api: Literal["mouser"] | None = None
    currency: Currency | None = None
    notes: str | None = None
