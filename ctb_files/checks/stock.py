"""Reservations against stock lines: what open builds take, and from where.

Codes: CTB301 a stock line over-reserved by the open builds together,
CTB302 a take from a stock line that does not exist, CTB303 a take from a
deprioritized line, CTB304 (warning) a take of a part that is neither the
reserved part, one of its equivalents nor the build's fallback for it.
Only open builds (draft, short, cleared) hold stock; completed builds'
takes were subtracted when they completed.
"""

from __future__ import annotations

from collections import defaultdict, deque
from decimal import Decimal

from ctb_files.checks import check
from ctb_files.checks._support import error, known, qty, warning
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic
from ctb_files.ops.stock.ledger import (
    ZERO,
    LineKey,
    label,
    line_key,
    over_reserved,
    reserved_lines,
)


def _who(holders: dict[str, Decimal]) -> str:
    """``builds b1 (8) and b2 (4) reserve`` / ``build b1 (12) reserves``."""
    named = [f"{build} ({qty(amount)})" for build, amount in sorted(holders.items())]
    if len(named) == 1:
        return f"build {named[0]} reserves"
    return f"builds {', '.join(named[:-1])} and {named[-1]} reserve"


@check("over-reservation")
def over_reservation(inv: Inventory) -> list[Diagnostic]:
    """Per stock line, the takes of all open builds must fit in what is on hand."""
    out: list[Diagnostic] = []
    for location, lines in reserved_lines(inv).items():
        for i, key, holders in lines:
            on_hand = inv.stock[location].lines[i].quantity
            total = sum(holders.values(), ZERO)
            if over_reserved(total, on_hand):
                message = f"over-reserved: {label(key)} has {qty(on_hand)}, {_who(holders)} {qty(total)}"
                out.append(error(layout.stock_path(location), "CTB301", message, ("lines", i)))
    return out


@check("take-lines")
def take_lines(inv: Inventory) -> list[Diagnostic]:
    """Open builds' takes must name an existing stock line that may be reserved."""
    parts = known(inv, "part")
    lines: dict[LineKey, bool] = {}
    for location, stock in inv.stock.items():
        for line in stock.lines:
            lines.setdefault(line_key(location, line.part, line.bin), line.deprioritized)
    out: list[Diagnostic] = []
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        if not build.is_open:
            continue
        path = layout.build_path(build_id)
        for i, reservation in enumerate(build.reservations):
            for j, take in enumerate(reservation.take):
                key = line_key(take.location, take.part, take.bin)
                loc = ("reservations", i, "take", j)
                # unknown locations and parts are reported as such, not again here
                if take.location not in inv.stock or (key not in lines and take.part not in parts):
                    continue
                if key not in lines:
                    message = f"no stock line {label(key)} to take from"
                    out.append(error(path, "CTB302", message, loc))
                elif lines[key]:
                    message = f"{label(key)} is deprioritized and may not be reserved"
                    out.append(error(path, "CTB303", message, loc))
    return out


class _Equivalents:
    """Parts reachable through the undirected equivalents graph within a number of hops."""

    def __init__(self, inv: Inventory) -> None:
        self.depth = inv.settings.equivalence_depth
        self.edges: dict[str, set[str]] = defaultdict(set)
        for part_id, part in inv.parts.items():
            for other in part.equivalents:
                self.edges[part_id].add(other)
                self.edges[other].add(part_id)
        self._cache: dict[str, frozenset[str]] = {}

    def reach(self, start: str) -> frozenset[str]:
        if start not in self._cache:
            found = {start}
            queue = deque([(start, 0)])
            while queue:
                node, hops = queue.popleft()
                if hops == self.depth:
                    continue
                for other in self.edges.get(node, ()):
                    if other not in found:
                        found.add(other)
                        queue.append((other, hops + 1))
            self._cache[start] = frozenset(found)
        return self._cache[start]


def within_reach_of_takes(inv: Inventory) -> frozenset[str]:
    """Every part within reach of an open build's reserved part or its fallback: the only parts whose
    equivalents :func:`take_parts` reads.  Equivalents changed between parts outside it (added or taken
    out) leave what it says as it was: a walk from inside never reaches them, within the hops allowed."""
    graph = _Equivalents(inv)
    out: set[str] = set()
    for build in inv.builds.values():
        if not build.is_open:
            continue
        for reservation in build.reservations:
            out |= graph.reach(reservation.part)
            fallback = build.fallbacks.get(reservation.part)
            if fallback is not None:
                out |= graph.reach(fallback)
    return frozenset(out)


@check("take-parts")
def take_parts(inv: Inventory) -> list[Diagnostic]:
    """A take should be of the reserved part, an equivalent, or the build's fallback (or its equivalents)."""
    graph = _Equivalents(inv)
    out: list[Diagnostic] = []
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        if not build.is_open:
            continue
        for i, reservation in enumerate(build.reservations):
            allowed = graph.reach(reservation.part)  # shared, never changed here
            fallback = build.fallbacks.get(reservation.part)
            if fallback is not None:
                allowed = allowed | graph.reach(fallback)
            for j, take in enumerate(reservation.take):
                if take.part not in allowed:
                    message = (
                        f"takes {take.part!r} for {reservation.part!r}, which is neither equivalent "
                        "nor the build's fallback for it"
                    )
                    loc = ("reservations", i, "take", j, "part")
                    out.append(warning(layout.build_path(build_id), "CTB304", message, loc))
    return out
