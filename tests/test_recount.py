"""``ctb check`` after stock counts changed: the last full answer stands when no check can object, and only then."""

from __future__ import annotations

import pickle
import re
import shutil
import subprocess
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import ValidationError

from bench.gen import generate_mixed
from ctb_files.checks import REGISTRY, run_checks
from ctb_files.cli import main
from ctb_files.core import paths as layout
from ctb_files.core.models.common import record_adapter
from ctb_files.core.models.project import BomRow
from ctb_files.core.models.stock import StockLine
from ctb_files.storage import checkcache, clearcache, unread
from ctb_files.storage.loader import load_repo
from ctb_files.storage.unread import counts as counting
from tests.test_recheck import _Unreadable, answered_as_in_full, check, full_answer, shown_without_a_model, unchanged

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"
DRAWER = "stock/drawer-a.yaml"
# the checks that read a stock line's or a BOM row's count; every other check must not (see test below)
COUNTING = {"stock": {"over-reservation", "whole-pieces"}, "bom": {"whole-pieces"}}


@pytest.fixture()
def repo(one_build_cleared: Path) -> Path:
    """The example with its build cleared (``tests/conftest.py``)."""
    return one_build_cleared


def checked_in_full(root: Path, capsys: pytest.CaptureFixture[str], said: str) -> None:
    """The last full answer does not stand; a check says ``said`` (errors only), as it does without the cache."""
    assert unchanged(root) is None
    now = check(root, capsys)
    assert now == check(root, capsys, "--no-cache")
    errors = said.count("\n")
    summary = f"51 files checked: {errors} error{'' if errors == 1 else 's'}, 0 warnings\n"
    assert now == (1 if errors else 0, said, summary)


def recount(root: Path, rel: str, before: str, after: str) -> None:
    path = root / rel
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


