"""The stock merge driver: the pure three-way merge, the driver on files, and real ``git merge``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.stock.merge import conflict_text, merge_stock
from ctb_files.storage.mergedriver import merge_texts
from ctb_files.storage.yaml import load_fast
from tests.conftest import commit_all, git, write_tree


def ctb_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the ``ctb`` of the running interpreter first on PATH, where git looks for the driver."""
    scripts = Path(sys.executable).parent
    if shutil.which("ctb", path=str(scripts)) is None:
        pytest.skip(f"the ctb command is not installed next to {sys.executable}")
    monkeypatch.setenv("PATH", str(scripts) + os.pathsep + os.environ.get("PATH", ""))


def line(part: str, quantity: int | str, **extra: object) -> dict[str, object]:
    return {"part": part, "quantity": Decimal(str(quantity)) if isinstance(quantity, str) else quantity, **extra}


def doc(*lines: dict[str, object], **top: object) -> dict[str, object]:
    return {**top, "lines": list(lines)}


# --- the pure merge -----------------------------------------------------------------------------


def test_quantities_of_both_sides_add_up() -> None:
    merged = merge_stock(
        doc(line("r1", 10), line("r2", 3)), doc(line("r1", 8), line("r2", 3)), doc(line("r1", 15), line("r2", 3))
    )
    assert merged.clean
    assert merged.document == doc(line("r1", 13), line("r2", 3))


def test_decimal_quantities_merge_exactly() -> None:
    merged = merge_stock(doc(line("wire", "2.5")), doc(line("wire", "1.25")), doc(line("wire", "3.1")))
    assert merged.document["lines"] == [line("wire", "1.85")]


def test_lines_added_on_either_side_are_kept_in_place() -> None:
    base = doc(line("r1", 1), line("r3", 3))
    ours = doc(line("r1", 1), line("r2", 2), line("r3", 3))
    theirs = doc(line("r0", 9), line("r1", 1), line("r3", 3), line("r4", 4))
    merged = merge_stock(base, ours, theirs)
    assert [x["part"] for x in merged.document["lines"]] == ["r0", "r1", "r2", "r3", "r4"]


def test_bins_are_separate_lines() -> None:
    base = doc(line("r1", 10), line("r1", 5, bin="3"))
    ours = doc(line("r1", 9), line("r1", 5, bin="3"))
    theirs = doc(line("r1", 10), line("r1", 1, bin="3"))
    assert merge_stock(base, ours, theirs).document == doc(line("r1", 9), line("r1", 1, bin="3"))


def test_same_line_added_on_both_sides() -> None:
    same = merge_stock(doc(), doc(line("r9", 4)), doc(line("r9", 4)))
    assert same.document == doc(line("r9", 4))
    different = merge_stock(doc(), doc(line("r9", 4)), doc(line("r9", 5)))
    assert different.conflicts == ["r9: added on both sides with different content"]


def test_deleted_and_changed_is_a_conflict_deleted_and_unchanged_is_deleted() -> None:
    base = doc(line("r1", 10), line("r2", 3))
    assert merge_stock(base, doc(line("r1", 10)), doc(line("r1", 12), line("r2", 3))).document == doc(line("r1", 12))
    conflict = merge_stock(base, doc(line("r1", 10)), doc(line("r1", 10), line("r2", 4)))
    assert conflict.conflicts == ["r2: deleted on one side (ours) and changed on the other"]


def test_other_fields_merge_three_way() -> None:
    base = doc(line("r1", 10, note="reel"), name="Drawer A")
    ours = doc(line("r1", 7, note="reel"), name="Drawer A")
    theirs = doc(line("r1", 10, note="reel, cut tape", deprioritized=True), name="Drawer A (top)")
    merged = merge_stock(base, ours, theirs)
    assert merged.document == {
        "name": "Drawer A (top)",
        "lines": [line("r1", 7, note="reel, cut tape", deprioritized=True)],
    }
    both = merge_stock(base, doc(line("r1", 10, note="mine")), doc(line("r1", 10, note="yours")))
    assert both.conflicts == ["r1: 'note' changed differently on both sides"]
    names = merge_stock(base, doc(line("r1", 10, note="reel"), name="A"), doc(line("r1", 10, note="reel"), name="B"))
    assert names.conflicts == ["file: 'name' changed differently on both sides"]


