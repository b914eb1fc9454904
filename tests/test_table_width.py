"""Tables measure terminal cells: wide characters line up; on a narrow terminal rich folds cells."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ctb_files.render.table import set_terminal_width, table


@pytest.fixture(autouse=True)
def _pipe() -> Iterator[None]:
    set_terminal_width(None)
    yield
    set_terminal_width(None)


def test_wide_characters_align() -> None:
    text = table(["part", "名前", "qty"], [["r1", "抵抗器", 5], ["knob-davies", "x", 10]], right=[2])
    assert text == (
        "part         名前    qty\n"
        "-----------  ------  ---\n"
        "r1           抵抗器    5\n"
        "knob-davies  x        10"
    )


def test_a_pipe_never_wraps_and_a_terminal_folds_to_its_width() -> None:
    rows = [["r1", "a very long description of a resistor part", 5], ["knob-davies", "x", 10]]
    plain = table(["part", "description", "qty"], rows, right=[2])
    assert plain.splitlines()[2] == "r1           a very long description of a resistor part    5"
    set_terminal_width(200)
    assert table(["part", "description", "qty"], rows, right=[2]) == plain  # it fits: the same text
    set_terminal_width(30)
    folded = table(["part", "description", "qty"], rows, right=[2])
    assert max(len(line) for line in folded.splitlines()) <= 30
    assert folded.splitlines()[:3] == ["part         description   qty", "r1           a very long     5", "             description"]
