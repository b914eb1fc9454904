"""The split reading of stock file versions answers exactly as the whole-file parser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctb_files.storage.stockread import StockVersions
from ctb_files.storage.yaml import YamlProblem, load_fast

CASES = [
    b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p2, quantity: 1.5, bin: A3}\n",
    b"# comment\nname: Shelf\nlines:\n  - {part: p1, quantity: 5}\n\n  # gap\n  - {part: p1, quantity: 2, bin: B}\n",
    b"lines:\n- {part: p1, quantity: 5}\n",
    b"lines:\n",
    b"lines:\n  # nothing yet\n",
    b"name: x\nlines:\n  - {part: p1, quantity: 5}\n    - {part: p2, quantity: 1}\n",  # uneven indent: an error
    b"lines:\n  - {part: p1, quantity: 5, part: p2}\n",  # duplicate key
    b"lines:\n  - {part: p1, quantity: .inf}\n",
    b"name: [a,\nlines:\n  - {part: p1, quantity: 5}\n",  # unclosed flow in the head
    b'name: "a\nlines:\n  - {part: p1, quantity: 5}\n',  # unclosed quote in the head
    b"lines: []\nlines:\n  - {part: p1, quantity: 5}\n",  # duplicate lines
    b"lines:\n  - {part: p1, quantity: 5}\n  - {part: \"p2\", quantity: 3}\n",  # quotes: whole-file path
    b"lines:\n  - {part: p1, quantity: 5}\r\n",
    b"lines:\n  - {part: p1, quantity: 0x10, note: a - b: c}\n",
    b"---\nlines:\n  - {part: p1, quantity: 5}\n...\n",
]


@pytest.mark.parametrize("data", CASES)
def test_same_answer_or_same_problem(data: bytes) -> None:
    versions = StockVersions()
    try:
        expected = load_fast(data, "stock/a.yaml")
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as raised:
            versions.load(data, "stock/a.yaml")
        assert raised.value.diagnostic == problem.diagnostic
        return
    assert versions.load(data, "stock/a.yaml") == expected
    assert versions.load(data, "stock/a.yaml") == expected  # and again from what was parsed


def test_versions_share_parsed_lines() -> None:
    versions = StockVersions()
    first = versions.load(b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p2, quantity: 1}\n", "s.yaml")
    second = versions.load(b"lines:\n  - {part: p1, quantity: 6}\n  - {part: p2, quantity: 1}\n", "s.yaml")
    assert first["lines"][0]["quantity"] == 5 and second["lines"][0]["quantity"] == 6
    assert first["lines"][1] is second["lines"][1]
    assert versions.load(b"lines:\n  - {part: p1, quantity: 1.25}\n", "s.yaml")["lines"][0]["quantity"] == Decimal("1.25")
