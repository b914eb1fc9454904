"""A digest of every inventory file without reading the files that did not change.

The stored answers of ``check`` and ``build clear`` are keyed by the bytes of
every file.  Reading 5,000 files to learn that none changed costs more than
the rest of such a run, so, like git's index, ``<git dir>/ctb/stat`` keeps per
file its size, modification and change times, inode and the digest of its
bytes.  A file whose ``stat`` matches its entry has those bytes, with one
exception git calls "racily clean": a file written in the same moment the
entry was taken may change again without its times moving (coarse
timestamps).  An entry is therefore kept as trusted only when the file's
times lie :data:`RACY_NS` before the moment it was read; other files are read
again on every run until they are old enough.  The change time (``st_ctime``)
is set by the kernel on every write and cannot be set back by a program, so
a file rewritten with the same size and a restored modification time is
still read again.  An entry made from a file whose times are that recent is
stored "smudged" (it never matches), as git does.

A lookup that found at most :data:`FEW` entries stale (files changed, come
or gone) leaves the index as it is: those files are read again next time,
which costs less than writing every entry again.  The index is a hint; a
file whose ``stat`` does not match its entry is always read.

The index is written whole and renamed into place, carries a digest of its
payload and is ignored when torn, foreign or of another format: the worst a
lost index costs is reading every file once.
"""

from __future__ import annotations

import marshal
import os
import time
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from ctb_files.storage import tree
from ctb_files.storage.cachebase import answer_path, file_digest, read_answer, sweep_temps, write_answer

MAGIC = b"ctb-stat 2\n"
KEY = b"\0" * 32  # one index per git directory: its key is fixed, its digest still guards it
#: how much older than its entry a file's times must be for the entry to be trusted (coarse timestamps)
RACY_NS = 2_000_000_000

Entry = tuple[int, int, int, int, bytes]  # size, mtime_ns, ctime_ns, inode, digest
#: up to this many stale entries, a lookup leaves the index as it is: reading those few files again on
#: the next run costs less than writing every entry (the edit of a file or two, as most commits make)
FEW = 16


