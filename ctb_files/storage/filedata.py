"""What a file's parsed data must be before its model sees it: a mapping, its name within the limit.

One home for these two rules: the loader applies them to every file it
parses, and :mod:`ctb_files.storage.unread` to a changed file it compares
without importing a model.
"""

from __future__ import annotations

from typing import Any

from ctb_files.errors import Diagnostic


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
