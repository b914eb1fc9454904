"""Read-only commands never write a byte of the inventory, on a clean repository and on a broken one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import commit_all, git

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"

READ_ONLY = [
    ["check"], ["fmt", "--check"], ["part", "list"], ["part", "show", "r-10k"], ["part", "where-used", "r-10k"],
    ["stock", "show"], ["stock", "log", "r-10k"], ["bom", "show", "vco:v1"],
    ["bom", "log", "vco:v1"], ["build", "list"], ["build", "show", "vco-batch-1"], ["can-build", "vco", "v1"], ["cost", "vco", "v1"],
    ["review", "HEAD"], ["build", "clear", "--all", "--dry-run"],
    ["stock", "add", "r-10k", "1", "--location", "drawer-a", "--bin", "A5", "--dry-run"],
]  # fmt: skip


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


@pytest.mark.parametrize("broken", [False, True])
def test_read_only_commands_write_nothing(broken: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    if broken:
        stock = root / "stock" / "drawer-a.yaml"
        stock.write_bytes(stock.read_bytes().replace(b"quantity: 20,", b"quantity: !!float abc,"))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "inventory")
    before = tree(root)
    for args in READ_ONLY:
        status = main([*args, "--repo", str(root)])
        out, err = capsys.readouterr()
        assert status in (0, 1), (args, out, err)
        assert "Traceback" not in out + err
        assert tree(root) == before, args
