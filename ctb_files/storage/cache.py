"""The warm cache: each inventory file's parsed data and diagnostics, keyed by its bytes.

One file per repository, ``<git dir>/ctb/cache`` (the git directory of the
work tree holding the inventory, linked worktrees included; no git directory,
no cache).  Every command that loads the working tree reads it and, when
something was missing, writes it back whole: a temporary file beside it, then
``os.replace``, so a reader sees either the old or the new file, and two
commands racing both leave a complete one.

Layout: the magic line and stamp, the payload's digest, then the payload:
the length of an index, the index (``marshal``: path → digest of the file's
bytes, offset and length of its entry) and the entries, each pickled on its
own.  Entries are read one at a time where they are used (a seek and a read) and
saving copies unchanged entries from the old file, so a load never holds
every entry's bytes beside the models made from them (hundreds of MiB at
50,000 parts).

Beside each file's entry for its bytes now, the cache keeps the entry of the
version the last full ``ctb check`` or ``ctb build clear`` read, where that
differs and loaded cleanly (index keys ``"\0<n>\0<path>"``): their light
comparisons (:mod:`ctb_files.storage.unread`) weigh an edit against that
version, and a command that loaded the files in between (``ctb stock add``
after ``ctb stock add``) would otherwise have dropped it.

Trust: the file starts with a magic line, the stamp (the code stamp every
stored answer keys on, :func:`~ctb_files.storage.cachebase.code_stamp`, and
the bytes of ``ctb.yaml``) and a BLAKE2 digest of the payload.  Any mismatch — another
version, other settings, a torn or truncated write, foreign bytes — means the
cache is ignored and rebuilt; it is never half-trusted.  An entry is used only
when the BLAKE2 digest of the file's bytes read now equals the one stored, so
a cached answer is always the answer for exactly these bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic
from ctb_files.storage.cachebase import NO_CACHE_ENV, code_stamp, disabled, git_dir, temp_prefix

if TYPE_CHECKING:  # the cache itself holds data, not models: comparing entries imports none
    from ctb_files.core.models.inventory import Inventory

MAGIC = b"ctb-cache 4\n"
CHUNK = 1 << 20
INDEX_SIZE = 8  # bytes giving the length of the index
DIGEST = 32

__all__ = ["NO_CACHE_ENV", "FileCache", "disabled", "git_dir"]

# what one file loads to: its parsed data (None when it did not load), its diagnostics, and whether its
# id counts as seen.  The data is kept, not the model: pickling a model costs several times as much as
# pickling its data, and models rebuilt from pickles take more memory than validated ones (every dict
# key a string of its own); validating the data again is exact (the model is a function of the data).
Outcome = tuple[dict[str, Any] | None, tuple[Diagnostic, ...], bool]
# a file's data as parsed (None: it did not parse; the problem is in the diagnostics) and, when the
# data came pickled from a parsing worker, those bytes: the cache keeps them instead of pickling again
ParseOut = tuple[dict[str, Any] | None, bytes | None]
ParseOne = Callable[["Inventory", str, layout.FileKey, bytes, list[Diagnostic]], ParseOut]
ValidateOne = Callable[["Inventory", str, layout.FileKey, dict[str, Any], list[Diagnostic]], bool]


def _stamp(settings: bytes | None) -> bytes:
    """What the cached answers depend on besides each file's own bytes: the code and ``ctb.yaml``."""
    h = hashlib.blake2b(code_stamp(), digest_size=DIGEST)
    h.update(settings if settings is not None else b"\0no settings")
    return h.hexdigest().encode()


Located = tuple[bytes, int, int]  # digest of the file's bytes, offset and length of its entry in the old file
Kept = tuple[bytes, int, int] | tuple[bytes, bytes]  # an entry of the old file, or a new pickled one


