"""Canonical formatting of inventory files, comments kept (``ctb fmt``).

A file is formatted in two passes:

1. A round trip through the comment-keeping YAML library puts the layout in
   the house style (2-space mappings, ``- `` items indented by 2) and
   reorders the keys of one-line ``{...}`` mappings, which hold no comments.
2. Block mappings whose keys are out of the models' order
   (:mod:`ctb_files.core.canonical`) are reordered *as text*: each entry is
   its key line, its value's lines, and the whole-line comments and blank
   lines just above it at its own indentation or less.  Entries move with
   their comments, so a comment heading a key keeps heading it (the YAML
   library alone would leave it behind, attached to the previous value).

A ``---`` line opening the file and a ``...`` line closing it are kept, with
the comments before and after them (yamllint's ``document-start`` rule asks
for the first).  The result must read back as exactly the same data; if it
would not, the file is reported and left alone.  Formatting formatted text
changes nothing.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.canonical import Model, canonical_order, kind_model, nested_model
from ctb_files.core.models.settings import Limits, Settings
from ctb_files.errors import CtbError, Diagnostic
from ctb_files.storage import tree
from ctb_files.storage.yaml import (
    CommentedMap,
    CommentedSeq,
    YamlProblem,
    document_frame,
    dump,
    load_fast,
    parse_roundtrip,
)

__all__ = ["FormatPlan", "format_bytes", "inventory_paths", "plan_format"]


def format_bytes(data: bytes, rel: str) -> bytes:
    """The canonical form of the inventory file ``rel``; :class:`YamlProblem` if it has none."""
    key = layout.classify(rel)
    if key is None:
        raise YamlProblem(Diagnostic(rel, 1, 1, "CTB107", "not an inventory file; not formatted"))
    before = load_fast(data, rel)
    if before is None:
        return data
    if not isinstance(before, dict):
        raise YamlProblem(Diagnostic(rel, 1, 1, "CTB101", "the file must be a YAML mapping"))
    model = kind_model(key.kind)
    # CR LF / CR endings: comments would keep their CR and mix line endings; the house style is LF.
    # Tabs before an end-of-line comment are valid YAML the comment-keeping parser refuses: when it
    # does, they become spaces (inside a quoted string that would change the data: refused below).
    text = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    try:
        doc = parse_roundtrip(text, rel)
    except YamlProblem as problem:
        untabbed = _TAB_BEFORE_COMMENT.sub(b"  ", text)
        if untabbed == text:
            raise
        try:
            doc = parse_roundtrip(untabbed, rel)
        except YamlProblem:
            raise problem from None
    _order_flow(doc, model)
    first = dump(doc)
    try:
        again = parse_roundtrip(first.encode("utf-8"), rel)
    except YamlProblem:
        # the file is fine; the comment-keeping writer is not (some mixes of comments and flow items)
        message = "not formatted: the YAML writer would not write it back as valid YAML; left as is"
        raise YamlProblem(Diagnostic(rel, 1, 1, "CTB012", message, "warning")) from None
    lines = first.splitlines(keepends=True)
    formatted = "".join(_Text(lines).block(again, model, 0, len(lines)))
    head, tail = document_frame(text.decode("utf-8-sig"))  # ``---`` and ``...``, kept with their comments
    result = (head + formatted + tail).encode("utf-8")
    if load_fast(result, rel) != before:
        raise YamlProblem(Diagnostic(rel, 1, 1, "CTB010", "cannot be formatted without changing its data; left as is"))
    return bytes(result)


_TAB_BEFORE_COMMENT = re.compile(rb"(?<=\S)[ \t]*\t[ \t]*(?=#)")


def _flow(node: Any) -> bool:
    return bool(node.fa.flow_style())


def _order_flow(node: Any, model: Model | None) -> None:
    """Reorder one-line mappings in place, everywhere below ``node``."""
    if isinstance(node, CommentedMap):
        if model is not None and _flow(node):
            keys = list(node)
            wanted = canonical_order(model, keys)
            if wanted != keys:
                for key in wanted:
                    node.move_to_end(key)
        for key, value in node.items():
            _order_flow(value, nested_model(model, key) if model is not None else None)
    elif isinstance(node, CommentedSeq):
        for item in node:
            _order_flow(item, model)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Text:
    """The lines of a house-style document, rebuilt with block mappings in order."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def _loose(self, index: int, col: int) -> bool:
        """A blank line, or a whole-line comment at ``col`` or less: it may head an entry."""
        text = self.lines[index]
        stripped = text.strip()
        return not stripped or (stripped.startswith("#") and _indent(text) <= col)

    def block(self, node: Any, model: Model | None, start: int, end: int) -> list[str]:
        if isinstance(node, CommentedMap) and node and not _flow(node):
            return self.mapping(node, model, start, end)
        if isinstance(node, CommentedSeq) and node and not _flow(node):
            return self.sequence(node, model, start, end)
        return self.lines[start:end]

    def sequence(self, node: CommentedSeq, model: Model | None, start: int, end: int) -> list[str]:
        firsts = [node.lc.item(i)[0] for i in range(len(node))]
        out = self.lines[start : firsts[0]]
        for i, item in enumerate(node):
            hi = firsts[i + 1] if i + 1 < len(node) else end
            out.extend(self.block(item, model, firsts[i], hi))
        return out

    def mapping(self, node: CommentedMap, model: Model | None, start: int, end: int) -> list[str]:
        keys = list(node)
        col = node.lc.key(keys[0])[1]
        key_lines = [node.lc.key(k)[0] for k in keys]
        heads = [key_lines[0]]
        for i in range(1, len(keys)):
            j = key_lines[i]
            while j - 1 > key_lines[i - 1] and self._loose(j - 1, col):
                j -= 1
            heads.append(j)
        tail = end
        while tail - 1 > key_lines[-1] and self._loose(tail - 1, col):
            tail -= 1
        chunks: dict[Any, list[str]] = {}
        for i, key in enumerate(keys):
            hi = heads[i + 1] if i + 1 < len(keys) else tail
            chunk = self._entry(node, model, key, heads[i], key_lines[i], hi)
            for at in range(key_lines[i] - heads[i]):  # a comment heading a key is indented like it
                if chunk[at].strip():
                    chunk[at] = " " * col + chunk[at].lstrip(" ")
            chunks[key] = chunk
        order = canonical_order(model, keys) if model is not None else keys
        head = self.lines[start : heads[0]]
        if order == keys:
            body = [line for key in keys for line in chunks[key]]
        else:
            offsets = {key: key_lines[i] - heads[i] for i, key in enumerate(keys)}
            body = self._reordered(chunks, offsets, keys, order, col, lead_blank=bool(head))
        return head + body + self.lines[tail:end]

    def _entry(self, node: CommentedMap, model: Model | None, key: Any, lo: int, key_line: int, hi: int) -> list[str]:
        value = node[key]
        if isinstance(value, (CommentedMap, CommentedSeq)) and value and not _flow(value):
            first = value.lc.key(next(iter(value)))[0] if isinstance(value, CommentedMap) else value.lc.item(0)[0]
            if first > key_line:
                sub = nested_model(model, key) if model is not None else None
                return self.lines[lo:first] + self.block(value, sub, first, hi)
        return self.lines[lo:hi]

    @staticmethod
    def _reordered(
        chunks: dict[Any, list[str]],
        offsets: dict[Any, int],
        keys: list[Any],
        order: list[Any],
        col: int,
        lead_blank: bool,
    ) -> list[str]:
        first_line = chunks[keys[0]][0]
        prefix = first_line[:col]
        in_item = prefix.strip() != ""  # the mapping is a list item: "- " sits on its first line
        if in_item:
            chunks[keys[0]] = [" " * col + first_line[col:], *chunks[keys[0]][1:]]
        body: list[str] = []
        for index, key in enumerate(order):
            chunk = list(chunks[key])
            if index == 0:
                if in_item:
                    at = offsets[key]
                    chunk[at] = prefix + chunk[at][col:]
                if not lead_blank:
                    while chunk and not chunk[0].strip():
                        chunk.pop(0)
            body.extend(chunk)
        return body


