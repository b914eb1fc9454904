"""``projects/<id>/project.yaml`` and ``projects/<id>/bom/<version>.yaml``."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, model_validator

from ctb_files.core.models.common import RECORD, Id, Percent, PositiveQuantity, Quantity, Strict, Unit

BomFormat = Literal[
    "auto", "kicad-cli", "kicad-legacy", "kicad-legacy-fp", "pcbnew", "kibom", "jlc", "kitspace", "ctb-csv"
]


class Source(Strict):
    """Where a project's BOM file lives: exactly one of github, git, path."""

    github: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
    git: str | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _one(self) -> Source:
        given = [k for k in ("github", "git", "path") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of github, git, path")
        return self


class ProjectVersion(Strict):
    name: Id
    ref: str | None = None
    note: str | None = None


class Project(Strict):
    name: str = Field(min_length=1)
    description: str | None = None
    tags: list[str] = Field(default_factory=list)
    source: Source | None = None
    bom_path: str | None = None
    bom_format: BomFormat = "auto"
    part: Id | None = Field(default=None, description="the finished product; `ctb build complete` adds the built units to its stock")
    versions: list[ProjectVersion] = Field(default_factory=list)


class BomSource(Strict):
    """Where a synced BOM came from, resolved to a commit."""

    github: str | None = None
    git: str | None = None
    path: str | None = None
    ref: str | None = None
    commit: str | None = None
    format: str | None = None
    synced_at: datetime | None = None


class HandSet:
    """Marks a BOM-row field that only a person sets: a re-sync carries it over.

    ``Annotated[int | None, HAND_SET] = None``; :func:`hand_set_keys` reads the
    marks, so a new hand-set field survives re-sync without any list to keep.
    """

    def __repr__(self) -> str:
        return "HAND_SET"


HAND_SET = HandSet()


def hand_set_keys(record: type[BomRow]) -> tuple[str, ...]:
    """The fields of ``record`` (:class:`BomRow` or a subclass) marked :data:`HAND_SET`, in declaration order."""
    hints = typing.get_type_hints(record, include_extras=True)  # each class's names read in its own module
    return tuple(
        each.name
        for each in dataclasses.fields(record)
        if any(isinstance(mark, HandSet) for mark in getattr(hints[each.name], "__metadata__", ()))
    )


# a BOM row read from a KiCad export carries one for each distributor column: a record, as the rows are
@dataclass(slots=True, kw_only=True)
class Sku:
    """One distributor part number a BOM row carries."""

    __pydantic_config__ = RECORD
    vendor: Annotated[str, Field(min_length=1)]
    sku: Annotated[str, Field(min_length=1)]


class _Told:
    """Room for what a row was told beyond its fields (not a field: no schema, no dump, no equality)."""

    __slots__ = ("_legacy",)

    def _told_legacy(self) -> None:
        self._legacy = True

    @property
    def legacy(self) -> bool:
        """Read from the old ``vendor``/``partnum`` keys, not null (the next sync rewrites it)."""
        return getattr(self, "_legacy", False)


# a stockroom's BOMs hold rows by the hundred thousand: a slotted dataclass validated with the file
# models' rules (see ``core/models/build.Take``), about a third of a model's size
@dataclass(slots=True, kw_only=True)
class BomRow(_Told):
    # the schema says what _needs_line says: only implicit rows go without a line
    __pydantic_config__ = ConfigDict(
        **RECORD,
        json_schema_extra={"anyOf": [
            {"required": ["line"], "properties": {"line": {"type": "integer"}}},
            {"required": ["implicit"], "properties": {"implicit": {"const": True}}},
        ]},
    )  # fmt: skip
    line: Annotated[int | None, Field(ge=0)] = None
    implicit: bool = False
    refs: list[str] = field(default_factory=list)
    quantity: PositiveQuantity
    unit: Annotated[Unit | None, HAND_SET] = None
    value: str | None = None
    footprint: str | None = None
    mpn: str | None = None
    manufacturer: str | None = None
    description: str | None = None
    skus: list[Sku] = field(default_factory=list)
    # written before ``skus`` existed: read as the first SKU and cleared; the next sync writes ``skus``
    vendor: str | None = None
    partnum: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    part: Id | None = None
    missing: str | None = None
    optional: bool = False
    dnp: bool = False
    substitute: Annotated[Id | None, HAND_SET] = None
    order: Annotated[int | None, HAND_SET] = None
    attrition: Annotated[Percent | None, HAND_SET, Field(description="percent extra per build (PRODUCT.md 4.1)")] = None
    setup: Annotated[
        Quantity | None, HAND_SET, Field(description="extra quantity once per build, in the row's unit")
    ] = None
    consumable: Annotated[bool, HAND_SET, Field(description="listed and costed, never reserved or short")] = False
    ext: Annotated[dict[str, Any], HAND_SET] = field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_line(self) -> BomRow:
        if not self.implicit and self.line is None:
            raise ValueError("a BOM row needs a 'line' (unique in the file)")
        if self.vendor is None and self.partnum is None:
            return self
        if self.vendor and self.partnum:
            old = Sku(vendor=self.vendor, sku=self.partnum)
            if old not in self.skus:
                self.skus.insert(0, old)
        elif self.vendor:
            self.fields.setdefault("Vendor", self.vendor)
        elif self.partnum:
            self.fields.setdefault("PartNum", self.partnum)
        self.vendor = self.partnum = None
        self._told_legacy()
        return self

    @property
    def wanted(self) -> str | None:
        """The part this row asks for: the substitute when set."""
        return self.substitute or self.part


class BomFile(Strict):
    project: Id
    version: Id
    source: BomSource | None = None
    rows: list[BomRow] = Field(default_factory=list)


__all__ = [
    "HAND_SET",
    "BomFile",
    "BomRow",
    "BomSource",
    "HandSet",
    "Project",
    "ProjectVersion",
    "Quantity",
    "Sku",
    "Source",
    "hand_set_keys",
]
