"""The joint engine against an independent exact check on random small inventories.

The check is Gale's supply-demand theorem (Hall's condition for quantities):
the needs can be covered iff every set S of parts needs no more than the
lines any part of S may use hold; the most that can be reserved is the total
need minus the largest deficit over such sets.  With at most five parts this
is a brute-force search over every subset, sharing no code with the engine.
"""

from __future__ import annotations

from collections import deque
from decimal import Decimal
from itertools import combinations

from hypothesis import given, settings

from ctb_files.core.models.build import Build
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.stock import Stock, StockLine
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.ops.builds.clearing import clear_builds
from tests.test_allocate_props import inventories
from tests.test_allocate_world import apply

Line = tuple[str, str, str | None]


def needs_of(inv: Inventory, build: Build) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for row in inv.boms[(build.project, build.version)].rows:
        if row.dnp or row.line in build.exclude:
            continue
        asked = row.substitute or row.part
        assert asked is not None
        out[asked] = out.get(asked, Decimal(0)) + row.quantity * build.quantity
    return out


def near(inv: Inventory, part: str) -> set[str]:
    edges: dict[str, set[str]] = {}
    for pid, p in inv.parts.items():
        for other in p.equivalents:
            edges.setdefault(pid, set()).add(other)
            edges.setdefault(other, set()).add(pid)
    seen, queue = {part: 0}, deque([part])
    while queue:
        node = queue.popleft()
        if seen[node] < inv.settings.equivalence_depth:
            for other in edges.get(node, ()):
                if other not in seen:
                    seen[other] = seen[node] + 1
                    queue.append(other)
    return set(seen)


def usable(inv: Inventory, build: Build, part: str) -> set[Line]:
    parts = near(inv, part)
    if part in build.fallbacks:
        parts |= near(inv, build.fallbacks[part])
    return {
        (loc, line.part, line.bin)
        for loc, stock in inv.stock.items()
        for line in stock.lines
        if line.part in parts and not line.deprioritized and line.quantity > 0
    }


def deficit(inv: Inventory, build: Build) -> Decimal:
    """The largest (need of S − stock usable by S) over every set S of parts, at least 0."""
    needs = {p: q for p, q in needs_of(inv, build).items() if q > 0}
    size = {(loc, ln.part, ln.bin): ln.quantity for loc, st_ in inv.stock.items() for ln in st_.lines}
    lines = {p: usable(inv, build, p) for p in needs}
    worst = Decimal(0)
    for k in range(1, len(needs) + 1):
        for group in combinations(needs, k):
            reach = set().union(*(lines[p] for p in group))
            worst = max(worst, sum(needs[p] for p in group) - sum(size[key] for key in reach))
    return worst


def alone(inv: Inventory, build_id: str) -> Inventory:
    """Only ``build_id`` is open: the others are dropped, so no other build holds stock."""
    inv.builds = {build_id: inv.builds[build_id]}
    return inv


@settings(max_examples=150, deadline=None)
@given(inventories())
def test_a_build_clears_iff_some_assignment_covers_it(inv: Inventory) -> None:
    inv = alone(inv, "b0")
    plan = clear_builds(inv, ["b0"])["b0"]
    assert plan.cleared == (deficit(inv, inv.builds["b0"]) == 0)


@settings(max_examples=150, deadline=None)
@given(inventories())
def test_partial_reserves_the_most_possible(inv: Inventory) -> None:
    inv = alone(inv, "b0")
    inv.settings = inv.settings.model_copy(update={"partial_reservations": True})
    plan = clear_builds(inv, ["b0"])["b0"]
    total = sum(needs_of(inv, inv.builds["b0"]).values(), Decimal(0))
    assert sum(r.quantity for r in plan.reservations) == total - deficit(inv, inv.builds["b0"])


@settings(max_examples=150, deadline=None)
@given(inventories())
def test_buying_exactly_the_shortages_clears_the_build(inv: Inventory) -> None:
    inv = alone(inv, "b0")
    plan = clear_builds(inv, ["b0"])["b0"]
    apply(inv, {"b0": plan})
    bought = [StockLine(part=s.part, quantity=s.quantity) for s in plan.shortages if s.part is not None]
    inv.stock = {**inv.stock, "z-bought": Stock(lines=bought)}
    again = clear_builds(inv, ["b0"])["b0"]
    assert again.cleared, (plan.shortages, again.shortages)
    apply(inv, {"b0": again})
    assert clear_builds(inv, ["b0"])["b0"] == again  # idempotent


@settings(max_examples=100, deadline=None)
@given(inventories())
def test_can_build_is_exact(inv: Inventory) -> None:
    inv = alone(inv, "b0")
    result = can_build(inv, "p", "v1")
    if result.quantity is None:
        return

    def covers(n: int) -> bool:
        return deficit(inv, Build(project="p", version="v1", quantity=Decimal(n))) == 0

    assert result.quantity == 0 or covers(result.quantity)
    assert not covers(result.quantity + 1)
