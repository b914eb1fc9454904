"""The answer of ``ctb build clear`` on files it had nothing to change in, kept for the next run.

A clear that changes no file leaves the repository as it found it, so the
same clear on the same bytes gives the same answer again.  That answer (the
text table, the JSON document and the builds left short, all as text) is
stored in ``<git dir>/ctb/clear`` under a BLAKE2 key of everything it
depends on: the code (:func:`~ctb_files.storage.cachebase.code_stamp`), what
was asked (``--all`` or the build ids) and the path and bytes of every
inventory file.  A later clear with the same key prints it without importing
the models or running the engine.  Any other key, or a torn or foreign
file, is a miss; the file is written whole and renamed into place.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctb_files.storage.cachebase import answer_path, files_key, read_answer, write_answer

MAGIC = b"ctb-clear 2\n"
DIGEST = 32


@dataclass(frozen=True)
class Answer:
    """What ``ctb build clear`` prints, as it printed it."""

    table: str | None  # the text table; None when there was no build to clear
    json: str  # the --format json document
    short: list[str]  # the builds left short, for --fail-on-shortage


def answer_key(digests: Mapping[str, bytes], build_ids: Sequence[str] | None) -> bytes:
    """The digest of everything a clear's answer depends on (``build_ids`` None: ``--all``)."""
    return files_key(("--all" if build_ids is None else "\0".join(build_ids)).encode(), digests)


def lookup(root: Path, key: bytes) -> Answer | None:
    """The stored answer for ``key``, or None."""
    payload = read_answer(answer_path(root, "clear"), MAGIC, key)
    if payload is None:
        return None
    try:  # "<table bytes or -1> <json bytes>\n", the table, the JSON, the short builds one a line
        sizes, _, rest = payload.partition(b"\n")
        table_size, json_size = (int(n) for n in sizes.split(b" "))
        table = None if table_size < 0 else rest[:table_size].decode()
        start = max(table_size, 0)
        text = rest[start : start + json_size].decode()
        tail = rest[start + json_size :].decode()
    except (ValueError, UnicodeDecodeError):
        return None
    short = tail.split("\n") if tail else []
    return Answer(table, text, short)


def store(root: Path, key: bytes, answer: Answer) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored."""
    # written piece by piece: the JSON of 2,000 builds is tens of MiB, never copied into one blob
    table = answer.table.encode() if answer.table is not None else b""
    text = answer.json.encode()
    pieces = [f"{len(table) if answer.table is not None else -1} {len(text)}\n".encode(), table, text]
    pieces.append("\n".join(answer.short).encode())
    write_answer(answer_path(root, "clear"), MAGIC, key, pieces)
