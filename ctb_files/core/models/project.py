"""``projects/<id>/project.yaml`` and ``projects/<id>/bom/<version>.yaml``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, model_validator

from ctb_files.core.models.common import Id, PositiveQuantity, Quantity, Strict, Unit

BomFormat = Literal[
    "auto", "kicad-cli", "kicad-legacy", "kicad-legacy-fp", "pcbnew", "kibom", "jlc", "ctb-csv"
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


class BomRow(Strict):
    # the schema says what _needs_line says: only implicit rows go without a line
    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, validate_default=False,
        json_schema_extra={"anyOf": [
            {"required": ["line"], "properties": {"line": {"type": "integer"}}},
            {"required": ["implicit"], "properties": {"implicit": {"const": True}}},
        ]},
    )  # fmt: skip
    line: int | None = Field(default=None, ge=0)
    implicit: bool = False
    refs: list[str] = Field(default_factory=list)
    quantity: PositiveQuantity
    unit: Unit | None = None
    value: str | None = None
    footprint: str | None = None
    description: str | None = None
    vendor: str | None = None
    partnum: str | None = None
    part: Id | None = None
    missing: str | None = None
    optional: bool = False
    dnp: bool = False
    substitute: Id | None = None
    order: int | None = None
    flags: list[str] = Field(default_factory=list)
    ext: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _needs_line(self) -> BomRow:
        if not self.implicit and self.line is None:
            raise ValueError("a BOM row needs a 'line' (unique in the file)")
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


__all__ = ["BomFile", "BomRow", "BomSource", "Project", "ProjectVersion", "Quantity", "Source"]
