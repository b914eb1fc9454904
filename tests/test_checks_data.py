"""Data-driven checks: every valid inventory checks clean, every invalid one exactly as expected.

``tests/data/valid/<case>/`` are complete little inventories that must produce
no diagnostic at all.  ``tests/data/invalid/<case>/expected.txt`` lists every
diagnostic (errors and warnings) as ``path:line:col: CODE``, one a line,
``#`` starting a comment; the whole list is compared, so nothing may be
missing, extra or reported twice.

Each case is copied into ``tmp_path``, committed to a real git repository
and checked through the command line (``ctb check --format json``), as a
user would: the exit status and the absence of any traceback are checked
too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctb_files.checks import run_checks
from ctb_files.cli import main
from ctb_files.storage.loader import load_repo, locate_all
from tests.conftest import commit_all, git

DATA = Path(__file__).parent / "data"
VALID = sorted(p.name for p in (DATA / "valid").iterdir() if p.is_dir())
INVALID = sorted(p.name for p in (DATA / "invalid").iterdir() if p.is_dir())


def reported(root: Path) -> list[str]:
    loaded = load_repo(root)
    diags = locate_all(loaded.diagnostics + run_checks(loaded.inventory), loaded.inventory.files)
    return sorted(f"{d.path}:{d.line}:{d.col}: {d.code}" for d in diags)


def expected(root: Path) -> list[str]:
    lines = (root / "expected.txt").read_text(encoding="utf-8").splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def committed(case: Path, tmp_path: Path) -> Path:
    """The case's files in a fresh git repository, committed."""
    root = tmp_path / case.name
    shutil.copytree(case, root, ignore=shutil.ignore_patterns("expected.txt"))
    git(root, "init", "-q", "-b", "main")
    commit_all(root, f"the {case.name} case")
    return root


def checked(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str], list[str]]:
    """``ctb check --format json`` on ``root``: exit status, errors and warnings as ``path:line:col: CODE``."""
    capsys.readouterr()
    status = main(["check", "--repo", str(root), "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    doc = json.loads(out)
    assert set(doc) == {"errors", "warnings"}
    lines = {key: [f"{d['path']}:{d['line']}:{d['col']}: {d['code']}" for d in doc[key]] for key in doc}
    return status, lines["errors"], lines["warnings"]


@pytest.mark.parametrize("case", VALID)
def test_valid_inventory_checks_clean(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert reported(DATA / "valid" / case) == []
    assert checked(committed(DATA / "valid" / case, tmp_path), capsys) == (0, [], [])


@pytest.mark.parametrize("case", INVALID)
def test_invalid_inventory_reports_exactly_what_is_expected(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = DATA / "invalid" / case
    assert reported(source) == expected(source)
    status, errors, warnings = checked(committed(source, tmp_path), capsys)
    assert sorted(errors + warnings) == expected(source)
    assert status == (1 if errors else 0)


def test_there_is_a_case_for_every_rule() -> None:
    codes = {line.rsplit(" ", 1)[1] for case in INVALID for line in expected(DATA / "invalid" / case)}
    assert len(INVALID) >= 15
    rules = {
        "CTB201", "CTB202", "CTB203", "CTB204", "CTB205", "CTB206", "CTB207", "CTB208", "CTB209", "CTB210",
        "CTB211", "CTB212", "CTB213", "CTB214", "CTB215", "CTB301", "CTB302", "CTB303", "CTB304", "CTB305",
        "CTB401", "CTB402", "CTB403", "CTB501", "CTB502", "CTB503", "CTB504", "CTB505", "CTB104",
    }  # fmt: skip
    assert rules <= codes