class FileCache:
    """The cache of one repository for one load: look up, record, save."""

    def __init__(self, path: Path, settings: bytes | None) -> None:
        self.path = path
        self._stamp = _stamp(settings)
        self._file: BinaryIO | None = None  # the old file, open while entries are read from it
        self._earlier: dict[str, list[Located]] = {}  # versions the last full runs read, filled by _read
        self._old: dict[str, Located] = self._read()
        self._new: dict[str, Kept] = {}
        self.misses = 0

    @classmethod
    def open(cls, root: Path, settings: bytes | None) -> FileCache | None:
        """The cache for the inventory at ``root``; None without a git directory or when disabled."""
        if disabled():
            return None
        found = git_dir(root)
        if found is None:
            return None
        return cls(found / "ctb" / "cache", settings)

    def _read(self) -> dict[str, Located]:
        """The old file's index, its payload verified; the file stays open to read entries from."""
        try:
            handle = open(self.path, "rb", buffering=0)  # noqa: SIM115 - kept open until save() or close()
        except OSError:
            return {}
        try:
            index = self._verified(handle)
        except (OSError, EOFError, ValueError, TypeError):
            index = None
        if index is None:
            handle.close()
            return {}
        self._file = handle
        return index

    def _verified(self, handle: BinaryIO) -> dict[str, Located] | None:
        header = MAGIC + self._stamp + b"\n"
        head = _read_at(handle, 0, len(header) + DIGEST + INDEX_SIZE)
        if not head.startswith(header) or len(head) != len(header) + DIGEST + INDEX_SIZE:
            return None
        digest = head[len(header) : len(header) + DIGEST]
        start = len(header) + DIGEST
        h = hashlib.blake2b(digest_size=DIGEST)
        offset = start
        while chunk := _read_at(handle, offset, CHUNK):  # the payload is hashed a piece at a time, never held whole
            h.update(chunk)
            offset += len(chunk)
        if h.digest() != digest:
            return None
        size = int.from_bytes(head[start:], "little")
        base = start + INDEX_SIZE + size
        raw = marshal.loads(_read_at(handle, start + INDEX_SIZE, size))
        if not isinstance(raw, dict):
            return None
        index: dict[str, Located] = {}
        earlier: dict[str, list[Located]] = {}
        for rel, (key, where, length) in raw.items():
            if not (isinstance(rel, str) and isinstance(key, bytes) and type(where) is int and type(length) is int):
                return None
            if where < 0 or length < 0 or base + where + length > offset:
                return None
            if rel.startswith("\0"):  # "\0<n>\0<path>": a version a full run read
                earlier.setdefault(rel.split("\0", 2)[-1], []).append((key, base + where, length))
            else:
                index[rel] = (key, base + where, length)
        self._earlier = earlier
        return index

    def would_miss(self, rel: str, digest: bytes) -> bool:
        """True when loading ``rel`` with bytes of this digest will parse them (no entry for them).

        ``digest``: :func:`~ctb_files.storage.cachebase.file_digest` of the bytes.
        """
        old = self._old.get(rel)
        return old is None or old[0] != digest

    def _entry(self, located: Located) -> Outcome | None:
        if self._file is None:
            return None
        try:
            blob = _read_at(self._file, located[1], located[2])
        except OSError:
            return None
        return _unpickled(blob) if len(blob) == located[2] else None

    def kept(self, rel: str, digest: bytes) -> bytes | None:
        """The pickled data ``rel`` loaded to from bytes of ``digest``, when it loaded without a diagnostic; else None."""
        old = self._old.get(rel)
        if old is None or old[0] != digest:
            old = next((found for found in self._earlier.get(rel, ()) if found[0] == digest), None)
        if old is None or self._file is None:
            return None
        try:
            blob = _read_at(self._file, old[1], old[2])
            raw, found, _seen = pickle.loads(blob)  # noqa: S301 - our own file, verified as a whole when read
        except Exception:  # an entry that does not unpickle: none, never trusted
            return None
        return raw if isinstance(raw, bytes) and found == () else None

    def load_one(
        self,
        inv: Inventory,
        rel: str,
        key: layout.FileKey,
        files: Mapping[str, bytes],
        digest: bytes,
        diags: list[Diagnostic],
        parse: ParseOne,
        validate: ValidateOne,
    ) -> bool:
        """Load one file into ``inv`` (``parse`` then ``validate``), parsing only bytes not seen before.

        ``files``: the load's files, of which ``rel``'s bytes are asked for
        only when they are parsed; ``digest``: their
        :func:`~ctb_files.storage.cachebase.file_digest` (made once a load).
        """
        old = self._old.get(rel)
        outcome = self._entry(old) if old is not None and old[0] == digest else None
        if old is not None and outcome is not None:
            raw, found, seen = outcome
            diags.extend(found)
            if seen:
                ident = f"{key.id}:{key.version}" if key.kind == "bom" else key.id
                inv.seen.setdefault(key.kind, set()).add(ident)
            if raw is None:
                self._new[rel] = old
                return False
            checked: list[Diagnostic] = []
            if validate(inv, rel, key, raw, checked) and not checked:
                self._new[rel] = old
                return True
            # data that validated once and not now (never expected): loaded afresh below, without its entry
            del diags[len(diags) - len(found) :]
        self.misses += 1
        found_list: list[Diagnostic] = []
        raw, kept = parse(inv, rel, key, files[rel], found_list)
        # pickled before validating: nothing a validator does to the data can reach the cache
        if kept is None and raw is not None:
            kept = pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL)
        ok = raw is not None and validate(inv, rel, key, raw, found_list)
        ident = f"{key.id}:{key.version}" if key.kind == "bom" else key.id
        seen = ident in inv.seen.get(key.kind, set())
        found = tuple(found_list)
        with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):  # not kept: loaded again next time
            self._new[rel] = (digest, _pack(kept if ok else None, found, seen))
        diags.extend(found)
        return ok

    def save(self) -> None:
        """Write the entries of this load when anything differs from the file read; errors are ignored.

        The old file is closed either way.
        """
        try:
            if self.misses or len(self._new) != len(self._old):
                self._write()
        except (OSError, pickle.PicklingError, ValueError):  # a read-only git directory: run without a cache
            pass
        finally:
            self.close()

    def close(self) -> None:
        """Let go of the old file (a snapshot that only reads never saves)."""
        if self._file is not None:
            self._file.close()
            self._file = None

    def __del__(self) -> None:
        self.close()

    def _pinned(self) -> dict[str, set[bytes]]:
        """The digest of each file the last full check and the last full clear read (their records)."""
        from ctb_files.storage import checkcache, clearcache, unread

        out: dict[str, set[bytes]] = {}
        for name, magic in (("check-files", checkcache.FULL_MAGIC), ("clear-files", clearcache.FULL_MAGIC)):
            found = unread.kept(self.path.parent / name, magic)
            for rel, digest in found.digests.items() if found is not None else ():
                out.setdefault(rel, set()).add(digest)
        return out

    def _earlier_kept(self) -> list[tuple[str, Kept]]:
        """The entries of versions the last full runs read of files whose bytes are other now, as index keys
        and entries (an old one, or the one a file was loaded from when it changed since)."""
        moved = [rel for rel, kept in self._new.items() if rel in self._earlier or self._old.get(rel, kept)[0] != kept[0]]
        if not moved:
            return []
        pinned = self._pinned()
        out: list[tuple[str, Kept]] = []
        for rel in moved:
            wanted = pinned.get(rel, set()) - {self._new[rel][0]}
            candidates = [self._old[rel]] if rel in self._old else []
            for located in [*candidates, *self._earlier.get(rel, ())]:
                if located[0] in wanted:
                    wanted.discard(located[0])
                    out.append((f"\0{len(out)}\0{rel}", located))
        return out

    def _write(self) -> None:
        index: dict[str, tuple[bytes, int, int]] = {}
        offset = 0
        entries = [*self._new.items(), *self._earlier_kept()]
        for rel, kept in entries:
            length = kept[2] if len(kept) == 3 else len(kept[1])
            index[rel] = (kept[0], offset, length)
            offset += length
        packed = marshal.dumps(index)
        head = MAGIC + self._stamp + b"\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=temp_prefix("cache"), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                # the digest, known at the end, goes in the room left for it
                handle.write(head + bytes(DIGEST))
                hashing = _Hashing(handle)
                hashing.write(len(packed).to_bytes(INDEX_SIZE, "little"))
                hashing.write(packed)
                for piece in _runs(kept for _, kept in entries):
                    if isinstance(piece, bytes):
                        hashing.write(piece)
                        continue
                    # unchanged entries that lie one after another in the old file: copied together,
                    # a CHUNK at a time (never the whole file at once)
                    assert self._file is not None
                    start, size = piece
                    while size > 0:
                        blob = _read_at(self._file, start, min(size, CHUNK))
                        if not blob:
                            raise OSError("the old cache changed while it was copied")
                        hashing.write(blob)
                        start, size = start + len(blob), size - len(blob)
                handle.seek(len(head))
                handle.write(hashing.digest.digest())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def _runs(kept: Iterable[Kept]) -> Iterator[bytes | tuple[int, int]]:
    """The payload of the new file in order: new entries as bytes, runs of old ones as (offset, length) in the old file."""
    start = end = -1
    for entry in kept:
        if len(entry) == 3:
            if entry[1] == end:  # right after the run so far
                end += entry[2]
                continue
            if end > start:
                yield start, end - start
            start, end = entry[1], entry[1] + entry[2]
        else:
            if end > start:
                yield start, end - start
            start = end = -1
            yield entry[1]
    if end > start:
        yield start, end - start


