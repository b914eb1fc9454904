"""Allocation invariants on random small inventories (hypothesis)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.core.models.build import Build
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.part import BomLine, Part
from ctb_files.core.models.project import BomFile, BomRow, Project, ProjectVersion
from ctb_files.core.models.settings import Settings
from ctb_files.core.models.stock import Stock, StockLine
from ctb_files.ops.builds.allocate import Allocator
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.ops.builds.clearing import clear_all, clear_builds, clear_order
from ctb_files.ops.stock.ledger import ZERO, line_states
from tests.test_allocate_world import apply

PARTS = ["p0", "p1", "p2", "p3"]


@st.composite
def inventories(draw: st.DrawFn, assemblies: bool = False) -> Inventory:
    parts = {pid: Part(name=pid) for pid in PARTS}
    for a, b in draw(st.lists(st.tuples(st.sampled_from(PARTS), st.sampled_from(PARTS)), max_size=3)):
        parts[a].equivalents.append(b)
    if assemblies:
        parts["asm"] = Part(name="asm", bom=[BomLine(part="p0", quantity=Decimal(draw(st.integers(1, 3)))),
                                             BomLine(part="p1", quantity=Decimal(1))])  # fmt: skip
    stock: dict[str, Stock] = {}
    seen = set()
    for loc, pid, bin_, qty, depri in draw(
        st.lists(
            st.tuples(st.sampled_from("ab"), st.sampled_from(sorted(parts)), st.sampled_from([None, "1"]),
                      st.integers(0, 12), st.booleans()),
            max_size=8,
        )
    ):  # fmt: skip
        if (loc, pid, bin_) in seen:
            continue
        seen.add((loc, pid, bin_))
        line = StockLine(part=pid, quantity=Decimal(qty), bin=bin_, deprioritized=depri and qty % 3 == 0)
        stock.setdefault(loc, Stock()).lines.append(line)
    wanted = sorted(parts)
    rows = [
        BomRow(line=i + 1, part=pid, quantity=Decimal(qty), dnp=dnp, substitute=sub)
        for i, (pid, qty, dnp, sub) in enumerate(
            draw(st.lists(st.tuples(st.sampled_from(wanted), st.integers(1, 3), st.booleans(),
                                    st.none() | st.sampled_from(wanted)), min_size=1, max_size=4))  # fmt: skip
        )
    ]
    builds = {}
    for i in range(draw(st.integers(1, 3))):
        builds[f"b{i}"] = Build(
            project="p",
            version="v1",
            quantity=Decimal(draw(st.integers(1, 4))),
            priority=draw(st.integers(0, 2)),
            exclude=draw(st.lists(st.integers(1, 4), max_size=1)),
            fallbacks=draw(st.dictionaries(st.sampled_from(PARTS), st.sampled_from(PARTS), max_size=1)),
        )
    return Inventory(
        settings=Settings(ctb=1, partial_reservations=draw(st.booleans()), equivalence_depth=draw(st.integers(0, 3))),
        parts=parts,
        stock=stock,
        projects={"p": Project(name="P", versions=[ProjectVersion(name="v1")])},
        boms={("p", "v1"): BomFile(project="p", version="v1", rows=rows)},
        builds=builds,
    )


def assert_consistent(inv: Inventory) -> None:
    for state in line_states(inv).values():
        assert state.reserved <= state.on_hand, state
        if state.deprioritized:
            assert state.reserved == 0
    for build in inv.builds.values():
        for shortage in build.shortages:
            assert shortage.quantity > 0
        for reservation in build.reservations:
            assert reservation.quantity == sum((t.quantity for t in reservation.take), ZERO)


def need_per_part(inv: Inventory, build: Build) -> dict[str, Decimal]:
    out: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for row in inv.boms[("p", "v1")].rows:
        if not row.dnp and row.line not in build.exclude and row.wanted:
            out[row.wanted] += row.quantity * build.quantity
    return dict(out)


@settings(max_examples=150, deadline=None)
@given(inventories(), st.randoms(use_true_random=False))
def test_nothing_is_reserved_beyond_on_hand(inv: Inventory, rng: object) -> None:
    ids = sorted(inv.builds)
    rng.shuffle(ids)  # type: ignore[attr-defined]
    for build_id in ids:  # one at a time, in any order
        apply(inv, clear_builds(inv, [build_id]))
        assert_consistent(inv)
    apply(inv, clear_all(inv))
    assert_consistent(inv)


@settings(max_examples=150, deadline=None)
@given(inventories())
def test_need_is_reserved_plus_short_per_part(inv: Inventory) -> None:
    apply(inv, clear_all(inv))
    for build in inv.builds.values():
        reserved = {r.part: r.quantity for r in build.reservations}
        short: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for shortage in build.shortages:
            assert shortage.part is not None
            short[shortage.part] += shortage.quantity
        need = need_per_part(inv, build)
        assert set(reserved) | set(short) <= set(need)
        for pid, quantity in need.items():
            got, missing = reserved.get(pid, ZERO), short.get(pid, ZERO)
            if inv.settings.partial_reservations:
                assert got + missing == quantity
            else:  # whole or nothing: all reserved, or none and short of need minus usable supply
                assert (got, missing) == (quantity, ZERO) or (got == 0 and 0 < missing <= quantity)
        assert build.status == ("short" if build.shortages else "cleared")


@settings(max_examples=100, deadline=None)
@given(inventories(assemblies=True))
def test_assemblies_are_reserved_or_built(inv: Inventory) -> None:
    apply(inv, clear_all(inv))
    assert_consistent(inv)
    for build in inv.builds.values():
        need = need_per_part(inv, build).get("asm", ZERO)
        reserved = sum((r.quantity for r in build.reservations if r.part == "asm"), ZERO)
        built = sum((a.quantity for a in build.assemblies if a.part == "asm"), ZERO)
        assert reserved + built == need
        assert not any(s.part == "asm" for s in build.shortages)


@settings(max_examples=150, deadline=None)
@given(inventories(assemblies=True))
def test_clearing_twice_is_a_no_op(inv: Inventory) -> None:
    first = clear_all(inv)
    apply(inv, first)
    assert clear_all(inv) == first
    one = sorted(inv.builds)[-1]
    alone = clear_builds(inv, [one])
    apply(inv, alone)
    assert clear_builds(inv, [one]) == alone


@settings(max_examples=100, deadline=None)
@given(inventories())
def test_cancel_restores_availability(inv: Inventory) -> None:
    before = {key: state.available for key, state in line_states(inv).items()}
    apply(inv, clear_all(inv))
    for build_id in inv.builds:
        inv.builds[build_id] = inv.builds[build_id].model_copy(
            update={"status": "draft", "reservations": [], "shortages": [], "assemblies": []}
        )
    after = {key: state.available for key, state in line_states(inv).items()}
    assert after == before
    assert all(state.available == state.on_hand for state in line_states(inv).values())


@settings(max_examples=100, deadline=None)
@given(inventories(assemblies=True))
def test_can_build_is_exact(inv: Inventory) -> None:
    apply(inv, clear_all(inv))
    result = can_build(inv, "p", "v1")
    allocator = Allocator(inv)

    def clears(units: int) -> bool:
        return allocator.plan("probe", Build(project="p", version="v1", quantity=Decimal(units))).cleared

    if result.quantity is None:
        assert clears(1000)
        return
    assert all(clears(n) for n in range(1, result.quantity + 1))
    assert not clears(result.quantity + 1)
    assert result.limited_by


@settings(max_examples=150, deadline=None)
@given(inventories(assemblies=True))
def test_a_demand_made_once_for_builds_alike_plans_as_one_made_for_each(inv: Inventory) -> None:
    # clear_all makes the demand of builds of one version, quantity and exclusions once
    order = clear_order(inv)
    each = Allocator(inv)  # never told what comes: every build's demand made afresh
    for build_id in order:
        each.release(build_id)
    expected = {build_id: each.clear(build_id, inv.builds[build_id]) for build_id in order}
    assert clear_all(inv) == expected
