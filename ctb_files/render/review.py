"""A review as Markdown for a pull request comment: stock deltas, builds, shortages, BOMs, orders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from ctb_files.core.models.build import Reservation
from ctb_files.core.text import money
from ctb_files.core.units import normalize
from ctb_files.ops.review import BuildChange, OrderChange, Review
from ctb_files.render.shortages import orders_text

WORKING_TREE = "working tree"


def label(rev: str, commit: str) -> str:
    return rev if commit.startswith(rev.lower()) else f"{rev} {commit[:7]}"


def _num(value: Decimal) -> str:
    return format(normalize(value), "f")


def _move(before: Decimal, after: Decimal) -> str:
    """``10 → 4 (-6)``; just ``10`` when nothing changed."""
    delta = after - before
    if not delta:
        return _num(after)
    return f"{_num(before)} → {_num(after)} ({'+' if delta >= 0 else ''}{_num(delta)})"


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(headers: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()) -> list[str]:
    rule = ["---:" if i in right else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(rule) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def _status(change: BuildChange) -> str:
    if change.before is None:
        return f"new, {change.after}"
    if change.after is None:
        return f"removed (was {change.before})"
    if change.replanned:
        return f"{change.after} (re-planned)"
    return f"{change.before} → {change.after}"


def _shortage_cell(change: BuildChange) -> str:
    pieces: list[str] = []
    for c in change.shortage_changes:
        if not c.before:
            pieces.append(f"new: {c.label} {_num(c.after)}")
        elif not c.after:
            pieces.append(f"resolved: {c.label} {_num(c.before)}")
        else:
            pieces.append(f"{c.label} {_num(c.before)} → {_num(c.after)}")
    return "; ".join(pieces) or "—"


def _takes(reservation: Reservation) -> str:
    return ", ".join(
        f"{t.location}{'#' + t.bin if t.bin else ''}" + (f" ({t.part})" if t.part != reservation.part else "")
        + f" {_num(t.quantity)}"
        for t in reservation.take
    )  # fmt: skip


def _build_details(change: BuildChange) -> list[str]:
    if not change.reservations or change.after in (None, "completed"):
        return []
    rows = [(r.part, _num(r.quantity), _takes(r)) for r in change.reservations]
    count = len(rows)
    return [
        "", f"<details><summary>{change.id}: {count} part{'s' if count != 1 else ''} reserved</summary>", "",
        *_table(["Part", "Quantity", "Taken from"], rows, right=(1,)), "", "</details>",
    ]  # fmt: skip


def markdown(result: Review, base: str, head: str) -> str:
    """The review as Markdown for a pull request; one line when nothing changed."""
    span = f"`{base}` → " + (head if head == WORKING_TREE else f"`{head}`")
    if not result:
        return f"No inventory changes ({span}).\n" + _skipped_note(result)
    out = [f"### Inventory changes ({span})"]
    if result.stock:
        out += ["", "#### Stock", ""]
        rows: list[tuple[Any, ...]] = [
            (
                s.part, s.location, _move(s.before, s.after), _move(s.reserved_before, s.reserved_after),
                _move(s.before - s.reserved_before, s.after - s.reserved_after),
            )
            for s in result.stock
        ]  # fmt: skip
        out += _table(["Part", "Location", "On hand", "Reserved", "Available"], rows, right=(2, 3, 4))
    if result.builds:
        out += ["", "#### Builds", ""]
        build_rows = [(b.id, f"{_num(b.quantity)} × {b.project}:{b.version}", _status(b), _shortage_cell(b)) for b in result.builds]
        out += _table(["Build", "What", "Status", "Shortages"], build_rows)
        for change in result.builds:
            out += _build_details(change)
    if result.shortages:
        out += ["", "#### Shortages (all open builds)", ""]
        if any(c.label in result.on_order for c in result.shortages):
            covered = [(c.label, _move(c.before, c.after), orders_text(result.on_order.get(c.label, []))) for c in result.shortages]
            out += _table(["Part", "Short", "On order"], covered, right=(1,))
        else:
            out += _table(["Part", "Short"], [(c.label, _move(c.before, c.after)) for c in result.shortages], right=(1,))
    if result.boms:
        out += ["", "#### BOMs", ""]
        out += _table(["BOM", "Change"], [(b.target, b.text()) for b in result.boms])
    if result.orders:
        out += ["", "#### Orders", ""]
        order_rows = [(o.id, o.vendor, _order_status(o), o.lines, _money(o)) for o in result.orders]
        out += _table(["Order", "Vendor", "Status", "Lines", "Total"], order_rows, right=(3, 4))
    return "\n".join(out) + "\n" + _skipped_note(result)


def _order_status(change: OrderChange) -> str:
    if change.before is None:
        return f"new, {change.after}"
    if change.after is None:
        return f"removed (was {change.before})"
    if change.before == change.after:
        return f"{change.after} (lines changed)"
    return f"{change.before} → {change.after}"


def _money(change: OrderChange) -> str:
    return f"{money(change.total)} {change.currency}" if change.total is not None else ""


def _skipped_note(result: Review) -> str:
    if not result.skipped:
        return ""
    files = ", ".join(f"`{path}`" for path in result.skipped)
    return f"\n> Not compared (the file does not read on one side; run `ctb check`): {files}\n"