# --- choosing files and planning ------------------------------------------------------------


def inventory_paths(root: Path, paths: Iterable[Path]) -> tuple[list[str], list[Diagnostic]]:
    """Inventory files under ``paths`` (all of them when empty), relative to ``root``.

    A named file that is not an inventory file is reported as a warning and skipped.
    """
    given = list(paths)
    if not given:
        return sorted(rel for rel in tree.read_tree(root) if layout.classify(rel) is not None), []
    found: set[str] = set()
    notes: list[Diagnostic] = []
    top = root.resolve()
    for path in given:
        full = path.resolve()
        try:
            rel = full.relative_to(top).as_posix()
        except ValueError:
            raise CtbError(f"{path} is outside the inventory at {root}") from None
        if full.is_dir():
            for dirpath, dirnames, filenames in os.walk(full):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in filenames:
                    sub = (Path(dirpath) / name).relative_to(top).as_posix()
                    if layout.classify(sub) is not None:
                        found.add(sub)
        elif not full.is_file():
            raise CtbError(f"{path}: no such file or folder")
        elif layout.classify(rel) is None:
            notes.append(Diagnostic(rel, 1, 1, "CTB107", "not an inventory file; not formatted", "warning"))
        else:
            found.add(rel)
    return sorted(found), notes


@dataclass
class FormatPlan:
    """What formatting would do: the new bytes of files that change, and the problems."""

    changed: dict[str, bytes] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    checked: int = 0

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.problems if d.severity == "error"]


