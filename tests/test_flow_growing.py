"""The joint solver against a plain networkx solution of the same questions.

``solve`` grows one maximum flow part by part (which parts are covered
whole, what each short part earmarks), skips the min-cost flow when no
part's cheapest fill cuts into another's, and otherwise runs its own
min-cost flow.  The reference below asks networkx instead: one maximum
flow per question and always its min-cost maximum flow.  On random groups
of parts sharing lines, with offers cheapest first as the allocator makes
them (strictly increasing costs, a line offered twice), both give the same
shortages (with partial reservations, the same in all), and takes that fit
every offer and line and cost exactly as much.  Which of several equally
cheap assignments comes out is each solver's own; where only one is
cheapest, both give it.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.ops.builds.flow import Offer, Solution, _cheapest, _components, _uncontended, solve

S, T = ("s",), ("t",)


def network(wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Hashable, int]) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_node(S)
    graph.add_node(T)
    for part, amount in wanted.items():
        graph.add_edge(S, ("p", part), capacity=amount, weight=0)
        for i, offer in enumerate(offers.get(part, ())):
            graph.add_edge(("p", part), ("o", part, i), capacity=offer.capacity, weight=offer.cost)
            graph.add_edge(("o", part, i), ("l", offer.line), capacity=offer.capacity, weight=0)
            graph.add_edge(("l", offer.line), T, capacity=capacity.get(offer.line, 0), weight=0)
    return graph


def most(wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Hashable, int]) -> int:
    if not any(wanted.values()):
        return 0
    return int(nx.maximum_flow_value(network(wanted, offers, capacity), S, T))


def reference(order: list[str], needs: dict[str, int], offers: dict[str, list[Offer]], capacity: dict[Hashable, int],
              partial: bool) -> Solution:  # fmt: skip
    out = Solution({}, {})
    wanted = dict(needs)
    if not partial and most(wanted, offers, capacity) < sum(wanted.values()):
        accepted: dict[str, int] = {}
        short = []
        for part in order:
            trial = {**accepted, part: needs[part]}
            if most(trial, offers, capacity) == sum(trial.values()):
                accepted = trial
            else:
                short.append(part)
        required, base = dict(accepted), sum(accepted.values())
        for part in short:
            earmark = most({**required, part: needs[part]}, offers, capacity) - base
            required[part] = earmark
            base += earmark
            out.short[part], out.takes[part] = needs[part] - earmark, {}
        wanted = accepted
    flows = nx.max_flow_min_cost(network(wanted, offers, capacity), S, T)
    for part, amount in wanted.items():
        takes: dict[Hashable, int] = {}
        for i, offer in enumerate(offers.get(part, ())):
            got = flows[("p", part)].get(("o", part, i), 0)
            if got > 0:
                takes[offer.line] = takes.get(offer.line, 0) + got
        out.takes[part], out.short[part] = takes, amount - sum(takes.values())
    return out


@st.composite
def groups(draw: st.DrawFn) -> tuple[list[str], dict[str, int], dict[str, list[Offer]], dict[Hashable, int]]:
    lines = [f"L{i}" for i in range(draw(st.integers(1, 5)))]
    order = [f"p{i}" for i in range(draw(st.integers(2, 5)))]
    capacity: dict[Hashable, int] = {line: draw(st.integers(0, 12)) for line in lines}
    needs = {part: draw(st.integers(0, 15)) for part in order}
    offers: dict[str, list[Offer]] = {}
    for part in order:
        chosen = draw(st.lists(st.sampled_from(lines), min_size=1, max_size=4))  # a line may come twice
        cost = 0
        listed = []
        for line in chosen:
            cost += draw(st.integers(1, 3))
            listed.append(Offer(line, draw(st.integers(0, 12)), cost))
        offers[part] = listed
    return order, needs, offers, capacity


@settings(max_examples=400, deadline=None)
@given(groups(), st.booleans())
def test_the_solver_answers_as_networkx_does(
    group: tuple[list[str], dict[str, int], dict[str, list[Offer]], dict[Hashable, int]], partial: bool
) -> None:
    order, needs, offers, capacity = group
    got = solve(order, needs, offers, capacity, partial)
    # the reference answers each group of parts sharing lines, grouped as the solver groups them
    want = Solution({}, {})
    for members in _components(order, offers):
        sub = reference(members, {p: needs[p] for p in members}, {p: offers[p] for p in members}, capacity, partial)
        want.takes.update(sub.takes)
        want.short.update(sub.short)
    if partial:  # as much in all; which part goes short in a tie is each solver's own
        assert sum(got.short.values()) == sum(want.short.values())
    else:  # whole or nothing: accepted and short parts and earmarks come before any cost
        assert got.short == want.short
    assert set(got.takes) == set(want.takes) == set(order)
    for part in order:
        # whole or nothing: a short part takes nothing (its shortage is its need less its earmark)
        taken = needs[part] - got.short[part] if partial or got.short[part] == 0 else 0
        assert sum(got.takes[part].values()) == taken
    for line, room in capacity.items():
        assert sum(takes.get(line, 0) for takes in got.takes.values()) <= room
    assert sum(cost(got.takes[p], offers[p]) for p in order) == sum(cost(want.takes[p], offers[p]) for p in order)


def cost(takes: Mapping[Hashable, int], offers: Sequence[Offer]) -> int:
    """What a part's takes cost at the least: each line's units on its cheapest offers of that line first.

    Fails when an offer's capacity cannot hold what was taken of its line.
    """
    total = 0
    for line, amount in takes.items():
        for offer in sorted((o for o in offers if o.line == line), key=lambda o: o.cost):
            step = min(amount, offer.capacity)
            total += step * offer.cost
            amount -= step
        assert amount == 0, f"{line} taken beyond its offers"
    return total


@settings(max_examples=300, deadline=None)
@given(groups())
def test_the_uncontended_fill_is_what_the_min_cost_flow_finds(
    group: tuple[list[str], dict[str, int], dict[str, list[Offer]], dict[Hashable, int]],
) -> None:
    # the shortcut claims the only cheapest flow: the solver must find exactly it, as networkx does
    order, needs, offers, capacity = group
    filled = _uncontended(needs, offers, capacity)
    if filled is None:
        return
    assert _cheapest(needs, offers, capacity) == filled
    flows = nx.max_flow_min_cost(network(needs, offers, capacity), S, T)
    for part, takes in filled.items():
        by_line: dict[Hashable, int] = {}
        for i, offer in enumerate(offers[part]):
            got = flows[("p", part)].get(("o", part, i), 0)
            if got:
                by_line[offer.line] = by_line.get(offer.line, 0) + got
        assert by_line == takes


def test_parts_competing_for_a_line_are_served_at_the_least_cost() -> None:
    # p0 prefers A (cost 1) over B (5); p1 prefers A (1) over C (2); A holds 4, B and C 10.
    # p0 on A costs 4 less a unit than on B, p1 only 1 less than on C: p0 gets all of A.
    # p0: 4 on A + 2 on B = 14, p1: 6 on C = 12, 26 in all (p1 on A instead: 30 + 8 = 38)
    offers = {"p0": [Offer("A", 10, 1), Offer("B", 10, 5)], "p1": [Offer("A", 10, 1), Offer("C", 10, 2)]}
    got = solve(["p0", "p1"], {"p0": 6, "p1": 6}, offers, {"A": 4, "B": 10, "C": 10}, partial=False)
    assert got.short == {"p0": 0, "p1": 0}
    assert got.takes == {"p0": {"A": 4, "B": 2}, "p1": {"C": 6}}
    # partial, B empty, C holds 3, p1 prefers C (2) to A (3): 7 units for 12 asked.
    # p0 can only use A; each unit of A p1 gives up costs it 3 and p0 1: p0 takes all of A
    offers = {"p0": [Offer("A", 10, 1), Offer("B", 10, 5)], "p1": [Offer("C", 10, 2), Offer("A", 10, 3)]}
    got = solve(["p0", "p1"], {"p0": 6, "p1": 6}, offers, {"A": 4, "B": 0, "C": 3}, partial=True)
    assert got.short == {"p0": 2, "p1": 3}
    assert got.takes == {"p0": {"A": 4}, "p1": {"C": 3}}


def test_a_short_part_earmarks_what_moving_another_part_frees() -> None:
    # p0 may use A or B, p1 only A; A and B hold 5 each.  p0 first takes A (cheaper);
    # p1 then needs p0 moved to B: together both are covered, the network has to find that
    offers = {"p0": [Offer("A", 5, 1), Offer("B", 5, 2)], "p1": [Offer("A", 5, 1)]}
    got = solve(["p0", "p1"], {"p0": 5, "p1": 5}, offers, {"A": 5, "B": 5}, partial=False)
    assert got.short == {"p0": 0, "p1": 0}
    assert got.takes == {"p0": {"B": 5}, "p1": {"A": 5}}
    # with 8 asked of p1 it is short: it earmarks the 5 that moving p0 frees and is short by 3
    got = solve(["p0", "p1"], {"p0": 5, "p1": 8}, offers, {"A": 5, "B": 5}, partial=False)
    assert got.short == {"p0": 0, "p1": 3}
    assert got.takes == {"p0": {"A": 5}, "p1": {}}
