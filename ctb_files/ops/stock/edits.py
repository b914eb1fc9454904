"""Stock views and stock edits, computed from the inventory (pure).

This module owns the rows behind ``ctb stock show`` and ``ctb part list/show``
(on hand, reserved by open builds, available: see :mod:`ctb_files.ops.stock.ledger`)
and the decisions behind ``ctb stock add/set/move``: which line of which
stock file changes, from what quantity to what, and when to refuse.  Writing
the change into the file is the caller's business: a :class:`LineChange`
names the line by its position in the file's ``lines`` list, or asks for a
new line to be appended.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from ctb_files.core.models.common import LIMIT, valid_id
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.part import Part
from ctb_files.core.text import hint, number
from ctb_files.core.units import is_whole, normalize
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.stock.ledger import (
    ZERO,
    LineKey,
    line_key,
    line_states,
    reservations_by_line,
)

# --- looking things up ----------------------------------------------------------------------


def require_part(inv: Inventory, part: str) -> Part:
    """The part ``part``, or a one-line refusal with a "did you mean" hint."""
    found = inv.parts.get(part)
    if found is None:
        raise CtbError(f"no part {part!r} (parts/{part}.yaml){hint(part, sorted(inv.parts), quoted=True)}")
    return found


def require_location(inv: Inventory, location: str) -> None:
    if location not in inv.stock:
        raise CtbError(f"no stock location {location!r} (stock/{location}.yaml){hint(location, sorted(inv.stock), quoted=True)}")


def _check_quantity(part_id: str, part: Part, quantity: Decimal, *, zero_ok: bool) -> None:
    if quantity < 0 or (quantity == 0 and not zero_ok):
        raise CtbError(f"the quantity must be more than 0, not {quantity}")
    if part.unit == "pcs" and not is_whole(quantity):
        raise CtbError(f"{part_id} is counted in pieces: {number(quantity)} is not a whole number")


def require_known_location(inv: Inventory, location: str, *, new_location: bool = False) -> None:
    """A location stock may be put at: an existing one (or ``default_location``), or a new one when asked.

    A typo in ``--location`` would otherwise silently create a new stock file.
    """
    check_location_id(inv, location)
    if new_location or location in inv.stock or location == inv.settings.default_location:
        return
    raise CtbError(
        f"no stock location {location!r} (stock/{location}.yaml){hint(location, sorted(inv.stock))}; "
        "give --new-location to create it"
    )


def check_location_id(inv: Inventory, location: str) -> None:
    """A location a line may be created at: a valid id, not a case variant of another."""
    if not valid_id(location):
        raise UsageError(f"{location!r} is not a valid location id (letters, digits, . _ + -, max 80)")
    if location not in inv.stock:
        for other in sorted(set(inv.stock) | inv.seen.get("stock", set())):
            if other.casefold() == location.casefold():
                raise CtbError(f"location {location!r} differs from {other!r} only by case; use {other!r}")


# --- the view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class StockRow:
    """One stock line with what open builds hold on it."""

    location: str
    part: str
    bin: str | None
    on_hand: Decimal
    reserved: Decimal
    deprioritized: bool
    held_by: tuple[tuple[str, Decimal], ...] = ()  # (build id, quantity), by build id

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location, "part": self.part, "bin": self.bin,
            "on_hand": self.on_hand, "reserved": self.reserved, "available": self.available,
            "deprioritized": self.deprioritized,
        }  # fmt: skip


@dataclass(frozen=True)
class Totals:
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    def __add__(self, row: StockRow) -> Totals:
        return Totals(self.on_hand + row.on_hand, self.reserved + row.reserved)

    def to_json(self) -> dict[str, Any]:
        return {"on_hand": self.on_hand, "reserved": self.reserved, "available": self.available}


@dataclass(frozen=True)
class StockView:
    rows: list[StockRow]
    totals: dict[str, Totals]

    def to_json(self) -> dict[str, Any]:
        return {
            "lines": [row.to_json() for row in self.rows],
            "totals": {part: totals.to_json() for part, totals in self.totals.items()},
        }


def stock_rows(inv: Inventory) -> list[StockRow]:
    """Every stock line, sorted by location, bin and part."""
    held = reservations_by_line(inv)
    rows: list[StockRow] = []
    for key, state in line_states(inv).items():
        location, part, bin_ = key
        builds = tuple(sorted(held.get(key, {}).items()))
        rows.append(StockRow(location, part, bin_, state.on_hand, state.reserved, state.deprioritized, builds))
    return sorted(rows, key=lambda r: (r.location, r.bin or "", r.part))


def stock_view(inv: Inventory, part: str | None = None, location: str | None = None) -> StockView:
    """The lines of ``ctb stock show`` (optionally one part and/or one location) and per-part totals.

    Totals count every line, deprioritized ones too: they are on hand, and
    available to a person even though clearing never reserves them.
    """
    if part is not None:
        require_part(inv, part)
    if location is not None:
        require_location(inv, location)
    rows = [
        row for row in stock_rows(inv)
        if (part is None or row.part == part) and (location is None or row.location == location)
    ]  # fmt: skip
    totals: dict[str, Totals] = {}
    for row in rows:
        totals[row.part] = totals.get(row.part, Totals()) + row
    return StockView(rows, dict(sorted(totals.items())))


# --- part browsing --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartRow:
    id: str
    name: str
    value: str | None
    package: str | None
    unit: str
    on_hand: Decimal
    available: Decimal

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def matches(part_id: str, part: Part, search: str) -> bool:
    """Whether ``search`` occurs (ignoring case) in the part's id, name, value, description, an MPN or a SKU."""
    needle = search.casefold()
    texts = [part_id, part.name, part.value or "", part.description or ""]
    texts += [text for vp in part.vendor_parts for text in (vp.sku, vp.mpn or "")]
    return any(needle in text.casefold() for text in texts)