def _format_size(root: Path) -> int:
    """``limits.format_size`` of the repository's ``ctb.yaml`` (the default when it does not validate)."""
    try:
        settings = Settings.model_validate(load_fast((root / layout.SETTINGS).read_bytes(), layout.SETTINGS) or {})
    except (OSError, YamlProblem, ValidationError):
        return Limits().format_size
    return settings.limits.format_size


def plan_format(root: Path, rels: Iterable[str]) -> FormatPlan:
    """Format each file in memory; nothing is written."""
    plan = FormatPlan()
    largest = _format_size(root)
    for rel in rels:
        plan.checked += 1
        try:
            data = tree.read_regular(str(root / rel))[1]
        except OSError as exc:  # a dangling link, a folder or FIFO named like a file, no permission
            plan.problems.append(Diagnostic(rel, 1, 1, "CTB001", f"cannot read the file: {exc.strerror or exc}"))
            continue
        if len(data) > largest:
            # the comment-keeping parser reads some 50 kB a second: bound the time a file can take
            message = f"not formatted: {len(data):,} bytes, more than limits.format_size ({largest:,}); left as is"
            plan.problems.append(Diagnostic(rel, 1, 1, "CTB012", message, "warning"))
            continue
        try:
            new = format_bytes(data, rel)
        except YamlProblem as problem:
            plan.problems.append(problem.diagnostic)
            continue
        if new == data:
            continue
        if not _valid(new, rel):
            # write-back only ever writes valid files: fix the data first, then format
            plan.problems.append(
                Diagnostic(rel, 1, 1, "CTB011", "not formatted: the file has schema errors (see 'ctb check')")
            )
            continue
        plan.changed[rel] = new
    return plan


def _valid(data: bytes, rel: str) -> bool:
    key = layout.classify(rel)
    if key is None:
        return False
    try:
        kind_model(key.kind).model_validate(load_fast(data, rel) or {})
    except (ValidationError, YamlProblem):
        return False
    return True
