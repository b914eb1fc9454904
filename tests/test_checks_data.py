"""Data-driven checks: every valid inventory checks clean, every invalid one exactly as expected.

``tests/data/valid/<case>/`` are complete little inventories that must produce
no diagnostic at all.  ``tests/data/invalid/<case>/expected.txt`` lists every
diagnostic (errors and warnings) as ``path:line:col: CODE``, one a line,
``#`` starting a comment; the whole list is compared, so nothing may be
missing, extra or reported twice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.checks import run_checks
from ctb_files.storage.loader import load_repo, locate_all

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


@pytest.mark.parametrize("case", VALID)
def test_valid_inventory_checks_clean(case: str) -> None:
    assert reported(DATA / "valid" / case) == []


@pytest.mark.parametrize("case", INVALID)
def test_invalid_inventory_reports_exactly_what_is_expected(case: str) -> None:
    root = DATA / "invalid" / case
    assert reported(root) == expected(root)


def test_there_is_a_case_for_every_rule() -> None:
    codes = {line.rsplit(" ", 1)[1] for case in INVALID for line in expected(DATA / "invalid" / case)}
    assert len(INVALID) >= 15
    rules = {
        "CTB201", "CTB202", "CTB203", "CTB204", "CTB205", "CTB206", "CTB207", "CTB208", "CTB209", "CTB210",
        "CTB211", "CTB212", "CTB213", "CTB214", "CTB215", "CTB301", "CTB302", "CTB303", "CTB304", "CTB305",
        "CTB401", "CTB402", "CTB403", "CTB501", "CTB502", "CTB503", "CTB504", "CTB505", "CTB104",
    }  # fmt: skip
    assert rules <= codes
