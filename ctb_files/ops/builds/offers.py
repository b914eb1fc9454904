"""A part's offers of stock lines, cheapest first, and what a part takes alone (PRODUCT.md 4.3).

The ranking rules of the allocation engine: within a tier the least
available line goes first (ties by location, bin); what a part already
holds comes before anything new, so a re-plan keeps it.  A part whose
lines no other part of the build may use takes its offers cheapest first
(:func:`serve_alone`), as the joint solver would give it
(:mod:`ctb_files.ops.builds.flow`); for parts that share lines,
:func:`part_offers` makes the solver's offers.  Amounts are in the part's
base unit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal

from ctb_files.ops.builds.flow import Offer
from ctb_files.ops.stock.ledger import ZERO, LineKey

__all__ = [
    "Row", "alone_by_plan", "alone_fresh", "alone_planned", "fresh_order", "offer_plan", "part_offers", "rank_cost",
    "serve_alone", "walk_order",
]  # fmt: skip

Row = tuple[LineKey, int, int, Decimal]  # line, tier, equivalence hops, held by this part (base unit)


def serve_alone(
    found: list[Row], need: Decimal, capacity: Mapping[LineKey, Decimal], partial: bool
) -> tuple[dict[LineKey, Decimal], Decimal]:
    """What a part takes (per line, base unit) and is short when no other part of the build uses its lines.

    The solver's answer for a part alone: whole or nothing (unless partial),
    offers cheapest first (:func:`offer_plan`), in exact decimals.
    """
    if len(found) == 1:  # the common case: one line
        line = found[0][0]
        supply = capacity[line]
        got = need if supply >= need else (supply if partial else ZERO)
        return ({line: got} if got > 0 else {}), max(need - supply, ZERO)
    if not any(row[3] for row in found):  # what a part holds is never below zero
        return alone_fresh(found, need, capacity, partial)
    return alone_planned(found, need, capacity, partial)


def alone_planned(
    found: list[Row], need: Decimal, capacity: Mapping[LineKey, Decimal], partial: bool
) -> tuple[dict[LineKey, Decimal], Decimal]:
    """:func:`serve_alone` through the whole plan of offers (what the part holds first).

    When what it holds (and may still hold) is exactly its need, as on a
    re-clear, the plan's held offers come first and are taken whole: that is
    the answer, without the plan (:func:`alone_by_plan` is the reference).
    """
    held = {row[0]: min(row[3], capacity[row[0]]) for row in found if row[3] > 0}
    total = sum(held.values(), ZERO)
    if held and total == need:
        return held, need - total
    return alone_by_plan(found, need, capacity, partial)


def alone_by_plan(
    found: list[Row], need: Decimal, capacity: Mapping[LineKey, Decimal], partial: bool
) -> tuple[dict[LineKey, Decimal], Decimal]:
    plan = offer_plan(found, capacity)
    left: dict[LineKey, Decimal] = {}
    for row, amount, _held, _position in plan:
        left[row[0]] = left.get(row[0], ZERO) + amount
    for line in left:
        left[line] = min(left[line], capacity[line])
    supply = sum(left.values(), ZERO)
    if not partial and supply < need:
        return {}, need - supply
    rest = need
    takes: dict[LineKey, Decimal] = {}
    for row, amount, _held, _position in plan:
        if rest <= 0:
            break
        amount = min(amount, left[row[0]], rest)
        if amount > 0:
            takes[row[0]] = takes.get(row[0], ZERO) + amount
            left[row[0]] -= amount
            rest -= amount
    return takes, rest


def alone_fresh(
    found: list[Row], need: Decimal, capacity: Mapping[LineKey, Decimal], partial: bool
) -> tuple[dict[LineKey, Decimal], Decimal]:
    """:func:`serve_alone` for a part that holds none of its lines yet: the same answer, without a plan.

    Its offers are its lines whole, in the order of :func:`fresh_order`; the
    cheapest line alone covers the need most of the time.
    """
    supply = sum((capacity[row[0]] for row in found), ZERO)
    if not partial and supply < need:
        return {}, need - supply
    if not found:
        return {}, need
    first = min(found, key=lambda r: fresh_order(r, capacity))
    if capacity[first[0]] >= need:
        return ({first[0]: need} if need > 0 else {}), need - need
    rest = need
    takes: dict[LineKey, Decimal] = {}
    for row in sorted(found, key=lambda r: fresh_order(r, capacity)):
        if rest <= 0:
            break
        amount = min(capacity[row[0]], rest)
        if amount > 0:
            takes[row[0]] = amount
            rest -= amount
    return takes, rest


def fresh_order(row: Row, capacity: Mapping[LineKey, Decimal]) -> tuple[int, int, Decimal, tuple[str, str, str]]:
    """Where a line not held yet comes among a part's offers: tier, hops, least available, location and bin."""
    return (row[1], row[2], capacity[row[0]], walk_order(row[0]))


def part_offers(found: list[Row], capacity: Mapping[LineKey, Decimal], whole: Callable[[Decimal], int]) -> list[Offer]:
    """One part's offers, cheapest first.

    What it holds comes first, kept from the first tier and the least
    remaining line first (so excess is released from the last tier, then
    from the line with the most stock remaining); then the rest of the lines
    it holds; then new lines: own before equivalents before fallbacks, fewer
    hops, least available, then location and bin.

    Costs compare across the parts of a build: a unit a part already holds
    is cheapest, then own lines, equivalents (fewer hops first) and
    fallbacks, whichever part asks; the position in the part's own order
    breaks ties.  So a re-plan keeps what each part holds, and the same data
    always gives the same assignment.
    """
    if len(found) == 1 and found[0][3] <= 0:  # the common case: one line, not yet held
        return [Offer(found[0][0], whole(capacity[found[0][0]]), rank_cost(found[0], 0))]
    if not any(row[3] for row in found):  # nothing held yet (a first clear): the plan's fresh lines alone
        ordered = sorted(found, key=lambda r: fresh_order(r, capacity))
        return [Offer(row[0], whole(capacity[row[0]]), rank_cost(row, position)) for position, row in enumerate(ordered)]
    return [
        Offer(row[0], whole(amount), position if held else rank_cost(row, position))
        for row, amount, held, position in offer_plan(found, capacity)
    ]


def offer_plan(found: list[Row], capacity: Mapping[LineKey, Decimal]) -> list[tuple[Row, Decimal, bool, int]]:
    """(line, amount, held, position) of one part's offers, cheapest first (see :func:`part_offers`)."""
    kept = {row[0]: min(row[3], capacity[row[0]]) for row in found if row[3] > 0}
    holding = sorted(
        (row for row in found if row[0] in kept), key=lambda r: (r[1], capacity[r[0]] - kept[r[0]], walk_order(r[0]))
    )
    fresh = sorted(found, key=lambda r: (r[0] not in kept, *fresh_order(r, capacity)))
    plan = [(row, kept[row[0]], True) for row in holding]
    plan += [(row, capacity[row[0]] - kept.get(row[0], ZERO), False) for row in fresh]
    return [(row, amount, held, position) for position, (row, amount, held) in enumerate(plan) if amount > 0]


_CLASS = 1_000_000  # more offers than any part has, so the class always decides first


def rank_cost(row: Row, position: int) -> int:
    """Cost of a unit not yet held: by tier and hops (the same scale for every part), then position."""
    return (1 + row[1] * 100 + min(row[2], 99)) * _CLASS + position


def walk_order(key: LineKey) -> tuple[str, str, str]:
    """Walking order of a stock line: location, bin, part."""
    return (key[0], key[2] or "", key[1])
