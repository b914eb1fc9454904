"""The allocation engine on tiny inventories: the numbers of PRODUCT.md 4.1–4.4."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.core.models.build import Build
from ctb_files.ops.builds.allocate import Allocator
from ctb_files.ops.builds.clearing import clear_all, clear_builds, clear_order
from tests.test_allocate_world import (
    apply,
    available,
    bom,
    build,
    load,
    on_hand,
    part,
    shorts,
    stock,
    takes,
)

D = Decimal


def one_part(*lines: str, rows: tuple[str, ...] = ("{line: 1, quantity: 2, part: r1}",), **extra: str) -> dict[str, str]:
    return {
        **part("r1"),
        "stock/a.yaml": stock(*lines),
        "projects/p/bom/v1.yaml": bom(*rows),
        "builds/b1.yaml": build(3),
        **extra,
    }


def test_one_line_of_ten_reserves_six_and_leaves_four_available(tmp_path: Path) -> None:
    inv = load(tmp_path, one_part("{part: r1, quantity: 10}"))
    plan = clear_builds(inv, ["b1"])["b1"]
    assert plan.status == "cleared"
    assert takes(plan) == [("r1", "a", "r1", D(6))]
    assert plan.reservations[0].quantity == 6 and plan.reservations[0].lines == [1]
    assert plan.shortages == []
    apply(inv, {"b1": plan})
    assert on_hand(inv, "a", "r1") == 10
    assert available(inv, "a", "r1") == 4


def test_a_line_of_one_is_short_five_and_reserves_nothing(tmp_path: Path) -> None:
    inv = load(tmp_path, one_part("{part: r1, quantity: 1}"))
    plan = clear_builds(inv, ["b1"])["b1"]
    assert plan.status == "short"
    assert plan.reservations == []
    assert shorts(plan) == [("r1", D(5))]
    assert plan.shortages[0].lines == [1]


def test_least_available_line_goes_first(tmp_path: Path) -> None:
    files = one_part("{part: r1, quantity: 20}", "{part: r1, quantity: 10, bin: '2'}", "{part: r1, quantity: 30, bin: '3'}")
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(t.bin, t.quantity) for t in plan.reservations[0].take] == [("2", D(6))]


def test_small_line_is_emptied_then_the_next_smallest(tmp_path: Path) -> None:
    files = {
        **one_part("{part: r1, quantity: 20}"),
        "stock/b.yaml": stock("{part: r1, quantity: 4}"),
        "stock/c.yaml": stock("{part: r1, quantity: 30}"),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert sorted(takes(plan)) == [("r1", "a", "r1", D(2)), ("r1", "b", "r1", D(4))]


def test_deprioritized_lines_are_never_reserved(tmp_path: Path) -> None:
    files = one_part(
        "{part: r1, quantity: 6, bin: x, deprioritized: true}",
        "{part: r1, quantity: 3, bin: y, deprioritized: true}",
        "{part: r1, quantity: 10, bin: z}",
    )
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(t.bin, t.quantity) for t in plan.reservations[0].take] == [("z", D(6))]


def test_parts_that_can_be_covered_are_reserved_even_when_others_are_short(tmp_path: Path) -> None:
    files = {
        **part("r1"),
        **part("r2"),
        "stock/a.yaml": stock("{part: r1, quantity: 11}", "{part: r2, quantity: 8}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}", "{line: 2, quantity: 3, part: r2}"),
        "builds/b1.yaml": build(3),
    }
    inv = load(tmp_path, files)
    plan = clear_builds(inv, ["b1"])["b1"]
    assert takes(plan) == [("r1", "a", "r1", D(6))]
    assert shorts(plan) == [("r2", D(1))]
    apply(inv, {"b1": plan})
    inv.stock["a"].lines[1].quantity = D(9)
    again = clear_builds(inv, ["b1"])["b1"]
    assert again.status == "cleared"
    assert takes(again) == [("r1", "a", "r1", D(6)), ("r2", "a", "r2", D(9))]


def test_rows_of_one_part_are_pooled(tmp_path: Path) -> None:
    files = one_part(
        "{part: r1, quantity: 10}",
        rows=("{line: 4, quantity: 2, part: r1}", "{line: 7, quantity: 1, part: r1}"),
    )  # fmt: skip
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(r.part, r.quantity, r.lines) for r in plan.reservations] == [("r1", D(9), [4, 7])]


def test_excluded_dnp_and_optional_rows(tmp_path: Path) -> None:
    files = {
        **part("r1"),
        **part("r2"),
        **part("r3"),
        **part("r4"),
        "stock/a.yaml": stock("{part: r1, quantity: 10}", "{part: r4, quantity: 3}"),
        "projects/p/bom/v1.yaml": bom(
            "{line: 1, quantity: 2, part: r1}",
            "{line: 2, quantity: 1, part: r2}",
            "{line: 3, quantity: 1, part: r3, dnp: true}",
            "{line: 4, quantity: 1, part: r4, optional: true}",
        ),
        "builds/b1.yaml": build(3, "exclude: [2]\n"),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "cleared"
    assert [(r.part, r.quantity) for r in plan.reservations] == [("r1", D(6)), ("r4", D(3))]


def test_implicit_rows_count_and_keep_their_line(tmp_path: Path) -> None:
    files = one_part(
        "{part: r1, quantity: 20}",
        rows=("{line: 1, quantity: 2, part: r1}", "{implicit: true, part: r1, quantity: 1}"),
    )  # fmt: skip
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(r.quantity, r.lines) for r in plan.reservations] == [(D(9), [1])]


def test_unmatched_and_unknown_rows_are_shortages_with_a_reason(tmp_path: Path) -> None:
    files = one_part(
        "{part: r1, quantity: 20}",
        rows=("{line: 1, quantity: 2, part: r1}", "{line: 12, quantity: 1, part: null, value: 4k7}",
              "{line: 13, quantity: 2, part: nosuch}"),
    )  # fmt: skip
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "short"
    assert [(s.part, s.quantity, s.lines, s.reason) for s in plan.shortages] == [
        (None, D(3), [12], "unmatched BOM row"),
        (None, D(6), [13], "unknown part 'nosuch'"),  # a build file never names a part that does not exist
    ]
    assert takes(plan) == [("r1", "a", "r1", D(6))]


def test_row_units_are_converted_to_the_part_unit(tmp_path: Path) -> None:
    files = {
        **part("wire", "unit: m\n"),
        "stock/a.yaml": stock("{part: wire, quantity: 2}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 250, unit: mm, part: wire}"),
        "builds/b1.yaml": build(3),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(r.quantity, [t.quantity for t in r.take]) for r in plan.reservations] == [(D("0.75"), [D("0.75")])]


def test_an_equivalent_serves_when_the_original_has_none(tmp_path: Path) -> None:
    files = {
        **part("r1", "equivalents: [r1b]\n"),
        **part("r1b"),
        "stock/a.yaml": stock("{part: r1b, quantity: 10}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(3),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert takes(plan) == [("r1", "a", "r1b", D(6))]


def test_own_stock_goes_before_an_equivalent_with_less(tmp_path: Path) -> None:
    files = {
        **part("r1"),
        **part("r1b", "equivalents: [r1]\n"),  # the edge is undirected
        "stock/a.yaml": stock("{part: r1, quantity: 10}", "{part: r1b, quantity: 8}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(3),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert takes(plan) == [("r1", "a", "r1", D(6))]


def test_a_substitute_without_stock_is_short_itself(tmp_path: Path) -> None:
    files = one_part(
        "{part: r1, quantity: 10}", rows=("{line: 1, quantity: 2, part: r1, substitute: r9}",), **part("r9")
    )
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.reservations == []
    assert shorts(plan) == [("r9", D(6))]


def test_a_fallback_tops_up_the_original(tmp_path: Path) -> None:
    files = {
        **part("r1"),
        **part("r2"),
        "stock/a.yaml": stock("{part: r1, quantity: 4}", "{part: r2, quantity: 10}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(3, "fallbacks: {r1: r2}\n"),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert takes(plan) == [("r1", "a", "r1", D(4)), ("r1", "a", "r2", D(2))]


def test_a_fallback_that_is_also_an_equivalent_is_counted_once(tmp_path: Path) -> None:
    files = {
        **part("r1", "equivalents: [r2]\n"),
        **part("r2"),
        "stock/a.yaml": stock("{part: r1, quantity: 4}", "{part: r2, quantity: 1}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(3, "fallbacks: {r1: r2}\n"),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.reservations == []
    assert shorts(plan) == [("r1", D(1))]  # 6 - (4 + 1), not 6 - (4 + 1 + 1)


def test_a_second_build_respects_the_first(tmp_path: Path) -> None:
    files = {**one_part("{part: r1, quantity: 10}"), "builds/b2.yaml": build(3)}
    inv = load(tmp_path, files)
    apply(inv, clear_builds(inv, ["b1"]))
    second = clear_builds(inv, ["b2"])["b2"]
    assert second.reservations == []
    assert shorts(second) == [("r1", D(2))]


def test_all_gives_the_lower_priority_value_first_pick(tmp_path: Path) -> None:
    files = {
        **one_part("{part: r1, quantity: 10}"),
        "builds/b1.yaml": build(3, "priority: 1\n"),
        "builds/b2.yaml": build(3, "priority: 0\n"),
    }
    inv = load(tmp_path, files)
    apply(inv, clear_builds(inv, ["b1"]))  # b1 held its 6 first...
    assert clear_order(inv) == ["b2", "b1"]
    plans = clear_all(inv)  # ...but --all re-plans by priority
    assert list(plans) == ["b2", "b1"]
    assert takes(plans["b2"]) == [("r1", "a", "r1", D(6))]
    assert shorts(plans["b1"]) == [("r1", D(2))]


def test_clear_order_is_priority_then_due_with_none_last_then_id(tmp_path: Path) -> None:
    files = {
        **one_part("{part: r1, quantity: 10}"),
        "builds/b1.yaml": build(1),
        "builds/a9.yaml": build(1, "due: 2026-12-01\n"),
        "builds/a1.yaml": build(1, "due: 2026-12-02\n"),
        "builds/z0.yaml": build(1, "priority: -1\n"),
        "builds/done.yaml": build(1, "status: completed\n"),
    }
    assert clear_order(load(tmp_path, files)) == ["z0", "a9", "a1", "b1"]


def test_cancel_makes_everything_available_again(tmp_path: Path) -> None:
    inv = load(tmp_path, one_part("{part: r1, quantity: 10}"))
    apply(inv, clear_builds(inv, ["b1"]))
    assert available(inv, "a", "r1") == 4
    inv.builds["b1"] = inv.builds["b1"].model_copy(update={"status": "draft", "reservations": []})
    assert available(inv, "a", "r1") == 10


def test_six_hops_of_equivalents_are_out_of_reach_at_depth_five(tmp_path: Path) -> None:
    chain = {}
    for i in range(7):  # e0 - e1 - ... - e6
        chain.update(part(f"e{i}", f"equivalents: [e{i + 1}]\n" if i < 6 else ""))
    files = {
        **chain,
        "stock/a.yaml": stock("{part: e6, quantity: 10}", "{part: e5, quantity: 1}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 1, part: e0}"),
        "builds/b1.yaml": build(2),
    }
    inv = load(tmp_path, files)
    plan = clear_builds(inv, ["b1"])["b1"]
    assert plan.reservations == [] and shorts(plan) == [("e0", D(1))]  # e5 (5 hops) counts, e6 does not
    inv.settings = inv.settings.model_copy(update={"equivalence_depth": 6})
    assert takes(clear_builds(inv, ["b1"])["b1"]) == [("e0", "a", "e5", D(1)), ("e0", "a", "e6", D(1))]


def test_partial_reservations_reserve_what_exists(tmp_path: Path) -> None:
    files = one_part("{part: r1, quantity: 4}", **{"ctb.yaml": "ctb: 1\npartial_reservations: true\n"})
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "short"
    assert takes(plan) == [("r1", "a", "r1", D(4))]
    assert shorts(plan) == [("r1", D(2))]


def test_an_assembly_uses_its_stock_then_builds_the_rest(tmp_path: Path) -> None:
    files = {
        **part("panel", "bom:\n  - {part: wire, quantity: 500, unit: mm}\n  - {part: knob, quantity: 2}\n"),
        **part("wire", "unit: m\n"),
        **part("knob"),
        "stock/a.yaml": stock("{part: panel, quantity: 1}", "{part: wire, quantity: 10}", "{part: knob, quantity: 50}"),
        "projects/p/bom/v1.yaml": bom("{line: 5, quantity: 1, part: panel}", "{line: 6, quantity: 3, part: knob}"),
        "builds/b1.yaml": build(3),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "cleared"
    assert [(a.part, a.quantity) for a in plan.assemblies] == [("panel", D(2))]
    assert [(r.part, r.quantity, r.lines) for r in plan.reservations] == [
        ("knob", D(13), [5, 6]),  # 3 × 3 for line 6, pooled with 2 × 2 for the two panels
        ("panel", D(1), [5]),
        ("wire", D(1), [5]),  # 2 × 500 mm = 1 m
    ]


def test_a_bom_cycle_is_a_shortage_not_a_hang(tmp_path: Path) -> None:
    files = {
        **part("x", "bom:\n  - {part: y, quantity: 1}\n"),
        **part("y", "bom:\n  - {part: x, quantity: 1}\n"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 1, part: x}"),
        "builds/b1.yaml": build(1),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "short"
    assert [s.reason for s in plan.shortages] == ["part of a BOM cycle"]


def test_stock_already_held_is_kept_when_the_need_grows(tmp_path: Path) -> None:
    held = "reservations:\n  - {part: r1, quantity: 6, lines: [1], take: [{location: b, part: r1, quantity: 6}]}\n"
    files = {
        **one_part("{part: r1, quantity: 10}", rows=("{line: 1, quantity: 3, part: r1}",)),
        "stock/b.yaml": stock("{part: r1, quantity: 20}"),
        "builds/b1.yaml": build(3, "status: cleared\n" + held),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert takes(plan) == [("r1", "b", "r1", D(9))]  # a fresh plan would take 9 from a


def test_excess_is_released_from_the_line_with_most_left(tmp_path: Path) -> None:
    held = (
        "reservations:\n  - part: r1\n    quantity: 8\n    lines: [1]\n    take:\n"
        "      - {location: a, part: r1, quantity: 4}\n      - {location: b, part: r1, quantity: 4}\n"
    )
    files = {
        **one_part("{part: r1, quantity: 10}", rows=("{line: 1, quantity: 5, part: r1}",)),
        "stock/b.yaml": stock("{part: r1, quantity: 5}"),
        "builds/b1.yaml": build(1, "status: cleared\n" + held),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert takes(plan) == [("r1", "a", "r1", D(1)), ("r1", "b", "r1", D(4))]


def test_planning_twice_gives_the_same_plan(tmp_path: Path) -> None:
    files = {
        **one_part("{part: r1, quantity: 20}"),
        "stock/b.yaml": stock("{part: r1, quantity: 4}"),
        "builds/b2.yaml": build(2),
    }
    inv = load(tmp_path, files)
    first = clear_all(inv)
    apply(inv, first)
    assert clear_all(inv) == first


def test_a_probe_build_is_never_recorded(tmp_path: Path) -> None:
    inv = load(tmp_path, one_part("{part: r1, quantity: 10}"))
    allocator = Allocator(inv)
    probe = Build(project="p", version="v1", quantity=D(5))
    assert allocator.plan("probe", probe).cleared
    assert allocator.plan("probe", probe).cleared  # planning alone holds nothing
    allocator.clear("probe", probe)
    assert not allocator.plan("other", Build(project="p", version="v1", quantity=D(1))).cleared


def test_an_equivalent_stocked_in_another_unit_is_converted(tmp_path: Path) -> None:
    files = {
        **part("wire", "unit: m\nequivalents: [wire-spool]\n"),
        **part("wire-spool", "unit: mm\n"),
        **part("glue", "unit: g\nequivalents: [wire]\n"),  # another family: never serves wire
        "stock/a.yaml": stock("{part: wire-spool, quantity: 2000}", "{part: glue, quantity: 5}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 50, unit: cm, part: wire}"),
        "builds/b1.yaml": build(3),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert [(r.part, r.quantity) for r in plan.reservations] == [("wire", D("1.5"))]
    assert takes(plan) == [("wire", "a", "wire-spool", D(1500))]


def test_builds_of_one_batch_read_their_bom_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # three builds of p:v1 × 3 and one of p:v1 × 2: two demands made, four builds planned
    from ctb_files.ops.builds import allocate

    inv = load(tmp_path, {
        **part("r1"), "stock/a.yaml": stock("{part: r1, quantity: 20}"), "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(3), "builds/b2.yaml": build(3), "builds/b3.yaml": build(3), "builds/b4.yaml": build(2),
    })  # fmt: skip
    made: list[Decimal] = []
    real = allocate.bom_demand

    def counted(*args: object, **kwargs: object) -> object:
        made.append(args[2])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(allocate, "bom_demand", counted)
    plans = clear_all(inv)
    assert sorted(made) == [D(2), D(3)]
    # 20 on hand, 6 a build of 3: the build of 2 (4 needed) finds 2 left and is short by 2
    assert [(bid, plan.status, shorts(plan)) for bid, plan in plans.items()] == [
        ("b1", "cleared", []), ("b2", "cleared", []), ("b3", "cleared", []), ("b4", "short", [("r1", D(2))]),
    ]
