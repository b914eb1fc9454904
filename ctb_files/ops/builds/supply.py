"""Supply for allocation: stock lines indexed once, who holds what, which lines may serve a part.

:class:`StockPool` knows every stock line's on-hand quantity and what each
open build holds on it, and answers "how much of this line may build B use"
(on hand minus what *other* builds hold).  It is mutable so that a run that
plans several builds one after the other updates holdings as it goes.

:class:`Equivalence` is the undirected graph of ``equivalents``; :func:`tiers`
gives, for one asked-for part, the lines that may serve it in the order of
PRODUCT.md 4.2: own lines, equivalents' lines, then the fallback's (and its
equivalents') lines, each physical line once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.part import Part
from ctb_files.ops.stock.ledger import ZERO, LineKey, holdings, line_key

Tiers = list[list[LineKey]]
Ranked = list[tuple[LineKey, int, int]]  # (line, tier, equivalence hops)


class StockPool:
    """On hand per line, and what each build holds per line."""

    def __init__(self, inv: Inventory) -> None:
        self.on_hand: dict[LineKey, Decimal] = {}
        self.deprioritized: set[LineKey] = set()
        self.by_part: dict[str, list[LineKey]] = defaultdict(list)
        # on hand minus what every open build holds, kept up to date by hold and release
        self.free: dict[LineKey, Decimal] = {}
        self.held: dict[str, dict[LineKey, Decimal]] = {}
        for location in sorted(inv.stock):
            for line in inv.stock[location].lines:
                key = line_key(location, line.part, line.bin)
                if key in self.on_hand:  # a duplicate line: check reports it; count it once
                    continue
                self.on_hand[key] = self.free[key] = line.quantity
                if line.deprioritized:
                    self.deprioritized.add(key)
                self.by_part[line.part].append(key)
        for build_id in sorted(inv.builds):
            build = inv.builds[build_id]
            if build.is_open:
                self.hold(build_id, holdings(build))

    def available(self, key: LineKey, build_id: str | None = None) -> Decimal:
        """On hand minus what builds other than ``build_id`` hold on the line."""
        left = self.free.get(key, ZERO)
        own = self.held.get(build_id) if build_id is not None else None
        return left + own.get(key, ZERO) if own else left

    def hold(self, build_id: str, lines: Mapping[LineKey, Decimal]) -> None:
        """Record what ``build_id`` holds (replacing whatever it held before)."""
        self.release(build_id)
        kept = {key: qty for key, qty in lines.items() if qty > 0}
        self.held[build_id] = kept
        free = self.free
        for key, qty in kept.items():
            free[key] = free.get(key, ZERO) - qty

    def release(self, build_id: str) -> None:
        free = self.free
        for key, qty in self.held.pop(build_id, {}).items():
            free[key] += qty

    def lines_of(self, part: str) -> list[LineKey]:
        return self.by_part.get(part, [])


class Equivalence:
    """The undirected equivalents graph, with breadth-first reach cached per part."""

    def __init__(self, parts: Mapping[str, Part], depth: int) -> None:
        self.depth = depth
        self.adjacent: dict[str, set[str]] = defaultdict(set)
        for part_id, part in parts.items():
            for other in part.equivalents:
                if other != part_id:
                    self.adjacent[part_id].add(other)
                    self.adjacent[other].add(part_id)
        self._cache: dict[str, list[str]] = {}
        self._hops: dict[str, dict[str, int]] = {}

    def reach(self, part: str) -> list[str]:
        """Parts within ``depth`` hops of ``part`` (not itself), nearest first, then by id."""
        if part in self._cache:
            return self._cache[part]
        seen = {part}
        out: list[str] = []
        hops: dict[str, int] = {part: 0}
        frontier = [part]
        for step in range(1, self.depth + 1):
            following: list[str] = []
            for node in frontier:
                for other in self.adjacent.get(node, ()):
                    if other not in seen:
                        seen.add(other)
                        following.append(other)
                        hops[other] = step
            following.sort()
            out.extend(following)
            frontier = following
            if not frontier:
                break
        self._cache[part] = out
        self._hops[part] = hops
        return out

    def hops(self, part: str, other: str) -> int:
        """Equivalence hops from ``part`` to ``other`` (0 for itself; only within ``depth``)."""
        self.reach(part)
        return self._hops[part].get(other, self.depth + 1)


def tier_parts(graph: Equivalence, part: str, fallback: str | None) -> list[list[str]]:
    """The parts whose lines may serve ``part``, in tiers: itself, its equivalents, its fallback and theirs."""
    out = [[part], graph.reach(part)]
    if fallback:
        out.append([fallback, *graph.reach(fallback)])
    return out


def tiers(pool: StockPool, graph: Equivalence, part: str, fallback: str | None) -> Tiers:
    """The lines that may serve ``part``, in tiers (:func:`tier_parts`); each physical line appears once."""
    seen: set[LineKey] = set()

    def collect(parts: Iterable[str]) -> list[LineKey]:
        out: list[LineKey] = []
        for other in parts:
            for key in pool.lines_of(other):
                if key not in seen:
                    seen.add(key)
                    out.append(key)
        return out

    return [collect(parts) for parts in tier_parts(graph, part, fallback)]



def ranked(pool: StockPool, graph: Equivalence, part: str, fallback: str | None) -> Ranked:
    """:func:`tiers` flattened, each line with its tier (0 own, 1 equivalents, 2 fallback) and hops."""
    out: Ranked = []
    for tier, keys in enumerate(tiers(pool, graph, part, fallback)):
        origin = part if tier < 2 else str(fallback)
        out.extend((key, tier, graph.hops(origin, key[1])) for key in keys)
    return out
