"""``ctb build clear`` after a stock count changed on a line no plan reads.

A clear's plans read the count of a line only when it may serve a part an
open build asks for, or when an open build held it as the clear began
(:meth:`~ctb_files.ops.builds.allocate.Allocator.consulted`).  A count
changed anywhere else leaves every plan, the table, the JSON and the files
written as they were, so the last full clear's answer stands.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.builds.clearing import Consulted, clear_each
from ctb_files.ops.stock.ledger import line_key
from ctb_files.storage.loader import load_repo
from tests.test_recheck import (
    _Unreadable,
    answered_from_the_kept_clear,
    builds,
    clear,
    cleared,
    full_clear,
    unchanged_clear,
)
from tests.test_recheck import world as uncleared

EXAMPLE = Path(__file__).resolve().parent.parent / "example-inventory"


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_clear_reads_the_count_of_a_line_it_did_not_consult(name: str, tmp_path: Path) -> None:
    """Every plan, table cell, JSON text and written field is the same with every other line's count unreadable."""
    root = uncleared(name, tmp_path)
    inv = load_repo(root, cache=False).inventory
    consulted = Consulted()
    expected = [bid for bid, _ in clear_each(inv, consulted)]
    assert expected and consulted.lines
    inv = load_repo(root, cache=False).inventory
    hidden = 0
    for location, stock in inv.stock.items():
        for line in stock.lines:
            if line_key(location, line.part, line.bin) not in consulted.lines:
                object.__setattr__(line, "quantity", _Unreadable())
                hidden += 1
    assert hidden > 0
    assert cleared(inv) == cleared(load_repo(root, cache=False).inventory)


