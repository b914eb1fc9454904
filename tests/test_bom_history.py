"""BOM history with real git commits at pinned dates: --at, log, diff --from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.bom.tree import parse_target
from ctb_files.storage.history import bom_log, inventory_at
from tests.conftest import commit_all, git, write_tree

DAY1 = "2024-03-01T10:00:00+00:00"
DAY2 = "2024-03-02T10:00:00+00:00"
DAY3 = "2024-03-03T10:00:00+00:00"


def _p0(lines: str) -> str:
    return "name: Harness loom\n# the loom's cut list\nbom:\n" + lines


@pytest.fixture
def inv(git_repo: Path) -> Path:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n",
        "parts/p1.yaml": "name: Red wire\nunit: m\n",
        "parts/p2.yaml": "name: Black wire\nunit: m\n",
        "parts/p0.yaml": _p0("  - {part: p1, quantity: 2, order: 100}\n"),
    })  # fmt: skip
    commit_all(git_repo, "day 1: loom with red wire", date=DAY1)
    write_tree(git_repo, {"parts/p0.yaml": _p0("  - {part: p1, quantity: 3, unit: km, order: 100}\n")})
    commit_all(git_repo, "day 2: longer", date=DAY2)
    write_tree(git_repo, {"parts/p0.yaml": _p0(
        "  - {part: p1, quantity: 3, unit: km, order: 100}\n  - {part: p2, quantity: 120, order: 200}\n"
    )})  # fmt: skip
    commit_all(git_repo, "day 3: black wire", date=DAY3)
    # an unrelated change must not show up in the log
    write_tree(git_repo, {"parts/p2.yaml": "name: Black wire, 0.5 mm²\nunit: m\n"})
    commit_all(git_repo, "rename p2", date="2024-03-04T10:00:00+00:00")
    return git_repo


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_bom_at_day1_and_today(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = _json(capsys, ["bom", "show", "p0", "--at", "2024-03-01", "--repo", str(inv), "--format", "json"])
    assert [(r["part"], r["quantity"], r["unit"], r["order"]) for r in old["rows"]] == [("p1", 2, "m", 100)]
    now = _json(capsys, ["bom", "show", "p0", "--repo", str(inv), "--format", "json"])
    assert [(r["part"], r["quantity"], r["unit"]) for r in now["rows"]] == [("p1", 3, "km"), ("p2", 120, "m")]


def test_snapshot_is_one_commit(inv: Path) -> None:
    snap = inventory_at(inv, "2024-03-02")
    assert snap.loaded.inventory.parts["p0"].bom[0].unit == "km"
    assert len(snap.loaded.inventory.parts["p0"].bom) == 1


def test_log_newest_first_with_exact_summaries(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, ["bom", "log", "p0", "--repo", str(inv), "--format", "json"])
    assert [c["summary"] for c in doc["commits"]] == ["+ p2 120 m", "p1 2 m → 3 km", "+ p1 2 m"]
    assert [c["date"][:10] for c in doc["commits"]] == ["2024-03-03", "2024-03-02", "2024-03-01"]
    assert all(len(c["commit"]) == 40 for c in doc["commits"])
    assert main(["bom", "log", "p0", "--repo", str(inv)]) == 0
    text = capsys.readouterr().out
    assert "2024-03-02 10:00" in text and "Test Maker" in text and "p1 2 m → 3 km" in text


def test_log_follows_sub_assemblies(git_repo: Path) -> None:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n",
        "parts/top.yaml": "name: Top\nbom:\n  - {part: sub, quantity: 2}\n",
        "parts/sub.yaml": "name: Sub\nbom:\n  - {part: r1, quantity: 3}\n",
        "parts/r1.yaml": "name: R1\n",
        "parts/r2.yaml": "name: R2\n",
    })  # fmt: skip
    commit_all(git_repo, "one", date=DAY1)
    write_tree(git_repo, {"parts/sub.yaml": "name: Sub\nbom:\n  - {part: r1, quantity: 4}\n  - {part: r2, quantity: 1, refs: [R9]}\n"})
    commit_all(git_repo, "two", date=DAY2)
    entries = bom_log(git_repo, parse_target("top"))
    # totals per top: r1 2 × 3 → 2 × 4, r2 added as 2 × 1
    assert [e.summary for e in entries] == ["+ r2 2 pcs; r1 6 pcs → 8 pcs", "+ sub 2 pcs; + r1 6 pcs"]


def test_log_sees_files_that_were_part_of_the_bom_only_in_the_past(git_repo: Path) -> None:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n",
        "parts/top.yaml": "name: Top\nbom:\n  - {part: old, quantity: 1}\n",
        "parts/old.yaml": "name: Old\nbom:\n  - {part: r1, quantity: 1}\n",
        "parts/r1.yaml": "name: R1\n",
    })  # fmt: skip
    commit_all(git_repo, "one", date=DAY1)
    write_tree(git_repo, {"parts/old.yaml": "name: Old\nbom:\n  - {part: r1, quantity: 5}\n"})
    commit_all(git_repo, "two", date=DAY2)
    write_tree(git_repo, {"parts/top.yaml": "name: Top\nbom:\n  - {part: r1, quantity: 1}\n"})
    commit_all(git_repo, "three", date=DAY3)
    entries = bom_log(git_repo, parse_target("top"))
    assert [e.message for e in entries] == ["three", "two", "one"]
    assert entries[1].summary == "r1 1 pcs → 5 pcs"


def test_diff_day1_to_today_is_one_replace(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, ["bom", "diff", "p0", "--from", "2024-03-01", "--repo", str(inv), "--format", "json"])
    assert [op["tag"] for op in doc["opcodes"]] == ["replace"]
    (op,) = doc["opcodes"]
    assert [(r["part"], r["quantity"], r["unit"]) for r in op["old"]] == [("p1", 2, "m")]
    assert [(r["part"], r["quantity"], r["unit"]) for r in op["new"]] == [("p1", 3, "km"), ("p2", 120, "m")]
    assert doc["summary"]["added"] == ["p2"]
    assert doc["summary"]["removed"] == []
    assert doc["summary"]["changed"][0]["old_quantity"] == 2
    assert doc["new"] == "p0 (working tree)"


def test_diff_between_two_revisions(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _json(capsys, ["bom", "diff", "p0", "--from", "2024-03-02", "--to", "2024-03-03", "--repo", str(inv), "--format", "json"])
    assert [op["tag"] for op in doc["opcodes"]] == ["equal", "insert"]
    assert doc["summary"]["added"] == ["p2"]


def test_at_before_the_first_commit_is_refused(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "show", "p0", "--at", "2020-01-01", "--repo", str(inv)]) == 1
    assert "no commit at or before 2020-01-01" in capsys.readouterr().err


def test_inventory_in_a_subfolder_of_the_repository(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(git_repo / "inv", {
        "ctb.yaml": "ctb: 1\n",
        "parts/p1.yaml": "name: Wire\nunit: m\n",
        "parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 2}\n",
    })  # fmt: skip
    commit_all(git_repo, "one", date=DAY1)
    write_tree(git_repo / "inv", {"parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 4}\n"})
    commit_all(git_repo, "two", date=DAY2)
    doc = _json(capsys, ["bom", "log", "p0", "--repo", str(git_repo / "inv"), "--format", "json"])
    assert [c["summary"] for c in doc["commits"]] == ["p1 2 m → 4 m", "+ p1 2 m"]
    old = _json(capsys, ["bom", "show", "p0", "--at", "2024-03-01", "--repo", str(git_repo / "inv"), "--format", "json"])
    assert old["rows"][0]["quantity"] == 2


def test_subfolder_paths_are_inventory_relative_not_git_top_relative(
    git_repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a decoy at the top of the work tree has the same relative paths as the inventory
    write_tree(git_repo, {"parts/p0.yaml": "name: Decoy\nbom:\n  - {part: p1, quantity: 99}\n", "README": "hardware\n"})
    commit_all(git_repo, "before the inventory", date="2024-02-01T10:00:00+00:00")
    inv = git_repo / "hw" / "inventory"
    write_tree(inv, {
        "ctb.yaml": "ctb: 1\n",
        "parts/p1.yaml": "name: Wire\nunit: m\n",
        "parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 2}\n",
    })  # fmt: skip
    commit_all(git_repo, "one", date=DAY1)
    write_tree(inv, {"parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 4}\n"})
    commit_all(git_repo, "two", date=DAY2)
    write_tree(git_repo, {"parts/p0.yaml": "name: Decoy\nbom:\n  - {part: p1, quantity: 7}\n"})
    commit_all(git_repo, "decoy changes", date=DAY3)
    # no --repo: found from a folder inside the inventory
    monkeypatch.chdir(inv / "parts")
    log = _json(capsys, ["bom", "log", "p0", "--format", "json"])
    assert [(c["summary"], c["date"]) for c in log["commits"]] == [
        ("p1 2 m → 4 m", "2024-03-02T10:00:00Z"), ("+ p1 2 m", "2024-03-01T10:00:00Z")
    ]  # fmt: skip
    old = _json(capsys, ["bom", "show", "p0", "--at", "2024-03-01", "--format", "json"])
    assert [(r["part"], r["quantity"], r["unit"]) for r in old["rows"]] == [("p1", 2, "m")]
    diff = _json(capsys, ["bom", "diff", "p0", "--from", "HEAD~2", "--to", "HEAD", "--format", "json"])
    assert diff["summary"]["changed"] == [
        {"part": "p1", "old_quantity": 2, "new_quantity": 4, "old_unit": "m", "new_unit": "m"}
    ]
    # before the inventory was added, its folder is not there: one line, not an empty BOM
    assert main(["bom", "show", "p0", "--at", "2024-02-01"]) == 1
    assert capsys.readouterr().err == (
        "ctb: there is no inventory at 2024-02-01 ("
        + git(git_repo, "rev-parse", "--short=7", "HEAD~3").strip()
        + "): its ctb.yaml is not in that commit\n"
    )


def test_log_of_a_target_that_never_existed_is_refused(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bom", "log", "p9", "--repo", str(inv)]) == 1
    assert capsys.readouterr().err == "ctb: unknown part 'p9'\n"
    assert main(["bom", "log", "p1", "--repo", str(inv)]) == 1
    assert capsys.readouterr().err == "ctb: part p1 is not an assembly (it has no bom)\n"
    # deleted since: its history is still there
    (inv / "parts" / "p0.yaml").unlink()
    doc = _json(capsys, ["bom", "log", "p0", "--repo", str(inv), "--format", "json"])
    assert len(doc["commits"]) == 3



def test_inventory_in_a_subfolder_reached_through_a_symlink(
    git_repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inv = git_repo / "hw" / "inv"
    write_tree(inv, {"ctb.yaml": "ctb: 1\n", "parts/p1.yaml": "name: Wire\nunit: m\n",
                     "parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 2}\n"})  # fmt: skip
    commit_all(git_repo, "one", date=DAY1)
    write_tree(inv, {"parts/p0.yaml": "name: Loom\nbom:\n  - {part: p1, quantity: 4}\n"})
    commit_all(git_repo, "two", date=DAY2)
    # git must search upwards from the real folder: the link's own parents hold no repository
    link = tmp_path / "elsewhere" / "inv-link"
    link.parent.mkdir()
    link.symlink_to(inv, target_is_directory=True)
    log = _json(capsys, ["bom", "log", "p0", "--repo", str(link), "--format", "json"])
    assert [c["summary"] for c in log["commits"]] == ["p1 2 m → 4 m", "+ p1 2 m"]
    old = _json(capsys, ["bom", "show", "p0", "--at", "2024-03-01", "--repo", str(link), "--format", "json"])
    assert [(r["part"], r["quantity"], r["unit"]) for r in old["rows"]] == [("p1", 2, "m")]


def test_a_side_whose_bom_file_does_not_validate_is_refused_not_shown_as_empty(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, {"ctb.yaml": "ctb: 1\n", "parts/a.yaml": "name: A\nbom:\n  - {part: b, quantity: 1}\n",
                          "parts/b.yaml": "name: B\n"})  # fmt: skip
    commit_all(git_repo, "good")
    write_tree(git_repo, {"parts/a.yaml": "- not a mapping\n"})
    commit_all(git_repo, "broken")
    write_tree(git_repo, {"parts/a.yaml": "name: A\nbom:\n  - {part: b, quantity: 2}\n"})
    args = ["--repo", str(git_repo), "-q"]
    assert main(["bom", "diff", "a", "--from", "HEAD~1", "--to", "HEAD", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: parts/a.yaml does not validate at HEAD (") and len(err.splitlines()) == 1
    assert main(["bom", "show", "a", "--at", "HEAD", *args]) == 1
    assert "ctb: parts/a.yaml does not validate at HEAD" in capsys.readouterr().err
    assert main(["bom", "diff", "a", "--from", "HEAD~1", *args]) == 0  # the good sides still compare
