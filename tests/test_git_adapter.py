"""The git adapter against real git repositories in tmp_path.

Benchmark-ish sanity check (deliberately not a timed test): 10,000 files of
~25 bytes under ``parts/`` in one commit; ``snapshot(head, ["ctb.yaml",
"parts/"])`` took about 0.1 s warm and 0.4 s cold on a laptop-class machine,
and 1,000 ``read_at`` calls with a full sha on a small tree about 0.2 s.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ctb_files.errors import CtbError
from ctb_files.storage.git import HOOK_VARIABLES, CommitInfo, GitRepo
from tests.conftest import commit_all, git, write_tree


def rev(root: Path, name: str) -> str:
    return git(root, "rev-parse", name).strip()


@pytest.fixture
def merged(git_repo: Path) -> dict[str, str]:
    """main: c1 (Jan 1) → c2 (Jan 2) → merge (Jan 5) of feature: f1 (Jan 3) → f2 (Jan 4)."""
    root = git_repo
    write_tree(root, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R1\n", "stock/a.yaml": "lines: []\n"})
    c1 = commit_all(root, "add r1", date="2024-01-01T10:00:00+00:00")
    git(root, "checkout", "-q", "-b", "feature")
    write_tree(root, {"parts/r2.yaml": "name: R2\n"})
    f1 = commit_all(root, "add r2 on feature", date="2024-01-03T10:00:00+00:00")
    write_tree(root, {"stock/a.yaml": "lines: [{part: r2, quantity: 1}]\n"})
    f2 = commit_all(root, "stock r2 on feature", date="2024-01-04T10:00:00+00:00")
    git(root, "checkout", "-q", "main")
    write_tree(root, {"parts/r1.yaml": "name: R1 changed\n"})
    c2 = commit_all(root, "change r1", date="2024-01-02T10:00:00+00:00")
    git(root, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", date="2024-01-05T10:00:00+00:00")
    return {"c1": c1, "f1": f1, "f2": f2, "c2": c2, "merge": rev(root, "HEAD")}


# -- opening -----------------------------------------------------------------------


def test_find_from_a_subfolder_and_none_outside(git_repo: Path, tmp_path: Path) -> None:
    (git_repo / "parts").mkdir()
    repo = GitRepo.find(git_repo / "parts")
    assert repo is not None
    assert repo.root.resolve() == git_repo.resolve()
    write_tree(git_repo, {"ctb.yaml": "ctb: 1\n"})
    from_file = GitRepo.find(git_repo / "ctb.yaml")
    assert from_file is not None and from_file.root == repo.root
    plain = tmp_path / "plain"
    plain.mkdir()
    assert GitRepo.find(plain) is None
    with pytest.raises(CtbError, match="not inside a git work tree"):
        GitRepo(plain)


def test_init_empty_repository(tmp_path: Path) -> None:
    repo = GitRepo.init(tmp_path / "new" / "inv", initial_branch="trunk")
    assert (tmp_path / "new" / "inv" / ".git").is_dir()
    assert repo.current_branch() == "trunk"
    assert repo.head() is None
    assert repo.history(["parts/"]) == []
    with pytest.raises(CtbError, match="no commits yet"):
        repo.resolve("2024-01-01")


def test_head_branch_and_ancestry(merged: dict[str, str], git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    assert repo.head() == merged["merge"]
    assert repo.current_branch() == "main"
    assert repo.is_ancestor(merged["f1"], merged["merge"]) is True
    assert repo.is_ancestor(merged["f1"], merged["c2"]) is False
    assert repo.is_ancestor("main", "main") is True
    git(git_repo, "checkout", "-q", "--detach", merged["c1"])
    assert repo.current_branch() is None
    assert repo.head() == merged["c1"]


# -- revisions -----------------------------------------------------------------------


def test_resolve_revisions(merged: dict[str, str], git_repo: Path) -> None:
    git(git_repo, "tag", "v1", merged["c2"])
    git(git_repo, "tag", "-a", "-m", "annotated", "v2", merged["f1"])
    repo = GitRepo(git_repo)
    assert repo.resolve("HEAD") == merged["merge"]
    assert repo.resolve("main") == merged["merge"]
    assert repo.resolve("feature") == merged["f2"]
    assert repo.resolve("HEAD~1") == merged["c2"]
    assert repo.resolve("HEAD^2") == merged["f2"]
    assert repo.resolve("v1") == merged["c2"]
    assert repo.resolve("v2") == merged["f1"]  # annotated tags are peeled to their commit
    assert repo.resolve(merged["c1"][:8]) == merged["c1"]
    assert repo.resolve(merged["c1"].upper()) == merged["c1"]
    with pytest.raises(CtbError, match="unknown revision: no-such-branch"):
        repo.resolve("no-such-branch")
    with pytest.raises(CtbError, match="not a revision"):
        repo.resolve("--all")
    with pytest.raises(CtbError, match="unknown revision"):
        repo.resolve("0" * 40)


def test_resolve_dates_follow_the_first_parent_line(merged: dict[str, str], git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    assert repo.resolve("2024-01-01") == merged["c1"]
    assert repo.resolve("2024-01-02") == merged["c2"]
    # f1 and f2 were committed on Jan 3 and 4, but only on the merged branch
    assert repo.resolve("2024-01-04") == merged["c2"]
    assert repo.resolve("2024-01-05") == merged["merge"]
    assert repo.resolve("2030-01-01") == merged["merge"]
    assert repo.resolve("2024-01-02T09:59:59+00:00") == merged["c1"]
    assert repo.resolve("2024-01-02T10:00:00Z") == merged["c2"]  # "at or before"
    assert repo.resolve("2024-01-02T11:00:00+01:00") == merged["c2"]
    assert repo.resolve("2024-01-02T10:59:59+01:00") == merged["c1"]
    assert repo.resolve("2024-01-02 10:00:00") == merged["c2"]  # no zone: UTC
    with pytest.raises(CtbError, match="no commit at or before 2023-12-31"):
        repo.resolve("2023-12-31")
    with pytest.raises(CtbError, match="not a valid date: 2024-02-30"):
        repo.resolve("2024-02-30")


def test_a_date_means_the_end_of_that_day_in_utc(git_repo: Path) -> None:
    write_tree(git_repo, {"a.txt": "1"})
    first = commit_all(git_repo, "one", date="2024-03-01T12:00:00+00:00")
    write_tree(git_repo, {"a.txt": "2"})
    late = commit_all(git_repo, "two", date="2024-03-02T23:59:30+00:00")
    write_tree(git_repo, {"a.txt": "3"})
    # 01:30 at +02:00 is 23:30 UTC of the day before
    east = commit_all(git_repo, "three", date="2024-03-04T01:30:00+02:00")
    write_tree(git_repo, {"a.txt": "4"})
    commit_all(git_repo, "four", date="2024-03-04T00:00:00+00:00")
    repo = GitRepo(git_repo)
    assert repo.resolve("2024-03-01") == first
    assert repo.resolve("2024-03-02") == late
    assert repo.resolve("2024-03-03") == east


def test_a_branch_named_like_a_date_wins(git_repo: Path) -> None:
    write_tree(git_repo, {"a.txt": "1"})
    first = commit_all(git_repo, "one", date="2024-03-01T12:00:00+00:00")
    write_tree(git_repo, {"a.txt": "2"})
    second = commit_all(git_repo, "two", date="2024-03-05T12:00:00+00:00")
    git(git_repo, "tag", "2024-03-09", first)
    repo = GitRepo(git_repo)
    assert repo.resolve("2024-03-09") == first
    assert repo.resolve("2024-03-08") == second


# -- reading -------------------------------------------------------------------------


def test_snapshot_returns_the_bytes_of_that_commit(merged: dict[str, str], git_repo: Path) -> None:
    write_tree(git_repo, {"partsx/other.yaml": "x\n", "README": "hi\n", "parts/sub/deep.yaml": "d\n"})
    later = commit_all(git_repo, "more files")
    repo = GitRepo(git_repo)
    prefixes = ["ctb.yaml", "parts/", "stock/"]
    assert repo.snapshot(merged["c1"], prefixes) == {
        "ctb.yaml": b"ctb: 1\n",
        "parts/r1.yaml": b"name: R1\n",
        "stock/a.yaml": b"lines: []\n",
    }
    assert repo.snapshot(merged["merge"], prefixes) == {
        "ctb.yaml": b"ctb: 1\n",
        "parts/r1.yaml": b"name: R1 changed\n",
        "parts/r2.yaml": b"name: R2\n",
        "stock/a.yaml": b"lines: [{part: r2, quantity: 1}]\n",
    }
    assert repo.snapshot(later, ["parts"]) == {
        "parts/r1.yaml": b"name: R1 changed\n",
        "parts/r2.yaml": b"name: R2\n",
        "parts/sub/deep.yaml": b"d\n",
    }
    assert repo.snapshot("HEAD~1", ["stock/"]) == {"stock/a.yaml": b"lines: [{part: r2, quantity: 1}]\n"}
    assert repo.snapshot(later, ["orders/"]) == {}
    assert repo.snapshot(later, []) == {}
    # the working tree is never consulted
    write_tree(git_repo, {"ctb.yaml": "ctb: 2\n"})
    assert repo.snapshot(later, ["ctb.yaml"]) == {"ctb.yaml": b"ctb: 1\n"}


def test_snapshot_keeps_exact_bytes_and_odd_names(git_repo: Path) -> None:
    binary = bytes(range(256)) * 40 + b"\n\n"
    (git_repo / "parts").mkdir()
    (git_repo / "parts" / "we ird\tname ü.yaml").write_bytes(b"a: 1\r\n")
    (git_repo / "parts" / "blob.bin").write_bytes(binary)
    (git_repo / "parts" / "empty.yaml").write_bytes(b"")
    (git_repo / "parts" / "link.yaml").symlink_to("empty.yaml")
    sha = commit_all(git_repo, "odd")
    repo = GitRepo(git_repo)
    assert repo.snapshot(sha, ["parts/"]) == {
        "parts/we ird\tname ü.yaml": b"a: 1\r\n",
        "parts/blob.bin": binary,
        "parts/empty.yaml": b"",
    }
    assert repo.read_at(sha, "parts/we ird\tname ü.yaml") == b"a: 1\r\n"


def test_snapshot_of_many_files_in_one_go(git_repo: Path) -> None:
    # 3,000 requests are more than a pipe holds: reading them must not deadlock
    files = {f"parts/p{i:04d}.yaml": f"name: part {i}\n" for i in range(3000)}
    write_tree(git_repo, files)
    sha = commit_all(git_repo, "many")
    repo = GitRepo(git_repo)
    expected = {path: text.encode() for path, text in files.items()}
    results: list[dict[str, bytes]] = []
    worker = threading.Thread(
        target=lambda: results.extend(repo.snapshot(sha, ["parts/"]) for _ in range(2)), daemon=True
    )
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "snapshot hung"
    assert results == [expected, expected]  # the persistent reader stays in step


def test_read_at(merged: dict[str, str], git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    assert repo.read_at(merged["c1"], "parts/r1.yaml") == b"name: R1\n"
    assert repo.read_at(merged["c2"], "parts/r1.yaml") == b"name: R1 changed\n"
    assert repo.read_at("HEAD", "./parts/r2.yaml") == b"name: R2\n"
    assert repo.read_at(merged["c1"], "parts/r2.yaml") is None
    assert repo.read_at(merged["c1"], "parts") is None
    with pytest.raises(CtbError, match="unknown revision: nope"):
        repo.read_at("nope", "parts/r1.yaml")
    with pytest.raises(CtbError, match="not a path inside the repository"):
        repo.read_at("HEAD", "../outside.yaml")


# -- history -------------------------------------------------------------------------


def test_history_includes_merged_branches_newest_first(merged: dict[str, str], git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    # the merge took parts from both sides, so it is a change of its own
    assert [c.sha for c in repo.history(["parts/"])] == [merged["merge"], merged["f1"], merged["c2"], merged["c1"]]
    # stock came from the feature side only: the merge is simplified away, f2 stays
    assert [c.sha for c in repo.history(["stock/a.yaml"])] == [merged["f2"], merged["c1"]]
    assert [c.sha for c in repo.history(["parts/r2.yaml"])] == [merged["f1"]]
    assert [c.sha for c in repo.history(["stock/a.yaml", "parts/r1.yaml"])] == [
        merged["merge"],
        merged["f2"],
        merged["c2"],
        merged["c1"],
    ]
    assert [c.sha for c in repo.history(["parts"], max_count=2)] == [merged["merge"], merged["f1"]]
    assert repo.history(["orders/"]) == []
    everything = repo.history([])
    assert [c.sha for c in everything] == [merged["merge"], merged["f2"], merged["f1"], merged["c2"], merged["c1"]]
    assert everything[0].parents == (merged["c2"], merged["f2"])
    assert everything[-1].parents == ()


def test_history_commit_info_fields(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a\n"})
    git(git_repo, "add", "-A")
    message = "ctb: stock add a\n\nA longer body\nover two lines.\n\nCtb-Part: a"
    git(git_repo, "commit", "-q", "-m", message, date="2024-06-01T08:30:00+02:00")
    first = rev(git_repo, "HEAD")
    write_tree(git_repo, {"parts/a.yaml": "b\n"})
    second = commit_all(git_repo, "second")
    info = GitRepo(git_repo).history(["parts/a.yaml"])
    assert [c.sha for c in info] == [second, first]
    assert info[1] == CommitInfo(
        sha=first,
        short=first[: len(info[1].short)],
        date=datetime(2024, 6, 1, 8, 30, tzinfo=timezone(timedelta(hours=2))),
        author="Test Maker",
        email="maker@example.invalid",
        summary="ctb: stock add a",
        message=message,
        parents=(),
    )
    assert 7 <= len(info[1].short) < 40
    assert info[0].parents == (first,)
    assert info[0].message == info[0].summary == "second"


# -- changes -------------------------------------------------------------------------


def test_changes_give_old_and_new_bytes(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a1\n", "parts/b.yaml": "b1\n", "stock/s.yaml": "s1\n"})
    root_commit = commit_all(git_repo, "root")
    write_tree(git_repo, {"parts/a.yaml": "a2\n", "parts/c.yaml": "c1\n", "stock/s.yaml": "s2\n"})
    (git_repo / "parts" / "b.yaml").unlink()
    second = commit_all(git_repo, "second")
    repo = GitRepo(git_repo)
    assert repo.changes(second, ["parts/"]) == [
        ("parts/a.yaml", b"a1\n", b"a2\n"),
        ("parts/b.yaml", b"b1\n", None),
        ("parts/c.yaml", None, b"c1\n"),
    ]
    assert repo.changes(second, ["stock/s.yaml", "parts/c.yaml"]) == [
        ("parts/c.yaml", None, b"c1\n"),
        ("stock/s.yaml", b"s1\n", b"s2\n"),
    ]
    assert repo.changes(root_commit, ["parts/"]) == [
        ("parts/a.yaml", None, b"a1\n"),
        ("parts/b.yaml", None, b"b1\n"),
    ]
    assert repo.changes(second, ["orders/"]) == []


def test_changes_of_a_merge_are_against_the_first_parent(merged: dict[str, str], git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    assert repo.changes(merged["merge"], ["parts/", "stock/"]) == [
        ("parts/r2.yaml", None, b"name: R2\n"),
        ("stock/a.yaml", b"lines: []\n", b"lines: [{part: r2, quantity: 1}]\n"),
    ]


def test_mode_only_changes_are_not_content_changes(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a\n", "parts/b.yaml": "b\n"})
    commit_all(git_repo, "root")
    (git_repo / "parts" / "a.yaml").chmod(0o755)
    write_tree(git_repo, {"parts/b.yaml": "b2\n"})
    sha = commit_all(git_repo, "chmod")
    assert GitRepo(git_repo).changes(sha, ["parts/"]) == [("parts/b.yaml", b"b\n", b"b2\n")]


def test_every_walk_reads_the_raw_records_alike(git_repo: Path) -> None:
    """walk_changes, changes_along, path_history and changes read one record format one way."""
    write_tree(git_repo, {"parts/a.yaml": "a\n", "parts/b.yaml": "b\n", "stock/s.yaml": "s\n"})
    commit_all(git_repo, "root\n\nwith a body")
    git(git_repo, "checkout", "-q", "-b", "side")
    (git_repo / "parts" / "link.yaml").symlink_to("a.yaml")
    write_tree(git_repo, {"parts/c.yaml": "c\n"})
    commit_all(git_repo, "side: a link and c")
    git(git_repo, "checkout", "-q", "main")
    (git_repo / "parts" / "a.yaml").chmod(0o755)
    commit_all(git_repo, "a executable only")
    git(git_repo, "merge", "-q", "--no-edit", "side")
    git(git_repo, "rm", "-q", "parts/b.yaml")
    write_tree(git_repo, {"parts/a.yaml": "a2\n"})
    git(git_repo, "add", "parts/a.yaml")
    git(git_repo, "commit", "-q", "--allow-empty-message", "-m", "")
    write_tree(git_repo, {"stock/s.yaml": "s2\n"})
    commit_all(git_repo, "stock only")
    with GitRepo(git_repo) as repo:
        walked = repo.walk_changes(["parts"])
        history = repo.history(["parts"])
        assert [info for info, _ in walked] == [
            CommitInfo(c.sha, c.sha, c.date, c.author, c.email, c.summary, c.message, c.parents) for c in history
        ]
        assert [c.summary for c in history] == [
            "",
            "Merge branch 'side'",
            "a executable only",
            "side: a link and c",
            "root",
        ]
        blobs = repo.blobs(blob for _, rows in walked for _, old, new in rows for blob in (old, new) if blob)
        along = repo.changes_along(["parts"])
        paths = repo.path_history(["parts"])
        for info, rows in walked:
            read = [(path, blobs[old] if old else None, blobs[new] if new else None) for path, old, new in rows]
            if len(info.parents) > 1:
                assert rows == []  # a merge comes with no changes
                continue
            assert read == repo.changes(info.sha, ["parts"]) == along[info.sha] == paths.changes[info.sha]
        by_summary = {info.summary: rows for info, rows in walked}
        assert by_summary["a executable only"] == []  # a mode-only change
        # a symlink is no regular file on either side: no content change
        assert [(path, old is None, new is None) for path, old, new in by_summary["side: a link and c"]] == [
            ("parts/c.yaml", True, False)
        ]
        assert [(path, old is None, new is None) for path, old, new in by_summary[""]] == [
            ("parts/a.yaml", False, False),
            ("parts/b.yaml", False, True),
        ]


def test_gitpython_is_imported_only_when_git_is_needed(git_repo: Path) -> None:
    write_tree(git_repo, {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R1\n"})
    commit_all(git_repo, "root")
    code = (
        "import sys; from ctb_files.cli import main; import ctb_files.storage.git as adapter;"
        "status = main(['--repo', sys.argv[1], 'part', 'list']); listed = 'git' in sys.modules;"
        "adapter.GitRepo(sys.argv[1]).close(); print(status, listed, 'git' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("CTB_CACHE_TEST", "CTB_NO_CACHE")}
    done = subprocess.run([sys.executable, "-c", code, str(git_repo)], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.splitlines()[-1] == "0 False True"


# -- work tree, index and committing -------------------------------------------------


def test_status_and_staged_paths(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a\n", "parts/b.yaml": "b\n", ".gitignore": "*.tmp\n"})
    commit_all(git_repo, "root")
    repo = GitRepo(git_repo)
    assert repo.status_paths() == set()
    assert repo.staged_paths() == set()
    write_tree(git_repo, {"parts/a.yaml": "a2\n", "stock/new/s.yaml": "s\n", "x.tmp": "ignored\n"})
    (git_repo / "parts" / "b.yaml").unlink()
    assert repo.status_paths() == {"parts/a.yaml", "parts/b.yaml", "stock/new/s.yaml"}
    assert repo.staged_paths() == set()
    git(git_repo, "add", "parts/a.yaml")
    assert repo.staged_paths() == {"parts/a.yaml"}
    git(git_repo, "rm", "-q", "--cached", "parts/b.yaml")
    assert repo.staged_paths() == {"parts/a.yaml", "parts/b.yaml"}


def test_commit_files_commits_only_the_named_files_with_trailers(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a\n", "parts/gone.yaml": "g\n", "stock/s.yaml": "s\n"})
    base = commit_all(git_repo, "root")
    write_tree(git_repo, {"parts/a.yaml": "a2\n", "parts/new.yaml": "n\n", "stock/s.yaml": "s2\n"})
    (git_repo / "parts" / "gone.yaml").unlink()
    repo = GitRepo(git_repo)
    sha = repo.commit_files(
        ["parts/a.yaml", "parts/new.yaml", "parts/gone.yaml"],
        "ctb: build clear b1",
        {"Ctb-Build": ["b1", "b2"], "Ctb-Part": ["a"]},
    )
    assert sha == rev(git_repo, "HEAD")
    assert git(git_repo, "log", "-1", "--format=%B", sha) == (
        "ctb: build clear b1\n\nCtb-Build: b1\nCtb-Build: b2\nCtb-Part: a\n\n"
    )
    assert git(git_repo, "log", "-1", "--format=%(trailers:key=Ctb-Build,valueonly)", sha) == "b1\nb2\n\n"
    assert git(git_repo, "rev-parse", f"{sha}^").strip() == base
    assert git(git_repo, "diff", "--name-status", base, sha).splitlines() == [
        "M\tparts/a.yaml",
        "D\tparts/gone.yaml",
        "A\tparts/new.yaml",
    ]
    assert repo.status_paths() == {"stock/s.yaml"}
    assert repo.staged_paths() == set()
    assert repo.read_at(sha, "stock/s.yaml") == b"s\n"


def test_commit_files_refuses_when_something_else_is_staged(git_repo: Path) -> None:
    write_tree(git_repo, {"parts/a.yaml": "a\n", "stock/s.yaml": "s\n", "stock/t.yaml": "t\n"})
    base = commit_all(git_repo, "root")
    write_tree(git_repo, {"parts/a.yaml": "a2\n", "stock/s.yaml": "s2\n", "stock/t.yaml": "t2\n"})
    git(git_repo, "add", "stock/t.yaml", "stock/s.yaml", "parts/a.yaml")
    repo = GitRepo(git_repo)
    with pytest.raises(CtbError) as caught:
        repo.commit_files(["parts/a.yaml"], "ctb: part edit")
    assert str(caught.value) == "refusing to commit: other changes are already staged: stock/s.yaml, stock/t.yaml"
    assert rev(git_repo, "HEAD") == base
    # already staging the named file itself is fine
    git(git_repo, "reset", "-q", "stock/s.yaml", "stock/t.yaml")
    sha = repo.commit_files(["parts/a.yaml"], "ctb: part edit")
    assert git(git_repo, "diff", "--name-only", base, sha).splitlines() == ["parts/a.yaml"]


def test_commit_files_on_an_empty_repository(git_repo: Path) -> None:
    write_tree(git_repo, {"ctb.yaml": "ctb: 1\n", "parts/a.yaml": "a\n", "notes.txt": "not mine\n"})
    repo = GitRepo(git_repo)
    sha = repo.commit_files(["ctb.yaml", "parts/a.yaml"], "ctb: init")
    assert repo.head() == sha
    assert git(git_repo, "ls-tree", "-r", "--name-only", sha).splitlines() == ["ctb.yaml", "parts/a.yaml"]
    assert git(git_repo, "log", "-1", "--format=%B", sha) == "ctb: init\n\n"
    assert repo.status_paths() == {"notes.txt"}


def test_commit_files_errors_are_one_line(git_repo: Path) -> None:
    write_tree(git_repo, {"a.yaml": "a\n", ".gitignore": "*.tmp\n"})
    commit_all(git_repo, "root")
    repo = GitRepo(git_repo)
    with pytest.raises(CtbError, match="nothing to commit"):
        repo.commit_files(["missing.yaml"], "ctb: nothing")
    with pytest.raises(CtbError) as caught:
        repo.commit_files(["a.yaml"], "ctb: unchanged")
    assert str(caught.value).startswith("git commit failed: ")
    assert "\n" not in str(caught.value)
    write_tree(git_repo, {"x.tmp": "ignored\n"})
    with pytest.raises(CtbError) as caught:
        repo.commit_files(["x.tmp"], "ctb: ignored")
    assert str(caught.value).startswith("git add failed: ")
    assert "\n" not in str(caught.value)
    with pytest.raises(ValueError):
        repo.commit_files(["a.yaml"], "ctb: x", {"Bad Key": ["v"]})


def test_config_set(git_repo: Path) -> None:
    repo = GitRepo(git_repo)
    repo.config_set("merge.ctb-stock.driver", "ctb merge-driver run %O %A %B %P")
    assert git(git_repo, "config", "--local", "merge.ctb-stock.driver") == "ctb merge-driver run %O %A %B %P\n"
    with pytest.raises(CtbError) as caught:
        repo.config_set("nosection", "x")
    assert str(caught.value).startswith("git config failed: ")
    assert "\n" not in str(caught.value)


# -- environment hygiene -------------------------------------------------------------


def test_inherited_hook_variables_do_not_leak(
    merged: dict[str, str], git_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q", "-b", "other")
    write_tree(other, {"parts/r1.yaml": "name: impostor\n"})
    other_head = commit_all(other, "impostor")
    write_tree(git_repo, {"parts/r3.yaml": "name: R3\n"})
    bogus_index = tmp_path / "bogus-index"
    hook_env = {
        "GIT_DIR": str(other / ".git"),
        "GIT_INDEX_FILE": str(bogus_index),
        "GIT_WORK_TREE": str(other),
        "GIT_PREFIX": "parts/",
        "GIT_OBJECT_DIRECTORY": str(other / ".git" / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": str(tmp_path / "nowhere"),
    }
    for key, value in hook_env.items():
        monkeypatch.setenv(key, value)

    repo = GitRepo(git_repo)
    assert repo.root.resolve() == git_repo.resolve()
    assert repo.head() == merged["merge"]
    assert repo.current_branch() == "main"
    assert repo.resolve("2024-01-02") == merged["c2"]
    assert repo.snapshot("HEAD", ["parts/"]) == {
        "parts/r1.yaml": b"name: R1 changed\n",
        "parts/r2.yaml": b"name: R2\n",
    }
    assert [c.sha for c in repo.history(["stock/"])] == [merged["f2"], merged["c1"]]
    assert repo.status_paths() == {"parts/r3.yaml"}
    sha = repo.commit_files(["parts/r3.yaml"], "ctb: add r3", {"Ctb-Part": ["r3"]})
    assert repo.read_at(sha, "parts/r3.yaml") == b"name: R3\n"
    repo.close()
    # the variables are still there for whoever runs after us
    assert {key: os.environ.get(key) for key in hook_env} == hook_env
    assert not bogus_index.exists()

    for key in HOOK_VARIABLES:
        monkeypatch.delenv(key, raising=False)
    assert rev(git_repo, "HEAD") == sha
    assert git(git_repo, "show", "HEAD:parts/r3.yaml") == "name: R3\n"
    assert git(git_repo, "status", "--porcelain") == ""
    assert rev(other, "HEAD") == other_head


def test_a_real_hook_calling_ctb(git_repo: Path, tmp_path: Path) -> None:
    """Inside a pre-commit hook of another repository, ctb still sees its own."""
    write_tree(git_repo, {"parts/a.yaml": "a\n"})
    inventory_head = commit_all(git_repo, "inventory")
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q", "-b", "main")
    out_file = tmp_path / "seen.txt"
    script = (
        "from ctb_files.storage.git import GitRepo\n"
        f"repo = GitRepo({str(git_repo)!r})\n"
        "import os\n"
        "inherited = 'GIT_INDEX_FILE' in os.environ\n"
        f"open({str(out_file)!r}, 'w').write(f'{{inherited}} {{repo.head()}} {{sorted(repo.staged_paths())}}')\n"
    )
    hook = outer / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec {sys.executable} -c \"$CTB_SCRIPT\"\n")
    hook.chmod(0o755)
    write_tree(outer, {"x.txt": "x\n"})
    git(outer, "add", "x.txt")
    env = dict(os.environ, CTB_SCRIPT=script, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    # `git commit <path>` runs the hook with GIT_INDEX_FILE pointing at a temporary index
    subprocess.run(["git", "commit", "-q", "-m", "outer", "x.txt"], cwd=outer, env=env, check=True)
    assert out_file.read_text() == f"True {inventory_head} []"


def test_dates_in_git_words(git_repo: Path) -> None:
    import time

    from tests.conftest import commit_all, write_tree

    now = int(time.time())
    write_tree(git_repo, {"parts/r1.yaml": "name: old\n"})
    old = commit_all(git_repo, "three days ago", date=f"@{now - 3 * 86400} +0000")
    write_tree(git_repo, {"parts/r1.yaml": "name: new\n"})
    commit_all(git_repo, "an hour ago", date=f"@{now - 3600} +0000")
    repo = GitRepo.find(git_repo)
    assert repo is not None
    with repo:
        assert repo.resolve("yesterday") == old
        assert repo.resolve("2 days ago") == old
        assert repo.resolve("now") == repo.head()
        with pytest.raises(CtbError, match=r"^no commit at or before 2 weeks ago on the current branch$"):
            repo.resolve("2 weeks ago")
        with pytest.raises(CtbError, match=r"^unknown revision: bananas \(nor a date git knows, such as 2026-11-01, yesterday"):
            repo.resolve("bananas")
