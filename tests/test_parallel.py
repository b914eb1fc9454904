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
