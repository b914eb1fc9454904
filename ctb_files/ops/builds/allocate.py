"""The allocation engine: clear builds against stock (PRODUCT.md 4.2–4.5).

Pure: an :class:`Allocator` is built from an :class:`Inventory` once (stock
lines indexed per part, the equivalents graph, what open builds hold) and
then plans builds one after the other, each seeing what the ones before it
took.  Nothing here reads or writes files; :mod:`ctb_files.ops.builds.fields`
turns a :class:`Plan` into the build file's data.

Rules, in one place:

* per part, whole-or-nothing unless ``partial_reservations``; an assembly
  uses its own stock first and the rest is built from its children;
* within a tier the least available line goes first (ties by location, bin);
* stable: lines the build already holds are kept first; when the need
  shrinks, the lines with the most stock remaining are released first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from ctb_files.core.models.build import AssemblyNeed, Build, Reservation, Shortage, Take
from ctb_files.core.models.common import LIMIT
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import convert, normalize
from ctb_files.errors import CtbError
from ctb_files.ops.builds.demand import (
    CYCLE,
    UNKNOWN,
    Demand,
    Settling,
    bom_demand,
    demand_in,
)
from ctb_files.ops.builds.supply import Equivalence, StockPool, Tiers, tiers
from ctb_files.ops.stock.ledger import ZERO, LineKey, line_key

Mode = Literal["whole", "partial", "assembly"]

__all__ = ["Allocator", "CanBuild", "Plan", "can_build", "clear_all", "clear_builds", "clear_order"]


@dataclass
class Plan:
    """The result of clearing one build: what the build file's written-back keys hold."""

    status: Literal["cleared", "short"]
    reservations: list[Reservation] = field(default_factory=list)
    shortages: list[Shortage] = field(default_factory=list)
    assemblies: list[AssemblyNeed] = field(default_factory=list)
    holdings: dict[LineKey, Decimal] = field(default_factory=dict)

    @property
    def cleared(self) -> bool:
        return self.status == "cleared"


@dataclass(frozen=True)
class CanBuild:
    project: str
    version: str
    quantity: int | None  # None: the BOM asks for nothing, so there is no limit
    limited_by: list[str]


