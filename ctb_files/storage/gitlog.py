"""What ``git log`` prints, read: commits, their changed files, the commit graph, and the dates it takes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ctb_files.errors import CtbError
from ctb_files.storage.gitproc import decode, next_token

REGULAR_FILE_MODES = frozenset({"100644", "100755"})
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LOG_FIELDS = ("%H", "%h", "%aI", "%an", "%ae", "%P", "%B")
LOG_FORMAT = "%x00".join(LOG_FIELDS)


@dataclass(frozen=True)
class CommitInfo:
    """One commit as ``history`` reports it; ``date`` is the author date."""

    sha: str
    short: str
    date: datetime
    author: str
    email: str
    summary: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class PathHistory:
    """What :meth:`GitRepo.path_history` found: the commit graph, the commits that touched the paths, their changes.

    The listed commits' details (author, date, message) are not read: a long
    history has thousands, a log shows a few (:meth:`GitRepo.describe`).
    """

    parents: dict[str, tuple[str, ...]]  # every commit reachable from HEAD
    shorts: dict[str, str]  # every commit reachable from HEAD: its short name, as git abbreviates it
    listed: list[str]  # the commits that touched the paths, newest first
    changes: dict[str, list[tuple[str, bytes | None, bytes | None]]]  # sha -> (path, old, new), sorted by path


def under(path: str, prefixes: Sequence[str]) -> bool:
    for prefix in prefixes:
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return True
        elif path == prefix or path.startswith(prefix + "/"):
            return True
    return False


def raw_log(tokens: Iterable[bytes], fields: int) -> Iterator[tuple[list[str], list[tuple[str, str | None, str | None]]]]:
    """Records of ``git log -z --raw --format=%x01<field>%x00...``: the fields, then the changed files sorted by path.

    ``tokens`` is the output split at NUL (it may still be arriving).  Read
    field by field, as a message may hold any character but NUL; a file is
    ``(path, old blob, new blob)`` as :func:`raw_change` reads it.
    """
    stream = iter(tokens)
    token = next(stream, None)
    while token is not None:
        if not token.strip(b"\n"):
            token = next(stream, None)  # the terminator after the last record
            continue
        if not token.startswith(b"\x01"):
            raise CtbError("git log gave output ctb cannot read")
        values = [decode(token[1:])]
        for _ in range(fields - 1):
            values.append(decode(next_token(stream)))
        rows: list[tuple[str, str | None, str | None]] = []
        token = next(stream, None)
        # raw records: ":<old mode> <new mode> <old id> <new id> <status>" then the path
        while token is not None and (token[:1] == b":" or token[:2] == b"\n:"):
            row = raw_change(token, next_token(stream))
            if row is not None:
                rows.append(row)
            token = next(stream, None)
        yield values, sorted(rows)


def raw_change(meta: bytes, path: bytes) -> tuple[str, str | None, str | None] | None:
    """``(path, old blob, new blob)`` of a raw diff record, None where it is not a regular file; None for no change.

    ``meta`` is ``:<old mode> <new mode> <old id> <new id> <status>`` (after a newline where it
    follows a commit's header); a mode-only change leaves the bytes alone, so it is no change.
    """
    old_mode, new_mode, old_sha, new_sha, _status = decode(meta).lstrip("\n:").split(" ")
    old = old_sha if old_mode in REGULAR_FILE_MODES else None
    new = new_sha if new_mode in REGULAR_FILE_MODES else None
    return None if old == new else (decode(path), old, new)


def log_commits(out: bytes) -> list[CommitInfo]:
    """The commits of ``git log -z --format=LOG_FORMAT`` (no diff), in output order."""
    fields = out.split(b"\0")
    if len(fields) % len(LOG_FIELDS) == 1 and fields[-1] == b"":
        fields.pop()  # the terminator after the last record
    if len(fields) % len(LOG_FIELDS):
        raise CtbError("git log gave output ctb cannot read")
    return [
        commit_info([decode(field) for field in fields[start : start + len(LOG_FIELDS)]])
        for start in range(0, len(fields), len(LOG_FIELDS))
    ]


def commit_info(fields: list[str]) -> CommitInfo:
    """A :class:`CommitInfo` from the fields of ``LOG_FORMAT``."""
    sha, short, date, author, email, parents, message = fields
    message = message.rstrip("\n")
    return CommitInfo(
        sha=sha,
        short=short,
        date=datetime.fromisoformat(date),
        author=author,
        email=email,
        summary=message.split("\n", 1)[0],
        message=message,
        parents=tuple(parents.split()),
    )


def parse_graph(out: bytes) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Parents and short names from ``git log --format=%H %h %P`` lines."""
    parents: dict[str, tuple[str, ...]] = {}
    shorts: dict[str, str] = {}
    for line in decode(out).splitlines():
        sha, short, *rest = line.split()
        parents[sha] = tuple(rest)
        shorts[sha] = short
    return parents, shorts


def end_of_day(text: str) -> str:
    """The git ``--before`` value for a date (end of that day, UTC) or an ISO datetime."""
    try:
        if DATE.fullmatch(text):
            day = datetime.fromisoformat(text)
            moment = day.replace(hour=23, minute=59, second=59, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise CtbError(f"not a valid date: {text}") from None
    # git compares whole seconds, so flooring keeps "at or before" exact
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")
