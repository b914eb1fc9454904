"""Every real BOM in tests/data/real-boms, end to end through the CLI into the example inventory.

``ctb bom import`` of each file, and ``ctb project sync`` of all of them as
the tagged versions of one hardware repository: rows written, the result
checks clean, nothing crashes, and a second run changes nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from ctb_files.storage.yaml import load_fast
from tests.conftest import commit_all, git
from tests.test_import_real import EXPECTED, REAL


@pytest.fixture
def example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    root = tmp_path / "inv"
    assert main(["init", str(root), "--example"]) == 0
    capsys.readouterr()
    return root


def _rows(root: Path, rel: str) -> list[dict]:
    return load_fast((root / rel).read_bytes(), rel)["rows"]


def _clean(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_repo(root).errors == []
    assert main(["check", "--repo", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["errors"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bom_import_of_a_real_file(example: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    fmt, _delimiter, count = EXPECTED[name]
    argv = ["bom", "import", str(REAL / name), "--project", "real", "--version", "v1", "--repo", str(example)]
    assert main([*argv, "--format", "json"]) == 0
    (report,) = json.loads(capsys.readouterr().out)["versions"]
    assert (report["rows"], report["changed"]) == (count, True)
    assert report["matched"] + len(report["unmatched"]) == count
    rel = "projects/real/bom/v1.yaml"
    doc = load_fast((example / rel).read_bytes(), rel)
    assert (doc["source"]["path"], doc["source"]["format"]) == (name, fmt)
    real = [row for row in doc["rows"] if not row.get("implicit")]
    assert len(real) == count
    assert all(row["part"] is not None or row["missing"] for row in real)
    _clean(example, capsys)
    # importing the same file again writes nothing
    before = (example / rel).read_bytes()
    assert main(argv) == 0
    assert capsys.readouterr().err == "nothing changed\n"
    assert (example / rel).read_bytes() == before


def test_project_sync_of_every_real_file_as_tagged_versions(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    hw = tmp_path / "hw"
    hw.mkdir()
    git(hw, "init", "-q", "-b", "main")
    names = sorted(EXPECTED)
    for number, name in enumerate(names, start=1):
        shutil.copyfile(REAL / name, hw / "bom.csv")  # bytes as they are: encodings, BOMs, line ends
        commit_all(hw, name, date=f"2026-01-{number:02d}T10:00:00Z")
        git(hw, "tag", f"r{number}")
    versions = "".join(f"  - {{name: r{n}, ref: r{n}}}\n" for n in range(1, len(names) + 1))
    (example / "projects/board").mkdir()
    (example / "projects/board/project.yaml").write_text(
        f"name: Board\nsource: {{git: ../hw}}\nbom_path: bom.csv\nversions:\n{versions}"
    )
    commit_all(example, "board project")
    assert main(["project", "sync", "board", "--repo", str(example), "--commit", "--format", "json"]) == 0
    captured = capsys.readouterr()
    reports = json.loads(captured.out)["versions"]
    assert [(r["version"], r["rows"]) for r in reports] == [(f"r{n}", EXPECTED[name][2]) for n, name in enumerate(names, 1)]
    assert captured.err.splitlines()[0] == "syncing board r1 (r1)"
    for number, name in enumerate(names, start=1):
        rel = f"projects/board/bom/r{number}.yaml"
        source = load_fast((example / rel).read_bytes(), rel)["source"]
        assert (source["ref"], source["format"]) == (f"r{number}", EXPECTED[name][0])
        assert source["commit"] == git(hw, "rev-parse", f"r{number}^{{commit}}").strip()
    assert git(example, "status", "--porcelain").strip() == ""
    _clean(example, capsys)
    # a second sync changes nothing and commits nothing
    head = git(example, "rev-parse", "HEAD")
    assert main(["project", "sync", "board", "--repo", str(example), "--commit", "-q"]) == 0
    assert git(example, "rev-parse", "HEAD") == head
