"""Projects as text: the sync summary per version, and a project's versions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ctb_files.ops.bom.sync import VersionReport
from ctb_files.render.table import table


def reports_table(reports: Sequence[VersionReport]) -> str:
    """One row per synced or imported version: rows, matched, unmatched, implicit, placeholders, problems, flags."""
    rows = [
        (r.version, (r.commit or "")[:7], r.rows, r.matched, len(r.unmatched), r.implicit, len(r.placeholders),
         len(r.problems), len(r.flags))
        for r in reports
    ]  # fmt: skip
    headers = ("version", "commit", "rows", "matched", "unmatched", "implicit", "placeholders", "problems", "flags")
    return table(headers, rows, right=(2, 3, 4, 5, 6, 7, 8))


def versions_table(versions: Sequence[Mapping[str, Any]]) -> str:
    """``ctb project show``: per version its ref, synced commit, rows, unmatched rows and sync time."""
    rows = [
        (v["name"], v["ref"], (v["commit"] or "")[:7], v["rows"], v["unmatched"],
         v["synced_at"].isoformat().replace("+00:00", "Z") if v["synced_at"] else "" if v["file"] else "not synced")
        for v in versions
    ]  # fmt: skip
    return table(("version", "ref", "commit", "rows", "unmatched", "synced_at"), rows, right=(3, 4))