class Allocator:
    """Plans builds against one inventory, keeping track of what each build holds."""

    def __init__(self, inv: Inventory) -> None:
        self.inv = inv
        self.pool = StockPool(inv)
        self.graph = Equivalence(inv.parts, inv.settings.equivalence_depth)
        self.partial = inv.settings.partial_reservations
        self._tiers: dict[tuple[str, str | None], Tiers] = {}
        self._factors: dict[tuple[str, str], Decimal | None] = {}

    # --- whole builds ----------------------------------------------------------------------

    def plan(self, build_id: str, build: Build) -> Plan:
        """Plan ``build`` against what every other build holds now (nothing recorded)."""
        parts = self.inv.parts
        bom = self.inv.boms.get((build.project, build.version))
        if bom is None:
            raise CtbError(
                f"build {build_id}: no BOM for {build.project}:{build.version} "
                f"(projects/{build.project}/bom/{build.version}.yaml)"
            )
        demand = bom_demand(parts, bom, build.quantity, build.exclude)
        previous = _previous_takes(build)
        used: dict[LineKey, Decimal] = {}
        reservations: list[Reservation] = []
        shortages: list[Shortage] = []
        assemblies: list[AssemblyNeed] = []
        settling = Settling(parts, list(demand.needs))
        for part in settling:
            need = demand.needs.get(part)
            if need is None or need.quantity <= 0:
                continue
            _recordable(build_id, part, need.quantity)
            assembly = parts[part].is_assembly
            mode: Mode = "assembly" if assembly else "partial" if self.partial else "whole"
            takes, reserved, short = self.take(
                build_id, part, need.quantity, build.fallbacks.get(part), previous.get(part, {}), used, mode
            )
            lines = sorted(need.lines)
            if takes:
                reservations.append(Reservation(part=part, quantity=normalize(reserved), lines=lines, take=takes))
            rest = need.quantity - reserved
            if assembly and rest > 0:
                assemblies.append(AssemblyNeed(part=part, quantity=normalize(rest)))
                for child in parts[part].bom or []:
                    demand_in(parts, child.part, rest * child.quantity, child.unit, need.lines, demand)
            elif short > 0:
                shortages.append(Shortage(part=part, quantity=normalize(short), lines=lines))
        for part in settling.stuck():
            need = demand.needs.get(part)
            if need is not None and need.quantity > 0:
                demand.problem(part, need.quantity, need.lines, CYCLE)
        for problem in demand.problems:
            _recordable(build_id, problem.part or f"line {', '.join(map(str, sorted(problem.lines)))}", problem.quantity)
        shortages.extend(_problem_shortages(demand))
        reservations.sort(key=lambda r: r.part)
        shortages.sort(key=lambda s: (s.part is None, s.part or "", s.lines, s.reason or ""))
        assemblies.sort(key=lambda a: a.part)
        return Plan(
            status="short" if shortages else "cleared",
            reservations=reservations,
            shortages=shortages,
            assemblies=assemblies,
            holdings={key: qty for key, qty in used.items() if qty > 0},
        )

    def clear(self, build_id: str, build: Build) -> Plan:
        """Plan ``build`` and record what it now holds, so later plans respect it."""
        plan = self.plan(build_id, build)
        self.pool.hold(build_id, plan.holdings)
        return plan

    def release(self, build_id: str) -> None:
        self.pool.release(build_id)

    # --- one part --------------------------------------------------------------------------

    def take(
        self,
        build_id: str,
        part: str,
        need: Decimal,
        fallback: str | None,
        previous: Mapping[LineKey, Decimal],
        used: dict[LineKey, Decimal],
        mode: Mode,
    ) -> tuple[list[Take], Decimal, Decimal]:
        """Choose lines for ``need`` of ``part``: (takes, reserved, short), quantities in the part's unit.

        ``used`` is what this build already took for other parts (line units);
        it is updated with the takes chosen here.
        """
        available: dict[LineKey, Decimal] = {}
        ordered: list[LineKey] = []
        for tier in self._tiers_for(part, fallback):
            row: list[LineKey] = []
            for key in tier:
                if key in self.pool.deprioritized:
                    continue
                left = self.pool.available(key, build_id) - used.get(key, ZERO)
                amount = self._convert(left, key[1], part) if left > 0 else None
                if amount is None or amount <= 0:
                    continue
                available[key] = amount
                row.append(key)
            row.sort(key=lambda k: (available[k], k[0], k[2] or "", k[1]))
            ordered.extend(row)
        supply = sum(available.values(), ZERO)
        if mode == "whole" and supply < need:
            return [], ZERO, need - supply
        target = min(need, supply)
        chosen = _choose(ordered, available, self._previous_in(previous, part, available), target)
        takes: list[Take] = []
        for key in sorted(chosen, key=_walk):
            in_line_unit = self._convert(chosen[key], part, key[1]) or ZERO
            used[key] = used.get(key, ZERO) + in_line_unit
            takes.append(Take(location=key[0], part=key[1], bin=key[2], quantity=normalize(in_line_unit)))
        short = need - target if mode == "partial" else ZERO
        return takes, target, short

    def _previous_in(
        self, previous: Mapping[LineKey, Decimal], part: str, available: Mapping[LineKey, Decimal]
    ) -> dict[LineKey, Decimal]:
        kept: dict[LineKey, Decimal] = {}
        for key, qty in previous.items():
            if key in available:
                amount = self._convert(qty, key[1], part)
                if amount:
                    kept[key] = min(amount, available[key])
        return kept

    def _tiers_for(self, part: str, fallback: str | None) -> Tiers:
        found = self._tiers.get((part, fallback))
        if found is None:
            found = self._tiers[(part, fallback)] = tiers(self.pool, self.graph, part, fallback)
        return found

    def _convert(self, quantity: Decimal, from_part: str, to_part: str) -> Decimal | None:
        """``quantity`` of ``from_part``'s unit in ``to_part``'s unit; None across families."""
        if from_part == to_part:
            return quantity
        pair = (from_part, to_part)
        if pair not in self._factors:
            a, b = self.inv.parts.get(from_part), self.inv.parts.get(to_part)
            try:
                self._factors[pair] = convert(Decimal(1), a.unit, b.unit) if a and b else Decimal(1)
            except ValueError:
                self._factors[pair] = None
        factor = self._factors[pair]
        return None if factor is None else normalize(quantity * factor)


def _choose(
    ordered: list[LineKey], available: Mapping[LineKey, Decimal], kept: dict[LineKey, Decimal], target: Decimal
) -> dict[LineKey, Decimal]:
    """Keep what is already held, release the excess, top up in tier order."""
    chosen = dict(kept)
    excess = sum(chosen.values(), ZERO) - target
    if excess > 0:
        # release from the lines that would have the most stock left, first
        for key in sorted(chosen, key=lambda k: (-(available[k] - chosen[k]), _walk(k))):
            cut = min(chosen[key], excess)
            chosen[key] -= cut
            excess -= cut
            if excess <= 0:
                break
    rest = target - sum(chosen.values(), ZERO)
    # top up lines already held first, then new lines, both in tier order
    for key in [k for k in ordered if k in chosen] + [k for k in ordered if k not in chosen]:
        if rest <= 0:
            break
        extra = min(available[key] - chosen.get(key, ZERO), rest)
        if extra > 0:
            chosen[key] = chosen.get(key, ZERO) + extra
            rest -= extra
    return {key: qty for key, qty in chosen.items() if qty > 0}


