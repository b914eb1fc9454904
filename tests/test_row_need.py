"""One row-need function: clear, can-build, BOM views, cost and where-used agree on every number."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.ops.bom.need import bom_row_need
from ctb_files.ops.bom.tree import InventoryCatalog, explode, parse_target, where_used
from ctb_files.ops.bom.views import build_view
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.ops.builds.clearing import clear_builds
from ctb_files.ops.orders.costing import cost_lines
from tests.test_allocate_world import bom, build, load, part, stock

D = Decimal

FILES = {
    **part("wire", "unit: m\n"),
    **part("conn"),
    **part("conn-old"),
    **part("harness", "bom:\n  - {part: wire, quantity: 250, unit: mm}\n  - {part: conn, quantity: 2}\n"),
    "stock/a.yaml": stock("{part: wire, quantity: 10}", "{part: conn, quantity: 100}"),
    "projects/p/bom/v1.yaml": bom(
        "{line: 1, quantity: 2, part: harness}",
        "{line: 2, quantity: 30, unit: cm, part: wire}",
        "{line: 3, quantity: 1, part: conn-old, substitute: conn}",
        "{line: 4, quantity: 7, part: conn, dnp: true}",
    ),
    "builds/b1.yaml": build(3),
}


def test_a_row_asks_for_its_substitute_in_the_parts_unit(tmp_path: Path) -> None:
    inv = load(tmp_path, FILES)
    rows = inv.boms[("p", "v1")].rows
    wire = bom_row_need(inv.parts, rows[1], D(3))
    assert wire is not None and (wire.part, wire.quantity, wire.unit) == ("wire", D("0.9"), "m")
    sub = bom_row_need(inv.parts, rows[2], D(3))
    assert sub is not None and (sub.part, sub.quantity) == ("conn", D(3))
    assert bom_row_need(inv.parts, rows[3], D(3)) is None  # dnp
    assert bom_row_need(inv.parts, rows[1], D(3), exclude=[2]) is None


def test_every_command_agrees_on_a_two_level_bom_with_units(tmp_path: Path) -> None:
    inv = load(tmp_path, FILES)
    target = parse_target("p:v1")
    # per one unit: wire 2 × 250 mm + 30 cm = 0.8 m; conn 2 × 2 + 1 (substitute) = 5, the dnp row left out
    per_unit = {"wire": D("0.8"), "conn": D(5)}

    totals = build_view(InventoryCatalog(inv), target, "totals").totals
    assert {row.part: (row.quantity, row.unit) for row in totals} == {"conn": (D(5), "pcs"), "wire": (D("0.8"), "m")}

    indented = explode(InventoryCatalog(inv), target)
    assert [(row.level, row.part, row.need, row.part_unit) for row in indented] == [
        (1, "harness", D(2), "pcs"),
        (2, "conn", D(4), "pcs"),
        (2, "wire", D("0.5"), "m"),
        (1, "wire", D("0.3"), "m"),
        (1, "conn", D(1), "pcs"),
        (1, "conn", D(7), "pcs"),
    ]
    assert indented[-1].dnp

    plan = clear_builds(inv, ["b1"])["b1"]
    assert plan.status == "cleared"
    reserved = {r.part: r.quantity for r in plan.reservations}
    assert reserved == {part: qty * 3 for part, qty in per_unit.items()}
    assert [(a.part, a.quantity) for a in plan.assemblies] == [("harness", D(6))]

    costs = {line.part: line.quantity for line in cost_lines(inv, "p", "v1", 3)}
    assert costs == reserved

    for part_id, qty in per_unit.items():
        used = where_used(inv, part_id)
        assert sum(row.total for row in used if row.used_in == "p:v1") == qty

    # wire 10 m / 0.8 = 12.5, conn 100 / 5 = 20: twelve units
    result = can_build(inv, "p", "v1")
    assert (result.quantity, result.limited_by) == (12, ["wire"])
