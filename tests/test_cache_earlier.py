"""The warm cache keeps the version of each file the last full check and clear read.

The light comparisons weigh an edit against the version the last full run
read (``storage/unread``), from the cache's entry for those bytes.  A command
that loads the files in between (``ctb stock add`` twice, ``ctb order place``
then ``receive``) saved only the entries of the files as it found them, and
the next check ran in full.  The cache now keeps, beside each file's entry
now, the entry of the version a full run's record names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage import cachebase
from ctb_files.storage.cache import FileCache
from ctb_files.storage.loader import load_repo
from tests.test_recheck import check, full_answer, shown_without_a_model, unchanged

STOCK = "stock/drawer-a.yaml"


@pytest.fixture()
def repo(one_build_cleared: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example with its build cleared (``tests/conftest.py``), and a full check."""
    assert check(one_build_cleared, capsys) == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    return one_build_cleared


def cache(root: Path) -> FileCache:
    found = FileCache.open(root, (root / "ctb.yaml").read_bytes())
    assert found is not None
    return found


def digest(root: Path, rel: str) -> bytes:
    return cachebase.file_digest((root / rel).read_bytes())


def add(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(root), "stock", "add", "r-47k", "5", "--location", "drawer-a", "--bin", "B9", "-q"]) == 0
    capsys.readouterr()


def test_stock_added_again_and_again_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = full_answer(repo)
    first = digest(repo, STOCK)
    for _ in range(3):
        add(repo, capsys)
        assert unchanged(repo) == (51, []) and shown_without_a_model(repo)
    assert "{part: r-47k, quantity: 15, bin: B9}" in (repo / STOCK).read_text()
    assert cache(repo).kept(STOCK, first) is not None  # the version the full check read
    assert (
        check(repo, capsys) == check(repo, capsys, "--no-cache") == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    )
    assert full_answer(repo) == kept


def test_only_the_versions_a_full_run_read_are_kept(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Each command keeps the entry of the version it loaded (before it wrote), and the full check's (the
    fixture's clear is forgotten here, or it would keep the first version too)."""
    (repo / ".git/ctb/clear-files").unlink()
    versions = [digest(repo, STOCK)]
    for _ in range(3):
        add(repo, capsys)
        versions.append(digest(repo, STOCK))
    found = cache(repo)
    assert [found.kept(STOCK, v) is not None for v in versions] == [True, False, True, False]
    # a new full check reads the last version: the first is dropped at the next save that changes the file
    (repo / "parts/r-100r.yaml").write_text((repo / "parts/r-100r.yaml").read_text() + "unit: pcs\n")
    assert unchanged(repo) is None
    check(repo, capsys)
    for _ in range(2):
        add(repo, capsys)
        versions.append(digest(repo, STOCK))
    found = cache(repo)
    assert [found.kept(STOCK, v) is not None for v in versions] == [False, False, False, True, True, False]


def test_the_versions_a_clear_read_are_kept_too(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(repo), "build", "clear", "--all", "-q"]) == 0
    capsys.readouterr()
    cleared = digest(repo, STOCK)
    add(repo, capsys)
    add(repo, capsys)
    assert cache(repo).kept(STOCK, cleared) is not None


def test_a_load_from_the_cache_with_earlier_versions_is_a_load_without_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    add(repo, capsys)
    add(repo, capsys)
    warm = load_repo(repo)
    cold = load_repo(repo, cache=False)
    assert warm.inventory.stock == cold.inventory.stock and warm.diagnostics == cold.diagnostics


def test_an_order_placed_then_received_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kept = full_answer(repo)
    for args in (["place", "mouser-open", "--number", "A-1"], ["receive", "mouser-open", "--line", "tl074-dip=4"]):
        assert main(["--repo", str(repo), "order", *args, "-q"]) == 0
        capsys.readouterr()
        assert unchanged(repo) == (51, []) and shown_without_a_model(repo)
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")
    assert full_answer(repo) == kept
