"""The id rule has one home (core/ids.valid_id), and the models' Id type agrees with it on every edge."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from ctb_files.core.ids import valid_id
from ctb_files.core.models.common import Id

EDGES = [
    "r-10k", "a", "A9", "a" * 80, "a.b_c+d-e",  # taken
    "", "a" * 81, "-a", ".a", "_a", "a..b", "a b", "ä", "a/b", "abc\n", "abc\r", "\nabc", "abc\n\n",  # refused
]  # fmt: skip


@pytest.mark.parametrize("text", EDGES)
def test_valid_id_and_the_id_type_agree(text: str) -> None:
    adapter: TypeAdapter[str] = TypeAdapter(Id)
    try:
        adapter.validate_python(text)
        taken = True
    except ValidationError:
        taken = False
    assert valid_id(text) is taken, text


def test_a_final_newline_is_no_part_of_an_id() -> None:
    assert not valid_id("abc\n")  # ``$`` alone would take it: a file named "abc\n.yaml"
    assert valid_id("abc")
