"""``ctb bom set --attrition/--setup/--consumable``: one-line refusals, nothing written, re-sync keeps them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.orders.costing import cost_lines
from ctb_files.storage.loader import load_repo
from tests.conftest import write_tree

BOM = """\
project: p
version: v1
rows:
  - {line: 1, refs: [C1], quantity: 100, part: c0402}   # the reel
  - {line: 2, quantity: 300, part: wire}
  - {line: 3, quantity: 2.5, part: solder}
"""

FILES = {
    "ctb.yaml": "ctb: 1\n",
    "vendors/v.yaml": "name: V\n",
    "parts/c0402.yaml": "name: C 0402\n",
    "parts/wire.yaml": "name: Wire\nunit: mm\n",
    "parts/solder.yaml": 'name: Solder\nunit: g\nvendor_parts:\n  - {vendor: v, sku: S1, price_breaks: [{quantity: 1, price: "0.10"}]}\n',
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": BOM,
}


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_set_attrition_setup_consumable_keeps_comments(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert ctb(tmp_path, "bom", "set", "p:v1", "1", "--attrition", "2", "--setup", "15") == 0
    assert ctb(tmp_path, "bom", "set", "p:v1", "3", "--consumable") == 0
    text = (tmp_path / "projects/p/bom/v1.yaml").read_text()
    assert "  - {line: 1, refs: [C1], quantity: 100, part: c0402, attrition: 2, setup: 15} # the reel\n" in text
    assert "  - {line: 3, quantity: 2.5, part: solder, consumable: true}\n" in text
    inv = load_repo(tmp_path).inventory
    lines = {c.part: c for c in cost_lines(inv, "p", "v1", 10)}
    assert lines["c0402"].quantity == 1035  # 100 × 10 × 1.02 + 15
    # a consumable with no stock is costed: 25 g at 0.10
    assert (lines["solder"].quantity, lines["solder"].total) == (25, Decimal("2.5"))


def test_setup_in_another_unit_is_converted(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert ctb(tmp_path, "bom", "set", "p:v1", "2", "--setup", "0.2m") == 0
    assert "  - {line: 2, quantity: 300, part: wire, setup: 200}\n" in (tmp_path / "projects/p/bom/v1.yaml").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("1", "--attrition", "-2"), "ctb: p:v1 line 1: attrition is a percent of 0 or more, not -2\n"),
        (("2", "--setup", "5pcs"), "ctb: p:v1 line 2: setup 5 pcs does not fit a row counted in mm (give the setup in mm)\n"),
        (("1", "--setup", "1.5"), "ctb: p:v1 line 1: setup 1.5 is not a whole number of pcs\n"),
    ],
)  # fmt: skip
def test_bad_values_are_one_line_exit_1_nothing_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    write_tree(tmp_path, FILES)
    assert ctb(tmp_path, "bom", "set", "p:v1", *args) == 1
    assert capsys.readouterr().err == message
    assert (tmp_path / "projects/p/bom/v1.yaml").read_text() == BOM


def test_negative_attrition_in_a_file_is_a_check_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {**FILES, "projects/p/bom/v1.yaml": BOM.replace("part: c0402}", "part: c0402, attrition: -2}")})
    assert ctb(tmp_path, "check") == 1
    assert "projects/p/bom/v1.yaml:4:" in capsys.readouterr().out
