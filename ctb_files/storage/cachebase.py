"""What every cache in ``<git dir>/ctb/`` shares, importing nothing heavy.

Where the git directory is, whether caching is switched off, and the stamp
of the code that made a cached answer (ctb's version and every module's size
and time, Python's and pydantic's versions, found without importing pydantic).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
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


def code_stamp() -> bytes:
    """Changes whenever the code that computes answers may have: ctb, Python, pydantic."""
    h = hashlib.blake2b(digest_size=32)
    h.update(f"{__version__}\0{sys.version}\0".encode())
    package = Path(ctb_files.__file__).parent
    for module in sorted(package.rglob("*.py")):
        info = module.stat()
        h.update(f"{module.relative_to(package)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    for name in ("pydantic", "pydantic_core"):
        spec = importlib.util.find_spec(name)  # finds the package without importing it
        folder = Path(spec.origin).parent if spec is not None and spec.origin else None
        for item in sorted(folder.iterdir()) if folder is not None else ():
            if item.is_file():
                info = item.stat()
                h.update(f"{name}/{item.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return h.hexdigest().encode()
