"""Finding an inventory on disk and reading its files: the repository root, the tree, PATH arguments."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from ctb_files.core.paths import FOLDERS, SETTINGS
from ctb_files.errors import CtbError

#: size, modification time, change time (both ns) and inode of a file, as the stat index keeps them
Stat = tuple[int, int, int, int]


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``ctb.yaml``."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SETTINGS).is_file():
            return candidate
    raise CtbError(f"no ctb.yaml in {start} or any parent; run 'ctb init' or pass --repo")


def inventory_root(repo: Path | None) -> Path:
    """The inventory a command works on: ``--repo`` (which must hold ctb.yaml) or the nearest above."""
    if repo is not None:
        if not (repo / SETTINGS).is_file():
            raise CtbError(f"{repo} holds no ctb.yaml; run 'ctb init {repo}' first")
        return repo
    return find_root(Path.cwd())


def read_tree(root: Path, stats: dict[str, Stat] | None = None, links: set[str] | None = None) -> dict[str, bytes]:
    """Read every file that may belong to the inventory, by relative path.

    Only the known folders are walked (``.git`` and anything else is never
    touched); ``.yml`` files are returned too so that check can point at them.
    ``stats`` receives each file's :data:`Stat`, taken before it is read;
    ``links`` the files that are symbolic links (:func:`walk_tree`).  What
    :func:`read_file` does not read is left out.
    """
    files: dict[str, bytes] = {}
    for rel, full in walk_tree(root, links):
        found = read_file(full)
        if found is None:
            continue
        if stats is not None:
            stats[rel] = found[0]
        files[rel] = found[1]
    return files


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def read_file(full: str) -> tuple[Stat, bytes] | None:
    """A regular file's :data:`Stat` (taken before reading) and bytes; None for anything else.

    A dangling link, a file without permission, and anything that is not a
    regular file (a FIFO, a device, a link to one) are not data: they are
    skipped (:func:`read_regular` says why).
    """
    try:
        return read_regular(full)
    except OSError:
        return None


def read_regular(full: str) -> tuple[Stat, bytes]:
    """:func:`read_file`, raising OSError for what it skips (``strerror``: why, for a message).

    Never waits on or reads without end what is not a regular file: opened
    without blocking, then told by its ``fstat``.  One open, ``fstat``, read
    and close for a file whose size does not change while it is read.
    """
    fd = os.open(full, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", full)
        size = info.st_size
        data = os.read(fd, size + 1)
        if len(data) != size:  # it changed while read (or the read came short): on to its end
            pieces = [data]
            while piece := os.read(fd, max(size, 1 << 16)):
                pieces.append(piece)
            data = b"".join(pieces)
    finally:
        os.close(fd)
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino), data


def walk_tree(root: Path, links: set[str] | None = None) -> list[tuple[str, str]]:
    """(relative path, path to open) of every file :func:`read_tree` reads, in its order.

    Each known folder top-down, a folder's files (sorted) before its
    subfolders (sorted); folders starting with a dot are skipped and linked
    folders are not entered.  ``links`` receives the files that are symbolic
    links (as the folder listing says: no further system call).
    """
    out: list[tuple[str, str]] = []
    settings = root / SETTINGS
    if settings.is_file():
        out.append((SETTINGS, str(settings)))
        if links is not None and settings.is_symlink():
            links.add(SETTINGS)
    for folder in FOLDERS:
        base = root / folder
        if base.is_dir():
            _walk(str(base), folder, out, links)
    return out


def _walk(full: str, rel: str, out: list[tuple[str, str]], links: set[str] | None = None) -> None:
    try:
        with os.scandir(full) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError:
        return
    folders = []
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not name.startswith(".") and not entry.is_symlink():
                folders.append(entry)
        elif name.endswith((".yaml", ".yml")) and not name.startswith("."):
            out.append((f"{rel}/{name}", entry.path))
            if links is not None and entry.is_symlink():
                links.add(f"{rel}/{name}")
    for entry in folders:
        _walk(entry.path, f"{rel}/{entry.name}", out, links)


def scope(root: Path, paths: Iterable[Path | str], cwd: Path | None = None) -> list[str]:
    """Repository-relative paths for PATH arguments (``""`` for the whole repository).

    A path is taken relative to the current directory, as a shell user means
    it (``ctb check ../stock`` from ``parts/``); when nothing is there, it is
    tried relative to the repository (``ctb --repo inv check stock``).
    A path that is outside the repository or does not exist is refused.
    """
    top = root.resolve()
    here = (cwd or Path.cwd()).resolve()
    out: list[str] = []
    for given in paths:
        path = Path(given)
        for candidate in (here / path, top / path):
            full = candidate.resolve()
            if full.exists():
                break
        else:
            raise CtbError(f"{given}: no such file or folder")
        try:
            rel = full.relative_to(top).as_posix()
        except ValueError:
            raise CtbError(f"{given} is outside the inventory at {root}") from None
        out.append("" if rel == "." else rel)
    return out
