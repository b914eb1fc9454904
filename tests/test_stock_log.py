"""``ctb stock log``: a part's stock history rebuilt from real git history, merges included."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ctb_files.cli import main
from ctb_files.ops.stock.log import (
    Unreadable,
    brought_in,
    build_log,
    quantity_in,
    signed,
    topo_order,
)
from tests.conftest import commit_all, git, write_tree

BASE = {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R1\n", "parts/r2.yaml": "name: R2\n"}


def day(n: int) -> str:
    return f"2026-03-{n:02d}T10:00:00+00:00"


def stock(*lines: str) -> str:
    return "lines:\n" + "".join(f"  - {line}\n" for line in lines)


def log(root: Path, capsys: pytest.CaptureFixture[str], part: str = "r1") -> tuple[list[tuple[str, str, int, int]], str]:
    """(message, location, delta, total) per entry, and stderr."""
    assert main(["--repo", str(root), "stock", "log", part, "--format", "json"]) == 0
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert doc["part"] == part
    return [(e["message"], e["location"], e["delta"], e["total"]) for e in doc["entries"]], captured.err


def test_three_commits_give_exact_entries_and_totals(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = git_repo
    write_tree(root, {**BASE, "stock/a.yaml": stock("{part: r1, quantity: 250}", "{part: r2, quantity: 3}")})
    first = commit_all(root, "receive the reel", date=day(1))
    write_tree(root, {"stock/a.yaml": stock("{part: r1, quantity: 244}", "{part: r2, quantity: 3}")})
    second = commit_all(root, "build b1\n\nused six", date=day(2))
    write_tree(root, {"stock/b.yaml": stock("{part: r1, quantity: 5}"), "stock/a.yaml": stock(
        "{part: r1, quantity: 244}", "{part: r2, quantity: 9}")})  # fmt: skip
    third = commit_all(root, "found some in b", date=day(3))
    assert main(["--repo", str(root), "stock", "log", "r1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "part": "r1",
        "entries": [
            {"commit": first, "date": "2026-03-01T10:00:00+00:00", "author": "Test Maker",
             "message": "receive the reel", "location": "a", "bin": None, "delta": 250, "total": 250},
            {"commit": second, "date": "2026-03-02T10:00:00+00:00", "author": "Test Maker",
             "message": "build b1", "location": "a", "bin": None, "delta": -6, "total": 244},
            {"commit": third, "date": "2026-03-03T10:00:00+00:00", "author": "Test Maker",
             "message": "found some in b", "location": "b", "bin": None, "delta": 5, "total": 249},
        ],
    }  # fmt: skip
    assert main(["--repo", str(root), "stock", "log", "r1"]) == 0
    assert capsys.readouterr().out == (
        "date              author      commit   location  bin  delta  total  message\n"
        "----------------  ----------  -------  --------  ---  -----  -----  ----------------\n"
        f"2026-03-01 10:00  Test Maker  {first[:7]}  a               +250    250  receive the reel\n"
        f"2026-03-02 10:00  Test Maker  {second[:7]}  a                 -6    244  build b1\n"
        f"2026-03-03 10:00  Test Maker  {third[:7]}  b                 +5    249  found some in b\n"
    )


def test_each_change_names_its_bin(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = git_repo
    write_tree(root, {**BASE, "stock/a.yaml": stock("{part: r1, bin: A1, quantity: 10}", "{part: r1, quantity: 4}")})
    commit_all(root, "receive", date=day(1))
    write_tree(root, {"stock/a.yaml": stock("{part: r1, bin: A1, quantity: 7}", "{part: r1, bin: B2, quantity: 3}",
                                            "{part: r1, quantity: 4}")})  # fmt: skip
    moved = commit_all(root, "move three to B2", date=day(2))
    assert main(["--repo", str(root), "stock", "log", "r1", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [(e["message"], e["location"], e["bin"], e["delta"], e["total"]) for e in doc["entries"]] == [
        ("receive", "a", None, 4, 4), ("receive", "a", "A1", 10, 14),
        ("move three to B2", "a", "A1", -3, 11), ("move three to B2", "a", "B2", 3, 14),
    ]  # fmt: skip
    assert main(["--repo", str(root), "stock", "log", "r1"]) == 0
    out = capsys.readouterr().out
    assert f"2026-03-02 10:00  Test Maker  {moved[:7]}  a         A1      -3     11  move three to B2\n" in out
    assert f"2026-03-02 10:00  Test Maker  {moved[:7]}  a         B2      +3     14  move three to B2\n" in out


def branches(root: Path, ours: dict[str, str], theirs: dict[str, str]) -> None:
    """From 10 of r1 at a: ``feature`` commits ``theirs`` (Mar 2), main commits ``ours`` (Mar 3)."""
    write_tree(root, {**BASE, "stock/a.yaml": stock("{part: r1, quantity: 10}  # reel")})
    commit_all(root, "start", date=day(1))
    git(root, "checkout", "-q", "-b", "feature")
    write_tree(root, theirs)
    commit_all(root, "feature change", date=day(2))
    git(root, "checkout", "-q", "main")
    write_tree(root, ours)
    commit_all(root, "main change", date=day(3))


def merge(root: Path, resolved: dict[str, str] | None = None) -> None:
    """Merge ``feature`` into main (Mar 4), resolving conflicts with ``resolved``."""
    try:
        git(root, "merge", "-q", "--no-ff", "-m", "merge feature", "feature", date=day(4))
    except Exception:  # noqa: BLE001 - a conflict, resolved below
        assert resolved is not None
        write_tree(root, resolved)
        commit_all(root, "merge feature", date=day(4))


def test_merge_of_two_branches_changing_one_line_adds_up(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # both branches change the same line; the conflict is resolved as 10 + 5 - 2
    branches(git_repo, {"stock/a.yaml": stock("{part: r1, quantity: 15}  # reel")},
             {"stock/a.yaml": stock("{part: r1, quantity: 8}  # reel")})  # fmt: skip
    merge(git_repo, {"stock/a.yaml": stock("{part: r1, quantity: 13}  # reel")})
    entries, err = log(git_repo, capsys)
    assert entries == [
        ("start", "a", 10, 10),
        ("main change", "a", 5, 15),
        ("feature change", "a", -2, 13),
    ]
    assert sum(e[2] for e in entries) == 13
    assert err == ""


def test_merge_resolution_that_changes_a_number_is_its_own_entry(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    branches(git_repo, {"stock/a.yaml": stock("{part: r1, quantity: 15}")},
             {"stock/a.yaml": stock("{part: r1, quantity: 8}")})  # fmt: skip
    merge(git_repo, {"stock/a.yaml": stock("{part: r1, quantity: 14}")})  # someone found one more
    entries, _ = log(git_repo, capsys)
    assert entries == [
        ("start", "a", 10, 10),
        ("main change", "a", 5, 15),
        ("feature change", "a", -2, 13),
        ("merge feature", "a", 1, 14),
    ]


def test_clean_merge_of_changes_in_two_locations(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    branches(git_repo, {"stock/b.yaml": stock("{part: r1, quantity: 5}")},
             {"stock/a.yaml": stock("{part: r1, quantity: 8}  # reel")})  # fmt: skip
    merge(git_repo)
    entries, err = log(git_repo, capsys)
    assert entries == [
        ("start", "a", 10, 10),
        ("main change", "b", 5, 15),
        ("feature change", "a", -2, 13),
    ]
    assert err == ""


def test_merge_that_drops_a_branch_change_does_not_count_it(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    branches(git_repo, {"stock/b.yaml": stock("{part: r1, quantity: 5}")},
             {"stock/a.yaml": stock("{part: r1, quantity: 8}  # reel")})  # fmt: skip
    git(git_repo, "merge", "-q", "--no-ff", "-s", "ours", "-m", "merge, keeping ours", "feature", date=day(4))
    entries, _ = log(git_repo, capsys)
    assert entries == [("start", "a", 10, 10), ("main change", "b", 5, 15)]


def test_fast_forwarded_branch_is_plain_history(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    branches(git_repo, {"parts/r3.yaml": "name: R3\n"}, {"stock/a.yaml": stock("{part: r1, quantity: 8}")})
    merge(git_repo)
    entries, _ = log(git_repo, capsys)
    assert entries == [("start", "a", 10, 10), ("feature change", "a", -2, 8)]


def test_unreadable_version_is_skipped_with_a_note(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: r1, quantity: 10}")})
    commit_all(git_repo, "start", date=day(1))
    (git_repo / "stock/a.yaml").write_text("lines:\n  - {part: r1, quantity: 11\n")
    broken = commit_all(git_repo, "oops", date=day(2))
    write_tree(git_repo, {"stock/a.yaml": stock("{part: r1, quantity: 12}")})
    commit_all(git_repo, "fixed", date=day(3))
    entries, err = log(git_repo, capsys)
    assert entries == [("start", "a", 10, 10), ("fixed", "a", 2, 12)]
    assert err.startswith(f"note: {broken[:7]}: stock/a.yaml:3:1: CTB002 YAML syntax: ")
    assert err.endswith("; read as unchanged\n")


def test_inventory_in_a_subfolder_and_decimal_quantities(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inv = git_repo / "inventory"
    write_tree(inv, {**BASE, "parts/w.yaml": "name: W\nunit: m\n", "stock/a.yaml": stock("{part: w, quantity: 2.5}")})
    commit_all(git_repo, "wire", date=day(1))
    write_tree(inv, {"stock/a.yaml": stock("{part: w, quantity: 1.75, bin: x}")})
    commit_all(git_repo, "cut", date=day(2))
    entries, _ = log(inv, capsys, "w")
    # the cut also moved it into bin x: one line per bin
    assert entries == [("wire", "a", 2.5, 2.5), ("cut", "a", -2.5, 0), ("cut", "a", 1.75, 1.75)]


def test_no_history_and_unknown_parts(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/a.yaml": stock("{part: r1, quantity: 1}")})
    commit_all(git_repo, "start", date=day(1))
    assert main(["--repo", str(git_repo), "stock", "log", "r2"]) == 0
    assert capsys.readouterr().out == "no stock history for r2\n"
    assert main(["--repo", str(git_repo), "stock", "log", "nope"]) == 1
    assert capsys.readouterr().err == "ctb: no part 'nope' (parts/nope.yaml) and no stock history for it\n"


def test_outside_git_refuses_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, BASE)
    assert main(["--repo", str(tmp_path), "stock", "log", "r1"]) == 1
    assert "needs git history" in capsys.readouterr().err


# --- the pure parts ---------------------------------------------------------------------------


class Info:
    def __init__(self, sha: str, parents: tuple[str, ...]) -> None:
        self.sha, self.parents = sha, parents
        self.date = datetime(2026, 1, 1, tzinfo=UTC)
        self.author = "A"
        self.summary = sha


# a criss-cross: r → a1, b1; a2 merges b1 into a1; b2 merges a1 into b1; h merges b2 into a2
CRISS = {"r": (), "a1": ("r",), "b1": ("r",), "a2": ("a1", "b1"), "b2": ("b1", "a1"), "h": ("a2", "b2")}


def test_topo_order_is_first_parent_first() -> None:
    assert topo_order(CRISS, "h") == ["r", "a1", "b1", "a2", "b2", "h"]
    assert topo_order({"x": ("gone",)}, "x") == ["x"]  # a shallow clone's edge


def test_brought_in_is_reachable_from_other_parents_only() -> None:
    order = topo_order(CRISS, "h")
    rank = {sha: i for i, sha in enumerate(order)}
    assert brought_in(CRISS, rank, "a2") == {"b1"}
    assert brought_in(CRISS, rank, "b2") == {"a1"}
    assert brought_in(CRISS, rank, "h") == {"b2"}


def test_criss_cross_deltas_add_up_to_the_quantity() -> None:
    # r: 10; a1: -2 (8); b1: +5 (15); a2 = 13; b2 = 13; h resolves to 20 (+7 by hand)
    fp = {"r": {"a": Decimal(10)}, "a1": {"a": Decimal(-2)}, "b1": {"a": Decimal(5)},
          "a2": {"a": Decimal(5)}, "b2": {"a": Decimal(-2)}, "h": {"a": Decimal(7)}}  # fmt: skip
    commits: dict[str, Any] = {sha: Info(sha, parents) for sha, parents in CRISS.items()}
    entries = build_log(topo_order(CRISS, "h"), CRISS, commits, fp)
    assert [(e.commit, e.delta, e.total) for e in entries] == [("r", 10, 10), ("a1", -2, 8), ("b1", 5, 13), ("h", 7, 20)]


def test_quantity_in_sums_bins_and_rejects_what_it_cannot_read() -> None:
    doc = {"lines": [{"part": "r1", "quantity": 2}, {"part": "r1", "quantity": Decimal("0.5"), "bin": "x"}, {"part": "r2"}]}
    assert quantity_in(doc, "r1") == Decimal("2.5")
    assert quantity_in(None, "r1") == 0
    assert quantity_in({"name": "empty"}, "r1") == 0
    for bad in ([], {"lines": {}}, {"lines": [{"part": "r1", "quantity": "many"}]}, {"lines": [{"part": "r1", "quantity": True}]}):
        with pytest.raises(Unreadable):
            quantity_in(bad, "r1")


def test_signed() -> None:
    assert [signed(Decimal(v)) for v in ("5", "-6", "0.250", "0")] == ["+5", "-6", "+0.25", "+0"]


def test_a_move_in_one_commit_lists_the_decrease_first(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo, {**BASE, "stock/b.yaml": stock("{part: r1, quantity: 10}")})
    commit_all(git_repo, "start", date=day(1))
    write_tree(git_repo, {"stock/b.yaml": stock("{part: r1, quantity: 6}"), "stock/a.yaml": stock("{part: r1, quantity: 4}")})
    commit_all(git_repo, "move", date=day(2))
    entries, _ = log(git_repo, capsys)
    assert entries == [("start", "b", 10, 10), ("move", "b", -4, 6), ("move", "a", 4, 10)]