def _read_at(handle: BinaryIO, offset: int, size: int) -> bytes:
    """Up to ``size`` bytes at ``offset`` (fewer only at the end of the file)."""
    handle.seek(offset)
    parts = []
    while size > 0:
        chunk = handle.read(size)
        if not chunk:
            break
        parts.append(chunk)
        size -= len(chunk)
    return parts[0] if len(parts) == 1 else b"".join(parts)


class _Hashing:
    """A file-like writer that digests what it passes on."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.blake2b(digest_size=DIGEST)

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        written: int = self.handle.write(data)
        return written


def _pack(raw: bytes | None, found: tuple[Diagnostic, ...], seen: bool) -> bytes:
    """One entry: the pickled data (already pickled, embedded as bytes), the diagnostics, seen."""
    return pickle.dumps((raw, found, seen), protocol=pickle.HIGHEST_PROTOCOL)


def _unpickled(blob: bytes) -> Outcome | None:
    try:
        raw, found, seen = pickle.loads(blob)  # noqa: S301 - our own file, verified as a whole when read
        data = pickle.loads(raw) if raw is not None else None  # noqa: S301 - likewise
    except Exception:  # an entry that does not unpickle: a miss, never trusted
        return None
    if not (isinstance(data, dict) or data is None) or not isinstance(found, tuple) or not isinstance(seen, bool):
        return None
    return data, found, seen
