"""Finding an inventory on disk and reading its files: the repository root, the tree, PATH arguments."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ctb_files.core.paths import FOLDERS, SETTINGS
from ctb_files.errors import CtbError


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


def read_tree(root: Path) -> dict[str, bytes]:
    """Read every file that may belong to the inventory, by relative path.

    Only the known folders are walked (``.git`` and anything else is never
    touched); ``.yml`` files are returned too so that check can point at them.
    """
    files: dict[str, bytes] = {}
    settings = root / SETTINGS
    if settings.is_file():
        files[SETTINGS] = settings.read_bytes()
    for folder in FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
            for name in sorted(filenames):
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    try:
                        with open(os.path.join(dirpath, name), "rb") as handle:
                            files[f"{rel_dir}/{name}"] = handle.read()
                    except OSError:  # a dangling link or no permission: not data; never a crash
                        continue
    return files


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
