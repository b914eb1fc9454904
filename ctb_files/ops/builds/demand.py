"""Demand for allocation: what a build asks for, pooled per part (PRODUCT.md 4.1).

Rows of the version's BOM count unless excluded by line number or marked
``dnp``; the part asked for is the substitute when set.  Quantities are
the row's production need for the build quantity (attrition and setup
included, :mod:`ctb_files.ops.bom.need`) in the part's unit, and rows asking
for the same part are pooled; the allocator rounds a pooled need up to whole
pieces when it settles the part (after every row has added to it).
Consumable rows are left out: they are never reserved and never short.  Rows that cannot be demanded (no part,
an unknown part, a unit of another family) become problems, never crashes.

Sub-assemblies are expanded by the allocator; this module gives it the
children of an assembly and an order in which every assembly is settled
before any part it may add demand to.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ctb_files.core.models.part import Part
from ctb_files.core.models.project import BomFile
from ctb_files.ops.bom.need import UNKNOWN, UNMATCHED, Packages, RowNeed, bom_line_need, bom_row_need

__all__ = ["CYCLE", "UNKNOWN", "UNMATCHED", "Demand", "Need", "Problem", "Settling", "bom_demand", "children_demand"]
CYCLE = "part of a BOM cycle"


@dataclass
class Need:
    """How much of one part is asked for, in the part's unit, and which BOM lines ask."""

    part: str
    quantity: Decimal
    lines: set[int] = field(default_factory=set)


@dataclass
class Problem:
    """Demand that no stock can serve: shortage entries with a reason."""

    part: str | None
    quantity: Decimal
    lines: set[int]
    reason: str


@dataclass
class Demand:
    needs: dict[str, Need] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def add(self, part: str, quantity: Decimal, lines: Iterable[int]) -> None:
        need = self.needs.get(part)
        if need is None:
            need = self.needs[part] = Need(part, Decimal(0))
        need.quantity += quantity
        need.lines.update(lines)

    def copy(self) -> Demand:
        """A copy whose needs and problems can change without touching this one."""
        return Demand(
            {part: Need(part, need.quantity, set(need.lines)) for part, need in self.needs.items()},
            [Problem(known.part, known.quantity, set(known.lines), known.reason) for known in self.problems],
        )

    def problem(self, part: str | None, quantity: Decimal, lines: Iterable[int], reason: str) -> None:
        if part is not None:  # pool problems of one part with the same reason
            for known in self.problems:
                if known.part == part and known.reason == reason:
                    known.quantity += quantity
                    known.lines.update(lines)
                    return
        self.problems.append(Problem(part, quantity, set(lines), reason))


def add_need(asked: RowNeed, lines: Iterable[int], into: Demand) -> None:
    """Pool one row's need (from :mod:`ctb_files.ops.bom.need`) into ``into``; consumables ask for nothing."""
    if asked.consumable:
        return
    lines = list(lines)
    if asked.part is None:
        into.problems.append(Problem(None, asked.quantity, set(lines), UNMATCHED))
    elif asked.problem is not None:
        into.problem(asked.part, asked.quantity, lines, asked.problem)
    else:
        into.add(asked.part, asked.quantity, lines)


def children_demand(
    parts: Mapping[str, Part], assembly: str, units: Decimal, lines: Iterable[int], into: Demand,
    packages: Packages = None,
) -> None:  # fmt: skip
    """Ask for the children of ``units`` units of ``assembly`` (in its unit).

    ``units`` is what is built of the assembly: its own line's attrition and
    setup are already in it, and each child line adds its own on top.
    """
    lines = list(lines)
    for line in parts[assembly].bom or []:
        add_need(bom_line_need(parts, line, units, packages), lines, into)


def bom_demand(
    parts: Mapping[str, Part], bom: BomFile, units: Decimal, exclude: Iterable[int] = (), packages: Packages = None
) -> Demand:
    """The first-level demand of ``units`` units of a BOM, pooled per part."""
    skip = set(exclude)
    out = Demand()
    for row in bom.rows:
        asked = bom_row_need(parts, row, units, skip, packages)
        if asked is not None:
            add_need(asked, [row.line] if row.line is not None else [], out)
    return out


def children(parts: Mapping[str, Part], part: str) -> list[str]:
    """The distinct child part ids of an assembly (empty for anything else)."""
    known = parts.get(part)
    if known is None or not known.bom:
        return []
    return sorted({line.part for line in known.bom})


class Settling:
    """Hands out parts in an order where every assembly comes before its descendants.

    Kahn's algorithm over the assembly graph reachable from the demanded
    parts; the smallest id first among the ready ones, so plans are stable.
    Parts caught in a BOM cycle never become ready: :meth:`stuck` lists them.
    """

    def __init__(self, parts: Mapping[str, Part], roots: Iterable[str], known: dict[str, list[str]] | None = None) -> None:
        """``known``: :func:`children` of parts met before, filled here (a clear settles every build's demand)."""
        self._children: dict[str, list[str]] = {}  # of every reachable part that has any
        self.reachable: set[str] = set()
        known = {} if known is None else known
        stack = list(roots)
        while stack:
            node = stack.pop()
            if node in self.reachable:
                continue
            self.reachable.add(node)
            below = known.get(node)
            if below is None:
                below = known[node] = children(parts, node)
            if below:
                self._children[node] = below
                stack.extend(below)
        self._waiting: dict[str, int] = dict.fromkeys(self.reachable, 0)
        for below in self._children.values():
            for child in below:
                self._waiting[child] += 1
        self._ready = [node for node, count in self._waiting.items() if count == 0]
        heapq.heapify(self._ready)
        self._done: set[str] = set()

    def __iter__(self) -> Iterator[str]:
        if not self._children:  # no assemblies: every part is ready at once, smallest id first
            self._done = self.reachable
            return iter(sorted(self.reachable))
        return self

    def __next__(self) -> str:
        if not self._ready:
            raise StopIteration
        node = heapq.heappop(self._ready)
        self._done.add(node)
        for child in self._children.get(node, ()):
            self._waiting[child] -= 1
            if self._waiting[child] == 0:
                heapq.heappush(self._ready, child)
        return node

    def stuck(self) -> list[str]:
        return sorted(self.reachable - self._done)
