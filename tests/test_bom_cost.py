"""``ctb bom show --cost N``: the leaf parts of a project version or an assembly, priced for N units."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import commit_all, write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/tayda.yaml": "name: Tayda\ncurrency: USD\n",
    "parts/r10k.yaml": """
        name: 10k resistor
        vendor_parts:
          - vendor: tayda
            sku: A-2115
            price_breaks:
              - {quantity: 1, price: "0.02"}
              - {quantity: 100, price: "0.006"}
    """,
    "parts/jack.yaml": """
        name: Jack
        vendor_parts:
          - vendor: tayda
            sku: A-2563
            price_breaks:
              - {quantity: 1, price: "0.25"}
              - {quantity: 50, price: "0.20"}
    """,
    "parts/panel.yaml": "name: Panel\nbom:\n  - {part: jack, quantity: 6, order: 10}\n  - {part: r10k, quantity: 2, order: 20}\n",
    "projects/vco/project.yaml": "name: VCO\nversions:\n  - {name: v1}\n",
    "projects/vco/bom/v1.yaml": """
        project: vco
        version: v1
        rows:
          - {line: 1, refs: [PNL1], quantity: 1, part: panel}
          - {line: 2, refs: [R1, R2, R3, R4], quantity: 4, part: r10k}
          - {line: 3, refs: [R5], quantity: 1, part: r10k, dnp: true}
          - {line: 4, refs: [D1], quantity: 2, part: null, missing: no part matches}
    """,
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "inv", WORLD)


def _show(root: Path, *args: str) -> list[str]:
    return ["bom", "show", *args, "--repo", str(root)]


def test_project_version_priced_at_the_break_its_quantity_reaches(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_show(world, "vco:v1", "--cost", "10")) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "vco:v1 × 10"
    # jack 6 × 10 through the panel; r10k (2 + 4) × 10, the dnp row left out, bought up to the 100 break
    # (100 × 0.006 = 0.60 beats 60 × 0.02 = 1.20; 60 used = 0.36); the unmatched row unpriced
    assert [line.split() for line in lines[3:6]] == [
        ["jack", "60", "tayda", "A-2563", "60", "0.20", "12.00", "12.00", "USD"],
        ["r10k", "60", "tayda", "A-2115", "100", "0.006", "0.60", "0.36", "USD"],
        ["(line", "4)", "20", "unmatched", "BOM", "row"],
    ]
    assert lines[6:] == ["to buy USD 12.60 for 10; unit USD 1.26", "used USD 12.36 for 10; unit USD 1.236",
                         "no price: (line 4) (unmatched BOM row)"]  # fmt: skip


def test_assembly_is_costed_by_its_leaf_totals(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_show(world, "panel", "--cost", "50", "--format", "json")) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["target"] == "panel" and doc["quantity"] == 50
    assert [(ln["part"], ln["quantity"], ln["buy"], ln["unit_price"], ln["total"]) for ln in doc["lines"]] == [
        ("jack", 300, 300, "0.20", "60.00"),
        ("r10k", 100, 100, "0.006", "0.60"),
    ]
    assert doc["totals"] == {"USD": {"total": "60.60", "unit": "1.212", "used": "60.60", "used_unit": "1.212"}}
    assert doc["unpriced"] == []


def test_cost_as_csv(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_show(world, "panel", "--cost", "10", "--format", "csv")) == 0
    assert capsys.readouterr().out == (
        "part,quantity,unit,vendor,sku,buy,unit_price,total,currency,reason\n"
        "jack,60,pcs,tayda,A-2563,60,0.20,12.00,USD,\n"
        "r10k,20,pcs,tayda,A-2115,20,0.02,0.40,USD,\n"
    )


def test_cost_at_a_past_commit_uses_that_commit_s_bom(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "one jack per panel", date="2024-03-01T10:00:00+00:00")
    write_tree(git_repo, {"parts/panel.yaml": "name: Panel\nbom:\n  - {part: jack, quantity: 1, order: 10}\n"})
    commit_all(git_repo, "one jack", date="2024-03-02T10:00:00+00:00")
    assert main(_show(git_repo, "panel", "--cost", "10", "--at", "2024-03-01", "--format", "json")) == 0
    assert json.loads(capsys.readouterr().out)["totals"] == {"USD": {"total": "12.40", "unit": "1.24", "used": "12.40", "used_unit": "1.24"}}
    assert main(_show(git_repo, "panel", "--cost", "10", "--format", "json")) == 0
    assert json.loads(capsys.readouterr().out)["totals"] == {"USD": {"total": "2.50", "unit": "0.25", "used": "2.50", "used_unit": "0.25"}}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["panel", "--cost", "2", "--leaves"], 2, "ctb: --cost prices the totals per leaf part; it does not combine with --leaves"),
        (["panel", "--cost", "2", "--indented"], 2, "ctb: --cost prices the totals per leaf part; it does not combine with --indented"),
        (["jack", "--cost", "2"], 1, "ctb: part jack is not an assembly (it has no bom)"),
        (["vco:v2", "--cost", "2"], 1, "ctb: projects/vco/bom/v2.yaml does not exist (BOMs exist for v1); "
                                       "write it or run 'ctb project sync vco --version v2'"),
    ],
)  # fmt: skip
def test_cost_refusals_are_one_line(
    world: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    assert main(_show(world, *args)) == code
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == message + "\n"


def test_cost_must_be_a_positive_whole_number(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_show(world, "panel", "--cost", "0")) == 2
    assert main(_show(world, "panel", "--cost", "1.5")) == 2


def test_an_absurd_cost_quantity_is_a_usage_error(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "vco:v1", "--cost", "9" * 27, "--repo", str(world)]) == 2
    assert "is not in the range 1<=x<=1000000000" in capsys.readouterr().err
