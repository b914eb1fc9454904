"""For a check: an order placed or received, and a new order as ``ctb order generate`` writes it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctb_files.core.unread import Shape
from ctb_files.errors import Diagnostic
from ctb_files.storage.unread.common import new_ids, same
from ctb_files.storage.unread.record import Facts, Kept, known_ids


def order_progress(before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """For a check: whether an order's data differ only in its status and its lines' received counts, where no
    check can mind (as ``ctb order place`` and ``ctb order receive`` change it; their moments no check reads).

    ``before``, ``after``: its data at the full check (which said nothing of
    it) and now, fields no check reads left out.  Each line keeps every other
    field; each received count is a whole number its record takes (CTB305)
    and at most the line's count, itself a whole number (CTB504); the status
    is one the model takes, and ``received`` only when every line is
    (CTB505).  Nothing else a check reads of an order changed: its vendor,
    parts and builds (CTB201, CTB203, CTB207).
    """
    from ctb_files.core.unread import takes

    added = facts.added
    status = added.orders.get("status") if added is not None else None
    received = added.order_lines.get("received") if added is not None else None
    if status is None or received is None:
        return False
    rest = [name for name in before if name not in ("status", "lines")]
    if rest != [name for name in after if name not in ("status", "lines")] or not all(
        same(before[n], after[n]) for n in rest
    ):
        return False
    old, new = before.get("lines", []), after.get("lines", [])
    if not takes(status, "status" in after, after.get("status")) or type(old) is not list or type(new) is not list:
        return False
    if len(old) != len(new):
        return False
    done = True
    for was, now in zip(old, new, strict=True):
        if type(was) is not dict or type(now) is not dict:
            return False
        kept = [name for name in was if name != "received"]
        if kept != [name for name in now if name != "received"] or not all(same(was[n], now[n]) for n in kept):
            return False
        complete = _received(now, received)
        if complete is None:
            return False
        done = done and complete
    return after.get("status") != "received" or done


def orders_added(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    """For a check: whether each new order file, read without a model, is one no check can say a thing of.

    As ``ctb order generate`` writes one: its id is one by the id rule no
    known order's differs from only by case (CTB214); it names a known
    vendor (CTB203); each line a known part (CTB201) and, in ``for``, known
    builds (CTB207) with whole counts; every other field, of the order and of
    its lines, is one of a known shape holding a value of it (:class:`~ctb_files.storage.unread.record.Added`);
    each line's counts are whole, what it received at most what it ordered
    (CTB305, CTB504), and the order is ``received`` only when every line is
    (CTB505).  Nothing refers to an order's id.
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    facts = full.facts
    known = known_ids(facts) if facts is not None else None
    found = new_ids(root, added, digests, known["order"]) if known is not None else None
    if facts is None or facts.added is None or known is None or found is None:
        return False
    shapes, line_shapes = facts.added.orders, facts.added.order_lines
    received = line_shapes.get("received")
    if not shapes or received is None:
        return False

    def an_id(value: Any, kind: str) -> bool:
        return type(value) is str and valid_id(value) and value in known[kind]

    for rel, _key, data in found:
        try:
            now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
        except YamlProblem:
            return False
        if isinstance(now, Diagnostic) or not now.keys() - {"vendor", "lines"} <= shapes.keys():
            return False
        lines = now.get("lines", [])
        if not an_id(now.get("vendor"), "vendor") or type(lines) is not list:
            return False
        if not all(takes(shape, name in now, now.get(name)) for name, shape in shapes.items()):
            return False
        done = True
        for line in lines:
            if type(line) is not dict or not line.keys() - {"part", "for"} <= line_shapes.keys():
                return False
            wanted = line.get("for", {})
            if not an_id(line.get("part"), "part") or type(wanted) is not dict:
                return False
            if not all(an_id(build, "build") and takes(received, True, count) for build, count in wanted.items()):
                return False
            if not all(takes(shape, name in line, line.get(name)) for name, shape in line_shapes.items()):
                return False
            complete = _received(line, received)
            if complete is None:
                return False
            done = done and complete
        if now.get("status") == "received" and not done:
            return False
    return True


def _received(line: dict[str, Any], shape: Shape) -> bool | None:
    """Whether an order line received all it ordered; None when no check can be shown to say nothing of its
    counts: each a whole number (CTB305), the received one of its ``shape`` and at most the count (CTB504)."""
    from ctb_files.core.unread import takes

    count, got = line.get("quantity"), line.get("received", 0)
    if type(count) is not int or type(got) is not int or not takes(shape, "received" in line, line.get("received")):
        return None
    return got == count if got <= count else None
