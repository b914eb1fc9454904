"""Stock lines and what open builds hold on them: on hand, reserved, available.

A stock line is identified by (location, part, bin).  What a line has on hand
is in the stock files; what is reserved is the sum of the ``take`` entries of
open builds' reservations.  Everything here is pure and computed once per
command from the inventory.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # over_reserved is asked where no model is imported
    from ctb_files.core.models.build import Build
    from ctb_files.core.models.inventory import Inventory

LineKey = tuple[str, str, str | None]  # (location, part, bin)

ZERO = Decimal(0)


def line_key(location: str, part: str, bin_: str | None) -> LineKey:
    return (location, part, bin_ or None)


def label(key: LineKey) -> str:
    """``drawer-a/tl074-soic`` or ``drawer-a/tl074-soic#3`` when the line has a bin."""
    location, part, bin_ = key
    return f"{location}/{part}" + (f"#{bin_}" if bin_ else "")


# a named tuple, not a dataclass: ``over_reserved`` is asked where ``dataclasses`` is not imported
class LineState(NamedTuple):
    key: LineKey
    on_hand: Decimal
    reserved: Decimal
    deprioritized: bool

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved


def holdings(build: Build) -> dict[LineKey, Decimal]:
    """What one build's reservations take from each stock line."""
    out: dict[LineKey, Decimal] = {}
    for reservation in build.reservations:
        for take in reservation.take:
            key = line_key(take.location, take.part, take.bin)
            out[key] = out.get(key, ZERO) + take.quantity
    return out


def reservations_by_line(
    inv: Inventory, exclude: Iterable[str] = ()
) -> dict[LineKey, dict[str, Decimal]]:
    """Per stock line, which open builds reserve how much (``exclude`` left out)."""
    skip = set(exclude)
    out: dict[LineKey, dict[str, Decimal]] = defaultdict(dict)
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        if build_id in skip or not build.is_open:
            continue
        for key, quantity in holdings(build).items():
            out[key][build_id] = out[key].get(build_id, ZERO) + quantity
    return dict(out)


def reserved_lines(
    inv: Inventory, reserved: Mapping[LineKey, dict[str, Decimal]] | None = None
) -> dict[str, list[tuple[int, LineKey, dict[str, Decimal]]]]:
    """By location, each stock line open builds reserve from: its index, key, and which builds hold how much.

    A line written twice counts once, at its first index (the duplicate is
    reported by its own check).  The over-reservation check reads this, and
    so does what a full ``ctb check`` keeps for showing a later edit of counts
    unchanged (:func:`ctb_files.storage.unread.facts_of`).  ``reserved``:
    :func:`reservations_by_line` of ``inv``, when the caller has it.
    """
    if reserved is None:
        reserved = reservations_by_line(inv)
    out: dict[str, list[tuple[int, LineKey, dict[str, Decimal]]]] = {}
    for location in sorted(inv.stock):
        seen: set[LineKey] = set()
        for i, line in enumerate(inv.stock[location].lines):
            key = line_key(location, line.part, line.bin)
            if key in seen or key not in reserved:
                continue  # a duplicate line is reported by its own check and counted once
            seen.add(key)
            out.setdefault(location, []).append((i, key, reserved[key]))
    return out


def over_reserved(held: Decimal, on_hand: Decimal) -> bool:
    """Whether open builds hold more of a line than it has on hand (CTB301)."""
    return held > on_hand


def line_states(inv: Inventory, exclude: Iterable[str] = ()) -> dict[LineKey, LineState]:
    """Every stock line with on hand, reserved (by open builds not excluded) and available."""
    reserved = reservations_by_line(inv, exclude)
    out: dict[LineKey, LineState] = {}
    for location in sorted(inv.stock):
        for line in inv.stock[location].lines:
            key = line_key(location, line.part, line.bin)
            held = sum(reserved.get(key, {}).values(), ZERO)
            if key in out:  # duplicate line: check reports it; count it once
                continue
            out[key] = LineState(key, line.quantity, held, line.deprioritized)
    return out