@pytest.mark.parametrize("name", ["example", "mixed"])
@pytest.mark.parametrize("kind", ["stock", "bom"])
def test_no_other_check_reads_a_count(name: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every check but those that count says word for word the same with stock or BOM row counts unreadable."""
    if name == "example":
        root = tmp_path / "inv"
        shutil.copytree(EXAMPLE, root)
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)  # some come out short
    capsys.readouterr()
    whole = [d.render() for d in run_checks(load_repo(root, cache=False).inventory)]  # every check, registered
    assert REGISTRY.keys() >= COUNTING[kind]
    inv = load_repo(root, cache=False).inventory
    items = [line for stock in inv.stock.values() for line in stock.lines]
    if kind == "bom":
        items = [row for bom in inv.boms.values() for row in bom.rows]
    assert len(items) > 20
    expected = {name: [d.render() for d in check_(inv)] for name, check_ in REGISTRY.items()}
    for item in items:
        object.__setattr__(item, "quantity", _Unreadable())
    for name, check_ in sorted(REGISTRY.items()):
        if name in COUNTING[kind]:
            with pytest.raises(RuntimeError, match="a check read"):
                check_(inv)
        else:
            assert [d.render() for d in check_(inv)] == expected[name], name
    # and the whole run is what the registry's checks say one by one
    assert whole == [r for name in sorted(REGISTRY) for r in expected[name]]


def test_a_full_check_keeps_what_open_builds_hold_of_each_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check(repo, capsys)[0] == 0
    found = unread.kept(repo / ".git/ctb/check-files", checkcache.FULL_MAGIC)
    assert found is not None and found.facts is not None and found.facts.counts is not None
    counts = found.facts.counts
    assert counts.limit == 10**15
    held = {rel: pickle.loads(piece) for rel, piece in counts.held.items()}  # noqa: S301 - written just now
    assert sorted(held) == ["stock/drawer-a.yaml", "stock/shelf.yaml"]
    drawer = held["stock/drawer-a.yaml"]
    assert (drawer[0], drawer[2], drawer[4]) == (Decimal(6), Decimal(15), Decimal(20))  # r-10r, r-1k, r-10k
    assert 1 not in drawer  # r-100r: nothing holds it
    assert held["stock/shelf.yaml"][2] == Decimal(24)
    # a clear's plans read every count: it keeps none
    main(["--repo", str(repo), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    cleared = unread.kept(repo / ".git/ctb/clear-files", clearcache.FULL_MAGIC)
    assert cleared is not None and cleared.facts is not None and cleared.facts.counts is None


def test_counts_no_check_objects_to_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = check(repo, capsys)
    assert first == (0, "", "51 files checked: 0 errors, 0 warnings\n")
    kept = full_answer(repo)
    drawer = "stock/drawer-a.yaml"
    recount(repo, drawer, "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 25, bin: A5}")
    recount(repo, drawer, "{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 0, bin: A2}")
    recount(repo, drawer, "{part: r-1k, quantity: 60, bin: A3}", "{part: r-1k, quantity: 15, bin: A3}")  # = held
    shelf = repo / "stock/shelf.yaml"
    shelf.write_text(shelf.read_text().replace("name:", "# recounted on Friday\nname:"))
    found = unchanged(repo)
    assert found == (51, [])
    assert check(repo, capsys) == first
    assert full_answer(repo) == kept  # answered without a full check
    assert check(repo, capsys, "--no-cache") == first
    # a count in another spelling the reader takes as a whole number
    recount(repo, drawer, "{part: r-10k, quantity: 25, bin: A5}", "{part: r-10k, quantity: 0x19, bin: A5}")
    assert unchanged(repo) == (51, [])
    # the largest count a line takes
    recount(repo, drawer, "{part: r-100r, quantity: 0, bin: A2}", "{part: r-100r, quantity: 999999999999999, bin: A2}")
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first == check(repo, capsys, "--no-cache")


def test_a_count_below_what_builds_hold_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(repo, capsys)
    kept = full_answer(repo)
    recount(repo, "stock/drawer-a.yaml", "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 19, bin: A5}")
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == (
        1,
        "stock/drawer-a.yaml:10:5: CTB301 lines[4]: over-reserved: drawer-a/r-10k#A5 has 19, build vco-batch-1 (20) "
        "reserves 20\n",
        "51 files checked: 1 error, 0 warnings\n",
    )
    assert now == check(repo, capsys, "--no-cache")
    assert full_answer(repo) != kept
    # put back: the full check that found the error keeps an answer that names the file, so the next edit
    # of that file is checked in full too, and finds it clean
    recount(repo, "stock/drawer-a.yaml", "{part: r-10k, quantity: 19, bin: A5}", "{part: r-10k, quantity: 20, bin: A5}")
    assert unchanged(repo) is None
    assert check(repo, capsys) == (0, "", "51 files checked: 0 errors, 0 warnings\n")


AT = "stock/drawer-a.yaml:10:29: "


@pytest.mark.parametrize(
    ("after", "said"),
    [
        (
            "quantity: 2.5, bin: A5",  # a fraction of a part counted in pcs, and below what is held
            "stock/drawer-a.yaml:10:5: CTB301 lines[4]: over-reserved: drawer-a/r-10k#A5 has 2.5, build vco-batch-1 "
            f"(20) reserves 20\n{AT}CTB305 lines[4].quantity: 2.5 is not a whole number, and 'r-10k' is counted in pcs\n",
        ),
        ("quantity: 25.0, bin: A5", ""),  # whole, but written as a decimal
        ("quantity: 1e3, bin: A5", ""),
        ("quantity: -1, bin: A5", f"{AT}CTB104 lines[4].quantity: Input should be greater than or equal to 0\n"),
        ("quantity: 1000000000000000, bin: A5", f"{AT}CTB005 '1000000000000000' is out of range (at most 15 digits)\n"),
        ("quantity: '25', bin: A5", f"{AT}CTB101 lines[4].quantity: a quantity is a number: write it without quotes\n"),
        ("quantity: true, bin: A5", f"{AT}CTB101 lines[4].quantity: a number is required, not true/false\n"),
        (
            "quantity: null, bin: A5",
            f"{AT}CTB101 lines[4].quantity: Decimal input should be an integer, float, string or Decimal object\n",
        ),
        ("quantity: 25, bin: A5, quantity: 26", "stock/drawer-a.yaml:10:42: CTB004 found duplicate key 'quantity'\n"),
        (
            "quantity: 25, bin: A9",  # another field changed with it
            "builds/vco-batch-1.yaml:92:9: CTB302 reservations[15].take[0]: no stock line drawer-a/r-10k#A5 to take "
            "from\n",
        ),
        (
            "quantity: 25, bin: A5, counted_at: soon",
            "stock/drawer-a.yaml:10:54: CTB101 lines[4].counted_at: Input should be a valid date or datetime, input is too short\n",
        ),
    ],
)
def test_a_count_a_check_may_object_to_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], after: str, said: str
) -> None:
    check(repo, capsys)
    kept = full_answer(repo)
    recount(repo, "stock/drawer-a.yaml", "quantity: 20, bin: A5", after)
    checked_in_full(repo, capsys, said)
    assert full_answer(repo) != kept


def test_lines_inserted_moved_or_held_and_removed_are_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = repo / DRAWER
    original = path.read_text()
    moved = original.replace(
        "  - {part: r-10r, quantity: 40, bin: A1}\n  - {part: r-100r, quantity: 100, bin: A2}\n",
        "  - {part: r-100r, quantity: 100, bin: A2}\n  - {part: r-10r, quantity: 40, bin: A1}\n",
    )
    held = original.replace("  - {part: r-1k, quantity: 60, bin: A3}\n", "")  # vco-batch-1 takes 15 of it
    added = original.replace("  - {part: r-1k, quantity: 60, bin: A3}\n", "  - {part: r-1k, quantity: 60, bin: A3}\n  - {part: r-1k, quantity: 5, bin: A7}\n")  # fmt: skip
    replaced = original.replace("  - {part: r-100r, quantity: 100, bin: A2}\n", "  - {part: r-100r, quantity: 100, bin: A7}\n")  # fmt: skip
    for text in (moved, held, added, replaced):
        assert text != original
        path.write_text(original)
        check(repo, capsys)
        path.write_text(text)
        assert unchanged(repo) is None
        assert check(repo, capsys) == check(repo, capsys, "--no-cache")


def test_a_count_in_a_file_the_answer_names_is_checked_in_full(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drawer = "stock/drawer-a.yaml"
    recount(repo, drawer, "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 10, bin: A5}")
    first = check(repo, capsys)
    assert first[0] == 1 and "CTB301" in first[1]
    recount(repo, drawer, "{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 90, bin: A2}")
    assert unchanged(repo) is None
    assert check(repo, capsys) == first == check(repo, capsys, "--no-cache")


def test_a_count_is_shown_unchanged_without_a_model(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    recount(repo, "stock/drawer-a.yaml", "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 21, bin: A5}")
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first


def test_the_counts_a_stock_line_takes_are_the_kept_limits(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The light comparison takes whole numbers from 0 below the kept limit: exactly those the model takes."""
    check(repo, capsys)
    found = unread.kept(repo / ".git/ctb/check-files", checkcache.FULL_MAGIC)
    assert found is not None and found.facts is not None and found.facts.counts is not None
    limit = found.facts.counts.limit
    lines = record_adapter(StockLine)
    for count in (0, 1, 7, limit - 1):
        assert lines.validate_python({"part": "p1", "quantity": count}).quantity == Decimal(count)
    for count in (-1, limit, limit + 1):
        with pytest.raises(ValidationError):
            lines.validate_python({"part": "p1", "quantity": count})
    # and a BOM row, from 1
    rows = record_adapter(BomRow)
    for count in (1, 7, limit - 1):
        assert rows.validate_python({"line": 1, "quantity": count}).quantity == Decimal(count)
    for count in (0, -1, limit):
        with pytest.raises(ValidationError):
            rows.validate_python({"line": 1, "quantity": count})
    assert counting.COUNTED == {"stock": ("lines", 0), "bom": ("rows", 1)}


BOM = "projects/vco/bom/v1.yaml"
ROW = "{line: 9, refs: [R3], quantity: 1, value: 100k, part: r-100k}"


def test_a_bom_rows_count_answers_from_the_last_full_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = check(repo, capsys)
    kept = full_answer(repo)
    current = ROW
    for count in ("3", "0x10", "999999999999999"):
        edited = ROW.replace("quantity: 1", f"quantity: {count}")
        recount(repo, BOM, current, edited)
        current = edited
        assert unchanged(repo) == (51, []), count
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("count", "said"),
    [
        ("0", "projects/vco/bom/v1.yaml:18:37: CTB104 rows[8].quantity: Input should be greater than 0\n"),
        (
            "1.5",
            "projects/vco/bom/v1.yaml:18:37: CTB305 rows[8].quantity: 1.5 is not a whole number, and 'r-100k' is "
            "counted in pcs\n",
        ),
    ],
)
def test_a_bom_rows_count_a_check_may_object_to_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], count: str, said: str
) -> None:
    check(repo, capsys)
    recount(repo, BOM, ROW, ROW.replace("quantity: 1", f"quantity: {count}"))
    checked_in_full(repo, capsys, said)


