"""One production need, every command: clear, can-build, bom show --totals, cost, bom export, order generate.

The world: a build of 10 of ``p:v1`` whose rows are 100 × ``c0402`` with
attrition 2 % and setup 15 (10 × 100 × 1.02 + 15 = 1,035), 3 × ``r1`` with
no attrition of its own but 5 % from its package (31.5, rounded up to 32),
1 × the assembly ``mod`` with setup 1 (11 modules), each built from
2 × ``x`` with attrition 10 % (2 × 11 × 1.1 = 24.2, rounded up to 25),
and 0.5 g of solder, consumable, with no stock at all.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ctb_files.cli import main
from tests.conftest import write_tree


def vendor_part(sku: str, price: str) -> str:
    return f"vendor_parts:\n  - {{vendor: lc, sku: {sku}, price_breaks: [{{quantity: 1, price: \"{price}\"}}]}}\n"


BOM = """\
project: p
version: v1
rows:
  - {line: 1, refs: [C1], quantity: 100, part: c0402, attrition: 2, setup: 15}
  - {line: 2, refs: [R1, R2, R3], quantity: 3, part: r1}
  - {line: 3, refs: [U1], quantity: 1, part: mod, setup: 1}
  - {line: 4, quantity: 0.5, unit: g, part: solder, consumable: true}
