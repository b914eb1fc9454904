"""The rows of a synced BOM file: imported rows + matches + what the user set by hand.

Pure.  :func:`plan_bom` takes the rows an importer read, a :class:`Matcher`,
the version's current :class:`BomFile` (if any) and the source description,
and returns the whole new document as plain data plus a report.  It keeps,
per BOM line, what sync never decides itself (every ``BomRow`` field marked
``HAND_SET``: ``substitute``, ``ext``, ``unit``, ``order`` …), adds a row per implicit part of the matched part's
package right after its row, and leaves ``source.synced_at`` alone unless
something else in the file changes, so re-syncing unchanged data changes
nothing at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ctb_files.core.models import BomFile, BomRow
from ctb_files.core.models.common import record_adapter
from ctb_files.core.models.project import hand_set_keys
from ctb_files.core.units import normalize
from ctb_files.errors import Diagnostic
from ctb_files.importers.model import ImportedRow, ImportResult
from ctb_files.ops.bom.matching import Match, Matcher, Placeholder

__all__ = ["BomPlan", "VersionReport", "plan_bom", "row_key"]

RowKey = tuple[Any, ...]


def row_key(row: BomRow | dict[str, Any]) -> RowKey:
    """What identifies a row across syncs: its line, and for implicit rows the part too."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    if get("implicit"):
        return ("implicit", get("line"), get("part"))
    return ("row", get("line"))


@dataclass
class VersionReport:
    """What one version's sync or import did, for the summary table and JSON."""

    project: str
    version: str
    file: str
    commit: str | None = None
    rows: int = 0
    matched: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    implicit: int = 0
    placeholders: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    # (line in the BOM source file, row line, refs, what is questionable)
    flags: list[tuple[int, int, str, str]] = field(default_factory=list)
    source_path: str = ""
    changed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "version": self.version,
            "file": self.file,
            "commit": self.commit,
            "rows": self.rows,
            "matched": self.matched,
            "unmatched": [{"line": line, "text": text} for line, text in self.unmatched],
            "implicit": self.implicit,
            "placeholders": list(self.placeholders),
            "problems": [p.to_json() for p in self.problems],
            "flags": [
                {"path": self.source_path, "source_line": at, "line": line, "refs": refs, "flag": flag}
                for at, line, refs, flag in self.flags
            ],
            "changed": self.changed,
        }


@dataclass
class BomPlan:
    """The new document (plain data, house key order), the report, new placeholders."""

    data: dict[str, Any]
    report: VersionReport
    placeholders: list[Placeholder]

    @property
    def changed(self) -> bool:
        return self.report.changed


def plan_bom(
    project: str,
    version: str,
    imported: ImportResult,
    matcher: Matcher,
    existing: BomFile | None,
    source: Mapping[str, Any] | None,
    now: datetime,
    *,
    file: str = "",
    row_model: type[BomRow] = BomRow,
) -> BomPlan:
    """Build ``projects/<project>/bom/<version>.yaml`` from an import.

    ``source`` is the ``source`` mapping without ``synced_at`` (``None``
    writes none); ``now`` becomes ``synced_at`` only when the file changes.
    """
    kept = _hand_set(existing, hand_set_keys(row_model))
    report = VersionReport(project, version, file, commit=(source or {}).get("commit"))
    report.problems = list(imported.problems)
    report.source_path = str((source or {}).get("path") or file)
    rows: list[dict[str, Any]] = []
    placeholders: list[Placeholder] = []
    for row in sorted(imported.rows, key=lambda r: r.line):
        match = matcher.match(row)
        if match.placeholder is not None:
            placeholders.append(match.placeholder)
            report.placeholders.append(match.placeholder.id)
        rows.append(_row(row, match, kept.get(("row", row.line), {})))
        report.rows += 1
        for flag in row.flags:
            report.flags.append((row.source_line, row.line, " ".join(row.refs), flag))
        if match.part is not None:
            report.matched += 1
        else:
            report.unmatched.append((row.line, match.missing or "unmatched"))
        for implicit in _implicit_rows(row, match, matcher, kept):
            rows.append(implicit)
            report.implicit += 1

    data: dict[str, Any] = {"project": project, "version": version}
    old_stamp = existing.source.synced_at if existing and existing.source else None
    if source is not None:
        data["source"] = {**source, "synced_at": old_stamp or now}
    data["rows"] = rows
    report.changed = existing is None or not _same_content(data, existing, row_model)
    if report.changed and source is not None:
        data["source"]["synced_at"] = now
    return BomPlan(data, report, placeholders)


def _hand_set(existing: BomFile | None, keys: tuple[str, ...]) -> dict[RowKey, dict[str, Any]]:
    kept: dict[RowKey, dict[str, Any]] = {}
    for row in existing.rows if existing else ():
        values = {k: getattr(row, k) for k in keys if _set(getattr(row, k, None))}
        if values:
            kept[row_key(row)] = values
    return kept


def _set(value: Any) -> bool:
    # ``attrition: 0`` is a choice (it overrides a part's default); ``consumable: false`` is the default
    return value is not None and value is not False and value != {}


def _row(row: ImportedRow, match: Match, kept: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "line": row.line,
        "refs": list(row.refs),
        "quantity": normalize(row.quantity),
    }
    if "unit" in kept:
        data["unit"] = kept["unit"]
    data["value"] = row.value
    data["footprint"] = row.footprint
    if row.mpn:
        data["mpn"] = row.mpn
    if row.manufacturer:
        data["manufacturer"] = row.manufacturer
    if row.description:
        data["description"] = row.description
    if row.skus:
        data["skus"] = [{"vendor": vendor, "sku": sku} for vendor, sku in row.skus]
    if row.fields:
        data["fields"] = dict(row.fields)
    if row.flags:
        data["flags"] = list(row.flags)
    data["part"] = match.part
    data["missing"] = match.missing
    data["optional"] = row.optional
    data["dnp"] = row.dnp
    data["substitute"] = kept.get("substitute")
    if "order" in kept:
        data["order"] = kept["order"]
    data["ext"] = kept.get("ext", {})
    for key, value in kept.items():  # any other hand-set field, by construction
        data.setdefault(key, value)
    return data


def _implicit_rows(
    row: ImportedRow, match: Match, matcher: Matcher, kept: dict[RowKey, dict[str, Any]]
) -> list[dict[str, Any]]:
    part = matcher.parts.get(match.part) if match.part else None
    package = matcher.inventory.packages.get(part.package) if part and part.package else None
    out: list[dict[str, Any]] = []
    for rule in package.implicit_parts if package else ():
        data: dict[str, Any] = {
            "line": row.line,
            "implicit": True,
            "part": rule.part,
            "quantity": normalize(rule.quantity * row.quantity),
        }
        # an unpopulated or optional row's knob is just as unpopulated or optional
        if row.optional:
            data["optional"] = True
        if row.dnp:
            data["dnp"] = True
        data.update(kept.get(("implicit", row.line, rule.part), {}))
        out.append(data)
    return out


def _same_content(data: dict[str, Any], old: BomFile, row_model: type[BomRow]) -> bool:
    if any(row.legacy for row in old.rows):
        return False  # written with vendor/partnum: the sync writes skus
    head = BomFile.model_validate({**data, "rows": []})
    skip: dict[str, Any] = {"source": {"synced_at"}, "rows": True}
    if head.model_dump(exclude=skip) != old.model_dump(exclude=skip):
        return False
    rows = record_adapter(row_model)
    new_rows = [rows.dump_python(rows.validate_python(row)) for row in data["rows"]]
    return new_rows == [rows.dump_python(row) for row in old.rows]
