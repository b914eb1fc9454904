"""Parsing on several processors loads exactly what one process loads."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.core.models.settings import Limits
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
    streams: list[parallel.ParsedStream | None] = []
    real = parallel.parse_many

    def counted(*args: object) -> object:
        out = real(*args)  # type: ignore[arg-type]
        streams.append(out)
        return out

    monkeypatch.setattr("ctb_files.storage.loader.parse_many", counted)
    together = load_repo(repo, cache=cache)
    stream = streams[0]
    # every file but ctb.yaml (51 of the example, 40 extra, 4 broken) went to the workers and came back
    # answered: its data, or the reader's problem with it (two of the broken ones)
    assert stream is not None and len(stream) == 94 and stream.delivered == 94
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
    # a few heavy files (the build files a clear has just written) count by their bytes beside the largest's
    assert parallel.workers(200, parallel.PARALLEL_BYTES - 1) == 1
    assert parallel.workers(200, parallel.PARALLEL_BYTES) == (2 if sys.platform == "linux" else 1)
    assert parallel.workers(200, 3 * parallel.PARALLEL_BYTES) == (4 if sys.platform == "linux" else 1)


def test_shares_cover_every_file_once_and_weigh_alike() -> None:
    # 5,000 small part files, then 200 build files each as heavy as 25 parts
    files = {f"parts/p{i:04}.yaml": b"x" * 100 for i in range(5000)}
    files.update({f"projects/b{i:03}.yaml": b"y" * 2500 for i in range(200)})
    rels = sorted(files)
    shares = parallel._shares(files, rels, 8)
    covered = sorted(i for start, end in shares for i in range(start, end))
    assert covered == list(range(len(rels)))
    assert [start for start, _ in shares] == [0] + [end for _, end in shares[:-1]]  # in file order
    weights = [sum(len(files[rel]) for rel in rels[start:end]) for start, end in shares]
    assert len(shares) == 8 and max(weights) - min(weights) <= 2500  # within one file of each other
    # counted by files instead, one share would hold every build: 500,000 of the 1,000,000 bytes
    assert max(weights) <= 125_000


def test_a_huge_file_closes_its_share_at_once() -> None:
    files = {"a.yaml": b"a" * 10, "b.yaml": b"b" * 10_000, "c.yaml": b"c" * 10}
    assert parallel._shares(files, sorted(files), 4) == [(0, 2), (2, 3)]


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_a_file_a_worker_fails_on_or_a_failed_pool_leaves_files_to_the_loader(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "1")
    alone = load_repo(repo, cache=False)
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 2)
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    real_load = parallel.parse_file

    def odd_load(data: bytes, rel: str, limits: object) -> object:
        if rel == "parts/extra-7.yaml":
            raise RuntimeError("a worker's own trouble")
        return real_load(data, rel, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "parse_file", odd_load)  # the forked workers inherit it
    streams: list[parallel.ParsedStream | None] = []
    real = parallel.parse_many
    monkeypatch.setattr("ctb_files.storage.loader.parse_many", lambda *a: streams.append(real(*a)) or streams[-1])
    one_left = load_repo(repo, cache=False)
    assert streams[0] is not None and streams[0].delivered == 93  # all but the file the worker failed on
    assert one_left.diagnostics == alone.diagnostics and one_left.inventory.parts == alone.inventory.parts

    monkeypatch.setattr(parallel, "parse_file", real_load)
    monkeypatch.setattr(parallel, "_parse_share", _failing_late)
    streams.clear()
    failed = load_repo(repo, cache=True)
    stream = streams[0]
    assert stream is not None and 0 < stream.delivered < 94  # the first shares came, the rest did not
    assert failed.diagnostics == alone.diagnostics
    inv, ref = failed.inventory, alone.inventory
    assert inv.parts == ref.parts and inv.boms == ref.boms and inv.builds == ref.builds and inv.seen == ref.seen


_REAL_SHARE = parallel._parse_share


def _failing_late(share: tuple[int, int]) -> object:
    """A worker's share, failing (as a pool does when it runs out of memory) from the 41st file on."""
    if share[0] >= 40:
        raise MemoryError("the pool gave up")
    return _REAL_SHARE(share)


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_bytes_beside_the_largest_file_decide_on_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.WORKERS_ENV, "2")
    # one large file: a worker would parse it while the loader waits, so it is parsed here
    one_large = {"parts/a.yaml": b"name: A\n", "stock/big.yaml": b"lines: []\n" + b"#" * parallel.PARALLEL_BYTES}
    assert parallel.parse_many(one_large, sorted(one_large), Limits()) is None
    # 120 build files of about 10 KiB: 1.2 MiB spread over many files, handed to the workers
    spread = {f"builds/b{i:03}.yaml": b"status: draft\n" + b"#" * 10_500 for i in range(120)}
    stream = parallel.parse_many(spread, sorted(spread), Limits())
    assert stream is not None
    try:
        found = stream.take("builds/b007.yaml")
        assert found is not None and found[1] is None and pickle.loads(found[0]) == {"status": "draft"}
    finally:
        stream.close()