def part_rows(inv: Inventory, tag: str | None = None, search: str | None = None) -> list[PartRow]:
    """Every part (or those tagged ``tag``, or matching ``search``) with its stock in total, sorted by id."""
    totals = stock_view(inv).totals
    out: list[PartRow] = []
    for part_id in sorted(inv.parts):
        part = inv.parts[part_id]
        if tag is not None and tag not in part.tags:
            continue
        if search is not None and not matches(part_id, part, search):
            continue
        t = totals.get(part_id, Totals())
        out.append(PartRow(part_id, part.name, part.value, part.package, part.unit, t.on_hand, t.available))
    return out


def equivalents_of(inv: Inventory, part_id: str) -> list[str]:
    """Direct equivalents, either side listing the other (the graph is undirected)."""
    found = set(inv.parts[part_id].equivalents) if part_id in inv.parts else set()
    found |= {other for other, part in inv.parts.items() if part_id in part.equivalents}
    found.discard(part_id)
    return sorted(found)


# --- edits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineChange:
    """A new on-hand quantity for one stock line.

    ``index`` is the line's position in ``stock/<location>.yaml``'s ``lines``;
    ``None`` means the line does not exist yet and is appended (the file is
    created when the location is new).  ``note`` is written to the line when set.
    """

    location: str
    part: str
    bin: str | None
    index: int | None
    before: Decimal
    after: Decimal
    note: str | None = None

    @property
    def delta(self) -> Decimal:
        return self.after - self.before

    @property
    def key(self) -> LineKey:
        return line_key(self.location, self.part, self.bin)

    def to_json(self) -> dict[str, Any]:
        return {"location": self.location, "part": self.part, "bin": self.bin, "before": self.before, "after": self.after}


def where(location: str, bin_: str | None) -> str:
    """``drawer-a`` or ``drawer-a bin 3``."""
    return location + (f" bin {bin_}" if bin_ else "")


def _find_line(inv: Inventory, location: str, part: str, bin_: str | None) -> tuple[int, Decimal] | None:
    stock = inv.stock.get(location)
    if stock is None:
        return None
    wanted = line_key(location, part, bin_)
    for index, line in enumerate(stock.lines):
        if line_key(location, line.part, line.bin) == wanted:
            return index, line.quantity
    return None


def _change(
    inv: Inventory, location: str, part: str, bin_: str | None, new: Callable[[Decimal], Decimal], note: str | None = None
) -> LineChange:
    """The change of one line; ``new`` maps the current quantity to the new one."""
    found = _find_line(inv, location, part, bin_)
    index, before = found if found is not None else (None, ZERO)
    after = normalize(new(before))
    if after >= LIMIT:
        raise CtbError(f"{part} at {where(location, bin_)} would reach {number(after)}; quantities stay below 10^15")
    return LineChange(location, part, bin_ or None, index, before, after, note)


def _held(inv: Inventory, key: LineKey) -> dict[str, Decimal]:
    return reservations_by_line(inv).get(key, {})


def _builds(held: dict[str, Decimal]) -> str:
    names = ", ".join(f"{build} ({number(qty)})" for build, qty in sorted(held.items()))
    return ("build " if len(held) == 1 else "builds ") + names