def test_a_result_below_zero_is_a_conflict() -> None:
    merged = merge_stock(doc(line("r1", 3)), doc(line("r1", 1)), doc(line("r1", 1)))
    assert merged.conflicts == ["r1: 3 -2 -2 leaves -1, below zero"]


def test_unreadable_structure_is_a_conflict() -> None:
    assert merge_stock(doc(), {"lines": "many"}, doc()).conflicts == ["ours: 'lines' is not a list"]
    twice = merge_stock(doc(), doc(line("r1", 1), line("r1", 2)), doc())
    assert twice.conflicts == ["ours: r1 is listed twice"]


def test_conflict_text_marks_only_the_region_that_differs() -> None:
    base = "a\nb: 1\nc\n"
    ours = "a\nb: 2\nc\n"
    theirs = "a\nc\n"
    assert conflict_text(base, ours, theirs, "stock/x.yaml") == (
        "a\n<<<<<<< ours stock/x.yaml\nb: 2\n||||||| base stock/x.yaml\nb: 1\n=======\n>>>>>>> theirs stock/x.yaml\nc\n"
    )


# --- the driver on file contents ------------------------------------------------------------------

BASE_TEXT = """\
# yaml-language-server: $schema=../.ctb/schemas/stock.json
name: Drawer A   # by the window
lines:
  - {part: r1, quantity: 10}   # counted in May
  - {part: r2, quantity: 3}
  - {part: r3, quantity: 1}  # last one
# keep sorted by part
"""


def test_driver_keeps_our_comments_and_their_new_lines() -> None:
    ours = BASE_TEXT.replace("quantity: 10", "quantity: 8")
    theirs = BASE_TEXT.replace("quantity: 10", "quantity: 15").replace(
        "# keep sorted", "  - {part: r4, quantity: 6}  # from the order\n# keep sorted"
    )
    result = merge_texts(BASE_TEXT.encode(), ours.encode(), theirs.encode(), "stock/a.yaml")
    assert result.clean and not result.notes
    assert result.text == (
        "# yaml-language-server: $schema=../.ctb/schemas/stock.json\n"
        "name: Drawer A   # by the window\n"
        "lines:\n"
        "  - {part: r1, quantity: 13}  # counted in May\n"  # ours wrote 8, one digit shorter
        "  - {part: r2, quantity: 3}\n"
        "  - {part: r3, quantity: 1}  # last one\n"
        "  - {part: r4, quantity: 6}  # from the order\n"
        "# keep sorted by part\n"
    )


COMMENTED_MIX = (
    "lines:\n  # resistors\n  - {part: r1, quantity: 10}   # top shelf\n  - part: r2\n    quantity: 5   # counted\n"
)


def test_a_commented_flow_line_before_a_block_line_merges_cleanly_with_its_comments() -> None:
    # ruamel 0.18 writes the block line as "- part: r2 quantity: 7" when the comment above the
    # first line is left where it parses it; the driver must still give valid YAML, comments kept
    ours = COMMENTED_MIX.replace("10}", "9}")
    theirs = COMMENTED_MIX.replace("quantity: 5", "quantity: 7")
    result = merge_texts(COMMENTED_MIX.encode(), ours.encode(), theirs.encode(), "stock/x.yaml")
    assert result.clean
    assert load_fast(result.text.encode(), "stock/x.yaml") == {
        "lines": [{"part": "r1", "quantity": 9}, {"part": "r2", "quantity": 7}]
    }
    assert "  # resistors\n  - {part: r1, quantity: 9}   # top shelf\n" in result.text
    assert "# counted" in result.text


