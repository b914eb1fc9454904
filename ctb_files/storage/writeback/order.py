"""Writing order files: top-level fields, lines from a plan, what was received.

The only code that edits ``orders/<id>.yaml``.  Lines that stay keep their
nodes (and so their comments); new keys go where the model's order puts them.
The lines of a file in the shape ctb writes are rewritten as text instead
(:mod:`.orderlines`), to the bytes the round trip gives.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from ctb_files.core.canonical import canonical_order
from ctb_files.core.models.order import Order, OrderLine
from ctb_files.core.paths import order_path
from ctb_files.ops.orders.plan import OrderPlan
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.writeback.lists import merge_by_key
from ctb_files.storage.writeback.orderlines import OrderLines
from ctb_files.storage.yaml import CommentedMap, CommentedSeq, merge_into, set_in_order


def set_fields(changes: ChangeSet, order_id: str, fields: dict[str, Any]) -> CommentedMap:
    """Set top-level keys of an order file, keeping everything else as written."""
    doc = changes.edit(order_path(order_id))
    for key, value in fields.items():
        set_in_order(doc, key, value, Order)
    return doc


def _for_of(line: Any) -> Any:
    return line.get("for") if isinstance(line, CommentedMap) else None


def _write_lines(changes: ChangeSet, order_id: str, lines: list[dict[str, Any]]) -> None:
    """Make the order's ``lines`` equal ``lines``, reusing the nodes of lines that stay (comments kept).

    A line's ``for`` written anew is a flow mapping (``for: {b1: 4}``); one that stays keeps its style.  A file
    in the shape ctb writes is edited as text (``writeback.orderlines``), to the same bytes.
    """
    rel = order_path(order_id)
    text = changes.edit_as_text(rel, OrderLines)
    if text is not None and text.update(lines):
        return
    doc = changes.edit(rel)
    old = doc.get("lines")
    was = [_for_of(line) for line in old] if isinstance(old, CommentedSeq) else []  # held: their ids stay theirs
    kept = {id(target) for target in was}
    seq = merge_by_key(old if isinstance(old, CommentedSeq) else CommentedSeq(), lines, lambda item: str(item.get("part")))
    for node in seq:
        target = _for_of(node)
        if isinstance(target, CommentedMap) and id(target) not in kept:
            target.fa.set_flow_style()
    if seq is old:
        return
    if not lines:
        seq.fa.set_flow_style()
    doc["lines"] = seq


def apply_plan(changes: ChangeSet, plan: OrderPlan) -> None:
    """Stage the order files a plan changes or creates."""
    for order_id, lines in plan.lines.items():
        _write_lines(changes, order_id, lines)
    for order_id, data in plan.created.items():
        doc = changes.edit(order_path(order_id))
        merge_into(doc, {**data, "lines": []})
        _write_lines(changes, order_id, data["lines"])


def set_received(changes: ChangeSet, order_id: str, received: Mapping[int, Decimal]) -> None:
    """Set ``received`` on the order's lines, by index in ``lines``."""
    doc = changes.edit(order_path(order_id))
    for index, quantity in received.items():
        item = doc["lines"][index]
        data = {**dict(item), "received": quantity}
        before = _for_of(item)
        merge_into(item, {k: data[k] for k in canonical_order(OrderLine, data)})
        target = _for_of(item)
        if isinstance(target, CommentedMap) and target is not before:  # written anew: a flow mapping
            target.fa.set_flow_style()
