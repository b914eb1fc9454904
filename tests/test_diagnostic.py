"""Diagnostic is a frozen value: equality, order and hash by path, line, column, code and message."""

from __future__ import annotations

import copy
import pickle

import pytest

from ctb_files.errors import Diagnostic


def test_equality_order_and_hash_go_by_place_code_and_message() -> None:
    warned = Diagnostic("parts/a.yaml", 2, 3, "CTB101", "bad", "warning", ("name",))
    plain = Diagnostic("parts/a.yaml", 2, 3, "CTB101", "bad")
    assert warned == plain and hash(warned) == hash(plain)  # severity and loc ride along
    assert warned != Diagnostic("parts/a.yaml", 2, 4, "CTB101", "bad")
    found = [
        Diagnostic("b", 1),
        Diagnostic("a", 3),
        Diagnostic("a", 2, 9),
        Diagnostic("a", 2, 1, "CTB2"),
        Diagnostic("a", 2, 1, "CTB1"),
    ]
    assert [(d.path, d.line, d.col, d.code) for d in sorted(found)] == [
        ("a", 2, 1, "CTB1"), ("a", 2, 1, "CTB2"), ("a", 2, 9, "CTB000"), ("a", 3, 1, "CTB000"), ("b", 1, 1, "CTB000"),
    ]  # fmt: skip
    assert plain <= warned <= plain and not plain < warned and not plain > warned
    assert (plain == "text") is False
    with pytest.raises(TypeError):
        _ = plain < "text"  # type: ignore[operator]
    assert len({warned, plain}) == 1


def test_frozen_copied_and_pickled_whole() -> None:
    found = Diagnostic("stock/a.yaml", 0, 0, "CTB301", "over-reserved", "error", ("lines", 4))
    with pytest.raises(AttributeError, match="frozen"):
        found.line = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="frozen"):
        del found.line
    for again in (pickle.loads(pickle.dumps(found)), copy.copy(found), copy.deepcopy(found)):
        assert repr(again) == repr(found)
    located = found.replace(line=10, col=5)
    assert (located.line, located.col, located.loc, found.line) == (10, 5, ("lines", 4), 0)
    with pytest.raises(TypeError, match="no field 'row'"):
        found.replace(row=1)
    assert repr(found) == (
        "Diagnostic(path='stock/a.yaml', line=0, col=0, code='CTB301', message='over-reserved', severity='error', "
        "loc=('lines', 4))"
    )
    assert found.render() == "stock/a.yaml:0:0: CTB301 lines[4]: over-reserved"
