"""``ctb bom add``: appending to an assembly's BOM, refusing cycles."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.conftest import commit_all, git, write_tree

WORLD = {
    "ctb.yaml": "ctb: 1\n",
    "parts/top.yaml": """
        name: Top
        # keep this comment
        bom:
          - {part: mid, quantity: 1, order: 10}
          - {part: r1, quantity: 2, order: 30}
    """,
    "parts/mid.yaml": "name: Mid\nbom:\n  - {part: low, quantity: 2}\n",
    "parts/low.yaml": "name: Low\nbom:\n  - {part: r1, quantity: 1}\n",
    "parts/r1.yaml": "name: R1\n",
    "parts/wire.yaml": "name: Wire\nunit: m\n",
    "parts/loose.yaml": "name: Loose\n",
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_tree(tmp_path, WORLD)


def test_add_defaults_order_to_max_plus_ten(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "add", "top", "wire", "250", "--unit", "mm", "--refs", "W1, W2", "--repo", str(world)]) == 0
    assert capsys.readouterr().out == "top: added wire 250 mm at order 40 (the largest order + 10)\n"
    text = (world / "parts/top.yaml").read_text()
    assert "# keep this comment" in text
    assert text.endswith("  - {part: r1, quantity: 2, order: 30}\n  - part: wire\n    quantity: 250\n    unit: mm\n"
                         "    order: 40\n    refs: [W1, W2]\n")  # fmt: skip
    line = load_repo(world).inventory.parts["top"].bom[-1]
    assert (line.part, line.quantity, line.unit, line.order, line.refs) == ("wire", 250, "mm", 40, ["W1", "W2"])


def test_add_to_a_plain_part_makes_it_an_assembly(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "add", "loose", "r1", "3", "--order", "5", "--repo", str(world)]) == 0
    assert capsys.readouterr().out == "loose: added r1 3 pcs at order 5\n"
    assert (world / "parts/loose.yaml").read_text() == "name: Loose\nbom:\n  - {part: r1, quantity: 3, order: 5}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["low", "top", "1"], "refusing: low → top → mid → low would be a cycle"),
        (["r1", "r1", "1"], "refusing: r1 → r1 would be a cycle"),
        (["top", "wire", "1", "--unit", "g"], "g does not measure wire, which is counted in m"),
        (["top", "r1", "1.5"], "r1 is counted in pieces: the quantity must be whole, not 1.5"),
        (["top", "rr1", "1"], "unknown part 'rr1' (did you mean r1?)"),
        (["TOP", "r1", "1"], "unknown part 'TOP' (did you mean top?)"),
        (["top", "WIRE", "1"], "unknown part 'WIRE' (did you mean wire?)"),
    ],
)
def test_add_refusals(world: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = {p.name: p.read_bytes() for p in (world / "parts").iterdir()}
    assert main(["bom", "add", *args, "--repo", str(world)]) == 1
    assert capsys.readouterr().err.strip() == f"ctb: {message}"
    assert {p.name: p.read_bytes() for p in (world / "parts").iterdir()} == before


def test_add_bad_quantity_is_a_usage_error(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "add", "top", "r1", "-1", "--repo", str(world)]) == 2
    assert main(["bom", "add", "top", "r1", "lots", "--repo", str(world)]) == 2
    capsys.readouterr()
    assert main(["bom", "add", "top", "r1", "9" * 29, "--repo", str(world)]) == 2
    assert capsys.readouterr().err == f"ctb: not a quantity: '{'9' * 29}' (too large)\n"


def test_add_with_commit(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, WORLD)
    commit_all(git_repo, "start")
    assert main(["bom", "add", "top", "r1", "4", "--commit", "--repo", str(git_repo)]) == 0
    assert git(git_repo, "log", "-1", "--format=%B").strip().splitlines() == ["ctb: bom add top r1", "", "Ctb-Part: top"]
    assert git(git_repo, "status", "--porcelain") == ""