@pytest.mark.parametrize("after", ["quantity: 2.0, value: 100k", "quantity: 2, value: 101k"])
def test_a_bom_row_changed_beside_its_count_is_validated_and_read_as_the_checks_read_rows(
    repo: Path, capsys: pytest.CaptureFixture[str], after: str
) -> None:
    """A count written otherwise, or a count and a value: not a count alone, so the BOM is validated and its
    rows read as the checks read them (``tests/test_bom_edits.py``); no check has anything to say."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    recount(repo, BOM, ROW, ROW.replace("quantity: 1, value: 100k", after))
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first == check(repo, capsys, "--no-cache")
    assert full_answer(repo) == kept


def test_no_check_reads_a_stock_lines_count_date_or_note(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every check says word for word the same with a stock line's counted_at and note unreadable, or absent."""
    from ctb_files.core.unread import ITEM_UNREAD

    root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    expected = [d.render() for d in run_checks(load_repo(root, cache=False).inventory)]
    assert ("lines", frozenset({"counted_at", "note"})) == ITEM_UNREAD["stock"]
    for field in ("counted_at", "note"):
        for value in (_Unreadable(), None):
            inv = load_repo(root, cache=False).inventory
            for stock in inv.stock.values():
                for line in stock.lines:
                    object.__setattr__(line, field, value)
            assert [d.render() for d in run_checks(inv)] == expected, (field, value)