def plan_add(
    inv: Inventory, part: str, quantity: Decimal, location: str | None, bin_: str | None = None, note: str | None = None,
    *, new_location: bool = False,
) -> LineChange:
    """Add ``quantity`` to a line (created, with its stock file, when missing)."""
    model = require_part(inv, part)
    location = location or inv.settings.default_location
    if location is None:
        raise UsageError("give --location (ctb.yaml has no default_location)")
    require_known_location(inv, location, new_location=new_location)
    _check_quantity(part, model, quantity, zero_ok=False)
    return _change(inv, location, part, bin_, lambda before: before + quantity, note)


def plan_set(
    inv: Inventory, part: str, quantity: Decimal, location: str, bin_: str | None = None, *, new_location: bool = False
) -> LineChange:
    """Set a line's on-hand quantity (a stock count); refuses to go below what builds reserve there."""
    model = require_part(inv, part)
    require_known_location(inv, location, new_location=new_location)
    _check_quantity(part, model, quantity, zero_ok=True)
    change = _change(inv, location, part, bin_, lambda before: quantity)
    held = _held(inv, change.key)
    reserved = sum(held.values(), ZERO)
    if quantity < reserved:
        raise CtbError(
            f"cannot set {part} at {where(location, bin_)} to {number(quantity)}: {_builds(held)} "
            f"{'reserves' if len(held) == 1 else 'reserve'} {number(reserved)} there; "
            f"cancel or re-clear {'it' if len(held) == 1 else 'them'} first"
        )
    return change


def plan_move(
    inv: Inventory,
    part: str,
    quantity: Decimal,
    source: str,
    target: str,
    source_bin: str | None = None,
    target_bin: str | None = None,
    *,
    new_location: bool = False,
) -> list[LineChange]:
    """Move ``quantity`` from one line to another; refuses to take reserved stock."""
    model = require_part(inv, part)
    require_known_location(inv, target, new_location=new_location)
    _check_quantity(part, model, quantity, zero_ok=False)
    if line_key(source, part, source_bin) == line_key(target, part, target_bin):
        raise UsageError("the source and the target are the same stock line")
    on_hand = _on_hand(inv, source, part, source_bin, "--from-bin")
    held = _held(inv, line_key(source, part, source_bin))
    reserved = sum(held.values(), ZERO)
    available = on_hand - reserved
    if quantity > available:
        why = f", {number(reserved)} reserved by {_builds(held)}" if held else ""
        raise CtbError(
            f"cannot move {number(quantity)} {part} from {where(source, source_bin)}: "
            f"{number(on_hand)} on hand{why}, {number(max(available, ZERO))} available"
        )
    out = _change(inv, source, part, source_bin, lambda before: before - quantity)
    into = _change(inv, target, part, target_bin, lambda before: before + quantity)
    return [out, into]


def _on_hand(inv: Inventory, location: str, part: str, bin_: str | None, bin_option: str) -> Decimal:
    """What an existing line has on hand, or a refusal naming the bins that hold the part."""
    found = _find_line(inv, location, part, bin_)
    if found is None:
        require_location(inv, location)
        bins = sorted(line.bin for line in inv.stock[location].lines if line.part == part and line.bin)
        hint = f" (it is in bin {', '.join(bins)}: give {bin_option})" if bins and bin_ is None else ""
        raise CtbError(f"{where(location, bin_)} holds no {part}{hint}")
    return found[1]


def plan_remove(inv: Inventory, part: str, quantity: Decimal, location: str, bin_: str | None = None) -> LineChange:
    """Take ``quantity`` out of an existing line; never below what open builds reserve on it."""
    model = require_part(inv, part)
    _check_quantity(part, model, quantity, zero_ok=False)
    on_hand = _on_hand(inv, location, part, bin_, "--bin")
    if quantity > on_hand:
        raise CtbError(f"cannot remove {number(quantity)} {part} from {where(location, bin_)}: only {number(on_hand)} on hand")
    held = _held(inv, line_key(location, part, bin_))
    reserved = sum(held.values(), ZERO)
    if on_hand - quantity < reserved:
        raise CtbError(
            f"cannot remove {number(quantity)} {part} from {where(location, bin_)}: {number(on_hand)} on hand, "
            f"{_builds(held)} {'reserves' if len(held) == 1 else 'reserve'} {number(reserved)}, "
            f"at most {number(on_hand - reserved)} can be removed"
        )
    return _change(inv, location, part, bin_, lambda before: before - quantity)
