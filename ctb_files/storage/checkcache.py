"""The answer of ``ctb check`` for a whole repository, kept for the next run.

``ctb check`` run again on files that did not change answers from one file,
``<git dir>/ctb/check``, without importing the models or running a check:
the answer (every diagnostic, before any PATHS filter, and the number of
files) is stored under a key that is a BLAKE2 digest of everything it
depends on — the code (:func:`~ctb_files.storage.cachebase.code_stamp`), the
path and bytes of every file read, and whether git's config lacks the stock
merge driver that ``.gitattributes`` names.  Any other key, or a torn or
foreign file, is a miss; the file is written whole and renamed into place.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ctb_files.errors import Diagnostic
from ctb_files.storage.cachebase import code_stamp, disabled, git_dir

MAGIC = b"ctb-check 1\n"
DIGEST = 32
Answer = tuple[int, list[Diagnostic]]  # files checked, every diagnostic in order


def _path(root: Path) -> Path | None:
    if disabled():
        return None
    found = git_dir(root)
    return found / "ctb" / "check" if found is not None else None


def answer_key(files: Mapping[str, bytes], merge_driver_missing: tuple[str, int] | None) -> bytes:
    """The digest of everything a check answer depends on."""
    h = hashlib.blake2b(code_stamp(), digest_size=DIGEST)
    h.update(repr(merge_driver_missing).encode() + b"\0")
    for rel in sorted(files):
        data = files[rel]
        h.update(f"{rel}\0{len(data)}\0".encode())
        h.update(data)
    return h.digest()


def lookup(root: Path, key: bytes) -> Answer | None:
    """The stored answer for ``key``, or None."""
    path = _path(root)
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    head = MAGIC + key
    if not blob.startswith(head):
        return None
    digest, payload = blob[len(head) : len(head) + DIGEST], blob[len(head) + DIGEST :]
    if len(digest) != DIGEST or hashlib.blake2b(payload, digest_size=DIGEST).digest() != digest:
        return None
    try:
        count, diags = pickle.loads(payload)  # noqa: S301 - our own file, verified above
    except Exception:  # a payload that passed the digest but does not unpickle: a miss, never trusted
        return None
    if not isinstance(count, int) or not isinstance(diags, list) or not all(isinstance(d, Diagnostic) for d in diags):
        return None
    return count, diags


def store(root: Path, key: bytes, answer: Answer) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored."""
    path = _path(root)
    if path is None:
        return
    try:
        payload = pickle.dumps((answer[0], list(answer[1])), protocol=pickle.HIGHEST_PROTOCOL)
        blob = MAGIC + key + hashlib.blake2b(payload, digest_size=DIGEST).digest() + payload
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".check-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, pickle.PicklingError):  # a read-only git directory: no stored answer
        return
