"""``ctb.yaml``: repository settings and BOM extension declarations."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from ctb_files.core.models.common import Currency, Id, Strict

ScalarType = Literal["string", "integer", "number", "boolean"]


class AppliesTo(Strict):
    tags: list[str] = Field(default_factory=list)


class Extension(Strict):
    """One extra field allowed in BOM rows' ``ext`` mapping (PRODUCT.md 5.3)."""

    name: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    type: Literal["string", "integer", "number", "boolean", "enum", "object", "list"]
    description: str | None = None
    values: list[str] | None = None  # for enum
    fields: dict[str, ScalarType] | None = None  # for object
    items: ScalarType | None = None  # element type for list (default string)
    visible: bool = False
    editable: bool = False
    applies_to: AppliesTo | None = None

    @model_validator(mode="after")
    def _shape(self) -> Extension:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum extension needs 'values'")
        if self.type == "object" and not self.fields:
            raise ValueError("an object extension needs 'fields'")
        return self


class Limits(Strict):
    """How much one file may hold before it is refused: bounds the work a hostile file can cause."""

    file_size: int = Field(default=5_000_000, ge=1, description="bytes in one YAML file")
    keys: int = Field(default=10_000, ge=1, description="keys in one mapping")
    items: int = Field(default=100_000, ge=1, description="items in one list")
    depth: int = Field(default=32, ge=2, le=1000, description="nesting levels of mappings and lists")
    string: int = Field(default=10_000, ge=1, description="characters in one value or key")
    name: int = Field(default=200, ge=1, description="characters in a name")
    aliases: int = Field(default=10_000, ge=0, description="values that aliases (*name) may expand to in one file")
    format_size: int = Field(default=64_000, ge=0, description="bytes of the largest file 'ctb fmt' formats")


class Settings(Strict):
    ctb: Literal[1] = Field(description="format version")
    name: str | None = None
    currency: Currency = "USD"
    default_location: Id | None = None
    equivalence_depth: int = Field(default=5, ge=0, le=100)
    partial_reservations: bool = False
    bom_extensions: list[Extension] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
