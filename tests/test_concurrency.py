"""Commands racing on one repository: the lock and the changed-since-read refusal lose nothing.

Real processes started together.  Writers queue on the repository lock; a
writer whose inventory changed between its read and its write refuses in
one line (exit 1) and writes nothing, so a result never rests on stale
stock: six clears of builds that compete for scarce stock never reserve a
piece twice, and concurrent ``stock add`` commands all count: one that lost the race
reads again and adds its amount to the new quantity.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import commit_all, git

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"
REFUSED = "changed while this command ran; nothing written, run it again"


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ctb_files", *args, "--repo", str(root)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip


def race(root: Path, commands: list[list[str]]) -> list[tuple[int, str]]:
    processes = [start(root, *args) for args in commands]
    out = []
    for process in processes:
        _, err = process.communicate(timeout=120)
        out.append((process.returncode, err))
    return out


@pytest.fixture
def scarce(tmp_path: Path) -> Path:
    """The example with six builds of the VCO and only 12 TL074s: not every build can have its 3."""
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    build = (root / "builds" / "vco-batch-1.yaml").read_text(encoding="utf-8")
    for number in range(2, 7):
        (root / "builds" / f"vco-batch-{number}.yaml").write_text(build, encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "inventory")
    return root


def reserved(root: Path) -> dict[tuple[str, str], int]:
    """Reserved quantity per (location, part) over every build file."""
    from ctb_files.storage.loader import load_repo

    inv = load_repo(root).inventory
    total: dict[tuple[str, str], int] = {}
    for build in inv.builds.values():
        for res in build.reservations:
            key = (res.location, res.part)
            total[key] = total.get(key, 0) + int(res.quantity)
    return total


def _clear_round(scarce: Path) -> list[tuple[int, str]]:
    results = race(scarce, [["build", "clear", f"vco-batch-{n}", "-q"] for n in range(1, 7)])
    for status, err in results:
        assert status in (0, 1), err
        assert "Traceback" not in err
        if status == 1:
            assert err.strip().endswith(REFUSED) or "another ctb process is writing" in err, err
    assert any(status == 0 for status, _ in results)
    checked = subprocess.run(
        [sys.executable, "-m", "ctb_files", "check", "--format", "json", "--repo", str(scarce)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert json.loads(checked.stdout)["errors"] == [], checked.stdout
    assert checked.returncode == 0
    return results


@pytest.mark.parametrize("round_", range(2))
def test_six_concurrent_clears_never_over_reserve(scarce: Path, round_: int) -> None:
    _clear_round(scarce)


@pytest.mark.slow
def test_twenty_rounds_of_six_concurrent_clears(scarce: Path) -> None:
    wrote = refused = 0
    for _ in range(20):
        git(scarce, "checkout", "-q", "--", ".")  # every round starts from nothing reserved
        for status, _err in _clear_round(scarce):
            wrote += status == 0
            refused += status == 1
    print(f"20 rounds of 6 clears: {wrote} wrote, {refused} refused in one line, 0 over-reserved")


def test_concurrent_stock_adds_keep_every_increment(scarce: Path) -> None:
    line = re.compile(rb"\{part: r-10k, quantity: (\d+), bin: A5\}")
    before = int(line.search((scarce / "stock" / "drawer-a.yaml").read_bytes()).group(1))  # type: ignore[union-attr]
    results = race(scarce, [["stock", "add", "r-10k", "1", "--location", "drawer-a", "--bin", "A5", "-q"]] * 6)
    for status, err in results:
        assert status in (0, 1) and "Traceback" not in err, err
    succeeded = sum(1 for status, _ in results if status == 0)
    after = int(line.search((scarce / "stock" / "drawer-a.yaml").read_bytes()).group(1))  # type: ignore[union-attr]
    assert succeeded == 6, results  # a writer that lost the race reads again and adds its piece
    assert after == before + 6
