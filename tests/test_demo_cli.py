"""``ctb demo`` refusals: it never writes into an existing inventory."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.tree import read_tree


def test_demo_refuses_a_folder_inside_an_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path / "inv")]) == 0
    capsys.readouterr()
    before = read_tree(tmp_path / "inv")
    assert main(["demo", str(tmp_path / "inv" / "stock" / "tour")]) == 1
    captured = capsys.readouterr()
    inside, root = tmp_path / "inv" / "stock" / "tour", tmp_path / "inv"
    assert captured.err == f"ctb: {inside} is inside the inventory at {root}; give a folder outside it\n"
    assert captured.out == ""
    assert not (tmp_path / "inv" / "stock" / "tour").exists()
    assert read_tree(tmp_path / "inv") == before
