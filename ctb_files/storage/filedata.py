"""What a file's parsed data must be before its model sees it: a mapping, its name within the limit.

One home for these two rules: the loader applies them to every file it
parses, and :mod:`ctb_files.storage.unread` to a changed file it compares
without importing a model.  :func:`parse_file` is how the loader (and its
parsing workers) read a file's bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic

if TYPE_CHECKING:
    from ctb_files.storage.yaml.read import Bounds

_LISTED = frozenset({"stock", "bom", "build", "order"})  # the kinds whose lists are read line by line


def parse_file(data: bytes, rel: str, limits: Bounds) -> Any:
    """What :func:`~ctb_files.storage.yaml.load_fast` reads in the bytes of the inventory file ``rel``.

    The lists of a stock, BOM, build or order file are read line by line where they
    have the shapes ctb writes (:func:`~ctb_files.storage.listread.load_lists`:
    the same answer and the same messages, faster).  Every other file is
    read by the whole-file parser.
    """
    key = layout.classify(rel)
    if key is not None and key.kind in _LISTED:
        from ctb_files.storage.listread import load_lists

        return load_lists(data, rel, limits)
    from ctb_files.storage.yaml import load_fast

    return load_fast(data, rel, limits)


def file_data(raw: Any, rel: str, name_limit: int) -> dict[str, Any] | Diagnostic:
    """``raw`` (as :func:`~ctb_files.storage.yaml.load_fast` read ``rel``) as a file's data, or its problem.

    An empty file is an empty mapping; ``name_limit``: the characters a
    ``name`` may have (``ctb.yaml``'s ``limits.name``).
    """
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        return Diagnostic(rel, 1, 1, "CTB101", "the file must be a YAML mapping")
    name = raw.get("name")
    if isinstance(name, str) and len(name) > name_limit:
        return Diagnostic(
            rel,
            0,
            0,
            "CTB013",
            f"a name of {len(name):,} characters, more than the limit of {name_limit:,}",
            loc=("name",),
        )
    return raw
