"""``ctb can-build``: the largest N that would clear now, with the engine's own rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.ops.builds.clearing import clear_builds
from tests.test_allocate_world import apply, bom, build, load, part, stock


def files(**extra: str) -> dict[str, str]:
    return {
        **part("r1"),
        "stock/a.yaml": stock("{part: r1, quantity: 10}"),
        "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}"),
        **extra,
    }


def test_ten_on_hand_at_two_per_unit_is_five(tmp_path: Path) -> None:
    result = can_build(load(tmp_path, files()), "p", "v1")
    assert (result.quantity, result.limited_by) == (5, ["r1"])


def test_open_builds_holdings_are_respected(tmp_path: Path) -> None:
    inv = load(tmp_path, files(**{"builds/b1.yaml": build(3)}))
    apply(inv, clear_builds(inv, ["b1"]))
    assert can_build(inv, "p", "v1").quantity == 2


def test_limited_by_names_every_part_short_at_one_more(tmp_path: Path) -> None:
    inv = load(
        tmp_path,
        {
            **part("r1"),
            **part("r2"),
            **part("r3"),
            "stock/a.yaml": stock("{part: r1, quantity: 9}", "{part: r2, quantity: 12}", "{part: r3, quantity: 100}"),
            "projects/p/bom/v1.yaml": bom(
                "{line: 1, quantity: 3, part: r1}", "{line: 2, quantity: 4, part: r2}", "{line: 3, quantity: 1, part: r3}"
            ),
        },
    )
    result = can_build(inv, "p", "v1")
    assert (result.quantity, result.limited_by) == (3, ["r1", "r2"])


def test_assemblies_count_their_children(tmp_path: Path) -> None:
    inv = load(
        tmp_path,
        {
            **part("panel", "bom:\n  - {part: knob, quantity: 2}\n"),
            **part("knob"),
            "stock/a.yaml": stock("{part: panel, quantity: 2}", "{part: knob, quantity: 7}"),
            "projects/p/bom/v1.yaml": bom("{line: 1, quantity: 1, part: panel}"),
        },
    )
    result = can_build(inv, "p", "v1")
    assert (result.quantity, result.limited_by) == (5, ["knob"])  # 2 panels in stock + 3 built from 6 knobs


def test_an_unmatched_row_allows_none(tmp_path: Path) -> None:
    inv = load(tmp_path, files(**{"projects/p/bom/v1.yaml": bom("{line: 1, quantity: 2, part: r1}", "{line: 4, quantity: 1}")}))
    result = can_build(inv, "p", "v1")
    assert (result.quantity, result.limited_by) == (0, ["line 4 (unmatched BOM row)"])


def test_cli_json_and_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load(tmp_path, files(**{"builds/b1.yaml": build(3)}))
    assert main(["--repo", str(tmp_path), "build", "clear", "b1"]) == 0
    capsys.readouterr()
    assert main(["--repo", str(tmp_path), "can-build", "p", "v1", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"project": "p", "version": "v1", "quantity": 2, "limited_by": ["r1"]}
    assert main(["--repo", str(tmp_path), "can-build", "p", "v1"]) == 0
    assert capsys.readouterr().out == "p:v1: 2 can be built now; limited by r1\n"
    assert main(["--repo", str(tmp_path), "can-build", "p", "v7"]) == 1
    assert main(["--repo", str(tmp_path), "can-build", "zz", "v1"]) == 1
    assert capsys.readouterr().err.splitlines()[-1] == "ctb: no project 'zz' (projects/zz/project.yaml)"
