"""The stat index: file digests without reading unchanged files, never a stale digest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ctb_files.storage import tree, treestat
from ctb_files.storage.loader import load_repo

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def expected(root: Path) -> dict[str, bytes]:
    return treestat.digests_of(tree.read_tree(root))


def trust_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    # files made by a test are seconds old: let their times count as old enough
    monkeypatch.setattr(treestat, "RACY_NS", -(10**15))


def test_digests_equal_those_of_the_bytes_read(repo: Path) -> None:
    assert treestat.tree_digests(repo) is None  # no index yet: nothing is read
    load_repo(repo)  # loading makes it
    assert (repo / ".git" / "ctb" / "stat").is_file()
    assert treestat.tree_digests(repo) == expected(repo)
    assert treestat.tree_digests(repo) == expected(repo)


def test_no_index_without_the_cache(repo: Path) -> None:
    load_repo(repo, cache=False)
    assert not (repo / ".git" / "ctb" / "stat").exists()


def test_unchanged_files_are_not_read_again(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trust_everything(monkeypatch)
    load_repo(repo)
    first = treestat.tree_digests(repo)
    assert first == expected(repo)

    # only the file written over is read again (the load did not keep its bytes): its old bytes
    # are the journal's backup
    written = str(repo / "parts" / "c-100n.yaml")
    read = tree.read_file

    def refuse(*args: object, **kwargs: object) -> object:
        if args[0] == written:
            return read(written)
        raise AssertionError(f"read {args[0]}")

    monkeypatch.setattr(tree, "read_file", refuse)
    assert treestat.tree_digests(repo) == first


def test_recent_files_are_read_on_every_run(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_repo(repo)  # every file was just copied: all racily clean
    every = expected(repo)
    opened: list[str] = []
    real = tree.read_file

    def counting(path: str) -> object:
        opened.append(path)
        return real(path)

    monkeypatch.setattr(tree, "read_file", counting)
    assert treestat.tree_digests(repo) == every
    assert len(opened) == len(every) > 20


def test_a_rewrite_of_the_same_size_and_restored_time_is_seen(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trust_everything(monkeypatch)
    load_repo(repo)
    target = repo / "parts" / "c-100n.yaml"
    info = target.stat()
    data = target.read_bytes()
    target.write_bytes(data.replace(b"100n", b"220n", 1))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))  # size and modification time as before
    assert target.stat().st_size == info.st_size
    assert treestat.tree_digests(repo) == expected(repo)
    assert treestat.tree_digests(repo)["parts/c-100n.yaml"] != treestat.file_digest(data)


def test_added_and_removed_files(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trust_everything(monkeypatch)
    load_repo(repo)
    (repo / "parts" / "c-100n.yaml").unlink()
    (repo / "parts" / "new-part.yaml").write_text("name: New\n")
    found = treestat.tree_digests(repo)
    assert found == expected(repo)
    assert "parts/new-part.yaml" in found and "parts/c-100n.yaml" not in found


def test_a_few_stale_entries_leave_the_index_as_it_is(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to FEW changed files are read again on every run instead of writing the whole index; more, and it is."""
    trust_everything(monkeypatch)
    load_repo(repo)
    index = repo / ".git" / "ctb" / "stat"
    kept = index.read_bytes()
    parts = sorted((repo / "parts").iterdir())
    assert len(parts) > treestat.FEW + 1
    target = parts[0]
    for text in ("notes: one\n", "notes: two\n", ""):  # the last puts the file back, with new times
        target.write_text(target.read_text().split("notes: ")[0] + text)
        assert treestat.tree_digests(repo) == expected(repo)
        assert index.read_bytes() == kept
    for part in parts[: treestat.FEW]:
        part.write_text(part.read_text() + "notes: many\n")
    assert treestat.tree_digests(repo) == expected(repo)
    assert index.read_bytes() == kept  # FEW stale entries: still a hint worth keeping as it is
    parts[treestat.FEW].write_text(parts[treestat.FEW].read_text() + "notes: many\n")
    assert treestat.tree_digests(repo) == expected(repo)
    assert index.read_bytes() != kept  # one more: written again, every entry fresh
    every = expected(repo)
    monkeypatch.setattr(tree, "read_file", lambda *args: pytest.fail(f"read {args[0]}"))
    assert treestat.tree_digests(repo) == every  # and nothing is read now


