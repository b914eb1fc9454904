"""The answer of ``ctb build clear`` for the files as it left them, kept for the next run.

A clear that changes no file leaves the repository as it found it, so the
same clear on the same bytes gives the same answer again.  A clear that
writes leaves files a clear of which writes byte-identical files and prints
the same (clearing is idempotent, PRODUCT.md 4), so its answer is kept for
the files as written (``cli/buildclear``).  That answer (the
text table, the JSON document when one was asked for, and the builds left short, all as text) is
stored in ``<git dir>/ctb/clear`` under a BLAKE2 key of everything it
depends on: the code (:func:`~ctb_files.storage.cachebase.code_stamp`), what
was asked (``--all`` or the build ids) and the path and bytes of every
inventory file.  A later clear with the same key prints it without importing
the models or running the engine.  Any other key, or a torn or foreign
file, is a miss; the file is written whole and renamed into place.

A miss where only a few files changed, none of them a build file (a clear
writes those), each only in what no clear reads (comments, layout, the
fields of :data:`ctb_files.core.unread.UNREAD`), takes the answer of the last
full clear, ``<git dir>/ctb/clear-files``, which keeps it with the digest of
every file as that clear left it (:func:`unchanged_for_clear`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctb_files.core import paths as layout
from ctb_files.storage import unread
from ctb_files.storage.cachebase import answer_path, files_key, read_answer, write_answer

MAGIC = b"ctb-clear 3\n"
FULL_MAGIC = b"ctb-clear-files 3\n"
DIGEST = 32


@dataclass(frozen=True)
class Answer:
    """What ``ctb build clear`` prints, as it printed it."""

    table: str | None  # the text table; None when there was no build to clear
    json: str | None  # the --format json document; None when the clear printed text (made only when asked for)
    short: list[str]  # the builds left short, for --fail-on-shortage


def answer_key(digests: Mapping[str, bytes], build_ids: Sequence[str] | None) -> bytes:
    """The digest of everything a clear's answer depends on (``build_ids`` None: ``--all``)."""
    return files_key(("--all" if build_ids is None else "\0".join(build_ids)).encode(), digests)


def lookup(root: Path, key: bytes) -> Answer | None:
    """The stored answer for ``key``, or None."""
    payload = read_answer(answer_path(root, "clear"), MAGIC, key)
    return _answer(payload) if payload is not None else None


def _answer(payload: bytes) -> Answer | None:
    try:  # "<table bytes or -1> <json bytes or -1>\n", the table, the JSON, the short builds one a line
        sizes, _, rest = payload.partition(b"\n")
        table_size, json_size = (int(n) for n in sizes.split(b" "))
        table = None if table_size < 0 else rest[:table_size].decode()
        start = max(table_size, 0)
        text = rest[start : start + max(json_size, 0)].decode() if json_size >= 0 else None
        tail = rest[start + max(json_size, 0) :].decode()
    except (ValueError, UnicodeDecodeError):
        return None
    short = tail.split("\n") if tail else []
    return Answer(table, text, short)


def store(
    root: Path,
    key: bytes,
    answer: Answer,
    digests: Mapping[str, bytes] | None = None,
    facts: unread.Facts | None = None,
) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored.

    ``digests``: given by a full clear, the digest of every file it read, kept
    with the answer for :func:`unchanged_for_clear`; ``facts``: the run's
    (:func:`~ctb_files.storage.unread.facts_of`), when its ``ctb.yaml`` loaded cleanly.
    """
    # written piece by piece: the JSON of 2,000 builds is tens of MiB, never copied into one blob
    table = answer.table.encode() if answer.table is not None else b""
    text = answer.json.encode() if answer.json is not None else b""
    sizes = f"{len(table) if answer.table is not None else -1} {len(text) if answer.json is not None else -1}\n"
    pieces = [sizes.encode(), table, text]
    pieces.append("\n".join(answer.short).encode())
    write_answer(answer_path(root, "clear"), MAGIC, key, pieces)
    if digests is not None:
        unread.keep(answer_path(root, "clear-files"), FULL_MAGIC, key, pieces, digests, facts)


def unchanged_for_clear(root: Path, digests: Mapping[str, bytes], build_ids: Sequence[str] | None) -> Answer | None:
    """The last full clear's answer, when the files as they are now cannot change it; else None.

    ``digests``: every file's digest now.  The answer stands when the same
    clear was asked, no build file changed (a clear writes build files: one
    written otherwise by hand would be written again), and the changed files
    differ only where nothing reads
    (:func:`~ctb_files.storage.unread.changed_unread`).  The engine then
    plans the same inventory but for fields it never reads: the same plans,
    nothing to write, the same table.
    """
    found = unread.kept(answer_path(root, "clear-files"), FULL_MAGIC)
    if found is None:
        return None
    answer = _answer(found.payload)
    before = found.digests
    if answer is None or answer_key(before, build_ids) != found.key:
        return None
    changed = unread.changed_files(before, digests)
    if changed is None or any(_kind(rel) in (None, "build") for rel in changed):
        return None
    if not changed:
        return answer  # the files are back as the full clear left them (its answer was replaced since)
    from ctb_files.core.unread import ITEM_UNREAD, unread_by

    return answer if unread.changed_unread(root, changed, found, digests, unread_by("clear"), ITEM_UNREAD) else None


def _kind(rel: str) -> str | None:
    key = layout.classify(rel)
    return key.kind if key is not None else None
