"""``ctb stock show/add/set/move`` on real files (and real git for --commit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from tests.conftest import commit_all, git, write_tree

DRAWER = """\
# drawer A, left of the bench
name: Drawer A   # shown in reports
lines:
  - {part: r1, quantity: 10}  # the reel
  - {part: wire, quantity: 2.5}
  # salvaged chips below
  - {part: chip, quantity: 4, bin: "3", deprioritized: true}
"""

WORLD = {
    "ctb.yaml": "ctb: 1\ndefault_location: a\n",
    "parts/r1.yaml": "name: R1\n",
    "parts/chip.yaml": "name: Chip\n",
    "parts/wire.yaml": "name: Wire\nunit: m\n",
    "stock/a.yaml": DRAWER,
    "stock/b.yaml": "lines:\n  - {part: r1, quantity: 1}\n",
    "projects/p/project.yaml": "name: P\nversions:\n  - {name: v1}\n",
    "projects/p/bom/v1.yaml": "project: p\nversion: v1\nrows:\n  - {line: 1, quantity: 2, part: r1}\n",
    "builds/b1.yaml": """\
        project: p
        version: v1
        quantity: 3
        status: cleared
        reservations:
          - part: r1
            quantity: 6
            lines: [1]
            take:
              - {location: a, part: r1, quantity: 6}
    """,
}


@pytest.fixture
def world(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "inv", WORLD)
    assert not load_repo(root).diagnostics
    return root


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def out_json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


# --- show -----------------------------------------------------------------------------------


def test_show_json_counts_what_open_builds_reserve(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "show", "r1", "--format", "json") == 0
    assert out_json(capsys) == {
        "lines": [
            {"location": "a", "part": "r1", "bin": None, "on_hand": 10, "reserved": 6, "available": 4, "deprioritized": False},
            {"location": "b", "part": "r1", "bin": None, "on_hand": 1, "reserved": 0, "available": 1, "deprioritized": False},
        ],
        "totals": {"r1": {"on_hand": 11, "reserved": 6, "available": 5}},
    }


def test_show_everything_at_one_location_as_a_table(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "show", "--location", "a") == 0
    assert capsys.readouterr().out == (
        "location  bin  part  on hand  reserved  available  deprioritized\n"
        "--------  ---  ----  -------  --------  ---------  -------------\n"
        "a              r1         10         6          4\n"
        "a              wire      2.5         0        2.5\n"
        "a         3    chip        4         0          4  yes\n"
        "\n"
        "totals\n"
        "part  unit  on hand  reserved  available\n"
        "----  ----  -------  --------  ---------\n"
        "chip  pcs         4         0          4\n"
        "r1    pcs        10         6          4\n"
        "wire  m         2.5         0        2.5\n"
    )


def test_show_json_numbers_are_numbers(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "show", "wire", "--format", "json") == 0
    doc = out_json(capsys)
    assert doc["totals"] == {"wire": {"on_hand": 2.5, "reserved": 0, "available": 2.5}}
    assert isinstance(doc["lines"][0]["reserved"], int)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["r11"], "ctb: no part 'r11' (parts/r11.yaml) (did you mean 'r1'?)\n"),
        (["--location", "c"], "ctb: no stock location 'c' (stock/c.yaml)\n"),
        (["WIRE"], "ctb: no part 'WIRE' (parts/WIRE.yaml) (did you mean 'wire'?)\n"),
        (["--location", "A"], "ctb: no stock location 'A' (stock/A.yaml) (did you mean 'a'?)\n"),
    ],
)
def test_show_refuses_unknown_names_in_one_line(world: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert ctb(world, "stock", "show", *args) == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", message)


# --- add --------------------------------------------------------------------------------------


def test_add_creates_a_line_then_adds_to_it_keeping_every_other_byte(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "add", "r1", "5", "--location", "a", "--bin", "7") == 0
    assert (world / "stock/a.yaml").read_text() == DRAWER + '  - {part: r1, quantity: 5, bin: "7"}\n'
    assert ctb(world, "stock", "add", "r1", "3", "--location", "a", "--bin", "7") == 0
    assert (world / "stock/a.yaml").read_text() == DRAWER + '  - {part: r1, quantity: 8, bin: "7"}\n'
    assert capsys.readouterr().out == "a bin 7: r1 0 → 5 (+5)\na bin 7: r1 5 → 8 (+3)\n"


def test_add_to_an_existing_line_changes_only_its_quantity(world: Path) -> None:
    assert ctb(world, "stock", "add", "r1", "5") == 0  # default_location: a
    assert (world / "stock/a.yaml").read_text() == DRAWER.replace("quantity: 10}", "quantity: 15}")
    assert ctb(world, "stock", "add", "wire", "0.25") == 0
    assert (world / "stock/a.yaml").read_text() == DRAWER.replace("quantity: 10}", "quantity: 15}").replace("2.5", "2.75")


def test_add_creates_a_new_location_file(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "add", "chip", "2", "--location", "shelf", "--note", "from kit", "--new-location") == 0
    assert (world / "stock/shelf.yaml").read_text() == "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: chip, quantity: 2, note: from kit}\n"
    assert "new location shelf (stock/shelf.yaml)" in capsys.readouterr().err


def test_add_to_an_empty_flow_list(world: Path) -> None:
    (world / "stock/c.yaml").write_text("name: C\nlines: []  # nothing yet\n")
    assert ctb(world, "stock", "add", "r1", "4", "--location", "c", "--new-location") == 0
    assert load_repo(world).inventory.stock["c"].lines[0].quantity == 4
    assert (world / "stock/c.yaml").read_text().startswith("name: C\nlines:")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["r11", "5"], "ctb: no part 'r11' (parts/r11.yaml) (did you mean 'r1'?)\n"),
        (["r1", "1.5"], "ctb: r1 is counted in pieces: 1.5 is not a whole number\n"),
        (["r1", "0"], "ctb: the quantity must be more than 0, not 0\n"),
        (["r1", "0.0000001"], "ctb: r1 is counted in pieces: 0.0000001 is not a whole number\n"),
        (["r1", "999999999999995"], "ctb: r1 at a would reach 1000000000000005; quantities stay below 10^15\n"),
    ],
)
def test_add_refuses_and_writes_nothing(world: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    before = (world / "stock/a.yaml").read_bytes()
    assert ctb(world, "stock", "add", *args) == 1
    assert capsys.readouterr().err == message
    assert (world / "stock/a.yaml").read_bytes() == before
    assert sorted(p.name for p in (world / "stock").iterdir()) == ["a.yaml", "b.yaml"]


@pytest.mark.parametrize(
    ("text", "why"),
    [("1e400", "too large"), ("123456789012345678901234567890", "too large"), ("1e-400", "at most 9 decimal places"),
     ("NaN", "a number of 0 or more")],
)  # fmt: skip
def test_quantities_beyond_reason_are_a_usage_error(world: Path, capsys: pytest.CaptureFixture[str], text: str, why: str) -> None:
    before = (world / "stock/a.yaml").read_bytes()
    for command in (["add", "wire", text], ["set", "wire", text, "--location", "a"]):
        assert ctb(world, "stock", *command) == 2
        assert capsys.readouterr().err == f"ctb: not a quantity: {text!r} ({why})\n"
    assert (world / "stock/a.yaml").read_bytes() == before


def test_add_needs_a_location_without_default(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (world / "ctb.yaml").write_text("ctb: 1\n")
    assert ctb(world, "stock", "add", "r1", "5") == 2
    assert capsys.readouterr().err == "ctb: give --location (ctb.yaml has no default_location)\n"
    assert ctb(world, "stock", "add", "r1", "-5", "--location", "a") == 2


def test_add_commit_message_and_trailer(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "inv", WORLD)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start")
    assert ctb(root, "stock", "add", "r1", "5", "--location", "a", "--commit") == 0
    assert git(root, "log", "-1", "--format=%B").strip() == "ctb: stock add 5 r1 to a\n\nCtb-Part: r1"
    assert git(root, "show", "--name-only", "--format=", "HEAD") == "stock/a.yaml\n"
    assert git(root, "status", "--porcelain") == ""


def test_add_dry_run_prints_the_diff_and_writes_nothing(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "add", "r1", "5", "--dry-run") == 0
    assert capsys.readouterr().out == (
        "--- a/stock/a.yaml\n+++ b/stock/a.yaml\n@@ -1,7 +1,7 @@\n"
        " # drawer A, left of the bench\n name: Drawer A   # shown in reports\n lines:\n"
        "-  - {part: r1, quantity: 10}  # the reel\n+  - {part: r1, quantity: 15}  # the reel\n"
        "   - {part: wire, quantity: 2.5}\n   # salvaged chips below\n"
        '   - {part: chip, quantity: 4, bin: "3", deprioritized: true}\n'
    )
    assert (world / "stock/a.yaml").read_text() == DRAWER


def test_add_json(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "add", "wire", "0.5", "--format", "json") == 0
    assert out_json(capsys) == {"changes": [{"location": "a", "part": "wire", "bin": None, "before": 2.5, "after": 3}]}


# --- set --------------------------------------------------------------------------------------


def test_set_counts_a_line(world: Path) -> None:
    assert ctb(world, "stock", "set", "r1", "7", "--location", "a") == 0
    assert (world / "stock/a.yaml").read_text() == DRAWER.replace("quantity: 10}  #", "quantity: 7}   #")
    assert ctb(world, "stock", "set", "chip", "0", "--location", "a", "--bin", "3") == 0
    assert load_repo(world).inventory.stock["a"].lines[2].quantity == 0


def test_set_refuses_below_what_builds_reserve(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "set", "r1", "5", "--location", "a") == 1
    assert capsys.readouterr().err == (
        "ctb: cannot set r1 at a to 5: build b1 (6) reserves 6 there; cancel or re-clear it first\n"
    )
    assert (world / "stock/a.yaml").read_text() == DRAWER


def test_set_needs_a_location(world: Path) -> None:
    assert ctb(world, "stock", "set", "r1", "5") == 2


# --- move -------------------------------------------------------------------------------------


def test_move_leaves_the_rest_and_creates_the_target_line(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (world / "builds/b1.yaml").unlink()
    assert ctb(world, "stock", "move", "r1", "4", "--from", "a", "--to", "shelf", "--to-bin", "2", "--new-location") == 0
    assert (world / "stock/a.yaml").read_text() == DRAWER.replace("quantity: 10}  #", "quantity: 6}   #")
    assert (world / "stock/shelf.yaml").read_text() == '# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: r1, quantity: 4, bin: "2"}\n'
    assert (world / "stock/b.yaml").read_text() == "lines:\n  - {part: r1, quantity: 1}\n"
    assert capsys.readouterr().out == "a: r1 10 → 6 (-4)\nshelf bin 2: r1 0 → 4 (+4)\n"


def test_move_adds_to_an_existing_target_line(world: Path) -> None:
    assert ctb(world, "stock", "move", "r1", "4", "--from", "a", "--to", "b") == 0
    assert (world / "stock/b.yaml").read_text() == "lines:\n  - {part: r1, quantity: 5}\n"
    assert (world / "stock/a.yaml").read_text() == DRAWER.replace("quantity: 10}  #", "quantity: 6}   #")


def test_move_refuses_reserved_stock_naming_the_build(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "move", "r1", "5", "--from", "a", "--to", "b") == 1
    assert capsys.readouterr().err == "ctb: cannot move 5 r1 from a: 10 on hand, 6 reserved by build b1 (6), 4 available\n"
    assert (world / "stock/a.yaml").read_text() == DRAWER
    assert (world / "stock/b.yaml").read_text() == "lines:\n  - {part: r1, quantity: 1}\n"


def test_move_from_a_missing_line(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "move", "chip", "1", "--from", "b", "--to", "a") == 1
    assert capsys.readouterr().err == "ctb: b holds no chip\n"
    assert ctb(world, "stock", "move", "chip", "1", "--from", "x", "--to", "a") == 1
    assert capsys.readouterr().err == "ctb: no stock location 'x' (stock/x.yaml)\n"
    assert ctb(world, "stock", "move", "r1", "1", "--from", "a", "--to", "a") == 2


def test_move_between_bins_of_one_location_commits_one_file(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "inv", WORLD)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "start")
    assert ctb(root, "stock", "move", "chip", "1", "--from", "a", "--from-bin", "3", "--to", "a", "--commit") == 0
    assert git(root, "log", "-1", "--format=%B").strip() == "ctb: stock move 1 chip from a bin 3 to a\n\nCtb-Part: chip"
    assert (root / "stock/a.yaml").read_text() == (
        DRAWER.replace("quantity: 4, bin", "quantity: 3, bin") + "  - {part: chip, quantity: 1}\n"
    )


def test_a_new_location_may_not_differ_from_another_only_by_case(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ctb(world, "stock", "add", "r1", "1", "--location", "A") == 1
    assert capsys.readouterr().err == "ctb: location 'A' differs from 'a' only by case; use 'a'\n"
    assert ctb(world, "stock", "add", "r1", "1", "--location", "../x") == 2
    assert sorted(p.name for p in (world / "stock").iterdir()) == ["a.yaml", "b.yaml"]


def test_set_creates_a_missing_line(world: Path) -> None:
    assert ctb(world, "stock", "set", "chip", "3", "--location", "b") == 0
    assert (world / "stock/b.yaml").read_text() == "lines:\n  - {part: r1, quantity: 1}\n  - {part: chip, quantity: 3}\n"


def test_move_from_a_line_in_a_bin_names_the_bin(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (world / "stock/a.yaml").read_bytes()
    assert ctb(world, "stock", "move", "chip", "1", "--from", "a", "--to", "b") == 1
    assert capsys.readouterr().err == "ctb: a holds no chip (it is in bin 3: give --from-bin)\n"
    assert (world / "stock/a.yaml").read_bytes() == before


def test_move_refuses_to_overflow_the_target(world: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (world / "stock/b.yaml").write_text("lines:\n  - {part: r1, quantity: 999999999999999}\n")
    before = (world / "stock/a.yaml").read_bytes()
    assert ctb(world, "stock", "move", "r1", "4", "--from", "a", "--to", "b") == 1
    assert capsys.readouterr().err == "ctb: r1 at b would reach 1000000000000003; quantities stay below 10^15\n"
    assert (world / "stock/a.yaml").read_bytes() == before
