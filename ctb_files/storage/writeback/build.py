"""Writing build files: the keys ctb writes back, kept after the user's keys and comments.

The only code that edits ``builds/<id>.yaml``.  Usually ctb's keys come last
and carry no comments: the head of the file is then kept byte for byte and
only the tail is emitted (:func:`emit_written`), which skips the slow round
trip; otherwise the round-trip document is merged.  Both ways give the same
bytes (a property test holds them equal).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ctb_files.core.paths import build_path
from ctb_files.ops.builds.fields import WRITTEN, ordered_build
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.yaml import (
    CommentedMap,
    YamlProblem,
    dump,
    load_fast,
    load_roundtrip,
    merge_into,
    new_document,
    same_value,
    to_roundtrip,
)
from ctb_files.storage.yaml.frame import document_frame, line_break, with_break
from ctb_files.storage.yaml.scalars import number_text, writes_plain


def new_build(changes: ChangeSet, build_id: str, data: dict[str, Any]) -> None:
    """Stage a new ``builds/<id>.yaml`` holding ``data``."""
    changes.write_text(build_path(build_id), new_document(data))


def write_build(changes: ChangeSet, build_id: str, fields: dict[str, Any]) -> None:
    """Put written-back keys into ``builds/<id>.yaml``, keeping user keys and comments."""
    rel = build_path(build_id)
    old = changes.old_bytes(rel)
    text, data = _render(old.decode("utf-8-sig") if old else "", fields, fast=True)
    changes.write_text(rel, text, data=data)


def render_build(text: str, fields: dict[str, Any], *, fast: bool = True) -> str:
    """The new text of a build file holding ``fields``.

    Usually ctb's keys come last and carry no comments: the head is then kept
    byte for byte and only the tail is emitted, which skips the slow round
    trip.  Otherwise the round-trip document is merged (same result, slower).
    """
    return _render(text, fields, fast=fast)[0]


def _render(text: str, fields: dict[str, Any], *, fast: bool) -> tuple[str, dict[str, Any] | None]:
    """The new text, and (from the fast way) the data it holds, so that it need not be parsed back.

    The data is the head's (a few short keys, parsed here) followed by the
    emitted tail's values, which read back as themselves (the property test
    of :func:`emit_written` holds that).  A file whose every line ends
    ``\\r\\n`` is written so again: its text is edited with ``\\n`` (which
    reads the same) and its line break put back.
    """
    brk = line_break(text)
    if brk != "\n":
        out, data = _render(text.replace(brk, "\n"), fields, fast=fast)
        return with_break(out, brk), data
    # the tail is emitted whole, so every written-back key must be given (None: leave it out)
    start = written_region(text) if fast and text and all(key in fields for key in WRITTEN) else None
    edited = _head_in_place(text[:start], fields) if start is not None else None
    if edited is not None:
        head_text, held = edited
        tail = {key: fields[key] for key in WRITTEN if key not in held and fields.get(key) is not None}
        body = emit_written(tail)
        if body is None:
            return head_text + (dump(flow_entries(to_roundtrip(tail))) if tail else ""), None
        head = load_fast(head_text.encode("utf-8"), "")
        return head_text + body, {**head, **tail} if isinstance(head, dict) else None
    doc = load_roundtrip(text) if text else None
    if not isinstance(doc, CommentedMap):
        doc = CommentedMap()
    merge_into(doc, ordered_build(doc, fields))
    return dump(flow_entries(doc), text, column=False), None  # its ``---`` kept; the lists in ctb's style


def flow_entries(doc: CommentedMap) -> CommentedMap:
    """Shortage and assembly entries one per line, as in PRODUCT.md."""
    for key in ("shortages", "assemblies"):
        for item in doc.get(key) or []:
            if isinstance(item, CommentedMap):
                item.fa.set_flow_style()
    return doc


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?: |$)")


def written_region(text: str) -> int | None:
    """Where ctb's written-back keys start in a build file's text, when they can be rewritten as text.

    That is when the document is a plain block mapping (maybe opened by a
    ``---`` line, kept as it is; not closed by ``...``), the written-back keys
    (if any) come last — but ``status`` and ``created_at``, which may stand
    among the user's keys (PyYAML sorts keys) — and nothing there carries a
    comment: then the head is kept byte for byte (its ``status`` and
    ``created_at`` lines set where they stand, :func:`_head_in_place`) and
    only the tail is emitted afresh, which avoids a round-trip parse of a long
    file.  None means: edit the round-trip document.  Both ways give the same
    bytes (a property test holds them equal).
    """
    if not text.endswith("\n") or "\t" in text or "\r" in text:
        return None
    # a ``---`` line opening the document (and comments above it) is kept as it is, as the round trip writes it
    # again (yaml.edit.dump); a ``...`` line closing it is left to the round trip
    frame, end = document_frame(text)
    if end:
        return None
    lines = text[len(frame) :].splitlines(keepends=True)
    offset, start = len(frame), None
    since: list[str] = []  # the written-back keys from ``start`` on
    seen_key = False
    for line in lines:
        if line[:1] not in (" ", "\n", "#") or line.startswith(("---", "...")):
            match = _TOP_KEY.match(line)
            if match is None:
                return None
            seen_key = True
            if match.group(1) in WRITTEN:
                start = offset if start is None else start
                since.append(match.group(1))
            elif start is not None:
                if any(key not in _IN_HEAD for key in since):
                    return None
                start, since = None, []  # written keys among the user's: the head's to set where they stand
        elif not seen_key and line.strip() and not line.startswith("#"):
            return None
        offset += len(line)
    if not seen_key:
        return None
    if start is None:
        # new keys go after the last one; a trailing comment or blank line would be moved by the
        # round trip, so leave such files to it
        last = text.rstrip("\n").rsplit("\n", 1)[-1]
        return None if text.endswith("\n\n") or last.lstrip().startswith("#") else len(text)
    region = text[start:]
    # comments, and quoted scalars (whose style the round trip keeps), are left to the round trip
    return None if "#" in region or '"' in region or "'" in region else start


_IN_HEAD = ("status", "created_at")  # written-back keys set where they stand, one line each


def _head_in_place(head: str, fields: Mapping[str, Any]) -> tuple[str, set[str]] | None:
    """``head`` with its written-back keys (``status``, ``created_at``) set where they stand, as the
    round trip sets them, and which keys it holds; None when that is not certain (the round trip's then).

    The round trip keeps a key whose value is equal, replaces the value of one
    that changed in place, drops one whose value is now None, and puts a new
    key before the next key of ctb's order that the file has: so a written-back
    key that is new and comes before one the head holds would land in the
    head, which is left to it.
    """
    lines = head.splitlines(keepends=True)
    held: set[str] = set()
    out: list[str] = []
    for index, line in enumerate(lines):
        found = _TOP_KEY.match(line)
        if found is None or found.group(1) not in WRITTEN:
            out.append(line)
            continue
        key = found.group(1)
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if key not in _IN_HEAD or "#" in head or following[:1] in (" ", "\n") or not line.endswith("\n"):
            return None  # a value on more lines, a comment, a blank line after it: the round trip's
        held.add(key)
        new = fields[key]
        try:
            old = load_fast(line.encode("utf-8"), "")
        except YamlProblem:
            return None
        old = old.get(key) if isinstance(old, dict) else None
        if new is None:
            continue  # the round trip drops it
        if same_value(old, new):
            out.append(line)  # kept as written (quotes, spelling)
            continue
        if isinstance(new, str) and line[len(key) + 2 : len(key) + 3] in ("'", '"'):
            return None  # the round trip writes new text in the old one's quotes
        try:
            out.append(f"{key}: {_flow(new)}\n")
        except _NotPlain:
            return None
    if held:
        last = max(WRITTEN.index(key) for key in held)
        if any(key not in held and fields.get(key) is not None for key in WRITTEN[:last]):
            return None  # a new key the round trip would put in the head
    return "".join(out), held


class _NotPlain(Exception):
    pass


@functools.lru_cache(maxsize=1 << 16)
def _plain(value: str) -> str | None:
    """``value`` when it is written without quotes (``yaml.scalars.writes_plain``), else None (ids repeat: asked
    once each)."""
    return value if writes_plain(value) else None


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:  # the common cases first: an id, a quantity, a line number
        plain = _plain(value)
        if plain is None:
            raise _NotPlain(value)
        return plain
    if kind is Decimal:
        return number_text(value)
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return number_text(value) if isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
        return value.isoformat(timespec="seconds")
    if isinstance(value, str) and _plain(value) is not None:
        return value
    raise _NotPlain(value)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join([f"{k}: {_flow(v)}" for k, v in value.items()]) + "}"
    if isinstance(value, list):
        return "[" + ", ".join([_flow(v) for v in value]) + "]"
    return _scalar(value)


def _flat(value: dict[str, Any]) -> str:
    """:func:`_flow` of a mapping of scalars (a take): one call per value fewer."""
    return "{" + ", ".join([f"{k}: {_scalar(v)}" for k, v in value.items()]) + "}"


def emit_written(fields: Mapping[str, Any]) -> str | None:
    """YAML text of the written-back keys in ctb's house style, or None to leave it to the YAML library.

    The round-trip emitter costs about a tenth of a second for a build with a
    few dozen reservations; ``clear --all`` over hundreds of builds would spend
    most of its time there.  Only plain ids, numbers and timestamps are
    written here (anything that might need quoting returns None), and a test
    holds this text equal to the library's output.
    """
    out: list[str] = []
    try:
        for key, value in fields.items():
            if key not in WRITTEN:
                return None
            if not isinstance(value, list) or not value:
                out.append(f"{key}: {_flow(value)}\n")
            elif key == "reservations":
                out.append(f"{key}:\n")
                for item in value:
                    out.append(f"  - part: {_scalar(item['part'])}\n    quantity: {_scalar(item['quantity'])}\n")
                    out.append(f"    lines: {_flow(item['lines'])}\n")
                    if item["take"]:
                        out.append("    take:\n" + "".join([f"      - {_flat(t)}\n" for t in item["take"]]))
                    else:
                        out.append("    take: []\n")
            else:
                out.append(f"{key}:\n" + "".join(f"  - {_flow(item)}\n" for item in value))
    except _NotPlain:
        return None
    return "".join(out)
