"""The joint assignment of stock lines to a build's parts, solved exactly (PRODUCT.md 4.3).

Input is plain integers: each part's need and, per part, its *offers* (a
stock line, how much of it the part may take, a per-unit cost that encodes
the preferences of 4.3 as a rank); each line's capacity is shared by every
part that may use it.  Quantities arrive scaled to whole numbers by the
caller, so the solver is exact.

Parts that share no line with another part are solved alone by filling
their offers cheapest first, which is what a min-cost flow gives for a
single source.  Parts that share lines are solved together as a flow
network source → part → offer → line → sink with networkx (maximum flow
for "can these parts be covered together", min-cost maximum flow for the
chosen assignment).

Whole-or-nothing (the default): parts are accepted in the given order when
they can be covered together with the parts accepted before them; each
short part then earmarks the most it could still get after the accepted
parts and the earlier earmarks, and is short by the rest, so buying exactly
the shortages covers the build.  Partial: the total assigned is maximised.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where a joint solve runs: most parts never need one (and the import is slow)
    import networkx as nx

__all__ = ["Offer", "Solution", "solve"]

Line = Hashable
_SOURCE = ("source",)
_SINK = ("sink",)


@dataclass(frozen=True)
class Offer:
    """``capacity`` units of ``line`` a part may take, at ``cost`` per unit."""

    line: Line
    capacity: int
    cost: int


@dataclass
class Solution:
    """Per part: units taken per line, and how many units it is short."""

    takes: dict[str, dict[Line, int]]
    short: dict[str, int]


def solve(
    order: Sequence[str],
    needs: Mapping[str, int],
    offers: Mapping[str, Sequence[Offer]],
    capacity: Mapping[Line, int],
    partial: bool,
) -> Solution:
    """Assign lines to the parts of ``order`` (first BOM line first); offers come cheapest first."""
    out = Solution({}, {})
    for group in _components(order, offers):
        if len(group) == 1:
            _alone(group[0], needs[group[0]], offers.get(group[0], ()), capacity, partial, out)
        else:
            _together(group, needs, offers, capacity, partial, out)
    return out


def _components(order: Sequence[str], offers: Mapping[str, Sequence[Offer]]) -> list[list[str]]:
    """Parts grouped by the lines they share, each group in ``order``."""
    parent: dict[str, str] = {part: part for part in order}

    def root(part: str) -> str:
        while parent[part] != part:
            parent[part] = parent[parent[part]]
            part = parent[part]
        return part

    owner: dict[Line, str] = {}
    for part in order:
        for offer in offers.get(part, ()):
            if offer.line in owner:
                a, b = root(owner[offer.line]), root(part)
                if a != b:
                    parent[b] = a
            else:
                owner[offer.line] = part
    groups: dict[str, list[str]] = {}
    for part in order:
        groups.setdefault(root(part), []).append(part)
    return list(groups.values())


def _alone(part: str, need: int, offers: Sequence[Offer], capacity: Mapping[Line, int], partial: bool, out: Solution) -> None:
    left: dict[Line, int] = {}
    for offer in offers:
        left[offer.line] = left.get(offer.line, 0) + offer.capacity
    for line in left:
        left[line] = min(left[line], capacity.get(line, 0))
    supply = sum(left.values())
    if not partial and supply < need:
        out.takes[part] = {}
        out.short[part] = need - supply
        return
    rest = need
    takes: dict[Line, int] = {}
    for offer in offers:  # cheapest first, as the caller lists them
        if rest <= 0:
            break
        amount = min(offer.capacity, left[offer.line], rest)
        if amount > 0:
            takes[offer.line] = takes.get(offer.line, 0) + amount
            left[offer.line] -= amount
            rest -= amount
    out.takes[part] = takes
    out.short[part] = rest


def _network(
    wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Line, int]
) -> nx.DiGraph[Hashable]:
    import networkx as nx

    graph: nx.DiGraph[Hashable] = nx.DiGraph()
    for part, amount in wanted.items():
        graph.add_edge(_SOURCE, ("part", part), capacity=amount, weight=0)
        for i, offer in enumerate(offers.get(part, ())):
            node = ("offer", part, i)
            graph.add_edge(("part", part), node, capacity=offer.capacity, weight=offer.cost)
            graph.add_edge(node, ("line", offer.line), capacity=offer.capacity, weight=0)
            if not graph.has_edge(("line", offer.line), _SINK):
                graph.add_edge(("line", offer.line), _SINK, capacity=capacity.get(offer.line, 0), weight=0)
    graph.add_node(_SOURCE)
    graph.add_node(_SINK)
    return graph


def _most(wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Line, int]) -> int:
    """The largest total that can be assigned to ``wanted`` at once."""
    if not any(wanted.values()):
        return 0
    import networkx as nx

    return int(nx.maximum_flow_value(_network(wanted, offers, capacity), _SOURCE, _SINK))


def _together(
    group: Sequence[str],
    needs: Mapping[str, int],
    offers: Mapping[str, Sequence[Offer]],
    capacity: Mapping[Line, int],
    partial: bool,
    out: Solution,
) -> None:
    wanted = {part: needs[part] for part in group}
    if not partial and _most(wanted, offers, capacity) < sum(wanted.values()):
        accepted: dict[str, int] = {}
        short: list[str] = []
        for part in group:
            trial = {**accepted, part: needs[part]}
            if _most(trial, offers, capacity) == sum(trial.values()):
                accepted = trial
            else:
                short.append(part)
        required = dict(accepted)
        base = sum(required.values())
        for part in short:
            earmark = _most({**required, part: needs[part]}, offers, capacity) - base
            required[part] = earmark
            base += earmark
            out.short[part] = needs[part] - earmark
            out.takes[part] = {}
        wanted = accepted
    import networkx as nx

    flows = nx.max_flow_min_cost(_network(wanted, offers, capacity), _SOURCE, _SINK)
    for part, amount in wanted.items():
        takes: dict[Line, int] = {}
        for i, offer in enumerate(offers.get(part, ())):
            got = flows[("part", part)].get(("offer", part, i), 0)
            if got > 0:
                takes[offer.line] = takes.get(offer.line, 0) + got
        out.takes[part] = takes
        out.short[part] = amount - sum(takes.values())
