"""A part's stock history from git: one walk of the commits that touched stock files, each version read once."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ctb_files.core import paths as layout
from ctb_files.core.text import number
from ctb_files.errors import CtbError
from ctb_files.ops.stock.log import (
    Deltas,
    StockLogEntry,
    Unreadable,
    bin_quantities_in,
    build_log,
    topo_order,
)
from ctb_files.storage.git import GitRepo
from ctb_files.storage.stockread import StockVersions

_ID_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-"  # core.models.common.ID_PATTERN
_ID_BYTES = frozenset(_ID_CHARS)


def names_id(data: bytes, found: re.Pattern[bytes]) -> bool:
    """Whether ``found`` (:func:`id_pattern`) finds the id in ``data`` as a whole id, not inside a longer one."""
    for match in found.finditer(data):
        start = match.start()
        if start == 0 or data[start - 1] not in _ID_BYTES:
            return True
    return False


def id_pattern(ident: str) -> re.Pattern[bytes]:
    """The id not followed by an id character; :func:`names_id` checks the character before.

    (A look-behind in the pattern would cost the literal search its speed.)
    """
    return re.compile(re.escape(ident.encode()) + rb"(?![%s])" % re.escape(_ID_CHARS))


class _Reader:
    """Reads the part's quantity per stock file version, parsing each distinct blob once."""

    def __init__(self, repo: GitRepo, part: str) -> None:
        self.repo = repo
        self.part = part
        self._raw = part.encode()
        self._token = id_pattern(part)
        self._cache: dict[bytes, dict[str | None, Decimal] | str] = {}
        self._versions = StockVersions()  # each distinct line of the file's history parsed once

    def names(self, data: bytes) -> bool:
        """Whether the version can hold the part, i.e. names it.

        A value reads as the id only where the id's characters stand in the
        file between characters that are not id characters, unless escapes
        (a backslash) spell it; then any occurrence of its text is enough.
        """
        if names_id(data, self._token):
            return True
        return b"\\" in data and self._raw in data

    def quantity(self, data: bytes | None, path: str) -> dict[str | None, Decimal] | str:
        """The quantity per bin, or why the version cannot be read."""
        if data is None:
            return {}
        if data not in self._cache:
            if not self.names(data):
                self._cache[data] = {}  # does not name the part, so holds none of it: no need to parse
                return self._cache[data]
            try:
                self._cache[data] = bin_quantities_in(self._versions.load(data, path), self.part)
            except Unreadable as exc:
                self._cache[data] = f"{path}: {exc}"
            except CtbError as exc:  # the YAML reader's refusal (YamlProblem), which reads as its diagnostic
                self._cache[data] = str(exc)
        return self._cache[data]

    def last_readable(self, parents: dict[str, tuple[str, ...]], commit: str, path: str) -> dict[str | None, Decimal]:
        """The quantity per bin in the newest readable version of ``path`` along first parents from ``commit``."""
        seen: set[str] = set()
        while commit in parents and commit not in seen:
            seen.add(commit)
            value = self.quantity(self.repo.read_at(commit, path), path)
            if not isinstance(value, str):
                return value
            if not parents[commit]:
                break
            commit = parents[commit][0]
        return {}


def stock_history(root: Path, part: str) -> tuple[list[StockLogEntry], list[str]]:
    """The part's log entries (oldest first) and notes about versions that could not be read."""
    repo = GitRepo.find(root)
    if repo is None:
        raise CtbError(f"{root} is not in a git repository; the stock log needs git history")
    with repo:
        head = repo.head()
        if head is None:
            return [], []
        top = repo.root.resolve()
        base = root.resolve().relative_to(top).as_posix()
        base = "" if base == "." else base + "/"
        walked = repo.path_history([base + "stock"])  # two walks and one blob batch, not one git per commit
        parents = walked.parents
        reader = _Reader(repo, part)
        notes: list[str] = []
        deltas: dict[str, Deltas] = {}
        locations: dict[str, str | None] = {}  # path -> stock location, None: not a stock file
        for sha in walked.listed:
            change: Deltas = {}
            for path, old, new in walked.changes.get(sha, []):
                if path not in locations:
                    key = layout.classify(path[len(base) :])
                    locations[path] = key.id if key is not None and key.kind == "stock" else None
                location = locations[path]
                if location is None:
                    continue
                after = reader.quantity(new, path)
                if isinstance(after, str):  # a broken version holds what was there before
                    notes.append(f"{walked.shorts.get(sha, sha[:7])}: {after}; read as unchanged")
                    continue
                before = reader.quantity(old, path)
                if isinstance(before, str):
                    before = reader.last_readable(parents, parents[sha][0], path) if parents.get(sha) else {}
                if after == before:  # most versions: neither names the part, or its lines did not change
                    continue
                for where in sorted(after.keys() | before.keys(), key=lambda b: b or ""):
                    moved = after.get(where, Decimal(0)) - before.get(where, Decimal(0))
                    if moved:
                        change[(location, where)] = change.get((location, where), Decimal(0)) + moved
            deltas[sha] = change
        # a commit that did not change the part and is no merge adds nothing to the log
        moving = repo.describe([sha for sha in walked.listed if deltas[sha] or len(parents.get(sha, ())) > 1])
        entries = build_log(topo_order(parents, head), parents, moving, deltas)
        now = Decimal(0)
        for path in repo.snapshot(head, [base + "stock/"]):
            key = layout.classify(path[len(base) :])
            if key is not None and key.kind == "stock":
                now += sum(reader.last_readable(parents, head, path).values(), Decimal(0))
        logged = entries[-1].total if entries else Decimal(0)
        if logged != now:
            notes.append(f"the history adds up to {number(logged)} but the last commit holds {number(now)}")
    return entries, notes