def held_lines_set_aside(root: Path):  # noqa: ANN201 - the inventory, as tests.test_recheck loads it
    """The inventory at ``root`` with every line an open build holds deprioritized: held, yet no plan's to use."""
    from ctb_files.ops.stock.ledger import holdings

    inv = load_repo(root, cache=False).inventory
    held = {key for build in inv.builds.values() if build.is_open for key in holdings(build)}
    assert held
    for location, stock in inv.stock.items():
        for line in stock.lines:
            if line_key(location, line.part, line.bin) in held:
                object.__setattr__(line, "deprioritized", True)
    return inv


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_a_line_held_as_the_clear_begins_is_consulted(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Lines open builds hold are read as the builds are released, even when no plan may use them now."""
    root = tmp_path / f"{name}-cleared"
    shutil.copytree(uncleared(name, tmp_path), root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q", "--no-cache"]) in (0, 1)
    capsys.readouterr()
    consulted = Consulted()
    list(clear_each(held_lines_set_aside(root), consulted))
    expected = cleared(held_lines_set_aside(root))
    inv = held_lines_set_aside(root)
    for location, stock in inv.stock.items():
        for line in stock.lines:
            if line_key(location, line.part, line.bin) not in consulted.lines:
                object.__setattr__(line, "quantity", _Unreadable())
    assert cleared(inv) == expected


def recount(root: Path, before: str, after: str) -> None:
    path = root / "stock/drawer-a.yaml"
    text = path.read_text()
    assert text.count(before) == 1, before
    path.write_text(text.replace(before, after))


def test_a_count_no_plan_read_keeps_the_last_full_clear(cleared_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = cleared_repo
    kept = full_clear(root, capsys)
    recount(
        root, "{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 7, bin: A2, counted_at: 2026-12-01}"
    )
    recount(root, "{part: tl074-dip, quantity: 2, bin: D4,", "{part: tl074-dip, quantity: 9, bin: D4,")
    assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("{part: r-1k, quantity: 60, bin: A3}", "{part: r-1k, quantity: 61, bin: A3}"),  # a line the plans read
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: -1, bin: A2}"),  # refused: a problem
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 2.5, bin: A2}"),  # no count's shape
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 100.0, bin: A2}"),  # written otherwise
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 7, bin: A7}"),  # moved
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-1k, quantity: 7, bin: A2}"),  # another part
        ("{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 7, bin: A2, deprioritized: true}"),
        (
            "{part: r-100r, quantity: 100, bin: A2}\n",
            "{part: r-100r, quantity: 7, bin: A2}\n  - {part: r-1k, quantity: 1, bin: A9}\n",
        ),
    ],
)
def test_a_count_a_plan_may_read_runs_the_clear_in_full(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], before: str, after: str, steady_clock: None
) -> None:
    root = cleared_repo
    clear(root, capsys)
    recount(root, before, after)
    assert unchanged_clear(root) is None
    twin = root.parent / "twin"
    shutil.copytree(root, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    assert clear(root, capsys, "--dry-run") == clear(twin, capsys, "--dry-run", "--no-cache")


def test_after_a_clear_that_wrote_a_count_no_plan_read_keeps_its_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The clear that wrote every build file keeps its answer for the files as written, with the lines it read."""
    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    first = clear(root, capsys)
    written = builds(root)
    kept = (root / ".git/ctb/clear-files").read_bytes()
    recount(root, "{part: r-100r, quantity: 100, bin: A2}", "{part: r-100r, quantity: 0, bin: A2}")
    assert unchanged_clear(root) is not None
    again = clear(root, capsys)
    assert (root / ".git/ctb/clear-files").read_bytes() == kept and builds(root) == written
    assert again == clear(root, capsys, "--no-cache") and builds(root) == written
    assert again[1] == first[1]  # the same table (the first one wrote, this one does not)


@pytest.mark.parametrize("name", ["example", "mixed"])
def test_no_plan_minds_lines_of_parts_it_did_not_look_up(name: str, tmp_path: Path) -> None:
    """Every plan, table cell, JSON text and written field is the same with every line of a part no plan looked
    up taken out, and with new lines of such parts added."""
    from decimal import Decimal

    from ctb_files.core.models.stock import StockLine

    root = uncleared(name, tmp_path)
    inv = load_repo(root, cache=False).inventory
    consulted = Consulted()
    list(clear_each(inv, consulted))
    expected = cleared(load_repo(root, cache=False).inventory)
    unseen = sorted(set(inv.parts) - consulted.parts)
    assert unseen and consulted.parts
    inv = load_repo(root, cache=False).inventory
    gone = 0
    for stock in inv.stock.values():
        kept = [line for line in stock.lines if line.part in consulted.parts]
        gone += len(stock.lines) - len(kept)
        object.__setattr__(stock, "lines", kept)
    assert gone > 0
    first = next(iter(inv.stock.values()))
    added = [StockLine(part=part, quantity=Decimal(7), bin="Z9") for part in unseen]
    object.__setattr__(first, "lines", [*first.lines, *added])
    assert cleared(inv) == expected


def cut(root: Path, line: str) -> None:
    recount(root, f"  - {line}\n", "")


def test_lines_of_parts_no_plan_looked_up_come_and_go_keeping_the_last_full_clear(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bin of a part no open build asks for emptied and dropped, or a new bin of one, changes no plan."""
    root = cleared_repo
    kept = full_clear(root, capsys)
    cut(root, "{part: r-100r, quantity: 100, bin: A2}")
    assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)
    path = root / "stock/drawer-a.yaml"
    path.write_text(path.read_text() + "  - {part: vco-module, quantity: 3, bin: E1, counted_at: 2026-12-01}\n")
    assert unchanged_clear(root) is not None
    answered_from_the_kept_clear(root, capsys, kept)


@pytest.mark.parametrize(
    "after",
    [
        "",  # a line of a part the plans look up, taken out
        "{part: tl074-dip, quantity: 5, bin: D3}\n  - {part: r-100r, quantity: 1, bin: E1}\n",  # and one appended
        "{part: tl074-dip, quantity: 5, bin: D3}\n  - {part: r-1k, quantity: 1, bin: E1}\n",  # of a part looked up
        "{part: tl074-dip, quantity: 5, bin: D3}\n  - {part: r-100r, quantity: 2.5, bin: E1}\n",  # no count's shape
        "{part: tl074-dip, quantity: 5, bin: D3}\n  - {part: r-100r, quantity: 1, shelf: E1}\n",  # no such field
        "{part: tl074-dip, quantity: 5, bin: D3}\n  - {part: R 100, quantity: 1}\n",  # no part id
    ],
    ids=["looked-up-out", "out-and-appended", "looked-up-appended", "fraction", "unknown-key", "bad-id"],
)
def test_lines_a_plan_may_mind_coming_or_going_run_the_clear_in_full(
    cleared_repo: Path, capsys: pytest.CaptureFixture[str], after: str, steady_clock: None
) -> None:
    root = cleared_repo
    clear(root, capsys)
    recount(root, "{part: tl074-dip, quantity: 5, bin: D3}\n", after)
    assert unchanged_clear(root) is None
    twin = root.parent / "twin"
    shutil.copytree(root, twin)
    shutil.rmtree(twin / ".git/ctb", ignore_errors=True)
    assert clear(root, capsys, "--dry-run") == clear(twin, capsys, "--dry-run", "--no-cache")
