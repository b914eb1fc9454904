"""The warm cache: each inventory file's validated model and diagnostics, keyed by its bytes.

One file per repository, ``<git dir>/ctb/cache`` (the git directory of the
work tree holding the inventory, linked worktrees included; no git directory,
no cache).  Every command that loads the working tree reads it and, when
something was missing, writes it back whole: a temporary file beside it, then
``os.replace``, so a reader sees either the old or the new file, and two
commands racing both leave a complete one.

Trust: the file starts with a magic line, the stamp (ctb version, Python and
pydantic versions, the size and time of every ctb module, the bytes of
``ctb.yaml``) and a BLAKE2 digest of the payload.  Any mismatch — another
version, other settings, a torn or truncated write, foreign bytes — means the
cache is ignored and rebuilt; it is never half-trusted.  An entry is used only
when the BLAKE2 digest of the file's bytes read now equals the one stored, so
a cached answer is always the answer for exactly these bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic

import ctb_files
from ctb_files import __version__
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic
from ctb_files.storage.cachebase import NO_CACHE_ENV, disabled, git_dir

MAGIC = b"ctb-cache 2\n"
DIGEST = 32

# what one file loads to: the model (None when it did not validate), its diagnostics,
# and whether its id counts as seen on disk
__all__ = ["NO_CACHE_ENV", "FileCache", "disabled", "git_dir"]

Outcome = tuple[Any, tuple[Diagnostic, ...], bool]
LoadOne = Callable[[Inventory, str, layout.FileKey, bytes, list[Diagnostic]], bool]


def _stamp(settings: bytes | None) -> bytes:
    """What the cached answers depend on besides each file's own bytes."""
    h = hashlib.blake2b(digest_size=DIGEST)
    h.update(f"{__version__}\0{sys.version}\0{pydantic.VERSION}\0".encode())
    package = Path(ctb_files.__file__).parent
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        h.update(f"{module.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    h.update(settings if settings is not None else b"\0no settings")
    return h.hexdigest().encode()


def _key(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class FileCache:
    """The cache of one repository for one load: look up, record, save."""

    def __init__(self, path: Path, settings: bytes | None) -> None:
        self.path = path
        self._stamp = _stamp(settings)
        # each entry's outcome is pickled on its own: saving after a few misses writes the
        # other entries' bytes as they were instead of pickling every model again
        self._old: dict[str, tuple[bytes, bytes]] = self._read()
        self._new: dict[str, tuple[bytes, bytes]] = {}
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

    def _read(self) -> dict[str, tuple[bytes, bytes]]:
        try:
            blob = self.path.read_bytes()
        except OSError:
            return {}
        header = MAGIC + self._stamp + b"\n"
        if not blob.startswith(header):
            return {}
        # a view, not a copy: at 50,000 parts the file is hundreds of MiB
        digest, payload = blob[len(header) : len(header) + DIGEST], memoryview(blob)[len(header) + DIGEST :]
        if len(digest) != DIGEST or hashlib.blake2b(payload, digest_size=DIGEST).digest() != digest:
            return {}
        try:
            entries = pickle.loads(payload)  # noqa: S301 - our own file, verified above
        except Exception:  # a payload that passed the digest but does not unpickle: rebuild, never trust
            return {}
        return entries if isinstance(entries, dict) else {}

    def load_one(
        self, inv: Inventory, rel: str, key: layout.FileKey, data: bytes, diags: list[Diagnostic], load: LoadOne
    ) -> bool:
        """``load(inv, rel, key, data, diags)`` from the cache when these bytes were loaded before."""
        digest = _key(data)
        old = self._old.get(rel)
        outcome = _unpickled(old[1]) if old is not None and old[0] == digest else None
        if old is not None and outcome is not None:
            obj, found, seen = outcome
            self._new[rel] = old
        else:
            self.misses += 1
            found_list: list[Diagnostic] = []
            ok = load(inv, rel, key, data, found_list)
            ident = f"{key.id}:{key.version}" if key.kind == "bom" else key.id
            seen = ident in inv.seen.get(key.kind, set())
            obj = _stored(inv, key) if ok else None
            found = tuple(found_list)
            with contextlib.suppress(pickle.PicklingError, TypeError, AttributeError):  # not kept: loaded again next time
                self._new[rel] = (digest, pickle.dumps((obj, found, seen), protocol=pickle.HIGHEST_PROTOCOL))
            diags.extend(found)
            return ok
        diags.extend(found)
        if seen:
            ident = f"{key.id}:{key.version}" if key.kind == "bom" else key.id
            inv.seen.setdefault(key.kind, set()).add(ident)
        if obj is None:
            return False
        _put(inv, key, obj)
        return True

    def save(self) -> None:
        """Write the entries of this load when anything differs from the file read; errors are ignored."""
        if not self.misses and len(self._new) == len(self._old):
            return
        try:
            head = MAGIC + self._stamp + b"\n"
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".cache-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    # the payload is pickled straight to the file, never held whole in memory (hundreds
                    # of MiB at 50,000 parts); its digest, known at the end, goes in the room left for it
                    handle.write(head + bytes(DIGEST))
                    hashing = _Hashing(handle)
                    pickle.dump(self._new, hashing, protocol=pickle.HIGHEST_PROTOCOL)
                    handle.seek(len(head))
                    handle.write(hashing.digest.digest())
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, pickle.PicklingError):  # a read-only git directory: run without a cache
            return


class _Hashing:
    """A file-like writer that digests what it passes on."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.digest = hashlib.blake2b(digest_size=DIGEST)

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        written: int = self.handle.write(data)
        return written


def _unpickled(blob: bytes) -> Outcome | None:
    try:
        outcome = pickle.loads(blob)  # noqa: S301 - our own file, verified as a whole when read
    except Exception:  # an entry that does not unpickle: a miss, never trusted
        return None
    return outcome if isinstance(outcome, tuple) and len(outcome) == 3 else None


def _target(inv: Inventory, kind: str) -> dict[Any, Any]:
    targets: dict[str, dict[Any, Any]] = {
        "part": inv.parts, "package": inv.packages, "vendor": inv.vendors, "stock": inv.stock,
        "project": inv.projects, "build": inv.builds, "order": inv.orders, "bom": inv.boms,
    }  # fmt: skip
    return targets[kind]


def _stored(inv: Inventory, key: layout.FileKey) -> Any:
    if key.kind == "settings":
        return inv.settings
    return _target(inv, key.kind)[(key.id, key.version) if key.kind == "bom" else key.id]


def _put(inv: Inventory, key: layout.FileKey, obj: Any) -> None:
    if key.kind == "settings":
        inv.settings = obj
    else:
        _target(inv, key.kind)[(key.id, key.version) if key.kind == "bom" else key.id] = obj
