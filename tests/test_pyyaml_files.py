"""A stockroom whose files a script wrote with PyYAML's ``safe_dump``: lists at their key's own column, keys sorted.

Such files are read line by line like ctb's own, and an edit changes the
lines it must: the round trip keeps the lists at their column, and the stock
editor takes such files as text.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml

from ctb_files.cli import main
from ctb_files.storage import listread
from ctb_files.storage.loader import load_repo
from ctb_files.storage.mergedriver import merge_texts
from ctb_files.storage.yaml.edit import lists_at_key_column

WORLD: dict[str, Any] = {
    "ctb.yaml": {"ctb": 1, "default_location": "shelf"},
    "parts/r1.yaml": {"name": "R1 10k", "equivalents": ["r2"]},
    "parts/r2.yaml": {"name": "R2 10k"},
    "parts/c1.yaml": {"name": "C1 100n"},
    "parts/top.yaml": {"name": "Top", "bom": [{"part": "r1", "quantity": 2}, {"part": "c1", "quantity": 1}]},
    "stock/shelf.yaml": {
        "name": "Shelf",
        "lines": [
            {"part": "r1", "quantity": 40, "bin": "A1"},
            {"part": "r2", "quantity": 5},
            {"part": "c1", "quantity": 12},
        ],
    },
    "projects/board/project.yaml": {"name": "Board", "versions": [{"name": "v1"}]},
    "projects/board/bom/v1.yaml": {
        "project": "board",
        "version": "v1",
        "rows": [
            {"line": 1, "part": "r1", "quantity": 4, "refs": ["R1", "R2", "R3", "R4"]},
            {"line": 2, "part": "c1", "quantity": 2, "refs": ["C1", "C2"]},
        ],
    },
    "builds/b1.yaml": {"project": "board", "version": "v1", "quantity": 2, "status": "draft"},
    "vendors/mouser.yaml": {"name": "Mouser"},
    "orders/o1.yaml": {
        "vendor": "mouser",
        "status": "placed",
        "lines": [
            {"part": "r1", "quantity": 100, "received": 0, "for": {"b1": 8}},
            {"part": "c1", "quantity": 50, "received": 0, "for": {"b1": 4}},
        ],
    },
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    for rel, data in WORLD.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(data))
    return tmp_path


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_the_files_are_as_pyyaml_writes_them_and_read_line_by_line(world: Path) -> None:
    stock = (world / "stock/shelf.yaml").read_text()
    assert stock.startswith("lines:\n- bin: A1\n  part: r1\n  quantity: 40\n- part: r2\n")
    assert stock.endswith("  quantity: 12\nname: Shelf\n")  # keys sorted: the name after the lines
    for rel in ("stock/shelf.yaml", "projects/board/bom/v1.yaml"):
        data = (world / rel).read_bytes()
        assert listread._read(data, rel) == yaml.safe_load(data)
    assert main(["--repo", str(world), "check", "-q"]) == 0


def test_a_stock_change_changes_one_line(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (world / "stock/shelf.yaml").read_text()
    assert main(["--repo", str(world), "stock", "add", "r2", "3"]) == 0
    assert capsys.readouterr().out == "shelf: r2 5 → 8 (+3)\n"
    after = (world / "stock/shelf.yaml").read_text()
    assert changed_lines(before, after) == ["-  quantity: 5", "+  quantity: 8"]


def test_a_new_stock_line_is_appended_at_the_lists_column(world: Path) -> None:
    before = (world / "stock/shelf.yaml").read_text()
    assert main(["--repo", str(world), "stock", "add", "r2", "7", "--bin", "B2", "-q"]) == 0
    after = (world / "stock/shelf.yaml").read_text()
    assert changed_lines(before, after) == ["+- {part: r2, quantity: 7, bin: B2}"]
    assert after.endswith("- {part: r2, quantity: 7, bin: B2}\nname: Shelf\n")
    lines = load_repo(world).inventory.stock["shelf"].lines
    assert [(line.part, line.bin, line.quantity) for line in lines][-1] == ("r2", "B2", 7)


def test_a_part_file_edited_through_the_round_trip_keeps_its_lists_column(world: Path) -> None:
    before = (world / "parts/top.yaml").read_text()
    assert before == "bom:\n- part: r1\n  quantity: 2\n- part: c1\n  quantity: 1\nname: Top\n"
    assert main(["--repo", str(world), "bom", "add", "top", "r2", "3", "--order", "5", "-q"]) == 0
    after = (world / "parts/top.yaml").read_text()
    assert changed_lines(before, after) == ["+- {part: r2, quantity: 3, order: 5}"]


def test_a_clear_writes_the_build_and_the_stock_is_untouched(world: Path) -> None:
    stock = (world / "stock/shelf.yaml").read_bytes()
    assert main(["--repo", str(world), "build", "clear", "b1", "-q"]) == 0
    assert (world / "stock/shelf.yaml").read_bytes() == stock
    build = load_repo(world).inventory.builds["b1"]
    assert build.status == "cleared"  # 2 boards: 8 × r1 of 40 on hand, 4 × c1 of 12
    assert [(r.part, r.quantity) for r in build.reservations] == [("c1", 4), ("r1", 8)]


@pytest.mark.parametrize(
    ("text", "at_key"),
    [
        ("lines:\n- part: a\n", True),
        ("lines:\n  - part: a\n", False),
        ("name: x\n\n# lines below\nlines:\n\n- {part: a}\n", True),
        ("reservations:\n- part: a\n  take:\n  - {location: s}\n", True),  # the first list decides
        ("reservations:\n  - part: a\n    take:\n    - {location: s}\n", False),
        ("source:\n  repo: x\n  paths:\n  - a\n", True),  # below a nested key
        ("lines: [a, b]\nname: x\n", False),  # no block list: ctb's style
        ("name: 'a: b'\nlines:\n- x\n", True),
        ("", False),
    ],
)
def test_which_column_a_files_lists_stand_at(text: str, at_key: bool) -> None:
    assert lists_at_key_column(text) is at_key


def test_receiving_an_order_changes_the_received_count_only(world: Path) -> None:
    before = (world / "orders/o1.yaml").read_text()
    assert "- for:\n    b1: 8\n  part: r1\n" in before  # PyYAML's block mappings, keys sorted
    assert main(["--repo", str(world), "order", "receive", "o1", "--line", "c1=20", "-q"]) == 0
    after = (world / "orders/o1.yaml").read_text()
    assert changed_lines(before, after) == ["-  received: 0", "+  received: 20"]


def test_the_stock_merge_keeps_the_lists_column() -> None:
    base = "lines:\n- part: r1\n  quantity: 40\n- part: r2\n  quantity: 5\nname: Shelf\n"
    ours = base.replace("quantity: 40", "quantity: 38")
    theirs = base.replace("quantity: 5", "quantity: 9")
    result = merge_texts(base.encode(), ours.encode(), theirs.encode(), "stock/shelf.yaml")
    assert result.clean
    assert result.text == "lines:\n- part: r1\n  quantity: 38\n- part: r2\n  quantity: 9\nname: Shelf\n"
