"""Writing stock files: quantities of existing lines, new lines, notes.

The only code that edits ``stock/<location>.yaml``: a change touches only the
lines it names (their quantity and note), so comments and every other byte
stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from ctb_files.core.canonical import key_position
from ctb_files.core.models.common import LIMIT
from ctb_files.core.models.stock import StockLine
from ctb_files.core.paths import stock_path
from ctb_files.core.text import number
from ctb_files.errors import CtbError
from ctb_files.ops.stock.ledger import LineKey, label, line_key
from ctb_files.storage.changes import ChangeSet


def stock_updates(location: str, lines: Iterable[Any], quantities: Mapping[LineKey, Decimal]) -> list[tuple[int, Decimal]]:
    """(index in the stock document's ``lines``, new quantity) for each line to change."""
    pending = dict(quantities)
    out: list[tuple[int, Decimal]] = []
    for index, item in enumerate(lines):
        if not isinstance(item, Mapping):
            continue
        bin_ = item.get("bin")
        key = line_key(location, str(item.get("part")), str(bin_) if bin_ is not None else None)
        if key in pending:
            out.append((index, pending.pop(key)))
    if pending:
        raise CtbError("stock lines not found: " + ", ".join(label(k) for k in pending))
    return out


def set_quantities(changes: ChangeSet, location: str, quantities: Mapping[LineKey, Decimal]) -> list[tuple[str, Decimal, Decimal]]:
    """Set the on-hand quantity of existing lines of one location; (part, before, after) per line."""
    rel = stock_path(location)
    text = changes.edit_lines(rel)
    if text is not None:
        updates = stock_updates(location, text.items, quantities)
        was = {index: text.items[index] for index, _ in updates}
        if text.update({index: {**text.items[index], "quantity": quantity} for index, quantity in updates}):
            return [(str(was[i]["part"]), Decimal(str(was[i]["quantity"])), quantity) for i, quantity in updates]
    doc = changes.edit(rel)
    lines = doc.get("lines") or []
    changed: list[tuple[str, Decimal, Decimal]] = []
    for index, quantity in stock_updates(location, lines, quantities):
        changed.append((str(lines[index]["part"]), Decimal(str(lines[index]["quantity"])), quantity))
        lines[index]["quantity"] = quantity
    return changed


def write_line(
    changes: ChangeSet, location: str, part: str, bin_: str | None, after: Decimal,
    *, index: int | None = None, note: str | None = None,
) -> bool:
    """Put one line's new quantity (and note) into its stock file; True when the location file is new.

    ``index`` is the line's position in the file's ``lines`` when it exists;
    otherwise a new line is appended.
    """
    rel = stock_path(location)
    text = changes.edit_lines(rel)
    if text is not None:
        fields = {"quantity": after} if note is None else {"quantity": after, "note": note}
        if index is not None and text.update({index: {**text.items[index], **fields}}):
            return False
        if index is None and text.update({}, [_new_line(part, bin_, after, note)]):
            return False
    from ctb_files.storage.yaml import CommentedSeq, to_roundtrip  # the round trip: only here

    doc = changes.edit(rel)
    lines = doc.get("lines")
    if index is not None:
        line = lines[index]
        line["quantity"] = after
        if note is not None:
            line["note"] = note
        return False
    created = not changes.old_bytes(rel)
    new = _new_line(part, bin_, after, note)
    if not isinstance(lines, CommentedSeq):
        doc["lines"] = to_roundtrip([new])
        return created
    lines.fa.set_block_style()  # ``lines: []`` grows into one line per entry
    lines.append(to_roundtrip(new, in_list=True))
    return created


def _new_line(part: str, bin_: str | None, quantity: Decimal, note: str | None) -> dict[str, object]:
    """A new stock line's fields, in the order they are written."""
    new: dict[str, object] = {"part": part, "quantity": quantity}
    if bin_:
        new["bin"] = bin_
    if note is not None:
        new["note"] = note
    return new


def _added(
    location: str, lines: Sequence[Any], quantities: dict[str, Decimal]
) -> tuple[dict[int, Decimal], list[dict[str, object]], list[tuple[str, Decimal, Decimal]]]:
    """What adding ``quantities`` to the bin-less line of each part makes of ``lines``: each such line's index
    and new count, the lines to append for parts without one, and (part, before, after) per part, by part."""
    found: dict[str, int] = {}
    for index, item in enumerate(lines):
        if isinstance(item, Mapping) and item.get("bin") is None:
            found.setdefault(str(item.get("part")), index)
    counts: dict[int, Decimal] = {}
    appended: list[dict[str, object]] = []
    changed: list[tuple[str, Decimal, Decimal]] = []
    for part_id, quantity in sorted(quantities.items()):
        at = found.get(part_id)
        if at is None:
            appended.append({"part": part_id, "quantity": quantity})
            changed.append((part_id, Decimal(0), quantity))
            continue
        before = Decimal(str(lines[at].get("quantity", 0)))  # a round-trip decimal keeps its digits (WrittenNumber)
        if before + quantity >= LIMIT:
            raise CtbError(f"{part_id} at {location} would reach {number(before + quantity)}; quantities stay below 10^15")
        counts[at] = before + quantity
        changed.append((part_id, before, before + quantity))
    return counts, appended, changed


def add_to_lines(changes: ChangeSet, location: str, quantities: dict[str, Decimal]) -> list[tuple[str, Decimal, Decimal]]:
    """Add to the location's bin-less line of each part (a new line when it has none)."""
    rel = stock_path(location)
    text = changes.edit_lines(rel)
    if text is not None:
        counts, appended, changed = _added(location, text.items, quantities)
        if text.update({index: {**text.items[index], "quantity": count} for index, count in counts.items()}, appended):
            return changed
    from ctb_files.storage.yaml import CommentedSeq, to_roundtrip  # the round trip: only here

    doc = changes.edit(rel)
    lines = doc.get("lines")
    if not isinstance(lines, CommentedSeq):
        lines = CommentedSeq()
        doc["lines"] = lines
    counts, appended, changed = _added(location, lines, quantities)
    for index, count in counts.items():
        lines[index]["quantity"] = count
    for new in appended:
        lines.append(to_roundtrip(new, in_list=True))
    return changed


def write_counts(
    changes: ChangeSet, location: str, counts: Sequence[tuple[int | None, str, str | None, Decimal]], counted_at: date
) -> None:
    """A stocktake: each (index or None for a new line, part, bin, quantity) gets its quantity and ``counted_at``."""
    rel = stock_path(location)
    text = changes.edit_lines(rel)
    if text is not None:
        rows: dict[int, dict[str, object]] = {}
        appended: list[dict[str, object]] = []
        for index, part, bin_, quantity in counts:
            if index is None:
                appended.append(_counted_line(part, bin_, quantity, counted_at))
                continue
            item = {**text.items[index], "quantity": quantity}
            if "counted_at" in item:
                item["counted_at"] = counted_at
            else:
                keys = list(item)
                keys.insert(key_position(StockLine, keys, "counted_at"), "counted_at")
                item = {key: counted_at if key == "counted_at" else item[key] for key in keys}
            rows[index] = item
        if text.update(rows, appended):
            return
    from ctb_files.storage.yaml import CommentedSeq, set_in_order, to_roundtrip  # the round trip: only here

    doc = changes.edit(rel)
    lines = doc.get("lines")
    if not isinstance(lines, CommentedSeq):
        lines = CommentedSeq()
        doc["lines"] = lines
    for index, part, bin_, quantity in counts:
        counted_at = date.fromordinal(counted_at.toordinal())  # one object per line: YAML would anchor a shared one
        if index is not None:
            line = lines[index]
            line["quantity"] = quantity
            set_in_order(line, "counted_at", counted_at, StockLine)
            continue
        lines.fa.set_block_style()
        lines.append(to_roundtrip(_counted_line(part, bin_, quantity, counted_at), in_list=True))


def _counted_line(part: str, bin_: str | None, quantity: Decimal, counted_at: date) -> dict[str, object]:
    """A line a stocktake adds, its fields in the order they are written."""
    return {**_new_line(part, bin_, quantity, None), "counted_at": counted_at}
