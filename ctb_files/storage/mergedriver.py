"""The git merge driver for stock files: read %O %A %B, write the result into %A.

git runs ``ctb merge-driver run %O %A %B %P`` for every ``stock/*.yaml``
that both branches changed (``.gitattributes``: ``merge=ctb-stock``).  The
three versions are read as plain data and merged by
:func:`ctb_files.ops.stock.merge.merge_stock`; the result is written into
our version's round-trip document, so our comments, key order and quoting
stay, and lines that only the other branch added come with their own
comments.  When the merge is not safe, %A gets git's conflict markers and
the driver reports a conflict, exactly as git's own text merge would.

:func:`install` registers the driver in a repository's local git config.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ctb_files.errors import CtbError
from ctb_files.ops.stock.merge import MergedLine, StockMerge, conflict_text, merge_stock
from ctb_files.storage.git import GitRepo
from ctb_files.storage.gitattributes import DRIVER, declared_not_installed
from ctb_files.storage.yaml import (
    CommentedMap,
    CommentedSeq,
    YamlProblem,
    dump,
    flow_items,
    load_fast,
    merge_into,
    new_document,
    parse_roundtrip,
    rebuild_sequence,
    sequence_comment,
    to_roundtrip,
)  # fmt: skip

__all__ = [
    "DRIVER", "DRIVER_COMMAND", "DRIVER_NAME", "DriverResult", "declared_not_installed", "install", "merge_files",
    "merge_texts",
]  # fmt: skip

DRIVER_NAME = "ctb stock merge (quantities of both branches add up)"
DRIVER_COMMAND = "ctb merge-driver run %O %A %B %P"


@dataclass
class DriverResult:
    """The text to write into %A, and why it is a conflict when it is one."""

    text: str
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _decode(data: bytes) -> str:
    return data.decode("utf-8-sig", "surrogateescape")


def _plain(data: bytes, side: str, path: str) -> dict[str, Any]:
    try:
        value = load_fast(data, path)
    except YamlProblem as problem:
        raise _Unmergeable(f"{side}: {problem.diagnostic.message} (line {problem.diagnostic.line})") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Unmergeable(f"{side}: the file is not a YAML mapping")
    return value


class _Unmergeable(Exception):
    pass


def merge_texts(base: bytes, ours: bytes, theirs: bytes, path: str = "") -> DriverResult:
    """Merge three versions of a stock file; never raises for bad input (it becomes a conflict)."""
    try:
        merged = merge_stock(
            _plain(base, "base", path) if base.strip() else None,
            _plain(ours, "ours", path),
            _plain(theirs, "theirs", path),
        )
    except _Unmergeable as exc:
        return _conflict(base, ours, theirs, path, [str(exc)])
    if not merged.clean:
        return _conflict(base, ours, theirs, path, merged.conflicts)
    try:
        text, notes = _render(merged, ours, theirs, path)
    except Exception as exc:  # noqa: BLE001 - git must get conflict markers, never a half-merged file
        return _conflict(base, ours, theirs, path, [f"ctb could not write the merge ({type(exc).__name__}: {exc})"])
    return DriverResult(text, notes=notes)


def _conflict(base: bytes, ours: bytes, theirs: bytes, path: str, reasons: list[str]) -> DriverResult:
    text = conflict_text(_decode(base), _decode(ours), _decode(theirs), path)
    return DriverResult(text, conflicts=reasons)


def _render(merged: StockMerge, ours: bytes, theirs: bytes, path: str) -> tuple[str, list[str]]:
    """Write the merged data into our round-trip document; check it reads back as merged."""
    try:
        our_doc = parse_roundtrip(ours, path)
        their_doc = parse_roundtrip(theirs, path)
    except YamlProblem:  # load_fast read them, so this is ruamel disagreeing: no comments then
        our_doc = their_doc = None
    if isinstance(our_doc, CommentedMap):
        _apply(our_doc, their_doc, merged)
        text = dump(our_doc, _decode(ours))
        if _reads_as(text, merged.document, path):
            return text, []
        # ruamel writes some mixes of flow and block lines wrongly; house style avoids that
        lines = our_doc.get("lines")
        if isinstance(lines, CommentedSeq):
            flow_items(lines)
            text = dump(our_doc, _decode(ours))
            if _reads_as(text, merged.document, path):
                return text, [f"{path or 'stock file'}: lines rewritten one per line to keep comments"]
    text = new_document(merged.document)
    return text, [f"{path or 'stock file'}: written afresh; comments could not be kept"]


def _apply(our_doc: CommentedMap, their_doc: Any, merged: StockMerge) -> None:
    our_lines = our_doc.get("lines")
    their_lines = their_doc.get("lines") if isinstance(their_doc, CommentedMap) else None
    if isinstance(our_lines, CommentedSeq) and (len(our_lines) or not our_lines.fa.flow_style()):
        items = [_node(line, our_lines, their_lines) for line in merged.lines]
        rebuild_sequence(our_lines, items)
    merge_into(our_doc, merged.document)


def _node(line: MergedLine, ours: CommentedSeq, theirs: Any) -> tuple[Any, Any]:
    source = ours if line.side == "ours" else theirs
    if isinstance(source, CommentedSeq) and line.index < len(source):
        # comment lines after their last line end their file, not ours
        return source[line.index], sequence_comment(source, line.index, own_line_only=source is not ours)
    return to_roundtrip(line.data, in_list=True), None


def _reads_as(text: str, document: dict[str, Any], path: str) -> bool:
    try:
        back = load_fast(text.encode("utf-8"), path)
    except YamlProblem:
        return False
    return bool(back == document) or (back is None and not document)


def merge_files(base: Path, ours: Path, theirs: Path, path: str = "") -> DriverResult:
    """What git asks of the driver: merge the three files and write the result into ``ours``."""
    try:
        base_data, ours_data, theirs_data = (p.read_bytes() for p in (base, ours, theirs))
    except OSError as exc:
        raise CtbError(f"cannot read {exc.filename}: {exc.strerror}") from None
    result = merge_texts(base_data, ours_data, theirs_data, path=path)
    tmp = ours.with_name(ours.name + ".ctb-merge.tmp")
    try:
        tmp.write_text(result.text, encoding="utf-8", errors="surrogateescape")
        tmp.replace(ours)
    except OSError as exc:
        raise CtbError(f"cannot write {ours}: {exc.strerror}") from None
    return result


def install(path: Path) -> GitRepo:
    """Register the driver in the local git config of the work tree holding ``path``."""
    repo = GitRepo.find(path)
    if repo is None:
        raise CtbError(f"{path} is not in a git work tree; the merge driver is set in a repository's git config")
    repo.config_set(f"merge.{DRIVER}.name", DRIVER_NAME)
    repo.config_set(f"merge.{DRIVER}.driver", DRIVER_COMMAND)
    return repo
