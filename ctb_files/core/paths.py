"""Where each kind of file lives in an inventory repository (PRODUCT.md 1): names only, no disk."""

from __future__ import annotations

from typing import NamedTuple

SETTINGS = "ctb.yaml"
FOLDERS = ("parts", "packages", "vendors", "stock", "projects", "builds", "orders")
# the kinds stored one file per id directly in a folder
FLAT = {"parts": "part", "packages": "package", "vendors": "vendor", "stock": "stock", "builds": "build", "orders": "order"}
PREFIXES = (SETTINGS, *(f"{folder}/" for folder in FOLDERS))


# a named tuple, not a dataclass: a command answered from a stored answer imports this module, and
# ``dataclasses`` (with ``inspect`` and ``ast``) was the largest import on that path
class FileKey(NamedTuple):
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
