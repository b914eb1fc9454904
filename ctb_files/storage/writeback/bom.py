"""Writing BOM files: a synced BOM (and its placeholder parts), extension values on a row.

The only code that edits ``projects/<id>/bom/<version>.yaml``.  Rows are
merged by line (implicit rows by line and part), so comments on rows that
stay survive.
"""

from __future__ import annotations

from typing import Any

from ctb_files.core.canonical import canonical_data, kind_model
from ctb_files.core.models import BomRow
from ctb_files.core.models.part import BomLine
from ctb_files.ops.bom.sync import BomPlan, row_key
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.writeback.lists import merge_by_key
from ctb_files.storage.writeback.part import new_part
from ctb_files.storage.yaml import CommentedMap, CommentedSeq, merge_into, set_in_order, to_roundtrip


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


def write_plan(changes: ChangeSet, plan: BomPlan, rel: str) -> None:
    """Put a synced BOM and its new placeholder parts into ``changes``; an unchanged plan writes nothing."""
    for made in plan.placeholders:
        part: dict[str, Any] = {"name": made.part.name, "placeholder": True}
        part["vendor_parts"] = [{"vendor": vp.vendor, "sku": vp.sku} for vp in made.part.vendor_parts]
        header = (
            f"Placeholder made by ctb for {part['vendor_parts'][0]['vendor']} part {part['vendor_parts'][0]['sku']};\n"
            "'ctb vendor populate' fills in the vendor data: complete the rest by hand."
        )
        new_part(changes, made.id, canonical_data(kind_model("part"), part), header=header)
    if not plan.changed:
        return
    data = canonical_data(kind_model("bom"), plan.data)  # what ctb writes is already in `ctb fmt` form
    doc = changes.edit(rel)
    old = doc.get("rows")
    if not isinstance(old, CommentedSeq):
        merge_into(doc, data)
        return
    rows = merge_by_key(old, data["rows"], lambda item: row_key(dict(item)))
    merge_into(doc, {**data, "rows": old})
    if rows is not old:
        doc["rows"] = rows
