"""What every light comparison reads with: a file's bytes as they are now, its data, its kind, and equality
of data written alike."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic
from ctb_files.storage import tree
from ctb_files.storage.cachebase import file_digest

if TYPE_CHECKING:
    from ctb_files.storage.unread.record import Facts


def read_bytes(root: Path, rel: str, digests: Mapping[str, bytes]) -> bytes | None:
    """The bytes of ``rel`` when they are a regular file's, not a link's, and still the ones of its digest."""
    full = root / rel
    if os.path.islink(full):
        return None
    found = tree.read_file(os.fspath(full))
    if found is None or file_digest(found[1]) != digests.get(rel):
        return None
    return found[1]


def parsed(root: Path, rel: str, digests: Mapping[str, bytes], facts: Facts) -> dict[str, Any] | None:
    """``rel``'s data, read as the loader reads it with the full run's limits; None when it does not parse."""
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    data = read_bytes(root, rel, digests)
    if data is None:
        return None
    try:
        now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
    except YamlProblem:
        return None
    return None if isinstance(now, Diagnostic) else now


def key_id(rel: str) -> str:
    key = layout.classify(rel)
    return key.id if key is not None else ""


def kind_of(rel: str) -> str | None:
    key = layout.classify(rel)
    return key.kind if key is not None else None


def same(a: Any, b: Any) -> bool:
    """Equal data, written alike: the same types, keys in the same order, ``1.0`` not ``1.00``."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(same, a, b))
    return repr(a) == repr(b)


def new_ids(
    root: Path, added: list[str], digests: Mapping[str, bytes], known: frozenset[str]
) -> list[tuple[str, layout.FileKey, bytes]] | None:
    """Each file of ``added`` with its key and bytes, when each id is one by the id rule and no known id of its
    kind (``known``), nor another added one, differs from it only by case (CTB214); else None."""
    from ctb_files.core.ids import valid_id

    folded = {ident.casefold() for ident in known}
    out = []
    for rel in added:
        key = layout.classify(rel)
        data = read_bytes(root, rel, digests)
        if key is None or data is None or not valid_id(key.id) or key.id.casefold() in folded:
            return None
        folded.add(key.id.casefold())
        out.append((rel, key, data))
    return out
