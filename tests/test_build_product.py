"""``ctb build complete`` puts the built units into stock as the project's product ``part``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.conftest import commit_all, git, write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\ndefault_location: shelf\n",
    "parts/r1.yaml": "name: R1\n",
    "parts/pcb.yaml": "name: PCB\n",
    "parts/panel.yaml": "name: Panel\nbom:\n  - {part: r1, quantity: 1}\n",
    "parts/vco-module.yaml": "name: VCO module\n",
    "stock/shelf.yaml": "lines:\n  - {part: r1, quantity: 20}\n  - {part: pcb, quantity: 5, bin: boards}\n",
    "stock/bench.yaml": "lines: []\n",
    "projects/vco/project.yaml": "name: VCO\npart: vco-module\nversions:\n  - {name: v1}\n",
    "projects/vco/bom/v1.yaml": (
        "project: vco\nversion: v1\nrows:\n  - {line: 1, quantity: 4, part: r1}\n  - {line: 2, quantity: 1, part: pcb}\n"
        "  - {line: 3, quantity: 1, part: panel}\n"
    ),
    "builds/b3.yaml": "project: vco\nversion: v1\nquantity: 3\n",
}


@pytest.fixture
def inv(git_repo: Path) -> Path:
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "start")
    return git_repo


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def on_hand(root: Path) -> dict[tuple[str, str, str | None], int]:
    stock = load_repo(root).inventory.stock
    return {(loc, line.part, line.bin): int(line.quantity) for loc, s in stock.items() for line in s.lines}


def test_completing_a_build_of_3_puts_3_vco_modules_on_hand_and_subtracts_the_takes(
    inv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ctb(inv, "build", "clear", "b3", "-q") == 0
    assert "assemblies:\n  - {part: panel, quantity: 3}\n" in (inv / "builds/b3.yaml").read_text()
    capsys.readouterr()
    assert ctb(inv, "build", "complete", "b3", "--commit", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stock"] == [
        {"location": "shelf", "part": "r1", "before": 20, "after": 5},  # 4 × 3 for the BOM, 1 × 3 for the panels
        {"location": "shelf", "part": "pcb", "before": 5, "after": 2},
        {"location": "shelf", "part": "vco-module", "before": 0, "after": 3},
    ]
    assert on_hand(inv) == {("shelf", "r1", None): 5, ("shelf", "pcb", "boards"): 2, ("shelf", "vco-module", None): 3}
    assert "panel" not in (inv / "stock/shelf.yaml").read_text()  # the sub-assembly is consumed, never stocked
    assert git(inv, "show", "--name-only", "--format=", "HEAD").split() == ["builds/b3.yaml", "stock/shelf.yaml"]
    assert ctb(inv, "stock", "log", "vco-module", "--format", "json") == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["location"], e["delta"], e["total"]) for e in entries] == [("shelf", 3, 3)]
    assert ctb(inv, "stock", "log", "r1", "--format", "json") == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert [(e["location"], e["delta"], e["total"]) for e in entries] == [("shelf", 20, 20), ("shelf", -15, 5)]
    assert ctb(inv, "check") == 0


def test_into_another_location_and_a_mistyped_one(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(inv, "build", "clear", "b3", "-q") == 0
    before = (inv / "stock/shelf.yaml").read_text()
    assert ctb(inv, "build", "complete", "b3", "--into", "bnech") == 1
    assert "did you mean bench" in capsys.readouterr().err
    assert (inv / "stock/shelf.yaml").read_text() == before
    assert "status: cleared" in (inv / "builds/b3.yaml").read_text()
    assert ctb(inv, "build", "complete", "b3", "--into", "bench", "-q") == 0
    assert (inv / "stock/bench.yaml").read_text() == "lines:\n  - {part: vco-module, quantity: 3}\n"


def test_a_product_part_with_no_file_is_a_check_error(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "projects/vco/project.yaml").write_text("name: VCO\npart: vco-modul\nversions:\n  - {name: v1}\n")
    assert ctb(inv, "check") == 1
    assert "projects/vco/project.yaml:2:7: CTB201" in capsys.readouterr().out
