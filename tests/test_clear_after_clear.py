"""A clear keeps its answer for the files as it wrote them: the clear after it answers at once, and truly.

Clearing again with unchanged data writes byte-identical files (PRODUCT.md 4,
"Idempotent"), so the clear right after a clear that wrote plans the same,
writes nothing and prints the same: the first one keeps that answer. Each
test here compares the answer given without planning with a clear of the
same files that plans (``--no-cache``), on the example and on each shape the
bench generates.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from bench.gen import generate, generate_bins, generate_mixed, generate_shared
from ctb_files.cli import build as build_cli
from ctb_files.cli import main
from ctb_files.storage.tree import read_tree

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"

WORLDS: dict[str, Callable[[Path], Path]] = {
    "example": lambda root: Path(shutil.copytree(EXAMPLE, root)),
    "plain": lambda root: generate(root, parts=300, builds=12, projects=3),
    "bins": lambda root: generate_bins(root, parts=300, builds=12, projects=3, rows=40),
    "shared": lambda root: generate_shared(root, parts=300, builds=12, projects=3, rows=30),
    "mixed": lambda root: generate_mixed(root, parts=300, builds=12, projects=3, rows=30),
}


@pytest.fixture(autouse=True)
def _own_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the stored answers themselves


def world(name: str, tmp_path: Path) -> Path:
    root = WORLDS[name](tmp_path / name)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def clear(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "build", "clear", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def twin(root: Path) -> Path:
    """A copy of ``root`` with no stored answers."""
    copy = Path(shutil.copytree(root, root.parent / f"{root.name}-twin"))
    shutil.rmtree(copy / ".git/ctb", ignore_errors=True)
    return copy


def counting_plans(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """A list that gains one entry each time a clear plans."""
    calls: list[object] = []
    real = build_cli.clear_and_write_each

    def counting(*args: object) -> object:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(build_cli, "clear_and_write_each", counting)
    return calls


def without_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_cli, "clear_and_write_each", lambda *args: pytest.fail("planned again"))


@pytest.mark.parametrize("name", sorted(WORLDS))
@pytest.mark.parametrize("how", [(), ("--format", "json")])
def test_the_clear_after_a_clear_answers_as_a_clear_that_plans(
    name: str, how: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = world(name, tmp_path)
    first = clear(root, capsys, "--all", *how)
    assert "wrote builds/" in first[2] or how  # the first clear writes every open build
    written = read_tree(root)
    planned_copy = twin(root)
    planned = clear(planned_copy, capsys, "--all", "--no-cache", *how)
    assert "wrote" not in planned[2]
    assert read_tree(planned_copy) == written  # planning again writes nothing: byte-identical
    with monkeypatch.context() as patched:
        without_planning(patched)
        assert clear(root, capsys, "--all", *how) == planned
    assert read_tree(root) == written
    # the stored answer of a text clear does not hold JSON: a JSON clear plans, and answers the same
    if not how:
        assert clear(root, capsys, "--all", "--format", "json") == clear(
            planned_copy, capsys, "--all", "--format", "json", "--no-cache"
        )


def test_a_clear_of_some_builds_keeps_its_answer_for_the_same_builds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = world("mixed", tmp_path)
    builds = sorted(path.stem for path in (root / "builds").iterdir())[:3]
    clear(root, capsys, *builds)
    planned = clear(twin(root), capsys, *builds, "--no-cache")
    with monkeypatch.context() as patched:
        without_planning(patched)
        assert clear(root, capsys, *builds) == planned
    # other builds, or all of them, are another question: planned
    calls = counting_plans(monkeypatch)
    clear(root, capsys, *builds[:2])
    assert len(calls) == 1


def test_a_dry_run_that_would_write_keeps_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = world("example", tmp_path)
    before = read_tree(root)
    dry = clear(root, capsys, "--all", "--dry-run")
    assert dry[0] == 0 and "+++ b/builds/" in dry[1] + dry[2]
    assert read_tree(root) == before
    assert not (root / ".git/ctb/clear").exists()
    calls = counting_plans(monkeypatch)
    assert "wrote builds/" in clear(root, capsys, "--all")[2]
    assert len(calls) == 1


def test_an_edit_after_the_clear_that_wrote_is_planned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = world("example", tmp_path)
    clear(root, capsys, "--all")
    stock = root / "stock/drawer-a.yaml"
    stock.write_text(stock.read_text().replace("quantity: 100, bin: C3", "quantity: 2, bin: C3"))
    planned = clear(twin(root), capsys, "--all", "--no-cache")
    assert "wrote builds/vco-batch-1.yaml" in planned[2]
    assert clear(root, capsys, "--all")[:2] == planned[:2]