def test_a_stocktake_answers_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ctb stock count`` replaces counts and dates the lines: no check reads the date, none objects to the counts."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    status = main(["--repo", str(repo), "stock", "count", "--location", "drawer-a", "--line", "r-10k@A5=30",
                   "--line", "r-100r@A2=90", "-q"])  # fmt: skip
    capsys.readouterr()
    assert status == 0
    text = (repo / "stock/drawer-a.yaml").read_text()
    assert "{part: r-10k, quantity: 30, bin: A5, counted_at: " in text
    assert shown_without_a_model(repo)
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first
    # a note on a line, and a count date taken away: still nothing a check reads
    recount(
        repo,
        "stock/drawer-a.yaml",
        "{part: r-1k, quantity: 60, bin: A3}",
        "{part: r-1k, quantity: 60, bin: A3, note: by the door}",
    )
    assert unchanged(repo) == (51, [])
    # below what is held, with a date: in full
    dated = next(
        line for line in (repo / "stock/drawer-a.yaml").read_text().splitlines() if "r-10k, quantity: 30" in line
    )
    recount(repo, "stock/drawer-a.yaml", dated.strip(), dated.strip().replace("quantity: 30", "quantity: 19"))
    checked_in_full(
        repo,
        capsys,
        "stock/drawer-a.yaml:10:5: CTB301 lines[4]: over-reserved: drawer-a/r-10k#A5 has 19, build vco-batch-1 (20) "
        "reserves 20\n",
    )


def append(root: Path, *lines: str) -> None:
    path = root / DRAWER
    path.write_text(path.read_text() + "".join(f"  - {line}\n" for line in lines))