def digests_of(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """:func:`file_digest` of every file read (as loaded, for a :class:`ReadAgain`: nothing is read)."""
    if isinstance(files, ReadAgain):
        return files.loaded_digests()
    return {rel: file_digest(data) for rel, data in files.items()}


class ReadAgain(Mapping[str, bytes]):
    """The files a load read, by relative path, without holding their bytes: read again when asked for.

    Once the models are made, a command needs a file's bytes only to point
    at a line in it or to write over it; a stockroom's are a hundred MiB at
    50,000 parts.  A file read again is the file as it is then, which may
    not be what was loaded: :meth:`loaded_digest` tells, and a write refuses
    a file that changed (:class:`~ctb_files.storage.changes.ChangeSet`).
    ``digests``: :func:`file_digest` of each file as loaded.  ``keep``: files
    whose bytes stay (those with something to report).  A file gone since
    holds no bytes.
    """

    def __init__(
        self, root: Path, files: Mapping[str, bytes], digests: Mapping[str, bytes], keep: Iterable[str] = ()
    ) -> None:
        self._root = root
        self._digests = {rel: digests[rel] for rel in files}
        self._kept = {rel: files[rel] for rel in keep if rel in files}

    def loaded_digest(self, rel: str) -> bytes:
        return self._digests[rel]

    def loaded_digests(self) -> dict[str, bytes]:
        return dict(self._digests)

    def __getitem__(self, rel: str) -> bytes:
        kept = self._kept.get(rel)
        if kept is not None:
            return kept
        if rel not in self._digests:
            raise KeyError(rel)
        found = tree.read_file(os.path.join(self._root, rel))
        return found[1] if found is not None else b""

    def __contains__(self, rel: object) -> bool:
        return rel in self._digests

    def __iter__(self) -> Iterator[str]:
        return iter(self._digests)

    def __len__(self) -> int:
        return len(self._digests)


class Walk(NamedTuple):
    """What :func:`walked` found: every file's digest, the files that are links, the bytes of those read."""

    digests: dict[str, bytes]
    links: set[str]
    read: dict[str, bytes]


def walked(root: Path) -> Walk | None:
    """:func:`tree_digests` with the links seen and the bytes read; None without an index."""
    links: set[str] = set()
    read: dict[str, bytes] = {}
    digests = tree_digests(root, links, read)
    return None if digests is None else Walk(digests, links, read)


# a walk one step of a command made and the next takes over (a check whose stored answer missed loads the
# files it just walked): at most one, for one inventory, taken once (:func:`hand_over`, :func:`taken`)
_handed: list[tuple[str, Walk]] = []


def hand_over(root: Path, walk: Walk) -> None:
    """Leave ``walk`` of ``root`` for the load that follows in this command (:func:`taken`)."""
    _handed[:] = [(os.fspath(root), walk)]


def taken(root: Path) -> Walk | None:
    """The walk of ``root`` handed over in this command, once; None when there is none (or of another tree)."""
    found = _handed[:1]
    _handed.clear()
    return found[0][1] if found and found[0][0] == os.fspath(root) else None


def drop_handed() -> None:
    """Forget a walk handed over and not taken (a command starts)."""
    _handed.clear()


class Changed(Exception):
    """A file read for a load is not the file its digest was taken of: it changed meanwhile."""


class OnDisk(Mapping[str, bytes]):
    """The files of a tree by relative path, each read when first asked for and held: a load through the warm
    cache needs the bytes of the few files it parses and of those with something to report, not of every file.

    ``digests``: every file's digest (:func:`tree_digests`); ``read``: the bytes
    already read.  A file read here whose bytes are not those of its digest
    raises :class:`Changed` (the caller reads the tree again); a file gone
    raises it too.
    """

    def __init__(self, root: Path, digests: Mapping[str, bytes], read: Mapping[str, bytes]) -> None:
        self._root = root
        self._digests = digests
        self._held = {rel: data for rel, data in read.items() if rel in digests}

    def __getitem__(self, rel: str) -> bytes:
        held = self._held.get(rel)
        if held is not None:
            return held
        digest = self._digests[rel]
        found = tree.read_file(os.path.join(self._root, rel))
        if found is None or file_digest(found[1]) != digest:
            raise Changed(rel)
        self._held[rel] = found[1]
        return found[1]

    def __contains__(self, rel: object) -> bool:
        return rel in self._digests

    def __iter__(self) -> Iterator[str]:
        return iter(self._digests)

    def __len__(self) -> int:
        return len(self._digests)


def tree_digests(
    root: Path, links: set[str] | None = None, read: dict[str, bytes] | None = None
) -> dict[str, bytes] | None:
    """The digest of every file :func:`~ctb_files.storage.tree.read_tree` would read, by relative path.

    Equal to ``digests_of(read_tree(root))``; unchanged files are not read.
    None when there is no index (a first run, or the caches are off): the
    caller loads the files anyway, and :func:`remember` makes the index then.
    ``links``: receives the files that are symbolic links, as for
    :func:`~ctb_files.storage.tree.walk_tree`; ``read``: receives the bytes
    of the files that were read (those whose ``stat`` did not match).
    """
    path = answer_path(root, "stat")
    known = _read(path)
    if not known:
        return None
    assert path is not None
    sweep_temps(path.parent)  # what a command killed while writing here left (every command walks first)
    racy_from = time.time_ns() - RACY_NS
    out: dict[str, bytes] = {}
    fresh: dict[str, Entry] = {}
    stat_of, entry_of = os.stat, known.get  # once: this loop runs for every file of the inventory
    for rel, full in tree.walk_tree(root, links):
        try:
            info = stat_of(full)
        except OSError:
            continue
        old = entry_of(rel)
        if (
            type(old) is tuple and len(old) == 5 and type(old[4]) is bytes and old[0] == info.st_size
            and old[1] == info.st_mtime_ns and old[2] == info.st_ctime_ns and old[3] == info.st_ino
        ):  # fmt: skip
            out[rel] = old[4]
            fresh[rel] = old
            continue
        found = tree.read_file(full)
        if found is None:  # read_tree skips what it cannot read: so does this
            continue
        data = found[1]
        digest = out[rel] = file_digest(data)
        fresh[rel] = _entry(found[0], data, digest, racy_from)
        if read is not None:
            read[rel] = data
    if _stale(known, fresh) > FEW:
        _write(path, fresh)
    return out


def _stale(known: Mapping[str, Entry], fresh: Mapping[str, Entry]) -> int:
    """How many entries of ``known`` differ from ``fresh`` (changed, new or gone)."""
    return sum(1 for rel, entry in fresh.items() if known.get(rel) != entry) + len(known.keys() - fresh.keys())


def remember(root: Path, files: Mapping[str, bytes], stats: Mapping[str, tree.Stat]) -> dict[str, bytes]:
    """Keep the index of files just read (``stats`` taken before each read), when it differs from the stored one.

    Returns :func:`file_digest` of every file of ``files``, for the caches and
    stored answers of the same load (each file is digested once).  Always of
    the bytes read, never an entry's: a file written between its ``stat`` and
    its read would otherwise key its new bytes by its old digest.
    """
    digests = digests_of(files)
    path = answer_path(root, "stat")
    if path is None:
        return digests
    sweep_temps(path.parent)
    racy_from = time.time_ns() - RACY_NS
    fresh = {rel: _entry(stats[rel], data, digests[rel], racy_from) for rel, data in files.items() if rel in stats}
    if fresh != _read(path):
        _write(path, fresh)
    return digests


def _entry(stat: tree.Stat, data: bytes, digest: bytes, racy_from: int) -> Entry:
    # racily clean (written too recently to trust its times), or changed while read: never trusted later
    trusted = max(stat[1], stat[2]) < racy_from and len(data) == stat[0]
    return (*stat, digest) if trusted else (-1, 0, 0, 0, digest)


def _read(path: Path | None) -> dict[str, Entry]:
    payload = read_answer(path, MAGIC, KEY)
    if payload is None:
        return {}
    try:
        found = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    # entries are checked where they are used: a wrong one is a miss
    return found if isinstance(found, dict) else {}


def _write(path: Path | None, entries: dict[str, Entry]) -> None:
    write_answer(path, MAGIC, KEY, [marshal.dumps(entries)])
