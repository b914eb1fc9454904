"""Parsing on several processors loads exactly what one process loads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.storage import parallel
from ctb_files.storage.loader import load_repo

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    for i in range(40):  # enough files for several shares
        (root / "parts" / f"extra-{i}.yaml").write_text(f"name: Extra {i}\nvalue: {i}k\n")
    (root / "parts" / "broken.yaml").write_text("name: [unclosed\n")
    (root / "parts" / "tabbed.yaml").write_text("name: x\n\tvalue: 1\n")
    (root / "parts" / "list.yaml").write_text("- a\n- b\n")
    (root / "parts" / "bad-key.yaml").write_text("name: x\nvalu: 3\n")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
@pytest.mark.parametrize("cache", [False, True])
def test_parallel_parse_loads_what_one_process_loads(
    repo: Path, monkeypatch: pytest.MonkeyPatch, cache: bool
) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    alone = load_repo(repo, cache=False)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setenv(parallel.WORKERS_ENV, "3")
    calls: list[int] = []
    real = parallel.parse_many

    def counted(*args: object) -> object:
        out = real(*args)  # type: ignore[arg-type]
        calls.append(len(out))
        return out

    monkeypatch.setattr("ctb_files.storage.loader.parse_many", counted)
    together = load_repo(repo, cache=cache)
    assert calls and calls[0] > 40  # the files were parsed by the workers
    assert together.diagnostics == alone.diagnostics
    broken = {"parts/broken.yaml", "parts/tabbed.yaml", "parts/list.yaml", "parts/bad-key.yaml"}
    assert {d.path for d in alone.diagnostics if d.severity == "error"} == broken
    inv, ref = together.inventory, alone.inventory
    assert inv.parts == ref.parts and inv.boms == ref.boms and inv.stock == ref.stock
    assert inv.builds == ref.builds and inv.projects == ref.projects and inv.seen == ref.seen


def test_few_files_or_one_processor_parse_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(parallel.WORKERS_ENV, raising=False)
    assert parallel.workers(parallel.PARALLEL_FROM - 1) == 1
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    assert parallel.workers(10**6) == 1
    monkeypatch.setenv(parallel.WORKERS_ENV, "4")
    assert parallel.workers(10**6) == (4 if sys.platform == "linux" else 1)


def test_shares_cover_every_file_once_and_weigh_alike() -> None:
    # 5,000 small part files, then 200 build files each as heavy as 25 parts
    files = {f"parts/p{i:04}.yaml": b"x" * 100 for i in range(5000)}
    files.update({f"projects/b{i:03}.yaml": b"y" * 2500 for i in range(200)})
    rels = sorted(files)
    shares = parallel._shares(files, rels, 8)
    covered = sorted(i for start, end in shares for i in range(start, end))
    assert covered == list(range(len(rels)))
    weights = [sum(len(files[rel]) for rel in rels[start:end]) for start, end in shares]
    assert weights == sorted(weights, reverse=True)  # the heaviest go out first
    assert len(shares) == 8 and max(weights) - min(weights) <= 2500  # within one file of each other
    # counted by files instead, one share would hold every build: 500,000 of the 1,000,000 bytes
    assert max(weights) <= 125_000


def test_a_huge_file_closes_its_share_at_once() -> None:
    files = {"a.yaml": b"a" * 10, "b.yaml": b"b" * 10_000, "c.yaml": b"c" * 10}
    assert parallel._shares(files, sorted(files), 4) == [(0, 2), (2, 3)]
