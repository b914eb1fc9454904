"""The joint engine on the three cases of PRODUCT.md 4.3 that a part-by-part pass got wrong."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.ops.builds.canbuild import can_build
from ctb_files.ops.builds.clearing import clear_builds
from tests.test_allocate_world import apply, bom, build, load, part, shorts, stock, takes

D = Decimal


def test_parts_sharing_equivalents_are_served_together(tmp_path: Path) -> None:
    files = {
        "ctb.yaml": "ctb: 1\nequivalence_depth: 1\n",
        **part("a", "equivalents: [b, c]\n"),
        **part("b"),
        **part("c"),
        "stock/s.yaml": stock("{part: b, quantity: 2}", "{part: c, quantity: 3}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 3, part: a}", "{line: 2, quantity: 2, part: b}"),
        "builds/b1.yaml": build(1),
    }
    inv = load(tmp_path, files)
    result = can_build(inv, "p", "v1")
    assert (result.quantity, result.limited_by) == (1, ["a", "b"])
    plan = clear_builds(inv, ["b1"])["b1"]
    assert plan.status == "cleared"
    assert takes(plan) == [("a", "s", "c", D(3)), ("b", "s", "b", D(2))]


def test_the_first_bom_line_wins_a_shared_line_not_the_smaller_id(tmp_path: Path) -> None:
    files = {
        **part("p10"),
        **part("p20", "equivalents: [p10]\n"),
        "stock/s.yaml": stock("{part: p10, quantity: 5}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 5, part: p20}", "{line: 2, quantity: 5, part: p10}"),
        "builds/b1.yaml": build(1),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert plan.status == "short"
    assert takes(plan) == [("p20", "s", "p10", D(5))]
    assert shorts(plan) == [("p10", D(5))]
    assert plan.shortages[0].lines == [2]


def test_buying_exactly_the_reported_shortage_clears_the_build(tmp_path: Path) -> None:
    files = {
        **part("p10"),
        **part("p20", "equivalents: [p10]\n"),
        "stock/s.yaml": stock("{part: p10, quantity: 5}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 8, part: p10}", "{line: 2, quantity: 3, part: p20}"),
        "builds/b1.yaml": build(1),
    }
    inv = load(tmp_path / "before", files)
    plan = clear_builds(inv, ["b1"])["b1"]
    assert takes(plan) == [("p20", "s", "p10", D(3))]
    assert shorts(plan) == [("p10", D(6))]
    apply(inv, {"b1": plan})

    bought = load(tmp_path / "after", {**files, "stock/s.yaml": stock("{part: p10, quantity: 11}")})
    bought.builds["b1"] = inv.builds["b1"]
    again = clear_builds(bought, ["b1"])["b1"]
    assert again.status == "cleared"
    assert takes(again) == [("p10", "s", "p10", D(8)), ("p20", "s", "p10", D(3))]


def test_a_part_keeps_its_line_when_the_build_grows(tmp_path: Path) -> None:
    # r1 holds the 4 of line x; r2 (equivalent) may use x too. When the build grows,
    # r1 keeps x and tops up from its own other line; r2 stays on its own line.
    files = {
        **part("r1"),
        **part("r2", "equivalents: [r1]\n"),
        "stock/s.yaml": stock("{part: r1, quantity: 4, bin: x}", "{part: r1, quantity: 9, bin: y}", "{part: r2, quantity: 9}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r2}", "{line: 2, quantity: 2, part: r1}"),
        "builds/b1.yaml": build(2),
    }
    inv = load(tmp_path, files)
    first = clear_builds(inv, ["b1"])["b1"]
    assert [(r.part, t.bin, t.quantity) for r in first.reservations for t in r.take] == [
        ("r1", "x", D(4)),
        ("r2", None, D(4)),
    ]
    apply(inv, {"b1": first})
    inv.builds["b1"] = inv.builds["b1"].model_copy(update={"quantity": D(3)})
    second = clear_builds(inv, ["b1"])["b1"]
    assert [(r.part, t.bin, t.quantity) for r in second.reservations for t in r.take] == [
        ("r1", "x", D(4)),
        ("r1", "y", D(2)),
        ("r2", None, D(6)),
    ]


def test_excess_goes_from_the_equivalent_line_before_the_own_line(tmp_path: Path) -> None:
    files = {
        **part("r1", "equivalents: [r2]\n"),
        **part("r2"),
        "stock/s.yaml": stock("{part: r1, quantity: 3}", "{part: r2, quantity: 3}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 1, part: r1}"),
        "builds/b1.yaml": build(6),
    }
    inv = load(tmp_path, files)
    apply(inv, clear_builds(inv, ["b1"]))
    inv.builds["b1"] = inv.builds["b1"].model_copy(update={"quantity": D(3)})
    plan = clear_builds(inv, ["b1"])["b1"]
    assert takes(plan) == [("r1", "s", "r1", D(3))]


def test_partial_reservations_maximise_what_is_reserved(tmp_path: Path) -> None:
    files = {
        "ctb.yaml": "ctb: 1\npartial_reservations: true\n",
        **part("p10"),
        **part("p20", "equivalents: [p10]\n"),
        "stock/s.yaml": stock("{part: p10, quantity: 5}", "{part: p20, quantity: 2}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 8, part: p10}", "{line: 2, quantity: 3, part: p20}"),
        "builds/b1.yaml": build(1),
    }
    plan = clear_builds(load(tmp_path, files), ["b1"])["b1"]
    assert sum(r.quantity for r in plan.reservations) == 7
    # the cheapest way to reserve 7: each part from its own line first
    assert takes(plan) == [("p10", "s", "p10", D(5)), ("p20", "s", "p20", D(2))]
    assert shorts(plan) == [("p10", D(3)), ("p20", D(1))]
