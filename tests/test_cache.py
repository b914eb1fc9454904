"""The warm cache in .git/ctb/cache: same answers as without it, never trusted when damaged."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ctb_files
from ctb_files.cli import main
from ctb_files.storage import cachebase
from ctb_files.storage.cache import FileCache, _runs, git_dir
from ctb_files.storage.loader import load_repo

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "check", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def test_check_is_the_same_cold_warm_and_without(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "parts/r-1k.yaml").write_text("name: R 1k\nbogus: 1\n")
    plain = check(repo, capsys, "--no-cache")
    assert not (repo / ".git/ctb/cache").exists()
    cold = check(repo, capsys)
    assert (repo / ".git/ctb/cache").is_file()
    warm = check(repo, capsys)
    assert plain == cold == warm
    assert plain[0] == 1
    assert "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'" in plain[1]


def test_a_changed_file_is_read_again(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(repo, capsys)[0] == 0
    (repo / "parts/r-1k.yaml").write_text("name: R 1k\nunit: lightyears\n")
    status, out, _ = check(repo, capsys)
    assert status == 1
    assert out.startswith("parts/r-1k.yaml:2:7: CTB101")
    assert (status, out) == check(repo, capsys, "--no-cache")[:2]


@pytest.mark.parametrize("damage", ["truncate", "flip", "foreign", "empty"])
def test_a_damaged_cache_is_ignored_and_rebuilt(repo: Path, damage: str) -> None:
    first = load_repo(repo)
    path = repo / ".git/ctb/cache"
    blob = path.read_bytes()
    damaged = {
        "truncate": blob[: len(blob) // 2],
        "flip": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
        "foreign": b"not a cache at all",
        "empty": b"",
    }[damage]
    path.write_bytes(damaged)
    cache = FileCache(path, (repo / "ctb.yaml").read_bytes())
    assert cache._old == {}
    again = load_repo(repo)
    assert again.diagnostics == first.diagnostics
    assert sorted(again.inventory.parts) == sorted(first.inventory.parts)
    assert path.read_bytes() != damaged  # rebuilt


def test_settings_change_drops_every_entry(repo: Path) -> None:
    load_repo(repo)
    settings = (repo / "ctb.yaml").read_bytes()
    assert len(FileCache(repo / ".git/ctb/cache", settings)._old) == len(load_repo(repo).inventory.files)
    assert FileCache(repo / ".git/ctb/cache", settings + b"# edited\n")._old == {}


def test_another_ctb_version_drops_every_entry(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_repo(repo)
    settings = (repo / "ctb.yaml").read_bytes()
    assert FileCache(repo / ".git/ctb/cache", settings)._old
    monkeypatch.setattr(cachebase, "__version__", "0.0.0-other")
    cachebase.code_stamp.cache_clear()  # worked out once a process: a new version is a new process
    try:
        assert FileCache(repo / ".git/ctb/cache", settings)._old == {}
    finally:
        monkeypatch.undo()
        cachebase.code_stamp.cache_clear()
    assert FileCache(repo / ".git/ctb/cache", settings)._old


def test_the_code_stamp_covers_every_module() -> None:
    package = Path(ctb_files.__file__).parent
    listed = [rel for rel, _ in cachebase._modules(str(package), "")]
    assert listed == sorted(listed, key=lambda rel: rel.split("/"))
    expected = {p.relative_to(package).as_posix() for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    assert set(listed) == expected and "storage/cachebase.py" in listed and "cli/check.py" in listed


def test_warm_models_equal_cold_ones(repo: Path) -> None:
    cold = load_repo(repo, cache=False).inventory
    load_repo(repo)
    warm = load_repo(repo).inventory
    assert warm.parts == cold.parts and warm.boms == cold.boms and warm.stock == cold.stock
    assert warm.builds == cold.builds and warm.orders == cold.orders and warm.settings == cold.settings
    assert warm.seen == cold.seen


def test_no_git_directory_no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "plain"
    shutil.copytree(EXAMPLE, root)
    assert git_dir(root) is None or not str(git_dir(root)).startswith(str(tmp_path))
    monkeypatch.setenv("CTB_NO_CACHE", "1")
    assert FileCache.open(root, None) is None


def test_linked_worktree_keeps_the_cache_in_its_git_dir(repo: Path, tmp_path: Path) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "x"], check=True)
    subprocess.run([*git, "worktree", "add", "-q", str(tmp_path / "wt")], check=True)
    load_repo(tmp_path / "wt")
    found = git_dir(tmp_path / "wt")
    assert found is not None and found.parent.parent.resolve() == (repo / ".git").resolve()
    assert (found / "ctb/cache").is_file()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.tuples(st.integers(0, 9), st.integers(1, 5)), st.binary(min_size=1, max_size=4)), max_size=30))
def test_runs_of_old_entries_copy_the_same_payload(spec: list[tuple[int, int] | bytes]) -> None:
    # old entries given as (slot, length) in an old file of ten 5-byte slots; new ones as their bytes
    old_file = bytes(range(50))
    kept: list[Any] = [
        (b"d", 5 * item[0], item[1]) if isinstance(item, tuple) else (b"d", item) for item in spec
    ]  # fmt: skip
    one_by_one = b"".join(old_file[k[1] : k[1] + k[2]] if len(k) == 3 else k[1] for k in kept)
    pieces = list(_runs(kept))
    assert b"".join(old_file[p[0] : p[0] + p[1]] if isinstance(p, tuple) else p for p in pieces) == one_by_one
    # neighbours in the old file are copied as one run
    pairs = zip(pieces, pieces[1:], strict=False)
    assert not any(isinstance(a, tuple) and isinstance(b, tuple) and a[0] + a[1] == b[0] for a, b in pairs)


def test_saving_after_one_change_keeps_every_other_entry(repo: Path) -> None:
    load_repo(repo)
    settings_bytes = (repo / "ctb.yaml").read_bytes()
    before = FileCache(repo / ".git/ctb/cache", settings_bytes)._old
    part = repo / "parts" / "c-100n.yaml"
    part.write_text(part.read_text() + "# changed\n")
    load_repo(repo)
    cache = FileCache(repo / ".git/ctb/cache", settings_bytes)
    after = cache._old
    assert after.keys() == before.keys() and after["parts/c-100n.yaml"][0] != before["parts/c-100n.yaml"][0]
    assert [rel for rel in after if after[rel][0] != before[rel][0]] == ["parts/c-100n.yaml"]
    assert all(cache._entry(located) is not None for located in after.values())  # every entry reads back whole
    cold = load_repo(repo, cache=False).inventory
    warm = load_repo(repo).inventory
    assert warm.parts == cold.parts and warm.boms == cold.boms and warm.stock == cold.stock