def test_lines_appended_that_no_check_objects_to_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new bin of a known part, with every field a line may have: as ``ctb stock add`` appends it."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    append(repo, "{part: r-100k, quantity: 5, bin: D9}")
    assert unchanged(repo) == (51, [])
    assert shown_without_a_model(repo)
    append(repo, "{part: r-1k, quantity: 0, bin: D8, counted_at: 2026-12-01, deprioritized: true, note: spares}")
    append(repo, "{part: c-22p, quantity: 3}")  # no bin: a key of its own
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (
            "{part: r-10k, quantity: 5, bin: A5}",
            "stock/drawer-a.yaml:30:5: CTB211 lines[22]: duplicate stock line drawer-a/r-10k#A5: same part and bin as "
            "lines[4] (line 10)\n",
        ),
        ("{part: nope, quantity: 1}", "stock/drawer-a.yaml:30:12: CTB201 lines[22].part: unknown part 'nope'\n"),
        (
            "{part: r-1k, quantity: 1.5, bin: D1}",
            "stock/drawer-a.yaml:30:28: CTB305 lines[22].quantity: 1.5 is not a whole number, and 'r-1k' is counted "
            "in pcs\n",
        ),
        (
            "{part: r-1k, quantity: 1, bin: D1, shelf: 2}",
            "stock/drawer-a.yaml:30:40: CTB102 lines[22].shelf: unknown key 'shelf'\n",
        ),
        ("{quantity: 1, bin: D1}", "stock/drawer-a.yaml:30:5: CTB103 lines[22].part: required key is missing\n"),
        (
            "{part: r-1k, quantity: 1, bin: D1, deprioritized: yes}",
            "",
        ),  # the model reads yes as true; the light one does not
    ],
)
def test_a_line_appended_that_a_check_may_object_to_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], line: str, said: str
) -> None:
    check(repo, capsys)
    append(repo, line)
    checked_in_full(repo, capsys, said)


def test_a_line_a_build_took_from_while_it_was_missing_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build = repo / "builds/vco-batch-1.yaml"
    build.write_text(
        build.read_text().replace(
            "{location: drawer-a, part: r-4k7, bin: A4,", "{location: drawer-a, part: r-4k7, bin: Z9,"
        )
    )
    first = check(repo, capsys)
    assert "CTB302" in first[1] and "no stock line drawer-a/r-4k7#Z9 to take from" in first[1]
    append(repo, "{part: r-4k7, quantity: 50, bin: Z9}")
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert "CTB302" not in now[1]