"""

WORLD = {
    "ctb.yaml": "ctb: 1\nname: Line\n",
    "vendors/lc.yaml": "name: LC\n",
    "packages/r0402.yaml": "name: 0402 resistor\nattrition: 5\n",
    "parts/c0402.yaml": "name: C 0402\n" + vendor_part("C1", "0.001"),
    "parts/r1.yaml": "name: R1\npackage: r0402\n" + vendor_part("R1", "0.002"),
    "parts/x.yaml": "name: X\n" + vendor_part("X1", "0.10"),
    "parts/mod.yaml": "name: Module\nbom:\n  - {part: x, quantity: 2, attrition: 10}\n",
    "parts/solder.yaml": "name: Solder paste\nunit: g\n" + vendor_part("S1", "0.20"),
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": BOM,
    "builds/b1.yaml": "project: p\nversion: v1\nquantity: 10\n",
}

NEED = {"c0402": Decimal(1035), "r1": Decimal(32), "x": Decimal(25)}


def stock(c0402: int, r1: int, x: int) -> str:
    return (
        "name: Shelf\nlines:\n"
        f"  - {{part: c0402, quantity: {c0402}}}\n  - {{part: r1, quantity: {r1}}}\n  - {{part: x, quantity: {x}}}\n"
    )


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    code = main([*args, "--repo", str(root)])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def as_json(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    return json.loads(run(root, capsys, *args, "--format", "json"))


def test_every_command_computes_the_same_need(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {**WORLD, "stock/shelf.yaml": stock(1035, 32, 25)})
    # can-build: exactly the need of 10 is on hand, so 10 clears and 11 does not
    assert as_json(tmp_path, capsys, "can-build", "p", "v1")["quantity"] == 10
    write_tree(tmp_path, {"stock/shelf.yaml": stock(1034, 32, 25)})
    assert as_json(tmp_path, capsys, "can-build", "p", "v1") == {
        "project": "p", "version": "v1", "quantity": 9, "limited_by": ["c0402"],
    }  # fmt: skip
    write_tree(tmp_path, {"stock/shelf.yaml": stock(1035, 32, 25)})

    run(tmp_path, capsys, "build", "clear", "b1")
    build = as_json(tmp_path, capsys, "build", "show", "b1")["builds"][0]
    assert build["status"] == "cleared"
    assert {r["part"]: Decimal(str(r["quantity"])) for r in build["reservations"]} == NEED
    assert build["shortages"] == []
    assert [(a["part"], Decimal(str(a["quantity"]))) for a in build["assemblies"]] == [("mod", Decimal(11))]

    totals = as_json(tmp_path, capsys, "bom", "show", "p:v1", "--totals", "--quantity", "10")["rows"]
    by_part = {t["part"]: Decimal(str(t["quantity"])) for t in totals}
    assert by_part == {**NEED, "solder": Decimal(5)}
    assert [t.get("consumable") for t in totals if t["part"] == "solder"] == [True]

    cost = as_json(tmp_path, capsys, "cost", "p", "v1", "-n", "10")
    assert {ln["part"]: Decimal(str(ln["quantity"])) for ln in cost["lines"]} == {**NEED, "solder": Decimal(5)}
    assert [ln["total"] for ln in cost["lines"] if ln["part"] == "solder"] == ["1.00"]  # 5 g × 0.20

    exported = list(csv.DictReader(io.StringIO(run(tmp_path, capsys, "bom", "export", "p:v1", "-n", "10"))))
    quantities = {row["Part"]: Decimal(row["Quantity"].replace(",", "")) for row in exported}
    assert quantities["c0402"] == NEED["c0402"] and quantities["r1"] == NEED["r1"]
    assert quantities["solder"] == Decimal(5)

    # no stock at all: the whole need is short and ordered, the consumable still is not
    write_tree(tmp_path, {"stock/shelf.yaml": stock(0, 0, 0)})
    run(tmp_path, capsys, "build", "clear", "b1")
    build = as_json(tmp_path, capsys, "build", "show", "b1")["builds"][0]
    assert {s["part"]: Decimal(str(s["quantity"])) for s in build["shortages"]} == NEED
    assert build["reservations"] == []
    orders = as_json(tmp_path, capsys, "order", "generate")["orders"]
    ordered = {ln["part"]: Decimal(str(ln["quantity"])) for order in orders for ln in order["lines"]}
    assert ordered == NEED


def judged_world(setup: str, on_hand: int) -> dict[str, str]:
    bom = f"project: p\nversion: v1\nrows:\n  - {{line: 1, quantity: 100, part: c0402, attrition: 2{setup}}}\n"
    bom += "  - {line: 2, quantity: 2, unit: g, part: solder, consumable: true}\n"
    return {
        **WORLD, "projects/p/bom/v1.yaml": bom,
        "stock/shelf.yaml": f"name: Shelf\nlines:\n  - {{part: c0402, quantity: {on_hand}}}\n",
    }  # fmt: skip


def test_judged_numbers_through_the_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, judged_world("", 2000))
    run(tmp_path, capsys, "build", "clear", "b1")
    build = as_json(tmp_path, capsys, "build", "show", "b1")["builds"][0]
    assert [(r["part"], r["quantity"]) for r in build["reservations"]] == [("c0402", 1020)]
    # the consumable solder has no stock and still the build is cleared; it is nowhere in the file
    assert (build["status"], build["shortages"]) == ("cleared", [])
    assert "solder" not in (tmp_path / "builds/b1.yaml").read_text()

    write_tree(tmp_path, judged_world(", setup: 15", 2000))
    run(tmp_path, capsys, "build", "clear", "b1")
    build = as_json(tmp_path, capsys, "build", "show", "b1")["builds"][0]
    assert [(r["part"], r["quantity"]) for r in build["reservations"]] == [("c0402", 1035)]
    (tmp_path / "builds/b1.yaml").unlink()  # can-build respects open builds: start from none
    # 19 × 102 + 15 = 1,953 ≤ 2,000 < 2,055 = 20 × 102 + 15
    assert as_json(tmp_path, capsys, "can-build", "p", "v1") == {
        "project": "p", "version": "v1", "quantity": 19, "limited_by": ["c0402"],
    }  # fmt: skip
    cost = run(tmp_path, capsys, "cost", "p", "v1", "-n", "10")
    assert "solder" in cost
    lines = as_json(tmp_path, capsys, "cost", "p", "v1", "-n", "10")["lines"]
    assert [(ln["part"], ln["quantity"], ln["total"]) for ln in lines if ln["part"] == "solder"] == [("solder", 20, "4.00")]


def test_a_bom_of_consumables_only_is_never_limited(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 2, unit: g, part: solder, consumable: true}\n"
    write_tree(tmp_path, {**WORLD, "projects/p/bom/v1.yaml": bom})
    assert as_json(tmp_path, capsys, "can-build", "p", "v1")["quantity"] is None


def test_check_reports_negative_attrition_and_setups_that_do_not_fit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bom = """\
project: p
version: v1
rows:
  - {line: 1, quantity: 100, part: c0402, attrition: -2}
  - {line: 2, quantity: 3, part: r1, setup: 1.5}
  - {line: 3, quantity: 2, unit: mm, part: x, setup: 4}
  - {line: 4, quantity: 0.5, unit: g, part: solder, setup: 0.25, consumable: true}
"""
    write_tree(tmp_path, {**WORLD, "projects/p/bom/v1.yaml": bom, "packages/r0402.yaml": "name: R\nattrition: -1\n"})
    capsys.readouterr()
    assert main(["check", "--repo", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    found = sorted(line for line in out.splitlines() if "CTB405" in line or "CTB406" in line)
    assert found == [
        "packages/r0402.yaml:2:12: CTB405 attrition: attrition -1 is negative: a percent extra per build is 0 or more",
        "projects/p/bom/v1.yaml:4:54: CTB405 rows[0].attrition: attrition -2 is negative: a percent extra per build is 0 or more",
        "projects/p/bom/v1.yaml:5:45: CTB406 rows[1].setup: setup 1.5 is not a whole number, and 'r1' is counted in pcs",
        "projects/p/bom/v1.yaml:6:54: CTB406 rows[2].setup: setup 4 is in the row's unit 'mm', which cannot measure 'x' (counted in 'pcs')",
    ]
    # a command that needs the negative attrition refuses in one line
    capsys.readouterr()
    assert main(["cost", "p", "v1", "--repo", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "negative" in err[0] and "CTB405" in err[0]
