"""Merging a list of mappings by key: the one routine every writer uses for list items.

A list in a file (a BOM's ``rows``, an order's ``lines``) is rewritten to
hold new items; an item whose key matches an old item reuses that item's
node, so its comments and layout stay, and only what changed in it is
edited.  Old items are matched first come, first served when several share
a key.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

from ctb_files.storage.yaml import CommentedMap, CommentedSeq, merge_into, to_roundtrip


def merge_by_key(
    old: CommentedSeq, new: Sequence[Mapping[str, Any]], key: Callable[[Mapping[str, Any]], Hashable]
) -> CommentedSeq:
    """``old`` edited to hold ``new``; the same object when the items keep their places, else a new list."""
    spare: dict[Hashable, list[int]] = {}
    for index, item in enumerate(old):
        if isinstance(item, CommentedMap):
            spare.setdefault(key(dict(item)), []).append(index)
    merged: list[tuple[Any, int | None]] = []
    for data in new:
        indexes = spare.get(key(data))
        if indexes:
            index = indexes.pop(0)
            merge_into(old[index], dict(data))
            merged.append((old[index], index))
        else:
            merged.append((to_roundtrip(dict(data), in_list=True), None))
    if len(merged) == len(old) and all(i == n for n, (_, i) in enumerate(merged)):
        return old
    seq = CommentedSeq(node for node, _ in merged)
    for n, (_, kept) in enumerate(merged):
        if kept is not None and kept in old.ca.items:
            seq.ca.items[n] = old.ca.items[kept]
    return seq