def test_block_lines_are_written_one_per_line_when_they_cannot_be_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from ctb_files.storage import mergedriver

    real_dump = mergedriver.dump
    calls: list[int] = []

    def first_dump_broken(doc: object, like: str | None = None) -> str:
        calls.append(1)
        text = real_dump(doc, like)
        return text.replace("\n    quantity: 7", " quantity: 7") if len(calls) == 1 else text

    monkeypatch.setattr(mergedriver, "dump", first_dump_broken)
    ours = COMMENTED_MIX.replace("10}", "9}")
    theirs = COMMENTED_MIX.replace("quantity: 5", "quantity: 7")
    result = merge_texts(COMMENTED_MIX.encode(), ours.encode(), theirs.encode(), "stock/x.yaml")
    assert result.clean
    assert result.notes == ["stock/x.yaml: lines rewritten one per line to keep comments"]
    assert result.text == (
        "lines:\n  # resistors\n  - {part: r1, quantity: 9}   # top shelf\n  - {part: r2, quantity: 7}   # counted\n"
    )


def test_driver_turns_unreadable_yaml_into_conflict_markers() -> None:
    theirs = BASE_TEXT.replace("quantity: 3}", "quantity: 3")
    result = merge_texts(BASE_TEXT.encode(), BASE_TEXT.encode(), theirs.encode(), "stock/a.yaml")
    assert not result.clean
    assert result.conflicts[0].startswith("theirs: ")
    assert "<<<<<<< ours stock/a.yaml\n" in result.text and ">>>>>>> theirs stock/a.yaml\n" in result.text


def test_driver_with_an_empty_base_merges_two_additions(tmp_path: Path) -> None:
    result = merge_texts(b"", b"lines:\n  - {part: r1, quantity: 2}\n", b"lines:\n  - {part: r2, quantity: 5}\n")
    assert result.clean
    assert result.text == "lines:\n  - {part: r2, quantity: 5}\n  - {part: r1, quantity: 2}\n"


# --- real git -----------------------------------------------------------------------------------

SETTINGS = "ctb: 1\nname: Merge lab\n"


