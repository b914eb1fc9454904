"""``python -m bench`` at a small size: it runs to the end and prints every row (no timing assertions)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_bench_smoke() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--parts", "200", "--commits", "50", "--repeat", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "200 parts (plain), 2 projects, 8 builds; 50 commits"
    names = [line[:40].strip().replace("190 prices", "N prices") for line in lines[3:]]  # 200 parts: 190 priced
    assert names == [
        "import ctb (floor)",
        "check cold",
        "check --no-cache",
        "check warm",
        "check warm, 1 file changed",
        "check warm, 1 count changed",
        "check warm, 1 BOM count changed",
        "check warm, 1 build changed",
        "check warm, 1 price changed",
        "check warm, N prices changed",
        "check warm, 1 line added",
        "check warm, 1 line removed",
        "check warm, after 2 stock adds",
        "check warm, 1 BOM row changed",
        "check warm, 1 part added",
        "check warm, 1 build added",
        "check warm, 1 order added",
        "check warm, 1 equivalent set",
        "check warm, 1 part removed",
        "check warm, 1 unit changed (in full)",
        "build clear --all cold",
        "build clear --all after a clear",
        "check after a clear",
        "build clear --all again, warm",
        "build clear --all warm, 1 changed",
        "build clear --all warm, 1 price changed",
        "build clear --all warm, 1 unused count",
        "build clear --all warm, unused line out",
        "order generate --dry-run",
        "stock add, 1 line",
        "build complete, 1 build",
        "stock log p1",
        "bom log big:v0",
        "review HEAD~49",
        "bom show --at (25 back)",
    ]
    for line in lines[3:]:
        assert line.rstrip().split()[-2].endswith("x")


@pytest.mark.parametrize("shape", ["bins", "shared", "mixed", "deep", "pyyaml", "marked", "digits"])
def test_bench_smoke_other_shape(shape: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--parts", "200", "--repeat", "1", "--shape", shape, "--only", "clear"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"200 parts ({shape}), 2 projects, 8 builds; 10000 commits"
    assert [line[:40].strip() for line in lines[3:]] == [
        "build clear --all cold",
        "build clear --all after a clear",
        "check after a clear",
        "build clear --all again, warm",
        "build clear --all warm, 1 changed",
        # the parts of these shapes have no vendor parts
        *(["build clear --all warm, 1 price changed"] if shape not in ("shared", "deep") else []),
        # at 200 parts every line of the other shapes may serve some open build
        *(["build clear --all warm, 1 unused count"] if shape in ("shared", "deep") else []),
        # and every part of the bins shape is looked up by some plan; the row takes out a flow-style
        # line, and the deep and pyyaml shapes write their lines in block style
        *(["build clear --all warm, unused line out"] if shape not in ("bins", "deep", "pyyaml") else []),
    ]
