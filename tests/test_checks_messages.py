"""Exact wording of the cross-file checks, and their robustness.

The data-driven suite pins where each problem is reported; these tests pin
what a user reads: the over-reservation sentence, the cycle path, the
"did you mean" hints, the duplicate naming the first line.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files import checks
from ctb_files.checks import REGISTRY, run_checks
from ctb_files.checks._support import Known
from ctb_files.core.models import Build, Part, Reservation, Stock, StockLine, Take
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.order import Order, OrderLine
from ctb_files.errors import Diagnostic
from ctb_files.storage.loader import load_repo, locate_all
from tests.conftest import write_tree


def check_repo(root: Path) -> list[Diagnostic]:
    loaded = load_repo(root)
    return locate_all(loaded.diagnostics + run_checks(loaded.inventory), loaded.inventory.files)


def rendered(root: Path) -> list[str]:
    return [d.render() for d in check_repo(root)]


VCO = {
    "ctb.yaml": "ctb: 1\n",
    "parts/tl074-soic.yaml": "name: TL074\n",
    "projects/vco/project.yaml": "name: VCO\nversions: [{name: v1}]\n",
    "projects/vco/bom/v1.yaml": "project: vco\nversion: v1\nrows: [{line: 1, quantity: 4, part: tl074-soic}]\n",
}


def build(take: str) -> str:
    return (
        "project: vco\nversion: v1\nquantity: 1\nstatus: cleared\n"
        f"reservations:\n  - part: tl074-soic\n    quantity: 4\n    take: [{take}]\n"
    )


def test_over_reservation_sentence(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **VCO,
        "stock/drawer-a.yaml": "lines:\n  - {part: tl074-soic, quantity: 10}\n",
        "builds/b1.yaml": build("{location: drawer-a, part: tl074-soic, quantity: 8}"),
        "builds/b2.yaml": build("{location: drawer-a, part: tl074-soic, quantity: 4}"),
    })  # fmt: skip
    assert rendered(tmp_path) == [
        "stock/drawer-a.yaml:2:5: CTB301 lines[0]: over-reserved: drawer-a/tl074-soic has 10,"
        " builds b1 (8) and b2 (4) reserve 12"
    ]


def test_over_reservation_names_the_bin_and_every_build(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **VCO,
        "stock/drawer-a.yaml": "lines:\n  - {part: tl074-soic, quantity: 5, bin: '3'}\n",
        "builds/b1.yaml": build("{location: drawer-a, part: tl074-soic, bin: '3', quantity: 1}"),
        "builds/b2.yaml": build("{location: drawer-a, part: tl074-soic, bin: '3', quantity: 2}"),
        "builds/b3.yaml": build("{location: drawer-a, part: tl074-soic, bin: '3', quantity: 3}"),
    })  # fmt: skip
    [diag] = check_repo(tmp_path)
    assert diag.message == "over-reserved: drawer-a/tl074-soic#3 has 5, builds b1 (1), b2 (2) and b3 (3) reserve 6"


def test_one_build_over_reserving(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **VCO,
        "stock/drawer-a.yaml": "lines:\n  - {part: tl074-soic, quantity: 2}\n",
        "builds/b1.yaml": build("{location: drawer-a, part: tl074-soic, quantity: 4}"),
    })  # fmt: skip
    [diag] = check_repo(tmp_path)
    assert diag.message == "over-reserved: drawer-a/tl074-soic has 2, build b1 (4) reserves 4"


def test_cycle_path_starts_at_the_smallest_id(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/c.yaml": "name: C\nbom: [{part: a, quantity: 1}]\n",
        "parts/b.yaml": "name: B\nbom: [{part: c, quantity: 1}]\n",
        "parts/a.yaml": "name: A\nbom: [{part: b, quantity: 1}]\n",
        "parts/top.yaml": "name: Top\nbom: [{part: c, quantity: 1}]\n",
    })  # fmt: skip
    assert rendered(tmp_path) == ["parts/a.yaml:2:14: CTB401 bom[0].part: BOM cycle: a → b → c → a"]


def test_unknown_ids_come_with_a_hint(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/r-0805-10k.yaml": "name: R\n",
        "stock/shelf.yaml": "lines:\n  - {part: R-0805-10K, quantity: 1}\n  - {part: r-0805-10, quantity: 1}\n"
        "  - {part: zener, quantity: 1}\n",
    })  # fmt: skip
    assert [d.message for d in check_repo(tmp_path)] == [
        "unknown part 'R-0805-10K' (did you mean 'r-0805-10k'?)",
        "unknown part 'r-0805-10' (did you mean 'r-0805-10k'?)",
        "unknown part 'zener'",
    ]


def test_duplicate_stock_line_names_the_first(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "parts/r1.yaml": "name: R\n",
        "stock/shelf.yaml": "# shelf\nlines:\n  - part: r1\n    quantity: 1\n  - {part: r1, quantity: 2}\n",
    })  # fmt: skip
    assert rendered(tmp_path) == [
        "stock/shelf.yaml:5:5: CTB211 lines[1]: duplicate stock line shelf/r1: same part and bin as lines[0] (line 3)"
    ]


def test_build_of_a_version_without_bom_names_sync(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **VCO,
        "projects/vco/project.yaml": "name: VCO\nversions: [{name: v1}, {name: v2}]\n",
        "builds/b1.yaml": "project: vco\nversion: v2\nquantity: 1\n",
    })  # fmt: skip
    [diag] = check_repo(tmp_path)
    assert diag.code == "CTB208"
    assert "run 'ctb project sync vco'" in diag.message


def test_a_crashing_check_becomes_ctb999(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def explode(inv: Inventory) -> list[Diagnostic]:
        raise KeyError("boom")

    checks._discover()
    monkeypatch.setitem(REGISTRY, "zz-explodes", explode)
    write_tree(tmp_path, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n"})
    loaded = load_repo(tmp_path)
    diags = run_checks(loaded.inventory)
    assert [(d.code, d.message) for d in diags] == [("CTB999", "check 'zz-explodes' crashed: KeyError: 'boom'")]


def test_dangling_references_everywhere_never_crash() -> None:
    """An inventory built in memory, with nothing that anything points at."""
    take = Take(location="nowhere", part="ghost", quantity=Decimal(3))
    inv = Inventory(
        parts={"asm": Part(name="A", bom=[{"part": "ghost", "quantity": 1, "unit": "m"}], equivalents=["ghost"])},
        stock={"shelf": Stock(lines=[StockLine(part="ghost", quantity=Decimal("1.5"))])},
        builds={
            "b1": Build(project="p", version="v", quantity=Decimal(1), status="completed",
                        reservations=[Reservation(part="ghost", quantity=Decimal(3), take=[take])]),
            "b2": Build(project="p", version="v", quantity=Decimal(1), status="cleared", fallbacks={"x": "y"},
                        reservations=[Reservation(part="ghost", quantity=Decimal(3), take=[take])]),
        },
        orders={"o1": Order(vendor="v", lines=[OrderLine(part="ghost", quantity=Decimal(1), for_={"b9": Decimal(1)})])},
    )  # fmt: skip
    diags = run_checks(inv)
    assert "CTB999" not in {d.code for d in diags}
    assert {d.code for d in diags} == {"CTB201", "CTB203", "CTB204", "CTB205", "CTB207"}


def test_hints_stop_when_their_budget_is_spent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ctb_files.checks._support.HINT_BUDGET", 3)
    known = Known("part", ["r-10k", "r-22k", "c-100n"])
    assert known.unknown("r-10K") == "unknown part 'r-10K' (did you mean 'r-10k'?)"  # case: no budget used
    assert known.unknown("r-22") == "unknown part 'r-22' (did you mean 'r-22k'?)"
    assert known.unknown("c-100") == "unknown part 'c-100'"  # budget spent
