"""The allocation engine: clear builds against stock (PRODUCT.md 4.2–4.5).

Pure: an :class:`Allocator` is built from an :class:`Inventory` once (stock
lines indexed per part, the equivalents graph, what open builds hold) and
then plans builds one after the other, each seeing what the ones before it
took (:mod:`ctb_files.ops.builds.clearing` runs them in the order of
``--all``).  Nothing here reads or writes files; :mod:`ctb_files.ops.builds.fields`
turns a :class:`Plan` into the build file's data.

Rules, in one place:

* per part, whole-or-nothing unless ``partial_reservations``; an assembly
  uses its own stock first and the rest is built from its children;
* parts that may use the same lines are served jointly (:mod:`ctb_files.ops.builds.flow`);
* within a tier the least available line goes first (ties by location, bin),
  and lines the build already holds are kept first; when the need shrinks,
  the lines with the most stock remaining are released first
  (:mod:`ctb_files.ops.builds.offers`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import Literal, NamedTuple, cast

from ctb_files.core.models.build import AssemblyNeed, Build, Reservation, Shortage, Take
from ctb_files.core.models.common import LIMIT
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.project import BomFile
from ctb_files.core.units import convert, family, normalize
from ctb_files.errors import CtbError
from ctb_files.ops.bom.need import round_need
from ctb_files.ops.builds.demand import (
    CYCLE,
    UNKNOWN,
    Demand,
    Need,
    Settling,
    bom_demand,
    children_demand,
)
from ctb_files.ops.builds.flow import solve
from ctb_files.ops.builds.offers import Row, part_offers, serve_alone, walk_order
from ctb_files.ops.builds.supply import Equivalence, Ranked, StockPool, ranked, tier_parts
from ctb_files.ops.stock.ledger import ZERO, LineKey, line_key

__all__ = ["Allocator", "Got", "Plan", "TooLarge"]


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


class Allocator:
    """Plans builds against one inventory, keeping track of what each build holds."""

    def __init__(self, inv: Inventory) -> None:
        self.inv = inv
        self.pool = StockPool(inv)
        self.graph = Equivalence(inv.parts, inv.settings.equivalence_depth)
        self.partial = inv.settings.partial_reservations
        self._ranked: dict[tuple[str, str | None], Ranked] = {}
        self._usable_lines: dict[tuple[str, str | None], list[tuple[LineKey, int, int, str]]] = {}
        self._children: dict[str, list[str]] = {}  # the child parts of each part met (none: an empty list)
        # demands asked for again by builds still to plan (:meth:`expect`): how many times more, and the demand
        self._repeats: dict[_DemandKey, int] = {}
        self._demands: dict[_DemandKey, Demand] = {}
        # the lines open builds held as the allocator was made: their counts are read as they are released
        self._held_at_start = {key for lines in self.pool.held.values() for key in lines}

    def consulted(self) -> set[LineKey]:
        """Every stock line whose count the plans made so far may have read.

        The lines that may serve a part asked for (whatever they hold), and
        the lines open builds held when the allocator was made.  A line
        outside this set may hold any count: the same plans come out.
        """
        found = set(self._held_at_start)
        for lines in self._usable_lines.values():
            found.update(line[0] for line in lines)
        return found

    def parts_looked_up(self) -> set[str]:
        """Every part whose stock lines the plans made so far looked up, and the parts of the lines held at start.

        A part asked for, its equivalents within reach, a fallback and its
        equivalents (:func:`tier_parts`): their lines are all a plan ranks.
        A stock line of any other part may come or go: the same plans come out.
        """
        found = {key[1] for key in self._held_at_start}
        for part, fallback in self._ranked:
            for parts in tier_parts(self.graph, part, fallback):
                found.update(parts)
        return found

    def expect(self, builds: Iterable[Build]) -> None:
        """The builds about to be planned: a BOM's demand that several of them ask for is made once.

        Builds of one version, quantity and exclusions ask for the same
        demand; it is made for the first and copied for the others (the last
        takes it as it is), so a batch built again and again costs one pass
        over its BOM.  A demand asked for once is never kept.
        """
        uses = Counter(_demand_key(build) for build in builds)
        self._repeats = {key: count for key, count in uses.items() if count > 1}
        self._demands = {}

    def _demand(self, build: Build, bom: BomFile) -> Demand:
        key = _demand_key(build)
        left = self._repeats.pop(key, 0)
        made = self._demands.pop(key, None)
        if made is None:
            made = bom_demand(self.inv.parts, bom, build.quantity, build.exclude, self.inv.packages)
        if left > 1:  # asked for again later: kept as made, this build plans on a copy
            self._repeats[key] = left - 1
            self._demands[key] = made
            return made.copy()
        return made

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
        packages = self.inv.packages
        demand = self._demand(build, bom)
        previous = _previous_takes(build)
        used: dict[LineKey, Decimal] = {}
        reservations: list[Reservation] = []
        shortages: list[Shortage] = []
        assemblies: list[AssemblyNeed] = []
        leaves: list[str] = []
        settling = Settling(parts, list(demand.needs), self._children)
        needs = demand.needs
        for part in settling:
            need = needs.get(part)
            if need is None or need.quantity <= 0:
                continue
            known = parts[part]
            if known.unit == "pcs":  # every row has added to it now: whole pieces (PRODUCT.md 4.1)
                need.quantity = round_need(need.quantity, "pcs")
            if need.quantity >= LIMIT:
                _recordable(build_id, part, need.quantity)
            if not known.is_assembly:
                leaves.append(part)
                continue
            # an assembly uses its own stock first; the rest is built from its children
            got = self.assign(build_id, [part], demand.needs, build.fallbacks, previous, used, partial=True)[part]
            if got.takes:
                reservations.append(_reservation(part, got.reserved, sorted(need.lines), got.takes))
            rest = need.quantity - got.reserved
            if rest > 0:
                assemblies.append(AssemblyNeed(part=part, quantity=normalize(rest)))
                children_demand(parts, part, rest, need.lines, demand, packages)
        leaves.sort(key=lambda p: (min(needs[p].lines, default=_LAST), p))
        result = self.assign(build_id, leaves, needs, build.fallbacks, previous, used, partial=self.partial)
        for part in leaves:
            got, lines = result[part], sorted(needs[part].lines)
            if got.takes:
                reservations.append(_reservation(part, got.reserved, lines, got.takes))
            if got.short > 0:
                shortages.append(Shortage(part=part, quantity=got.short, lines=list(lines)))
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

    # --- parts together --------------------------------------------------------------------

    def assign(
        self,
        build_id: str,
        order: list[str],
        needs: Mapping[str, Need],
        fallbacks: Mapping[str, str],
        previous: Mapping[str, Mapping[LineKey, Decimal]],
        used: dict[LineKey, Decimal],
        partial: bool,
    ) -> dict[str, Got]:
        """Serve the parts of ``order`` jointly from the lines this build may use.

        ``used`` is what this build already took (line units); it is updated.
        Quantities go to the solver as whole numbers of the family's base
        unit, scaled by a power of ten so that nothing is rounded.
        """
        base_need: dict[str, Decimal] = {}
        capacity: dict[LineKey, Decimal] = {}
        rows: dict[str, list[Row]] = {}
        askers: dict[LineKey, int] = {}
        parts, available, usable = self.inv.parts, self.pool.available, self._usable
        shared = False  # whether any line is asked for by two parts
        for part in order:
            base_need[part] = _to_base(needs[part].quantity, parts[part].unit)
            held = previous.get(part)
            found: list[Row] = []
            for key, tier, hops, line_unit in usable(part, fallbacks.get(part)):
                left = capacity.get(key)
                if left is None:
                    left = available(key, build_id) - used.get(key, ZERO)
                    left = capacity[key] = _to_base(left, line_unit) if left > 0 else ZERO
                if not left:  # nothing left (a capacity is never below zero)
                    continue
                held_here = held.get(key) if held else None
                found.append((key, tier, hops, _to_base(held_here, line_unit) if held_here else ZERO))
                if key in askers:
                    askers[key] += 1
                    shared = True
                else:
                    askers[key] = 1
            rows[part] = found
        out: dict[str, Got] = {}
        # a part whose lines no other part of the build may use needs no solver: it takes its
        # offers cheapest first, as the solver would (the property tests compare both ways)
        joint = [part for part in order if any(askers[row[0]] > 1 for row in rows[part])] if shared else []
        in_joint = set(joint)
        alone = [part for part in order if part not in in_joint] if joint else order
        got = self._got
        for part in alone:
            chosen_alone, short = serve_alone(rows[part], base_need[part], capacity, partial)
            out[part] = got(part, chosen_alone, short, used)
        if not joint:
            return out
        lines = {row[0] for part in joint for row in rows[part]}
        holdings = (row[3] for part in joint for row in rows[part] if row[3])
        places = max(map(places_needed, chain((base_need[part] for part in joint), holdings, (capacity[key] for key in lines))))
        whole: Callable[[Decimal], int] = int  # whole numbers (nearly always): nothing to scale
        back: Callable[[int], Decimal] = Decimal
        if places:

            def whole(amount: Decimal) -> int:
                return int(amount.scaleb(places))

            def back(amount: int) -> Decimal:
                return Decimal(amount).scaleb(-places)

        offers = {part: part_offers(rows[part], capacity, whole) for part in joint}
        solution = solve(
            joint, {part: whole(base_need[part]) for part in joint}, offers,
            {key: whole(capacity[key]) for key in lines}, partial,
        )  # fmt: skip
        for part in joint:
            chosen = cast(dict[LineKey, int], solution.takes.get(part, {}))
            amounts = {line: back(q) for line, q in chosen.items()}
            out[part] = got(part, amounts, back(solution.short.get(part, 0)), used)
        return {part: out[part] for part in order}

    def _got(self, part: str, chosen: Mapping[LineKey, Decimal], short: Decimal, used: dict[LineKey, Decimal]) -> Got:
        """Takes (in each line's unit) from amounts in the part's base unit; ``used`` is updated."""
        unit = self.inv.parts[part].unit
        if len(chosen) == 1 and unit == "pcs":  # the common case: whole pieces from one line
            line, amount = next(iter(chosen.items()))
            if line[1] == part or self._unit(line[1]) == "pcs":
                amount = normalize(amount)
                used[line] = used.get(line, ZERO) + amount
                take = Take(location=line[0], part=line[1], bin=line[2], quantity=amount)
                return Got([take], amount, normalize(short))
        takes: list[Take] = []
        total = ZERO
        for line in sorted(chosen, key=walk_order) if len(chosen) > 1 else chosen:
            amount = chosen[line]
            total += amount
            line_unit = unit if line[1] == part else self._unit(line[1])
            in_line = normalize(amount if line_unit == "pcs" else _from_base(amount, line_unit))
            used[line] = used.get(line, ZERO) + in_line
            takes.append(Take(location=line[0], part=line[1], bin=line[2], quantity=in_line))
        if unit == "pcs":
            return Got(takes, normalize(total), normalize(short))
        return Got(takes, normalize(_from_base(total, unit)), normalize(_from_base(short, unit)))

    def _usable(self, part: str, fallback: str | None) -> list[tuple[LineKey, int, int, str]]:
        """The lines that may serve ``part`` at all (not deprioritized, a unit of its family), ranked, with their unit."""
        found = self._usable_lines.get((part, fallback))
        if found is None:
            unit = self.inv.parts[part].unit
            found = []
            for key, tier, hops in self._ranked_for(part, fallback):
                if key in self.pool.deprioritized:
                    continue
                line_unit = self._unit(key[1])
                if line_unit != unit and family(line_unit) != family(unit):
                    continue
                found.append((key, tier, hops, line_unit))
            self._usable_lines[(part, fallback)] = found
        return found

    def _ranked_for(self, part: str, fallback: str | None) -> Ranked:
        found = self._ranked.get((part, fallback))
        if found is None:
            found = self._ranked[(part, fallback)] = ranked(self.pool, self.graph, part, fallback)
        return found

    def _unit(self, part: str) -> str:
        known = self.inv.parts.get(part)
        return known.unit if known is not None else "pcs"


_DemandKey = tuple[str, str, Decimal, frozenset[int]]


def _demand_key(build: Build) -> _DemandKey:
    """What a build's BOM demand depends on besides the inventory: version, quantity, exclusions."""
    return (build.project, build.version, build.quantity, frozenset(build.exclude))


class Got(NamedTuple):
    """What one part gets: takes (line units), reserved and short (the part's unit)."""

    takes: list[Take]
    reserved: Decimal
    short: Decimal


_LAST = 1 << 62
_BASE = {"count": "pcs", "amount": "mol", "length": "m", "volume": "L", "mass": "g"}


def _to_base(quantity: Decimal, unit: str) -> Decimal:
    if unit == "pcs":
        return quantity
    return normalize(convert(quantity, unit, _BASE[family(unit)]))


def _from_base(quantity: Decimal, unit: str) -> Decimal:
    if unit == "pcs":
        return quantity
    return convert(quantity, _BASE[family(unit)], unit)


@lru_cache(maxsize=1 << 16)
def places_needed(number: Decimal) -> int:
    """Decimal places ``number`` needs, at least 0 (``2.50`` needs one); equal numbers need as many.

    Asked for every line and need of a joint assignment; the counts of a
    stockroom are few distinct numbers, each worked out once.
    """
    exponent = number.as_tuple().exponent
    if not isinstance(exponent, int) or exponent >= 0:
        return 0
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


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


def _reservation(part: str, quantity: Decimal, lines: list[int], takes: list[Take]) -> Reservation:
    return Reservation(part=part, quantity=quantity, lines=lines, take=takes)
