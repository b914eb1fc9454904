"""Writing BOM rows: extension values on a project BOM row or an assembly's ``bom`` line.

Rows are edited in place, so comments on other rows stay.
"""

from __future__ import annotations

from typing import Any

from ctb_files.core.models import BomRow
from ctb_files.core.models.part import BomLine
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.yaml import CommentedMap, set_in_order, to_roundtrip


def set_ext(changes: ChangeSet, rel: str, key: str, index: int, values: dict[str, Any]) -> None:
    """Set extension values in ``ext`` of item ``index`` of list ``key`` (``rows`` or ``bom``) in ``rel``."""
    doc = changes.edit(rel)
    node = doc[key][index]
    ext_map = node.get("ext")
    if not isinstance(ext_map, CommentedMap):
        node["ext"] = to_roundtrip(values)
    else:
        for name, value in values.items():
            ext_map[name] = to_roundtrip(value)


def set_row_fields(changes: ChangeSet, rel: str, key: str, index: int, fields: dict[str, Any]) -> None:
    """Set plain keys (``attrition``, ``setup``, ``consumable``) of item ``index`` of ``key`` in ``rel``.

    New keys go where the row's model puts them; a value of None removes the key.
    """
    doc = changes.edit(rel)
    node = doc[key][index]
    model = BomRow if key == "rows" else BomLine
    for name, value in fields.items():
        if value is None:
            node.pop(name, None)
        else:
            set_in_order(node, name, value, model)