def _walk(key: LineKey) -> tuple[str, str, str]:
    """Walking order of a stock line: location, bin, part."""
    return (key[0], key[2] or "", key[1])


def _previous_takes(build: Build) -> dict[str, dict[LineKey, Decimal]]:
    """What the build held per reserved part, before this clearing."""
    out: dict[str, dict[LineKey, Decimal]] = {}
    for reservation in build.reservations:
        merged = out.setdefault(reservation.part, {})
        for take in reservation.take:
            key = line_key(take.location, take.part, take.bin)
            merged[key] = merged.get(key, ZERO) + take.quantity
    return out


class TooLarge(CtbError):
    """A build needs more of something than a file can record."""


def _recordable(build_id: str, what: str, quantity: Decimal) -> None:
    if quantity >= LIMIT:
        raise TooLarge(
            f"build {build_id} needs {normalize(quantity)} of {what}: too large to record (quantities stay below 10^15)"
        )


def _problem_shortages(demand: Demand) -> Iterable[Shortage]:
    for problem in demand.problems:
        if problem.quantity > 0:
            part, reason = problem.part, problem.reason
            if reason == UNKNOWN and part is not None:  # the build file names only parts that exist
                part, reason = None, f"{UNKNOWN} {part!r}"
            yield Shortage(part=part, quantity=normalize(problem.quantity), lines=sorted(problem.lines), reason=reason)


# --- running several builds -------------------------------------------------------------------


def clear_order(inv: Inventory) -> list[str]:
    """Open builds in the order ``--all`` clears them: priority, due (none last), id."""
    open_ids = [bid for bid, build in inv.builds.items() if build.is_open]
    return sorted(open_ids, key=lambda bid: _rank(bid, inv.builds[bid]))


def _rank(build_id: str, build: Build) -> tuple[int, bool, date, str]:
    return (build.priority, build.due is None, build.due or date.min, build_id)


def clear_builds(inv: Inventory, build_ids: Iterable[str]) -> dict[str, Plan]:
    """Clear the named builds one after the other; each respects every other open build."""
    allocator = Allocator(inv)
    out: dict[str, Plan] = {}
    for build_id in build_ids:
        build = _open_build(inv, build_id)
        out[build_id] = allocator.clear(build_id, build)
    return out


def clear_all(inv: Inventory, step: Callable[[], object] | None = None) -> dict[str, Plan]:
    """Re-plan every open build: release them all, then clear in :func:`clear_order`.

    ``step`` (a progress bar's) is called after each build is cleared.
    """
    allocator = Allocator(inv)
    order = clear_order(inv)
    for build_id in order:
        allocator.release(build_id)
    plans: dict[str, Plan] = {}
    for build_id in order:
        plans[build_id] = allocator.clear(build_id, inv.builds[build_id])
        if step is not None:
            step()
    return plans


def _open_build(inv: Inventory, build_id: str) -> Build:
    build = inv.builds.get(build_id)
    if build is None:
        raise CtbError(f"no build {build_id!r} (builds/{build_id}.yaml)")
    if not build.is_open:
        raise CtbError(f"build {build_id} is {build.status}; a completed build never changes")
    return build


# --- can-build ---------------------------------------------------------------------------------

_PROBE = "\x00can-build"  # an id no file can have
_CEILING = LIMIT


def can_build(inv: Inventory, project: str, version: str) -> CanBuild:
    """The largest N a new build of N units would clear now, and what limits N + 1."""
    if (project, version) not in inv.boms:
        raise CtbError(f"no BOM for {project}:{version} (projects/{project}/bom/{version}.yaml)")
    allocator = Allocator(inv)

    def attempt(units: int) -> Plan:
        return allocator.plan(_PROBE, Build(project=project, version=version, quantity=Decimal(units)))

    def clears(units: int) -> bool:
        try:
            return attempt(units).cleared
        except TooLarge:
            return False

    first = attempt(1)
    if first.cleared and not (first.reservations or first.assemblies):
        return CanBuild(project, version, None, [])
    if not first.cleared:
        return CanBuild(project, version, 0, _limits(first))
    low, high = 1, 2  # low clears; find a high that does not
    while clears(high):
        low, high = high, high * 2
        if high >= _CEILING:
            return CanBuild(project, version, None, [])
    while high - low > 1:
        middle = (low + high) // 2
        if clears(middle):
            low = middle
        else:
            high = middle
    try:
        limits = _limits(attempt(low + 1))
    except TooLarge:
        limits = []
    return CanBuild(project, version, low, limits)


def _limits(plan: Plan) -> list[str]:
    out: list[str] = []
    for shortage in plan.shortages:
        name = shortage.part or f"line {', '.join(map(str, shortage.lines))} ({shortage.reason})"
        if name not in out:
            out.append(name)
    return out
