"""The joint solver's shortcuts against the plain networkx solution they replace.

``solve`` grows one maximum flow part by part (which parts are covered
whole, what each short part earmarks) and skips the min-cost flow when no
part's cheapest fill cuts into another's.  The reference below is the
solver as it was written first: one networkx maximum flow per question and
always the min-cost flow.  Both must give the same takes and shortages on
random groups of parts sharing lines, with offers cheapest first as the
allocator makes them (strictly increasing costs, a line offered twice).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.ops.builds.flow import Offer, Solution, _components, solve

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
def test_the_grown_flow_and_the_uncontended_fill_answer_as_the_networkx_solution(
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
    assert got.short == want.short
    assert got.takes == want.takes


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
