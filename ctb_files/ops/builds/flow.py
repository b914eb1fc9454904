"""The joint assignment of stock lines to a build's parts, solved exactly (PRODUCT.md 4.3).

Input is plain integers: each part's need and, per part, its *offers* (a
stock line, how much of it the part may take, a per-unit cost that encodes
the preferences of 4.3 as a rank); each line's capacity is shared by every
part that may use it.  Quantities arrive scaled to whole numbers by the
caller, so the solver is exact.

Parts that share no line with another part are solved alone by filling
their offers cheapest first, which is what a min-cost flow gives for a
single source.  Parts that share lines are solved together on the flow
network source → part → line → sink (one arc per offer): which parts can
be covered together, and how much each short part can still get, come from
one maximum flow grown part by part (:class:`_Growing`); the chosen
assignment is the min-cost maximum flow (:func:`_cheapest`), unless no
part's cheapest fill cuts into another's, when each part's own cheapest
fill is that flow (:func:`_uncontended`).

Whole-or-nothing (the default): parts are accepted in the given order when
they can be covered together with the parts accepted before them; each
short part then earmarks the most it could still get after the accepted
parts and the earlier earmarks, and is short by the rest, so buying exactly
the shortages covers the build.  Partial: the total assigned is maximised.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

__all__ = ["Offer", "Solution", "solve"]

Line = Hashable


class Offer(NamedTuple):
    """``capacity`` units of ``line`` a part may take, at ``cost`` per unit (a tuple: tens of thousands a clear)."""

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


class _Growing:
    """A maximum flow source → part → line → sink that grows one part at a time, exactly.

    The parts added so far always get everything they were given (their
    source edges are full), so the largest flow with one more part is the
    current one plus what augmenting paths from that part carry: paths
    part → line → sink, possibly moving other parts to other lines on the
    way (Ford-Fulkerson from a feasible flow, shortest paths first).  Each
    answer is the maximum flow of the parts so far, as a whole maximum flow
    computed afresh would give it, for the cost of a few small searches.
    Offers of one part on one line count as one edge of their summed
    capacity (the flow's value is the same).
    """

    def __init__(self, offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Line, int]) -> None:
        self.offers = offers
        self.edges: dict[str, dict[Line, int]] = {}  # of the parts added so far (a build has many groups)
        self.capacity = capacity
        self.flow: dict[str, dict[Line, int]] = {}  # part -> line -> units
        self.used: dict[Line, int] = {}
        self.on: dict[Line, dict[str, None]] = {}  # line -> the parts with flow on it (in order)

    def add(self, part: str, amount: int, whole: bool) -> int:
        """Give ``part`` as much of ``amount`` as fits with every part added before; what it got.

        ``whole``: all or nothing (when it cannot get all, the flow is left as it was and 0 is returned).
        """
        if part not in self.edges:
            merged: dict[Line, int] = {}
            for offer in self.offers.get(part, ()):
                merged[offer.line] = merged.get(offer.line, 0) + offer.capacity
            self.edges[part] = merged
        undo: list[tuple[str | None, Line, int]] | None = [] if whole else None
        got = 0
        while got < amount:
            step = self._augment(part, amount - got, undo)
            if step == 0:
                break
            got += step
        if undo is not None and got < amount:
            for moved, line, units in reversed(undo):  # back to the flow as it was
                if moved is None:
                    self.used[line] -= units
                else:
                    self._move(moved, line, -units)
            return 0
        return got

    def _augment(self, start: str, most: int, undo: list[tuple[str | None, Line, int]] | None) -> int:
        """Push up to ``most`` units from ``start`` along one shortest augmenting path; the units pushed.

        Each change is also noted in ``undo`` (when given): (part, line, units) moved, or (None, line,
        units) more used of a line.
        """
        via_line: dict[Line, str] = {}  # line -> the part it was reached from
        via_part: dict[str, Line | None] = {start: None}  # part -> the line it was reached back through
        queue = deque([start])
        end: Line | None = None
        while queue and end is None:
            part = queue.popleft()
            flows = self.flow.get(part, {})
            for line, cap in self.edges.get(part, {}).items():
                if line in via_line or cap - flows.get(line, 0) <= 0:
                    continue
                via_line[line] = part
                if self.capacity.get(line, 0) - self.used.get(line, 0) > 0:
                    end = line
                    break
                for other in self.on.get(line, {}):
                    if other not in via_part:
                        via_part[other] = line
                        queue.append(other)
        if end is None:
            return 0
        # the bottleneck along the path, walked back from the sink
        amount = min(most, self.capacity.get(end, 0) - self.used.get(end, 0))
        at: Line | None = end
        while at is not None:
            part = via_line[at]
            amount = min(amount, self.edges[part][at] - self.flow.get(part, {}).get(at, 0))
            back = via_part[part]
            if back is not None:
                amount = min(amount, self.flow[part][back])
            at = back
        self.used[end] = self.used.get(end, 0) + amount
        moves: list[tuple[str | None, Line, int]] = [(None, end, amount)]
        at = end
        while at is not None:
            part = via_line[at]
            moves.append((part, at, amount))
            back = via_part[part]
            if back is not None:
                moves.append((part, back, -amount))
            at = back
        for part_moved, line, units in moves[1:]:
            assert part_moved is not None
            self._move(part_moved, line, units)
        if undo is not None:
            undo.extend(moves)
        return amount

    def _move(self, part: str, line: Line, amount: int) -> None:
        flows = self.flow.setdefault(part, {})
        now = flows.get(line, 0) + amount
        if now:
            flows[line] = now
            self.on.setdefault(line, {})[part] = None
        else:
            del flows[line]
            del self.on[line][part]


def _uncontended(
    wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Line, int]
) -> dict[str, dict[Line, int]] | None:
    """Each part's fill as if it were alone, when that is the minimum-cost maximum flow; else None.

    Each part in turn takes its offers cheapest first.  When every part gets
    its whole amount and no part finds a line cut short by what another part
    took, the parts did not compete: each got the cheapest fill it could
    get alone, so the total is the least any assignment costs.  With each
    part's offers strictly cheaper in the order given (as the allocator
    makes them) that fill is the only one of least cost, so the solver
    would return exactly it.  Anything else (a tie, competition, a part not
    served whole) is left to the solver.
    """
    left = dict(capacity)
    users: dict[Line, str] = {}  # the first part that took from each line
    shared: set[Line] = set()  # lines two parts took from
    out: dict[str, dict[Line, int]] = {}
    for part, amount in wanted.items():
        rest = amount
        takes: dict[Line, int] = {}
        last: int | None = None
        for offer in offers.get(part, ()):
            if last is not None and offer.cost <= last:
                return None
            last = offer.cost
            want = min(offer.capacity, rest)
            if want <= 0:
                continue
            there = left.get(offer.line, 0)
            if there < want and (offer.line in shared or users.get(offer.line, part) != part):
                return None  # cut short by another part's take
            got = min(want, there)
            if got > 0:
                left[offer.line] = there - got
                takes[offer.line] = takes.get(offer.line, 0) + got
                rest -= got
                first = users.setdefault(offer.line, part)
                if first != part:
                    shared.add(offer.line)
        if rest > 0:
            return None
        out[part] = takes
    return out


def _together(
    group: Sequence[str],
    needs: Mapping[str, int],
    offers: Mapping[str, Sequence[Offer]],
    capacity: Mapping[Line, int],
    partial: bool,
    out: Solution,
) -> None:
    wanted = {part: needs[part] for part in group}
    # every part served whole without competing (most groups): that is the largest flow, so every
    # part is accepted, and the cheapest (below); no flow needs growing to know it
    uncontended = _uncontended(wanted, offers, capacity)
    if uncontended is None and not partial:
        # one flow grows part by part: a part is accepted when it can be added whole to the
        # parts accepted before it; each short part then earmarks the most it can still add
        flow = _Growing(offers, capacity)
        accepted: dict[str, int] = {}
        short: list[str] = []
        for part in group:
            if flow.add(part, needs[part], whole=True) == needs[part]:
                accepted[part] = needs[part]
            else:
                short.append(part)
        for part in short:
            earmark = flow.add(part, needs[part], whole=False)
            out.short[part] = needs[part] - earmark
            out.takes[part] = {}
        if short:  # with every part accepted, the parts wanted are as above: they compete
            wanted = accepted
            uncontended = _uncontended(wanted, offers, capacity)
    if uncontended is not None:
        for part, filled in uncontended.items():
            out.takes[part] = filled
            out.short[part] = 0
        return
    for part, takes in _cheapest(wanted, offers, capacity).items():
        out.takes[part] = takes
        out.short[part] = wanted[part] - sum(takes.values())


def _cheapest(
    wanted: Mapping[str, int], offers: Mapping[str, Sequence[Offer]], capacity: Mapping[Line, int]
) -> dict[str, dict[Line, int]]:
    """The least costly of the largest flows source → part → line → sink: what each part takes per line.

    Successive shortest paths: each round sends as much as fits along the
    cheapest path left (Dijkstra on reduced costs, node potentials keeping
    them non-negative), so the flow is the cheapest of its size after every
    round and the largest when no path is left.  Costs and capacities are
    whole numbers, so the answer is exact.  Among assignments of equal cost
    the search order decides (parts in the given order, each part's offers
    cheapest first), so the same data always gives the same assignment.
    Costs are never negative (the allocator's ranks): the search starts from
    zero potentials.
    """
    # nodes: 0 the source, 1 the sink, then the parts in order, then the lines as first offered;
    # arcs in pairs (forward 2k, backward 2k + 1), ``room`` the residual capacity of each
    node: dict[Line, int] = {}
    head: list[list[int]] = [[], []]
    to: list[int] = []
    room: list[int] = []
    cost: list[int] = []

    def arc(a: int, b: int, cap: int, price: int) -> int:
        head[a].append(len(to))
        to.append(b)
        room.append(cap)
        cost.append(price)
        head[b].append(len(to))
        to.append(a)
        room.append(0)
        cost.append(-price)
        return len(to) - 2

    parts = list(wanted)
    for index, part in enumerate(parts):
        head.append([])
        arc(0, index + 2, wanted[part], 0)
    used: list[list[tuple[Line, int]]] = []  # per part: (line, forward arc) of each offer
    for index, part in enumerate(parts):
        mine = []
        for offer in offers.get(part, ()):
            if offer.cost < 0:
                raise ValueError(f"offer of {part} on {offer.line!r} costs {offer.cost}: costs are never negative")
            at = node.get(offer.line)
            if at is None:
                at = node[offer.line] = len(head)
                head.append([])
                arc(at, 1, capacity.get(offer.line, 0), 0)
            mine.append((offer.line, arc(index + 2, at, offer.capacity, offer.cost)))
        used.append(mine)
    size = len(head)
    potential = [0] * size
    left = sum(wanted.values())
    unreached = float("inf")
    while left > 0:
        dist: list[float] = [unreached] * size
        via = [-1] * size
        done = [False] * size
        dist[0] = 0
        queue: list[tuple[float, int]] = [(0, 0)]
        while queue:
            d, u = heapq.heappop(queue)
            if done[u]:
                continue
            done[u] = True
            if u == 1:
                break
            base = d + potential[u]
            for e in head[u]:
                if room[e] > 0:
                    v = to[e]
                    nd = base + cost[e] - potential[v]
                    if nd < dist[v]:
                        dist[v] = nd
                        via[v] = e
                        heapq.heappush(queue, (nd, v))
        reach = dist[1]
        if reach == unreached:
            break  # the flow is the largest there is
        for v in range(size):  # nodes not settled before the sink move as far as the sink did
            potential[v] += int(min(dist[v], reach))
        push = left
        v = 1
        while v != 0:
            e = via[v]
            push = min(push, room[e])
            v = to[e ^ 1]
        v = 1
        while v != 0:
            e = via[v]
            room[e] -= push
            room[e ^ 1] += push
            v = to[e ^ 1]
        left -= push
    out: dict[str, dict[Line, int]] = {}
    for part, mine in zip(parts, used, strict=True):
        takes: dict[Line, int] = {}
        for line, e in mine:
            got = room[e ^ 1]  # what went along an arc is what may come back along its pair
            if got > 0:
                takes[line] = takes.get(line, 0) + got
        out[part] = takes
    return out
