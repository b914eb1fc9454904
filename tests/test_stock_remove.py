"""``ctb stock remove`` and the location typo guard of add/set/move and order receive."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import commit_all, git
from tests.test_stock_cli import ctb, out_json, world  # noqa: F401 - the fixture

__all__ = ["world"]


def test_remove_refuses_to_go_below_what_builds_reserve_and_accepts_down_to_it(
    world: Path, capsys: pytest.CaptureFixture[str]  # noqa: F811
) -> None:
    before = (world / "stock/a.yaml").read_text()
    assert ctb(world, "stock", "remove", "r1", "5", "--location", "a") == 1
    captured = capsys.readouterr()
    assert captured.err == "ctb: cannot remove 5 r1 from a: 10 on hand, build b1 (6) reserves 6, at most 4 can be removed\n"
    assert captured.err.count("\n") == 1
    assert (world / "stock/a.yaml").read_text() == before
    assert ctb(world, "stock", "remove", "r1", "4", "--location", "a") == 0
    assert capsys.readouterr().out == "a: r1 10 → 6 (-4)\n"
    assert (world / "stock/a.yaml").read_text() == before.replace("quantity: 10}  #", "quantity: 6}   #")


def test_remove_json_and_bad_input(world: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert ctb(world, "stock", "remove", "wire", "0.5", "--location", "a", "--format", "json") == 0
    assert out_json(capsys) == {"changes": [{"location": "a", "part": "wire", "bin": None, "before": 2.5, "after": 2}]}
    assert ctb(world, "stock", "remove", "chip", "5", "--location", "a", "--bin", "3") == 1
    assert capsys.readouterr().err == "ctb: cannot remove 5 chip from a bin 3: only 4 on hand\n"
    assert ctb(world, "stock", "remove", "chip", "1", "--location", "a") == 1
    assert capsys.readouterr().err == "ctb: a holds no chip (it is in bin 3: give --bin)\n"
    assert ctb(world, "stock", "remove", "r1", "-5", "--location", "a") == 2
    assert ctb(world, "stock", "remove", "r1", "x", "--location", "a") == 2


def test_remove_reason_goes_into_the_commit_message(world: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    git(world, "init", "-q")
    commit_all(world, "start")
    assert ctb(world, "stock", "remove", "r1", "1", "--location", "b", "--reason", "dropped on the floor", "--commit") == 0
    message = git(world, "log", "-1", "--format=%B")
    assert message.startswith("ctb: stock remove 1 r1 from b: dropped on the floor\n")
    assert (world / "stock/b.yaml").read_text() == "lines:\n  - {part: r1, quantity: 0}\n"


def test_add_to_a_mistyped_location_is_refused_with_a_hint(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import write_tree

    root = write_tree(tmp_path / "inv", {
        "ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R1\n",
        "stock/shelf.yaml": "lines:\n  - {part: r1, quantity: 1}\n",
    })  # fmt: skip
    assert ctb(root, "stock", "add", "r1", "5", "--location", "shlef") == 1
    err = capsys.readouterr().err
    assert err == "ctb: no stock location 'shlef' (stock/shlef.yaml) (did you mean shelf?); give --new-location to create it\n"
    assert "did you mean shelf" in err
    assert not (root / "stock/shlef.yaml").exists()
    for args in (["stock", "set", "r1", "5", "--location", "shlef"],
                 ["stock", "move", "r1", "1", "--from", "shelf", "--to", "shlef"]):  # fmt: skip
        assert ctb(root, *args) == 1
        assert "did you mean shelf" in capsys.readouterr().err
        assert not (root / "stock/shlef.yaml").exists()
    assert ctb(root, "stock", "add", "r1", "5", "--location", "bench", "--new-location") == 0
    assert (root / "stock/bench.yaml").read_text() == "# yaml-language-server: $schema=../.ctb/schemas/stock.schema.json\nlines:\n  - {part: r1, quantity: 5}\n"
