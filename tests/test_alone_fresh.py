"""A part that holds none of its lines, or exactly its need, takes them without a plan of offers: the same answer as with one."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.ops.builds.allocate import places_needed
from ctb_files.ops.builds.flow import Offer
from ctb_files.ops.builds.offers import (
    alone_by_plan,
    alone_fresh,
    alone_planned,
    offer_plan,
    part_offers,
    rank_cost,
    serve_alone,
)

LINES = [("a", "p1", None), ("a", "p2", "B1"), ("b", "p1", None), ("b", "p3", "B2"), ("c", "p4", None), ("a", "p1", "B0")]
amounts = st.decimals(min_value=0, max_value=40, places=1)


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[tuple[tuple[str, str, str | None], int, int, Decimal]], Decimal, dict, bool]:
    keys = draw(st.lists(st.sampled_from(LINES), unique=True, max_size=len(LINES)))
    rows = [(key, draw(st.integers(0, 2)), draw(st.integers(0, 3)), Decimal(0)) for key in keys]
    capacity = {key: draw(amounts) for key in keys}
    return rows, draw(amounts), capacity, draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(cases())
def test_fresh_lines_answer_as_the_plan_does(case: tuple[list, Decimal, dict, bool]) -> None:
    rows, need, capacity, partial = case
    fresh = alone_fresh(rows, need, capacity, partial)
    planned = alone_planned(rows, need, capacity, partial)
    assert fresh == planned
    assert [str(amount) for amount in fresh[0].values()] == [str(amount) for amount in planned[0].values()]
    assert str(fresh[1]) == str(planned[1])
    assert serve_alone(rows, need, capacity, partial) == planned


def test_the_cheapest_line_alone_when_it_covers_the_need() -> None:
    own, other = ("a", "p1", None), ("b", "p2", None)
    rows = [(other, 1, 1, Decimal(0)), (own, 0, 0, Decimal(0))]
    assert alone_fresh(rows, Decimal(5), {own: Decimal(8), other: Decimal(2)}, False) == ({own: Decimal(5)}, Decimal(0))
    # not enough on the own line: it empties first, the equivalent gives the rest
    assert alone_fresh(rows, Decimal(9), {own: Decimal(8), other: Decimal(2)}, False) == (
        {own: Decimal(8), other: Decimal(1)}, Decimal(0))  # fmt: skip
    # not enough at all: whole or nothing, short by what is missing
    assert alone_fresh(rows, Decimal(11), {own: Decimal(8), other: Decimal(2)}, False) == ({}, Decimal(1))
    assert alone_fresh(rows, Decimal(11), {own: Decimal(8), other: Decimal(2)}, True) == (
        {own: Decimal(8), other: Decimal(2)}, Decimal(1))  # fmt: skip


@st.composite
def held_cases(draw: st.DrawFn) -> tuple[list[tuple[tuple[str, str, str | None], int, int, Decimal]], Decimal, dict, bool]:
    keys = draw(st.lists(st.sampled_from(LINES), unique=True, min_size=2, max_size=len(LINES)))
    rows = [(key, draw(st.integers(0, 2)), draw(st.integers(0, 3)), draw(amounts)) for key in keys]
    capacity = {key: draw(amounts) + Decimal("0.1") for key in keys}  # a row's line always has some left
    covered = sum((min(row[3], capacity[row[0]]) for row in rows), Decimal(0))
    # mostly a re-clear (what it holds is its need), else any need
    need = covered if draw(st.booleans()) else draw(amounts)
    return rows, need, capacity, draw(st.booleans())


@settings(max_examples=400, deadline=None)
@given(held_cases())
def test_held_lines_answer_as_the_plan_does(case: tuple[list, Decimal, dict, bool]) -> None:
    rows, need, capacity, partial = case
    takes, short = alone_planned(rows, need, capacity, partial)
    ref_takes, ref_short = alone_by_plan(rows, need, capacity, partial)
    assert (takes, short) == (ref_takes, ref_short)
    assert {key: str(amount) for key, amount in takes.items()} == {key: str(amount) for key, amount in ref_takes.items()}
    assert str(short) == str(ref_short)


def test_a_part_holding_exactly_its_need_keeps_it() -> None:
    own, other = ("a", "p1", None), ("b", "p1", "B2")
    rows = [(own, 0, 0, Decimal(3)), (other, 0, 0, Decimal(2))]
    assert alone_planned(rows, Decimal(5), {own: Decimal(10), other: Decimal(2)}, False) == (
        {own: Decimal(3), other: Decimal(2)}, Decimal(0))  # fmt: skip
    # a line that shrank below what was held: the rest comes from where the plan puts it
    assert alone_planned(rows, Decimal(5), {own: Decimal(10), other: Decimal(1)}, False) == (
        {own: Decimal(4), other: Decimal(1)}, Decimal(0))  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(cases(), st.sampled_from([0, 1, 2]))
def test_offers_of_lines_not_held_are_the_plans_offers(case: tuple[list, Decimal, dict, bool], places: int) -> None:
    """The joint solver's offers of a part that holds nothing yet are made without the plan: the same list."""
    rows, _need, capacity, _partial = case
    capacity = {key: amount + Decimal("0.1") for key, amount in capacity.items()}  # a row's line has some left

    def whole(amount: Decimal) -> int:
        return int(amount.scaleb(places))

    planned = [
        Offer(row[0], whole(amount), position if held else rank_cost(row, position))
        for row, amount, held, position in offer_plan(rows, capacity)
    ]
    assert part_offers(rows, capacity, whole) == planned


@settings(max_examples=400, deadline=None)
@given(st.decimals(min_value=-(10**15), max_value=10**15, allow_nan=False, allow_infinity=False, places=None))
def test_the_places_a_number_needs_make_it_whole_and_no_fewer_would(number: Decimal) -> None:
    places = places_needed(number)
    assert places >= 0
    assert number.scaleb(places) == number.scaleb(places).to_integral_value()
    if places:
        assert number.scaleb(places - 1) != number.scaleb(places - 1).to_integral_value()
    assert places_needed(number.normalize()) == places  # equal numbers need as many: 2.50 as 2.5


def test_places_of_written_numbers() -> None:
    assert [places_needed(Decimal(text)) for text in ("5", "2.50", "2.5", "0.125", "100.0", "1E+2", "0.00", "-0.3")] == [
        0, 1, 1, 3, 0, 0, 0, 1,
    ]  # fmt: skip
