"""What every cache in ``<git dir>/ctb/`` shares, importing nothing heavy.

Where the git directory is, whether caching is switched off, and the stamp
of the code that made a cached answer (ctb's version and every module's size
and time, Python's and pydantic's versions, found without importing pydantic).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import ctb_files
from ctb_files import __version__

NO_CACHE_ENV = "CTB_NO_CACHE"


def disabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def git_dir(root: Path) -> Path | None:
    """The git directory of the work tree holding ``root``, or None."""
    for folder in (root, *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a linked worktree or a submodule: ".git" names the git directory
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                found = folder / text.removeprefix("gitdir:").strip()
                return found if found.is_dir() else None
            return None
    return None


@functools.cache
def code_stamp() -> bytes:
    """Changes whenever the code that computes answers may have: ctb, Python, pydantic.

    Worked out once a process (every cache and stored answer keys on it): the
    size and time of every ctb module, the version of ctb and of Python, and
    the size and time of every file of pydantic and pydantic-core.
    """
    h = hashlib.blake2b(digest_size=32)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    for rel, info in _modules(os.path.dirname(ctb_files.__file__), ""):
        h.update(f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    for name in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(name)  # finds the package without importing it
        folder = os.path.dirname(spec.origin) if spec is not None and spec.origin else None
        with contextlib.suppress(OSError):
            for entry in sorted(os.scandir(folder), key=_name) if folder is not None else ():
                if entry.is_file():
                    info = entry.stat()
                    h.update(f"{name}/{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return h.hexdigest().encode()


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _modules(folder: str, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
    """``(path below the package, stat)`` of every ``.py`` file under ``folder``, in name order (``__pycache__`` skipped)."""
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=_name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            if entry.name != "__pycache__":
                yield from _modules(entry.path, f"{prefix}{entry.name}/")
        elif entry.name.endswith(".py"):
            yield prefix + entry.name, entry.stat()


FILE_DIGEST = 20


def file_digest(data: bytes) -> bytes:
    """The digest of one file's bytes: what the per-file cache, the stat index and every stored answer key on."""
    return hashlib.blake2b(data, digest_size=FILE_DIGEST).digest()


# --- stored answers: one file a command, under a key of everything the answer depends on ------

ANSWER_DIGEST = 32


def answer_path(root: Path, name: str) -> Path | None:
    """``<git dir>/ctb/<name>``, or None without a git directory or with the caches off."""
    if disabled():
        return None
    found = git_dir(root)
    return found / "ctb" / name if found is not None else None


def files_key(asked: bytes, digests: Mapping[str, bytes]) -> bytes:
    """BLAKE2 digest of the code, what was ``asked`` and the path and digest of every file's bytes.

    ``digests`` maps each relative path to :func:`file_digest` of its bytes.
    """
    h = hashlib.blake2b(code_stamp(), digest_size=ANSWER_DIGEST)
    h.update(asked + b"\0")
    for rel in sorted(digests):
        h.update(f"{rel}\0".encode())
        h.update(digests[rel])
    return h.digest()


def read_answer(path: Path | None, magic: bytes, key: bytes) -> bytes | None:
    """The payload stored under ``key``, or None (missing, another key, torn or foreign)."""
    found = read_keyed(path, magic)
    return found[1] if found is not None and found[0] == key else None


def read_keyed(path: Path | None, magic: bytes) -> tuple[bytes, bytes] | None:
    """The key and payload stored, whatever the key; None when missing, torn or foreign."""
    if path is None:
        return None
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    if not blob.startswith(magic):
        return None
    start = len(magic) + ANSWER_DIGEST
    key, digest, payload = blob[len(magic) : start], blob[start : start + ANSWER_DIGEST], blob[start + ANSWER_DIGEST :]
    if len(digest) != ANSWER_DIGEST or hashlib.blake2b(payload, digest_size=ANSWER_DIGEST).digest() != digest:
        return None
    return key, payload


def temp_prefix(name: str) -> str:
    """The prefix of a temporary file written in ``<git dir>/ctb`` before it is renamed into place: it names
    the writing process, so that one a killed command left behind can be told and swept (:func:`sweep_temps`)."""
    return f".{name}-{os.getpid()}-"


def sweep_temps(folder: Path) -> None:
    """Remove the temporary files in ``folder`` whose writing process is gone (killed while writing); errors are
    ignored.  A file of a process still running is left to it."""
    try:
        listing = os.scandir(folder)
    except OSError:
        return
    with listing:
        for entry in listing:
            name = entry.name
            if not (name.startswith(".") and name.endswith(".tmp")):
                continue
            pid = name[: -len(".tmp")].rsplit("-", 2)[-2:-1]  # .<name>-<pid>-<random>.tmp
            if pid and pid[0].isdigit() and not _running(int(pid[0])):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):  # another user's process, or no such number: never swept
        return True
    return True


def write_answer(path: Path | None, magic: bytes, key: bytes, pieces: Sequence[bytes]) -> None:
    """Store the payload ``pieces`` (written one after another, never joined) under ``key``; errors are ignored."""
    if path is None:
        return
    import tempfile  # here: a command answered from a stored answer writes none

    digest = hashlib.blake2b(digest_size=ANSWER_DIGEST)
    for piece in pieces:
        digest.update(piece)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(magic + key + digest.digest())
                for piece in pieces:
                    handle.write(piece)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:  # a read-only git directory: no stored answer
        return
