"""What a change does to the inventory: two inventories in, a review out (PRODUCT.md 7.2).

:func:`review` compares a ``before`` and an ``after`` :class:`Inventory`
(two commits, or a commit and the working tree): stock per part and
location, builds created or changed (status, reservations, shortages),
shortages in total, BOM changes per project version and assembly, and
orders created or moved along their life cycle.  :meth:`Review.to_json`
is the ``--format json`` document; ``ctb review`` renders the Markdown.  Objects whose file does not read on either side are left out
(``skip``), so a broken file never shows up as "removed".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctb_files.core import paths as layout
from ctb_files.core.models.build import Build, Reservation, Shortage
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import Order
from ctb_files.core.text import money_exact, order_currency
from ctb_files.core.units import normalize
from ctb_files.errors import CtbError
from ctb_files.ops.bom.diff import BomChange, FlatRow, flatten, summarize_bom_change
from ctb_files.ops.bom.extensions import visible_names
from ctb_files.ops.bom.tree import InventoryCatalog, Target, explode
from ctb_files.ops.builds.fields import reservation_data, shortage_data
from ctb_files.ops.orders.shortages import OnOrder, shortage_list

__all__ = ["BomReview", "BuildChange", "OrderChange", "Review", "ShortageChange", "StockChange", "review"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class StockChange:
    """On hand (``before``/``after``) and reserved by open builds, per part and location."""

    location: str
    part: str
    before: Decimal
    after: Decimal
    reserved_before: Decimal = ZERO
    reserved_after: Decimal = ZERO

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location, "part": self.part, "before": self.before, "after": self.after,
            "reserved_before": self.reserved_before, "reserved_after": self.reserved_after,
        }  # fmt: skip


@dataclass(frozen=True)
class ShortageChange:
    label: str  # the part, or "line 12" for an unmatched row
    before: Decimal
    after: Decimal


@dataclass
class BuildChange:
    id: str
    project: str
    version: str
    quantity: Decimal
    before: str | None  # status; None: the build is new
    after: str | None  # None: the build file was removed
    reservations: list[Reservation]
    shortages: list[Shortage]
    shortage_changes: list[ShortageChange]
    replanned: bool = False  # same status, other reservations

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "project": self.project, "version": self.version, "quantity": self.quantity,
            "before": self.before, "after": self.after,
            "reservations": [reservation_data(r) for r in self.reservations],
            "shortages": [shortage_data(s) for s in self.shortages],
            "new_shortages": [_shortage_json(c) for c in self.shortage_changes if c.after > c.before],
            "resolved_shortages": [_shortage_json(c) for c in self.shortage_changes if c.after < c.before],
        }  # fmt: skip


def _shortage_json(change: ShortageChange) -> dict[str, Any]:
    return {"part": change.label, "before": change.before, "after": change.after}


@dataclass
class BomReview:
    target: str  # PROJECT:VERSION or an assembly's part id
    change: str  # added | removed | changed
    summary: BomChange
    rows: int  # rows after (before, when removed)

    def to_json(self) -> dict[str, Any]:
        project, _, version = self.target.partition(":")
        return {
            "target": self.target, "project": project if version else None, "version": version or None,
            "change": self.change, "summary": self.summary.to_json(), "text": self.text(),
        }  # fmt: skip

    def text(self) -> str:
        if self.change == "added":
            return f"new BOM, {self.rows} rows"
        if self.change == "removed":
            return "BOM removed"
        return self.summary.text()


@dataclass
class OrderChange:
    id: str
    vendor: str
    before: str | None
    after: str | None
    lines: int
    total: Decimal | None
    currency: str
    lines_changed: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "vendor": self.vendor, "before": self.before, "after": self.after, "lines": self.lines,
            "total": None if self.total is None else money_exact(self.total), "currency": self.currency, "lines_changed": self.lines_changed,
        }  # fmt: skip


@dataclass
class Review:
    stock: list[StockChange] = field(default_factory=list)
    builds: list[BuildChange] = field(default_factory=list)
    shortages: list[ShortageChange] = field(default_factory=list)  # per part, all open builds together
    boms: list[BomReview] = field(default_factory=list)
    orders: list[OrderChange] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files unreadable on either side
    on_order: dict[str, list[OnOrder]] = field(default_factory=dict)  # short part -> open/placed orders after

    def __bool__(self) -> bool:
        return bool(self.stock or self.builds or self.boms or self.orders)

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "stock": [s.to_json() for s in self.stock],
            "builds": [b.to_json() for b in self.builds],
            "boms": [b.to_json() for b in self.boms],
            "orders": [o.to_json() for o in self.orders],
        }
        if self.on_order:  # only when open builds are short of something already ordered
            doc["on_order"] = {
                part: [{"order": e.order, "status": e.status, "quantity": e.quantity, "expected": e.expected} for e in entries]
                for part, entries in self.on_order.items()
            }
        return doc


def review(before: Inventory, after: Inventory, skip: Iterable[str] = ()) -> Review:
    """Everything that differs between ``before`` and ``after``; ``skip`` lists unreadable files."""
    skipped = set(skip)
    return Review(
        stock=_stock(before, after, skipped),
        builds=_builds(before, after, skipped),
        shortages=_changes(_open_shortages(before, skipped), _open_shortages(after, skipped)),
        boms=_boms(before, after, skipped),
        orders=_orders(before, after, skipped),
        skipped=sorted(skipped),
        on_order={row.part: row.orders for row in shortage_list(after).parts if row.orders},
    )


# --- stock ----------------------------------------------------------------------------------


def _totals(inv: Inventory, location: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    stock = inv.stock.get(location)
    for line in stock.lines if stock is not None else []:
        out[line.part] += line.quantity
    return out


def _reserved(inv: Inventory, skip: set[str]) -> dict[tuple[str, str], Decimal]:
    """What open builds take, per (location, part), bins together (builds in ``skip`` left out)."""
    out: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    for build_id, build in inv.builds.items():
        if build.is_open and layout.build_path(build_id) not in skip:
            for reservation in build.reservations:
                for take in reservation.take:
                    out[(take.location, take.part)] += take.quantity
    return out


def _stock(before: Inventory, after: Inventory, skip: set[str]) -> list[StockChange]:
    """Per part and location: what is on hand and what open builds reserve, where either changed.

    Clearing or cancelling a build moves no stock but changes what is
    reserved (and so available); completing one changes both.
    """
    held_before, held_after = _reserved(before, skip), _reserved(after, skip)
    out: list[StockChange] = []
    for location in sorted(set(before.stock) | set(after.stock) | {loc for loc, _ in [*held_before, *held_after]}):
        if layout.stock_path(location) in skip:
            continue
        old, new = _totals(before, location), _totals(after, location)
        parts = set(old) | set(new) | {p for loc, p in [*held_before, *held_after] if loc == location}
        for part in parts:
            on_hand = (old.get(part, ZERO), new.get(part, ZERO))
            held = (held_before.get((location, part), ZERO), held_after.get((location, part), ZERO))
            if on_hand[0] != on_hand[1] or held[0] != held[1]:
                values = (normalize(v) for v in (*on_hand, *held))
                out.append(StockChange(location, part, *values))
    return sorted(out, key=lambda s: (s.part, s.location))


# --- builds and shortages ---------------------------------------------------------------------


def _shortage_label(shortage: Shortage) -> str:
    return shortage.part or "line " + ", ".join(str(n) for n in shortage.lines)


def _short_by_label(shortages: Iterable[Shortage]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for shortage in shortages:
        out[_shortage_label(shortage)] += shortage.quantity
    return out


def _changes(old: dict[str, Decimal], new: dict[str, Decimal]) -> list[ShortageChange]:
    labels = sorted(set(old) | set(new))
    return [
        ShortageChange(name, normalize(old.get(name, ZERO)), normalize(new.get(name, ZERO)))
        for name in labels
        if old.get(name, ZERO) != new.get(name, ZERO)
    ]


def _open_shortages(inv: Inventory, skip: set[str]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for build_id, build in inv.builds.items():
        if build.is_open and layout.build_path(build_id) not in skip:
            for shortage in build.shortages:
                out[shortage.part or "(unmatched rows)"] += shortage.quantity
    return out


def _result(build: Build | None) -> Any:
    if build is None:
        return None
    return (
        build.status, build.quantity, [reservation_data(r) for r in build.reservations],
        [shortage_data(s) for s in build.shortages], build.assemblies,
    )  # fmt: skip


def _builds(before: Inventory, after: Inventory, skip: set[str]) -> list[BuildChange]:
    out: list[BuildChange] = []
    for build_id in sorted(set(before.builds) | set(after.builds)):
        if layout.build_path(build_id) in skip:
            continue
        old, new = before.builds.get(build_id), after.builds.get(build_id)
        if _result(old) == _result(new):
            continue
        shown = new if new is not None else old
        assert shown is not None
        old_short = _short_by_label(old.shortages) if old is not None and old.is_open else {}
        new_short = _short_by_label(new.shortages) if new is not None and new.is_open else {}
        out.append(
            BuildChange(
                id=build_id, project=shown.project, version=shown.version, quantity=normalize(shown.quantity),
                before=old.status if old is not None else None, after=new.status if new is not None else None,
                reservations=list(shown.reservations), shortages=list(shown.shortages) if new is not None else [],
                shortage_changes=_changes(old_short, new_short),
                replanned=old is not None and new is not None and old.status == new.status,
            )
        )  # fmt: skip
    return out


# --- BOMs -------------------------------------------------------------------------------------


def _rows(inv: Inventory, target: Target, visible: list[str]) -> list[FlatRow] | None:
    if target.project is not None and (target.project, target.version) not in inv.boms:
        return None
    if target.part is not None and not (inv.parts.get(target.part) and inv.parts[target.part].bom):
        return None
    try:
        rows = explode(InventoryCatalog(inv), target)
    except CtbError:  # a unit mismatch: check reports it; the BOM reads as empty here
        rows = []
    return flatten(rows, visible)


def _targets(inv: Inventory) -> list[Target]:
    targets = [Target(f"{p}:{v}", project=p, version=v) for p, v in inv.boms]
    targets += [Target(pid, part=pid) for pid, part in inv.parts.items() if part.bom]
    return targets


def _boms(before: Inventory, after: Inventory, skip: set[str]) -> list[BomReview]:
    targets = {t.text: t for t in [*_targets(before), *_targets(after)]}
    # both sides compare the same extension columns: a ctb.yaml that does not read (no
    # extensions) or a column made visible is not a change of the rows' values
    names = [*visible_names(before.settings.bom_extensions), *visible_names(after.settings.bom_extensions)]
    visible = list(dict.fromkeys(names))
    out: list[BomReview] = []
    for text in sorted(targets, key=lambda t: (":" not in t, t)):
        target = targets[text]
        if target.path in skip:
            continue
        old, new = _rows(before, target, visible), _rows(after, target, visible)
        if old == new:
            continue
        if old is None:
            out.append(BomReview(text, "added", summarize_bom_change([], new or []), len(new or [])))
        elif new is None:
            out.append(BomReview(text, "removed", summarize_bom_change(old, []), len(old)))
        else:
            out.append(BomReview(text, "changed", summarize_bom_change(old, new), len(new)))
    return out


# --- orders -----------------------------------------------------------------------------------


def _order_total(order: Order) -> Decimal | None:
    if any(line.unit_price is None for line in order.lines):
        return None
    return normalize(sum((line.quantity * Decimal(str(line.unit_price)) for line in order.lines), ZERO))


def _orders(before: Inventory, after: Inventory, skip: set[str]) -> list[OrderChange]:
    out: list[OrderChange] = []
    for order_id in sorted(set(before.orders) | set(after.orders)):
        if layout.order_path(order_id) in skip:
            continue
        old, new = before.orders.get(order_id), after.orders.get(order_id)
        old_lines = old.lines if old is not None else None
        new_lines = new.lines if new is not None else None  # records: equal when every field is
        if (old.status if old else None) == (new.status if new else None) and old_lines == new_lines:
            continue
        shown = new if new is not None else old
        assert shown is not None
        out.append(
            OrderChange(
                id=order_id, vendor=shown.vendor, before=old.status if old else None,
                after=new.status if new else None, lines=len(shown.lines), total=_order_total(shown),
                currency=order_currency(after, shown),
                lines_changed=old is not None and new is not None and old_lines != new_lines,
            )
        )  # fmt: skip
    return out