@pytest.fixture
def repo(git_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """An inventory with the driver installed and ``stock/*.yaml merge=ctb-stock``."""
    ctb_on_path(monkeypatch)
    write_tree(git_repo, {
        "ctb.yaml": SETTINGS,
        ".gitattributes": "stock/*.yaml merge=ctb-stock\n",
        "parts/r1.yaml": "name: 10k resistor\n",
        "parts/r2.yaml": "name: 1k resistor\n",
        "stock/a.yaml": "name: Drawer A\nlines:\n  - {part: r1, quantity: 10}  # the reel\n  - {part: r2, quantity: 3}\n",
    })  # fmt: skip
    commit_all(git_repo, "base")
    assert main(["merge-driver", "install", "--repo", str(git_repo)]) == 0
    assert "merge.ctb-stock.driver = ctb merge-driver run %O %A %B %P" in capsys.readouterr().out
    return git_repo


def branch(root: Path, name: str, start: str, files: dict[str, str]) -> None:
    git(root, "checkout", "-q", "-b", name, start)
    write_tree(root, files)
    commit_all(root, name)


def merge(root: Path, ours: str, theirs: str) -> subprocess.CompletedProcess[str]:
    git(root, "checkout", "-q", ours)
    return subprocess.run(["git", "merge", "--no-edit", theirs], cwd=root, capture_output=True, text=True)


def test_install_sets_the_local_git_config(repo: Path) -> None:
    assert git(repo, "config", "--local", "merge.ctb-stock.driver").strip() == "ctb merge-driver run %O %A %B %P"
    assert git(repo, "config", "--local", "merge.ctb-stock.name").strip().startswith("ctb stock merge")


def test_install_says_when_gitattributes_does_not_name_the_driver(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["merge-driver", "install", "--repo", str(git_repo)]) == 0
    assert "add: stock/*.yaml merge=ctb-stock" in capsys.readouterr().err
    assert main(["merge-driver", "install", "--repo", str(git_repo / "nowhere")]) == 1
    assert "not in a git work tree" in capsys.readouterr().err


def test_git_merge_adds_up_both_changes_to_one_line(repo: Path) -> None:
    text = (repo / "stock/a.yaml").read_text()
    branch(repo, "took-two", "main", {"stock/a.yaml": text.replace("quantity: 10", "quantity: 8")})
    branch(repo, "got-five", "main", {"stock/a.yaml": text.replace("quantity: 10", "quantity: 15")})
    done = merge(repo, "took-two", "got-five")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "CONFLICT" not in done.stdout
    assert (
        (repo / "stock/a.yaml").read_text()
        == (
            "name: Drawer A\nlines:\n  - {part: r1, quantity: 13} # the reel\n  - {part: r2, quantity: 3}\n"  # the comment keeps its column
        )
    )
    assert git(repo, "status", "--porcelain") == ""
    assert main(["check", "--repo", str(repo)]) == 0


def test_git_merge_leaves_a_normal_conflict_when_unsafe(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (repo / "stock/a.yaml").read_text()
    branch(repo, "dropped-r2", "main", {"stock/a.yaml": text.replace("  - {part: r2, quantity: 3}\n", "")})
    branch(repo, "counted-r2", "main", {"stock/a.yaml": text.replace("quantity: 3}", "quantity: 4}")})
    done = merge(repo, "counted-r2", "dropped-r2")
    assert done.returncode == 1
    assert "CONFLICT (content): Merge conflict in stock/a.yaml" in done.stdout
    assert "ctb merge-driver: stock/a.yaml: r2: deleted on one side (theirs) and changed on the other" in done.stderr
    merged = (repo / "stock/a.yaml").read_text()
    assert merged == (
        "name: Drawer A\nlines:\n  - {part: r1, quantity: 10}  # the reel\n"
        "<<<<<<< ours stock/a.yaml\n  - {part: r2, quantity: 4}\n"
        "||||||| base stock/a.yaml\n  - {part: r2, quantity: 3}\n"
        "=======\n>>>>>>> theirs stock/a.yaml\n"
    )
    assert git(repo, "status", "--porcelain").startswith("UU stock/a.yaml")


def test_two_builds_cleared_on_two_branches_merge_cleanly_and_check_catches_it(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {
        "projects/p/project.yaml": "name: Divider\nversions:\n  - {name: v1}\n",
        "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 10, part: r1}\n",
    })  # fmt: skip
    commit_all(repo, "the divider needs 10 resistors")
    for build_id in ("b1", "b2"):
        git(repo, "checkout", "-q", "-b", f"clear-{build_id}", "main")
        write_tree(repo, {f"builds/{build_id}.yaml": "project: p\nversion: v1\nquantity: 1\n"})
        assert main(["build", "clear", build_id, "--repo", str(repo)]) == 0
        assert "status: cleared\n" in (repo / f"builds/{build_id}.yaml").read_text()
        commit_all(repo, f"clear {build_id}")
    done = merge(repo, "clear-b1", "clear-b2")
    assert done.returncode == 0 and "CONFLICT" not in done.stdout
    capsys.readouterr()
    assert main(["check", "--repo", str(repo)]) == 1
    out = capsys.readouterr().out
    assert "CTB301" in out
    assert "over-reserved: a/r1 has 10, builds b1 (10) and b2 (10) reserve 20" in out


def test_a_quantity_beyond_the_file_format_limit_is_a_conflict_not_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    huge = "9" * 44
    merged = merge_stock(doc(line("r1", 5)), doc(line("r1", 7)), doc(line("r1", int(huge))))
    assert not merged.clean
    assert merged.conflicts == ["r1: a quantity is not a number below 10^15"]
    base, ours, theirs = (tmp_path / name for name in ("base", "ours", "theirs"))
    base.write_text("lines:\n  - {part: r1, quantity: 5}\n")
    ours.write_text("lines:\n  - {part: r1, quantity: 7}\n")
    theirs.write_text(f"lines:\n  - {{part: r1, quantity: {huge}}}\n")
    assert main(["merge-driver", "run", str(base), str(ours), str(theirs), "stock/x.yaml"]) == 1
    # the reader refuses a number past 15 digits before the merge sees it: still a conflict, located
    assert "theirs: '" + "9" * 37 + "...' is out of range (at most 15 digits) (line 2)" in (capsys.readouterr().err)
    assert "<<<<<<< ours stock/x.yaml" in ours.read_text()


def test_a_merged_sum_beyond_the_limit_is_a_conflict() -> None:
    big = 9 * 10**14
    merged = merge_stock(doc(line("r1", 0)), doc(line("r1", big)), doc(line("r1", big)))
    assert merged.conflicts == [f"r1: 0 +{big} +{big} leaves {2 * big}, 10^15 or more"]