@pytest.mark.parametrize("damage", [b"", b"ctb-stat 1\n" + b"\0" * 32 + b"x" * 40, b"garbage"])
def test_a_torn_or_foreign_index_is_ignored(repo: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes) -> None:
    trust_everything(monkeypatch)
    load_repo(repo)
    index = repo / ".git" / "ctb" / "stat"
    index.write_bytes(damage if damage else index.read_bytes()[:-7])
    assert treestat.tree_digests(repo) is None  # never trusted: the next load makes it again
    load_repo(repo)
    assert treestat.tree_digests(repo) == expected(repo)


def test_check_sees_an_edit_of_the_same_size(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from ctb_files.cli import cli

    trust_everything(monkeypatch)
    runner = CliRunner()
    assert runner.invoke(cli, ["--repo", str(repo), "check", "-q"]).exit_code == 0
    assert runner.invoke(cli, ["--repo", str(repo), "check", "-q"]).exit_code == 0  # from the stored answer
    target = repo / "parts" / "c-100n.yaml"
    info = target.stat()
    target.write_bytes(target.read_bytes().replace(b"name:", b"nome:", 1))
    os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
    result = runner.invoke(cli, ["--repo", str(repo), "check", "-q"])
    assert result.exit_code == 1
    assert "parts/c-100n.yaml:" in result.output and "nome" in result.output


def _changeset(repo: Path, cache: bool = True) -> object:
    from ctb_files.storage.changes import ChangeSet

    loaded = load_repo(repo, cache=cache)
    changes = ChangeSet(repo, loaded.inventory.files, cache=cache)
    changes.write_text("parts/c-100n.yaml", (repo / "parts" / "c-100n.yaml").read_text() + "notes: written\n")
    return changes


@pytest.mark.parametrize("cache", [True, False])
def test_a_write_refuses_an_edit_made_after_the_load(repo: Path, monkeypatch: pytest.MonkeyPatch, cache: bool) -> None:
    from ctb_files.storage.changes import ChangeSet, InventoryChanged

    trust_everything(monkeypatch)
    changes = _changeset(repo, cache)
    assert isinstance(changes, ChangeSet)
    # another command rewrites a file the write does not touch: same size, same modification time
    other = repo / "parts" / "r-10k.yaml"
    info = other.stat()
    other.write_bytes(other.read_bytes().replace(b"10k", b"22k", 1))
    os.utime(other, ns=(info.st_atime_ns, info.st_mtime_ns))
    with pytest.raises(InventoryChanged, match=r"^parts/r-10k.yaml changed while this command ran"):
        changes.apply()
    assert b"notes: written" not in (repo / "parts" / "c-100n.yaml").read_bytes()


def test_a_write_reads_only_the_files_whose_stat_moved(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ctb_files.storage.changes import ChangeSet

    trust_everything(monkeypatch)
    changes = _changeset(repo)
    assert isinstance(changes, ChangeSet)

    # only the file written over is read again (the load did not keep its bytes): its old bytes
    # are the journal's backup
    written = str(repo / "parts" / "c-100n.yaml")
    read = tree.read_file

    def refuse(*args: object, **kwargs: object) -> object:
        if args[0] == written:
            return read(written)
        raise AssertionError(f"read {args[0]}")

    monkeypatch.setattr(tree, "read_file", refuse)
    assert changes.apply() == ["parts/c-100n.yaml"]
    assert (repo / "parts" / "c-100n.yaml").read_text().endswith("notes: written\n")


def test_an_edit_never_starts_from_bytes_written_after_the_load(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the load keeps no bytes (they are read again when a write needs them): a file another command
    # rewrote since is refused, never edited from its new bytes (that would undo the other write unseen)
    from ctb_files.storage.changes import ChangeSet, InventoryChanged

    trust_everything(monkeypatch)
    loaded = load_repo(repo)
    assert isinstance(loaded.inventory.files, treestat.ReadAgain)
    target = repo / "parts" / "c-100n.yaml"
    loaded_bytes = target.read_bytes()
    assert loaded.inventory.files["parts/c-100n.yaml"] == loaded_bytes
    target.write_bytes(loaded_bytes + b"notes: another command\n")
    changes = ChangeSet(repo, loaded.inventory.files)
    with pytest.raises(InventoryChanged, match=r"^parts/c-100n.yaml changed while this command ran"):
        changes.edit("parts/c-100n.yaml")
    # an untouched file is edited as loaded
    assert ChangeSet(repo, loaded.inventory.files).old_bytes("parts/r-10k.yaml") == (repo / "parts" / "r-10k.yaml").read_bytes()


def _same_load(a: object, b: object) -> None:
    """Two loads made the same inventory: every model, the ids seen, and every diagnostic."""
    from ctb_files.core.models.inventory import Inventory

    ia, ib = a.inventory, b.inventory  # type: ignore[attr-defined]
    assert isinstance(ia, Inventory) and isinstance(ib, Inventory)
    for table in ("settings", "parts", "packages", "vendors", "stock", "projects", "boms", "builds", "orders", "seen"):
        assert getattr(ia, table) == getattr(ib, table), table
    assert sorted(ia.files) == sorted(ib.files)
    assert [d.render() for d in a.diagnostics] == [d.render() for d in b.diagnostics]  # type: ignore[attr-defined]


def test_a_warm_load_reads_only_the_files_it_parses_or_reports_on(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files whose stat matches the index and whose data the cache holds are loaded without being read."""
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # one load, its reads counted
    trust_everything(monkeypatch)
    (repo / "parts" / "broken.yaml").write_text("name: [unclosed\n")
    load_repo(repo)  # the index and the cache, warm
    edited = repo / "parts" / "c-100n.yaml"
    edited.write_text(edited.read_text() + "notes: re-read\n")
    reads: list[str] = []
    read = tree.read_file

    def counted(full: str) -> object:
        reads.append(os.path.relpath(full, repo))
        return read(full)

    monkeypatch.setattr(tree, "read_file", counted)
    warm = load_repo(repo)
    monkeypatch.setattr(tree, "read_file", read)
    # the settings (the cache's stamp holds them), the edit, and the file with a problem
    assert sorted(reads) == ["ctb.yaml", "parts/broken.yaml", "parts/c-100n.yaml"]
    _same_load(warm, load_repo(repo, cache=False))
    assert warm.inventory.files["parts/c-100n.yaml"].endswith(b"notes: re-read\n")  # read again when asked for


def test_a_file_changed_while_loading_is_loaded_as_it_is_now(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file to parse whose bytes are not those of the digest just taken: every file is read again."""
    trust_everything(monkeypatch)
    load_repo(repo)
    edited = repo / "parts" / "c-100n.yaml"
    edited.write_text(edited.read_text() + "notes: first\n")
    digests = treestat.tree_digests

    def then_edited_again(root: Path, links: object = None, read: dict[str, bytes] | None = None) -> object:
        found = digests(root, links, read)  # type: ignore[arg-type]
        if read is not None:
            read.pop("parts/c-100n.yaml", None)  # as if its bytes had not been kept
        edited.write_text(edited.read_text().replace("notes: first", "notes: second"))
        return found

    monkeypatch.setattr(treestat, "tree_digests", then_edited_again)
    now = load_repo(repo)
    monkeypatch.setattr(treestat, "tree_digests", digests)
    assert now.inventory.parts["c-100n"].notes == "second"
    _same_load(now, load_repo(repo, cache=False))
    # the bytes the digest was taken of, back: never loaded as the ones read after it
    edited.write_text(edited.read_text().replace("notes: second", "notes: first"))
    assert load_repo(repo).inventory.parts["c-100n"].notes == "first"


def _walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    walks: list[str] = []
    walk = tree.walk_tree

    def counted(root: Path, links: set[str] | None = None) -> list[tuple[str, str]]:
        walks.append(os.fspath(root))
        return walk(root, links)

    monkeypatch.setattr(tree, "walk_tree", counted)
    return walks


@pytest.mark.parametrize("command", [["check"], ["check", "parts"], ["build", "clear", "--all", "--dry-run"]])
def test_a_command_whose_stored_answer_missed_walks_the_tree_once(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    """The load takes over the walk the stored answer's lookup just made, and loads what a fresh walk finds."""
    import ctb_files.cli.build
    from ctb_files.cli import main

    def same_clock() -> None:  # a dry run prints cleared_at: two runs a second apart would differ there
        monkeypatch.setattr(ctb_files.cli.build, "now", lambda: datetime(2026, 12, 7, 9, 0, 0, tzinfo=UTC))

    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    same_clock()
    trust_everything(monkeypatch)
    main(["--repo", str(repo), *command])
    edited = repo / "builds" / "vco-batch-1.yaml"
    edited.write_text(edited.read_text().replace("quantity: 4", "quantity: 3"))  # read by both commands
    capsys.readouterr()
    walks = _walks(monkeypatch)
    status = main(["--repo", str(repo), *command])
    said = capsys.readouterr()
    assert walks == [str(repo)]
    monkeypatch.undo()
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    same_clock()
    assert (status, said.out) == (main(["--repo", str(repo), *command, "--no-cache"]), capsys.readouterr().out)


def test_a_walk_handed_over_is_taken_once_by_a_load_of_its_tree(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ctb_files.cli import main
    from ctb_files.storage import checkcache

    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    trust_everything(monkeypatch)
    shown = repo / "parts" / "c-100n.yaml"
    shown.write_text(shown.read_text() + "notes: first state\n")
    main(["--repo", str(repo), "check", "-q"])  # the warm cache holds the part as it is
    other = repo / "parts" / "c-10n.yaml"
    other.write_text(other.read_text() + "colour: blue\n")  # read by a check: the stored answer misses
    assert checkcache.stored(repo, hand_over=True) is None
    assert treestat.taken(repo.parent) is None  # another tree: not taken, and gone
    assert treestat.taken(repo) is None
    assert checkcache.stored(repo, hand_over=True) is None  # handed over again, and left there
    shown.write_text(shown.read_text().replace("first state", "second state"))
    capsys.readouterr()
    # a command that starts forgets a walk no load took: it walks again and loads the part as it is now
    main(["--repo", str(repo), "part", "show", "c-100n"])
    assert "second state" in capsys.readouterr().out
    assert treestat.taken(repo) is None
    assert checkcache.stored(repo) is None  # no hand-over asked: none left
    assert treestat.taken(repo) is None


def test_a_temporary_file_a_killed_command_left_is_swept(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A command killed while writing in ``.git/ctb`` leaves its temporary file; the next command removes it."""
    from ctb_files.cli import main
    from ctb_files.storage.cachebase import temp_prefix

    main(["--repo", str(repo), "check", "-q"])
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a process that has ended: its number names no running process
    folder = repo / ".git" / "ctb"
    left = folder / f".cache-{gone.pid}-k2x9q_1a.tmp"
    ours = folder / f"{temp_prefix('check')}abc.tmp"  # this process is running: left to it
    older = folder / ".cache-k2x9q1a.tmp"  # named without a process: never swept
    for path in (left, ours, older):
        path.write_bytes(b"half written")
    assert main(["--repo", str(repo), "check", "-q"]) == 0  # answered from the stored answer
    capsys.readouterr()
    assert not left.exists() and ours.exists() and older.exists()
