"""``ctb check`` after edits no check can see: the last full answer stands, and only then."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bench.gen import generate_mixed
from ctb_files.checks import UNREAD, run_checks
from ctb_files.cli import main
from ctb_files.core.models import KINDS
from ctb_files.storage import checkcache, treestat
from ctb_files.storage.gitattributes import declared_not_installed
from ctb_files.storage.loader import load_repo

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"
TABLES = {"part": "parts", "vendor": "vendors", "project": "projects", "build": "builds", "stock": "stock"}


class _Unreadable:
    """A value that refuses every use: a check that reads it crashes (CTB999)."""

    def _refuse(self, *args: object, **kwargs: object) -> Any:
        raise RuntimeError("a check read a field listed as unread")

    __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse  # type: ignore[assignment]
    __hash__ = __bool__ = __str__ = __repr__ = __format__ = __len__ = __iter__ = _refuse  # type: ignore[assignment]
    __contains__ = __getitem__ = __add__ = __radd__ = _refuse

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(f"a check read .{name} of a field listed as unread")


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # these tests look at the stored answers themselves
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "parts/r-1k.yaml").write_text("name: R 1k\nbogus: 1\n")  # one error, in a file not edited below
    return root


def check(root: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    status = main(["--repo", str(root), "check", *extra])
    out = capsys.readouterr()
    return status, out.out, out.err


def unchanged(root: Path) -> checkcache.Answer | None:
    digests = treestat.tree_digests(root)
    assert digests is not None
    return checkcache.unchanged_for_checks(root, digests, declared_not_installed(root))


def full_answer(root: Path) -> bytes:
    return (root / ".git/ctb/check-files").read_bytes()


@pytest.mark.parametrize("world", ["example", "mixed"])
def test_no_check_reads_a_field_listed_as_unread(world: str, tmp_path: Path) -> None:
    """Every check, with the unread fields made unreadable and then absent, says word for word the same."""
    root = (
        EXAMPLE if world == "example" else generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    )
    expected = run_checks(load_repo(root, cache=False).inventory)
    for kind, fields in UNREAD.items():
        for name in fields:
            info = KINDS[kind].model_fields[name]
            assert info.alias in (None, name), (kind, name)  # the key in the file is the field's name
            for value in (_Unreadable(), None):
                inv = load_repo(root, cache=False).inventory
                models = getattr(inv, TABLES[kind]).values()
                assert models, (world, kind)
                for model in models:
                    object.__setattr__(model, name, value)
                found = run_checks(inv)
                assert [d.render() for d in found] == [d.render() for d in expected], (kind, name, value)


def test_an_edit_of_unread_fields_and_comments_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = check(repo, capsys)
    assert first[0] == 1 and first[1] == "parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'\n"
    assert first[2] == "51 files checked: 1 error, 0 warnings\n"
    kept = full_answer(repo)
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: moved to drawer B\ndescription: |\n  two lines\n  of text\n")
    stock = repo / "stock/shelf.yaml"
    stock.write_text("# counted on Monday\n" + stock.read_text().replace("\n", "   \n", 3))
    build = repo / "builds/vco-batch-1.yaml"
    build.write_text(build.read_text().replace("note: Two for the meet table", "note: Three for the meet table"))
    found = unchanged(repo)
    assert found is not None and found[0] == 51
    assert [d.render() for d in found[1]] == ["parts/r-1k.yaml:2:1: CTB102 bogus: unknown key 'bogus'"]
    assert check(repo, capsys) == first
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == first
    # and again after a second edit of the same file
    part.write_text(part.read_text().replace("drawer B", "drawer C"))
    assert check(repo, capsys) == first and full_answer(repo) == kept


@pytest.mark.parametrize(
    ("path", "edit", "line"),
    [
        # a field a check reads
        ("parts/r-1m.yaml", "equivalents: [no-such-part]\n", "parts/r-1m.yaml:"),
        # an unread field of the wrong type: the file does not load
        ("parts/r-10k.yaml", "notes: [1, 2]\n", "parts/r-10k.yaml:"),
        # an unread field of a kind that has no such field
        ("packages/r-axial-0207.yaml", "notes: x\n", "packages/r-axial-0207.yaml:"),
        # the file with the error
        ("parts/r-1k.yaml", "notes: x\n", "parts/r-1k.yaml:2:1: CTB102"),
        # the settings
        ("ctb.yaml", "# only a comment, but the settings decide how every file reads\n", None),
    ],
)
def test_an_edit_a_check_may_see_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], path: str, edit: str, line: str | None
) -> None:
    check(repo, capsys)
    kept = full_answer(repo)
    target = repo / path
    assert target.is_file()
    target.write_text(target.read_text() + edit)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    if line is not None:
        assert line in now[1]
    assert full_answer(repo) != kept  # a full check ran and kept its own answer


def test_a_number_written_otherwise_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``60`` and ``60.0`` are equal numbers, but messages print them as written: not the same data."""
    check(repo, capsys)
    stock = repo / "stock/drawer-a.yaml"
    stock.write_text(stock.read_text().replace("{part: r-1k, quantity: 60,", "{part: r-1k, quantity: 60.0,"))
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


def test_without_the_files_data_in_the_cache_the_check_runs_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    check(repo, capsys)
    (repo / ".git/ctb/cache").unlink()
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == check(repo, capsys, "--no-cache")


def test_a_failure_while_comparing_means_a_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ctb_files.storage import loader

    first = check(repo, capsys)
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is not None

    def broken(*args: object) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(loader, "load_alone", broken)
    assert unchanged(repo) is None
    assert check(repo, capsys) == first


def test_a_damaged_full_answer_is_ignored(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    path = repo / ".git/ctb/check-files"
    blob = path.read_bytes()
    path.write_bytes(blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:])
    part = repo / "parts/r-10k.yaml"
    part.write_text(part.read_text() + "notes: x\n")
    assert unchanged(repo) is None
    assert check(repo, capsys) == first
    assert path.read_bytes() != blob[:-5] + bytes([blob[-5] ^ 0xFF]) + blob[-4:]  # rewritten whole


def test_same_data_means_same_types_order_and_writing() -> None:
    same = checkcache._same
    assert same({"a": [1, "x", None], "b": Decimal("1.5")}, {"a": [1, "x", None], "b": Decimal("1.5")})
    assert not same({"q": Decimal("1.0")}, {"q": Decimal("1.00")})
    assert not same({"q": True}, {"q": 1})
    assert not same({"q": 1}, {"q": Decimal(1)})
    assert not same({"a": 1, "b": 2}, {"b": 2, "a": 1})
    assert not same({"a": [1, 2]}, {"a": [1, 2, 3]})
