"""Writing part files: catalogue data from a vendor (and its datasheet when the part has none), lines of an assembly's ``bom``.

The only code that edits ``parts/<id>.yaml`` (new files are made by
:func:`new_part`).  Comments and untouched keys stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ctb_files.core.models.part import Part
from ctb_files.core.paths import part_path
from ctb_files.errors import CtbError
from ctb_files.ops.orders.populate import CatalogEntry, VendorPartRef, placeholder_fields, updated_vendor_part
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.yaml import CommentedMap, merge_into, new_document, set_in_order, to_roundtrip


def new_part(changes: ChangeSet, part_id: str, data: dict[str, Any], header: str | None = None) -> None:
    """Stage a new ``parts/<id>.yaml`` holding ``data``."""
    changes.write_text(part_path(part_id), new_document(data, header=header))


def write_found(changes: ChangeSet, target: VendorPartRef, found: CatalogEntry, moment: datetime) -> None:
    """Merge the catalogue data into the vendor part (and a placeholder part's name)."""
    doc = changes.edit(part_path(target.part))
    items = doc.get("vendor_parts")
    item = items[target.index] if isinstance(items, list) and target.index < len(items) else None
    if not isinstance(item, CommentedMap):
        raise CtbError(f"parts/{target.part}.yaml: vendor_parts[{target.index}] is not a mapping")
    merge_into(item, updated_vendor_part(dict(item), found, moment))
    item.fa.set_block_style()  # a filled vendor part is too long for one line
    for entry in item.get("price_breaks") or []:
        if isinstance(entry, CommentedMap):
            entry.fa.set_flow_style()
    if found.datasheet and not doc.get("datasheet"):  # a datasheet set by hand stays
        set_in_order(doc, "datasheet", found.datasheet, Part)
    if doc.get("placeholder") is True:
        for key, value in placeholder_fields(found).items():
            set_in_order(doc, key, value, Part)
        del doc["placeholder"]


def add_bom_line(changes: ChangeSet, parent: str, entry: dict[str, Any]) -> None:
    """Append a line to an assembly's ``bom`` (the list is made when the part has none)."""
    doc = changes.edit(part_path(parent))
    if doc.get("bom"):
        doc["bom"].append(to_roundtrip(entry, in_list=True))
    else:
        doc["bom"] = to_roundtrip([entry])