def test_lines_appended_at_random_answer_as_a_full_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers, a full check of the same files says exactly that."""
    import random

    root = generate_mixed(tmp_path / "mixed", parts=120, builds=8, projects=2, rows=20)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    stock = sorted((root / "stock").iterdir())[0]
    original = stock.read_text()
    parts = sorted(path.stem for path in (root / "parts").iterdir())
    rng = random.Random(17)
    answered = 0
    for _ in range(24):
        stock.write_text(original)
        check(root, capsys)
        lines = []
        for _ in range(rng.randint(1, 3)):
            part = rng.choice([*parts[:40], "no-such-part"])
            fields = [f"part: {part}", f"quantity: {rng.choice([0, 3, 7, 2.5])}"]
            if rng.random() < 0.8:
                fields.append(f"bin: {rng.choice(['A1', 'B2', 'C3', 'Q1', 'Q2'])}")
            if rng.random() < 0.3:
                fields.append("deprioritized: true")
            lines.append("{" + ", ".join(fields) + "}")
        stock.write_text(original + "".join(f"  - {line}\n" for line in lines))
        answered += answered_as_in_full(root, capsys)
    assert answered >= 5  # the light comparison did answer, and each time as a full check


def remove(root: Path, *lines: str) -> None:
    path = root / DRAWER
    text = path.read_text()
    for line in lines:
        assert text.count(f"  - {line}\n") == 1, line
        text = text.replace(f"  - {line}\n", "")
    path.write_text(text)


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_check_minds_a_line_no_open_build_holds_being_gone(name: str, tmp_path: Path) -> None:
    """Every check says word for word the same with every line no open build holds taken out of the stock
    files the checks say nothing of: the full check keeps what builds hold, and nothing else of the lines."""
    if name == "example":
        root = tmp_path / "inv"
        shutil.copytree(EXAMPLE, root)
    else:
        root = generate_mixed(tmp_path / "mixed", parts=300, builds=12, projects=3, rows=30)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q"]) in (0, 1)  # some come out short
    inv = load_repo(root, cache=False).inventory
    expected = [d.render() for d in run_checks(inv)]
    named = {d.path for d in run_checks(inv)}
    from ctb_files.ops.stock.ledger import reserved_lines

    held = {layout.stock_path(location): {i for i, _, _ in lines} for location, lines in reserved_lines(inv).items()}
    gone = 0
    for location, stock in inv.stock.items():
        rel = layout.stock_path(location)
        if rel in named:
            continue
        kept = [line for i, line in enumerate(stock.lines) if i in held.get(rel, set())]
        gone += len(stock.lines) - len(kept)
        object.__setattr__(stock, "lines", kept)
    assert gone >= (5 if name == "example" else 20)
    assert [d.render() for d in run_checks(inv)] == expected


def test_lines_no_open_build_holds_taken_out_answer_from_the_last_full_check(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bin emptied and dropped: no take names it, so no check has anything new to say."""
    first = check(repo, capsys)
    kept = full_answer(repo)
    remove(repo, "{part: r-100r, quantity: 100, bin: A2}")
    assert unchanged(repo) == (51, [])
    assert shown_without_a_model(repo)
    remove(repo, "{part: tl074-dip, quantity: 5, bin: D3}")
    recount(repo, DRAWER, "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 25, bin: A5}")  # held
    assert unchanged(repo) == (51, [])
    assert check(repo, capsys) == first and full_answer(repo) == kept
    assert check(repo, capsys, "--no-cache") == first


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (
            lambda root: remove(root, "{part: r-1k, quantity: 60, bin: A3}"),
            "builds/vco-batch-1.yaml:",
        ),
        (
            lambda root: (
                remove(root, "{part: r-100r, quantity: 100, bin: A2}"),
                recount(root, DRAWER, "{part: r-10k, quantity: 20, bin: A5}", "{part: r-10k, quantity: 19, bin: A5}"),
            ),
            "stock/drawer-a.yaml:9:",
        ),
        (
            lambda root: remove(root, "{part: r-100r, quantity: 100, bin: A2}", "{part: r-10r, quantity: 40, bin: A1}"),
            "builds/vco-batch-1.yaml:",
        ),
    ],
    ids=["held", "held-line-left-with-less", "held-among-two"],
)
def test_a_line_taken_out_that_a_check_may_mind_is_checked_in_full(
    repo: Path, capsys: pytest.CaptureFixture[str], edit: Callable[[Path], object], said: str
) -> None:
    """A line an open build holds (its take would name no line), or a held line left with less than is held."""
    check(repo, capsys)
    edit(repo)
    assert unchanged(repo) is None
    now = check(repo, capsys)
    assert now == check(repo, capsys, "--no-cache")
    assert now[0] == 1 and now[1].startswith(said), now[1]


def test_lines_taken_out_at_random_answer_as_a_full_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Whenever the light comparison answers after lines were taken out, a full check says exactly that."""
    import random

    root = generate_mixed(tmp_path / "mixed", parts=120, builds=8, projects=2, rows=20)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    main(["--repo", str(root), "build", "clear", "--all", "-q"])
    capsys.readouterr()
    stock = sorted((root / "stock").iterdir())[0]
    original = stock.read_text()
    head, _, body = original.partition("lines:\n")
    lines = body.splitlines(keepends=True)
    assert len(lines) > 20
    rng = random.Random(23)
    answered = full = 0
    for _ in range(24):
        stock.write_text(original)
        check(root, capsys)
        gone = set(rng.sample(range(len(lines)), rng.choice([1, 1, 2, 3])))
        left = [line for i, line in enumerate(lines) if i not in gone]
        if rng.random() < 0.3:  # and a count changed
            i = rng.randrange(len(left))
            left[i] = re.sub(r"quantity: \d+", f"quantity: {rng.choice([0, 1, 500])}", left[i])
        stock.write_text(head + "lines:\n" + "".join(left))
        light = answered_as_in_full(root, capsys)
        answered += light
        full += not light
    assert answered >= 5 and full >= 5  # both ways were taken, and each light answer was a full check's
