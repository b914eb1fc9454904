"""Where each kind of file lives in an inventory repository (PRODUCT.md 1)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ctb_files.errors import CtbError

SETTINGS = "ctb.yaml"
FOLDERS = ("parts", "packages", "vendors", "stock", "projects", "builds", "orders")
# the kinds stored one file per id directly in a folder
FLAT = {"parts": "part", "packages": "package", "vendors": "vendor", "stock": "stock", "builds": "build", "orders": "order"}
PREFIXES = (SETTINGS, *(f"{folder}/" for folder in FOLDERS))


@dataclass(frozen=True)
class FileKey:
    """What a file is: its kind and the id(s) its path gives it."""

    kind: str  # settings | part | package | vendor | stock | project | bom | build | order
    id: str = ""
    version: str = ""  # for bom files: the version; id is then the project


def classify(rel: str) -> FileKey | None:
    """The kind of an inventory file from its relative path, or None if not one."""
    if rel == SETTINGS:
        return FileKey("settings")
    parts = rel.split("/")
    if not rel.endswith(".yaml"):
        return None
    if len(parts) == 2 and parts[0] in FLAT:
        return FileKey(FLAT[parts[0]], parts[1][: -len(".yaml")])
    if len(parts) == 3 and parts[0] == "projects" and parts[2] == "project.yaml":
        return FileKey("project", parts[1])
    if len(parts) == 4 and parts[0] == "projects" and parts[2] == "bom":
        return FileKey("bom", parts[1], parts[3][: -len(".yaml")])
    return None


def part_path(part_id: str) -> str:
    return f"parts/{part_id}.yaml"


def package_path(package_id: str) -> str:
    return f"packages/{package_id}.yaml"


def vendor_path(vendor_id: str) -> str:
    return f"vendors/{vendor_id}.yaml"


def stock_path(location: str) -> str:
    return f"stock/{location}.yaml"


def project_path(project_id: str) -> str:
    return f"projects/{project_id}/project.yaml"


def bom_path(project_id: str, version: str) -> str:
    return f"projects/{project_id}/bom/{version}.yaml"


def build_path(build_id: str) -> str:
    return f"builds/{build_id}.yaml"


def order_path(order_id: str) -> str:
    return f"orders/{order_id}.yaml"


def find_root(start: Path) -> Path:
    """The nearest directory at or above ``start`` holding ``ctb.yaml``."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / SETTINGS).is_file():
            return candidate
    raise CtbError(f"no ctb.yaml in {start} or any parent; run 'ctb init' or pass --repo")


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
