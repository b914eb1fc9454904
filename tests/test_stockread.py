"""The row-wise reading of stock and BOM file versions answers exactly as the whole-file parser."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctb_files.storage.bomread import BomVersions
from ctb_files.storage.rowread import RowVersions
from ctb_files.storage.stockread import NOT_PLAIN, StockVersions, plain_scalar
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
    b'lines:\n  - {part: p1, quantity: 5}\n  - {part: "p2", quantity: 3}\n',  # quotes: whole-file path
    b"lines:\n  - {part: p1, quantity: 5}\r\n",
    b"lines:\n  - {part: p1, quantity: 0x10, note: a - b: c}\n",
    b"---\nlines:\n  - {part: p1, quantity: 5}\n...\n",
    # written on Windows: CR LF reads as LF; a CR alone, or a CR LF inside quotes, as the parser reads it
    b"name: x\r\nlines:\r\n  - {part: p1, quantity: 5}\r\n\r\n  # b\r\n  - {part: p2, quantity: 1}\r\n",
    b"name: x\rlines:\r  - {part: p1, quantity: 5}\r",
    b"name: x\r\r\nlines:\r\n  - {part: p1, quantity: 5}\r\n",
    b'name: "a\r\n  b"\r\nlines:\r\n  - {part: p1, quantity: 5}\r\n',
    # a comment after a line
    b"lines:\n  - {part: p1, quantity: 5}  # reel\n  - {part: p2, quantity: 1} #\n",
    b"lines:\n  - {part: p1, quantity: 5}# reel\n",
    b"lines:\n  - {part: p1, quantity: 5}  x\n",
    b"lines:\n  - {part: p1, quantity: 5}  # caf\xc3\xa9\n",
    b"lines:\n  - {part: p1, quantity: 5}  # {a} }\n",
    b"lines:\n  - {part: p1, quantity: 5}, {part: p2}\n",
    # vendor part numbers that start with a digit are text; an exponent or a date is not
    b"lines:\n  - {part: 595-TL074CDR, quantity: 5, bin: 296-1395-5-ND}\n  - {part: 71-CRCW0603-10K, quantity: 1}\n",
    b"lines:\n  - {part: p1, quantity: 5, note: 1e-5}\n  - {part: p2, quantity: 1, note: 12E-3}\n",
    b"lines:\n  - {part: p1, quantity: 5, note: 2024-01-02}\n  - {part: p2, quantity: 1, note: 1-e5}\n",
    b"lines:\n  - {part: 0x1F-a, quantity: 5, note: 1e-}\n  - {part: 9-A-, quantity: 1, note: 1--a}\n",
]


# words that start with a digit: text where no reader takes them for a number or a date
AS_TEXT = [
    b"595-TL074CDR",
    b"296-1395-5-ND",
    b"2N3904",
    b"10k",
    b"4k7",
    b"1-e5",
    b"1e-",
    b"0-a",
    b"1--a",
    b"2e",
    b"0.1uF",
    b"4.7k",
    b"10uF 50V",
    b"0.1uF 50V X5R",
    b"1.5e-3x",
    b"1e5 x",
    b"1_0k",
]
NOT_TEXT = [
    b"1e-5", b"12E-3", b"1E-05", b"1e5", b"2024-01-02", b"1-2", b"3-", b"0x1F", b"0x1F-a", b"0o17-b", b"0b1",
    b"1.5e3", b"1.0e+5", b"1_0e5", b"10 uF", b"1.2.3", b"10uF  50V", b"1:20",
]  # fmt: skip


@pytest.mark.parametrize("text", AS_TEXT + NOT_TEXT)
def test_a_plain_scalar_is_read_as_the_parser_reads_it(text: bytes) -> None:
    found = plain_scalar(text)
    for data in (b"k: " + text + b"\n", b"- {k: " + text + b"}\n"):
        parsed = load_fast(data, "x")
        value = parsed["k"] if isinstance(parsed, dict) else parsed[0]["k"]
        if found is not NOT_PLAIN:
            assert (type(found), found) == (type(value), value)
    assert (found is not NOT_PLAIN) == (text in AS_TEXT)


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


def test_a_history_written_on_windows_is_read_row_by_row() -> None:
    versions = StockVersions()
    data = b"name: x\r\nlines:\r\n  - {part: p1, quantity: 5}\r\n  - {part: p2, quantity: 1}\r\n"
    assert versions._split(data) == load_fast(data, "stock/a.yaml")  # not left to the whole-file parser


def test_a_comment_after_a_line_is_read_row_by_row() -> None:
    data = b"name: x\nlines:\n  - {part: p1, quantity: 5}  # reel\n  - {part: p2, quantity: 1}\n"
    assert StockVersions()._split(data) == load_fast(data, "stock/a.yaml")  # not left to the whole-file parser


def test_versions_share_parsed_lines() -> None:
    versions = StockVersions()
    first = versions.load(b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p2, quantity: 1}\n", "s.yaml")
    second = versions.load(b"lines:\n  - {part: p1, quantity: 6}\n  - {part: p2, quantity: 1}\n", "s.yaml")
    assert first["lines"][0]["quantity"] == 5 and second["lines"][0]["quantity"] == 6
    assert first["lines"][1] is second["lines"][1]
    assert versions.load(b"lines:\n  - {part: p1, quantity: 1.25}\n", "s.yaml")["lines"][0]["quantity"] == Decimal(
        "1.25"
    )


# Stock and BOM files share one row-wise reader (storage/rowread); each kind only names its list key,
# the characters an item row may hold and, for stock, its plain-row reader.  On the same hostile inputs,
# each one's list under its own key, every kind answers as the parser.
HOSTILE = [
    *CASES,
    b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p2, refs: [R1, R2], quantity: 1}\n",  # a flow list in a row
    b"lines:\n  - {part: p1, refs: [R1, quantity: 5}\n",  # an unclosed list in a row
    b"lines:\n  - {part: p1, quantity: 5} # trailing comment\n",
    b"lines:\n  - {part: p1, quantity: 5}\n  -  {part: p2, quantity: 1}\n",  # two spaces after the dash
    b"lines:\n  - {part: p1, quantity: 5}\n  - {part: p2, nested: {a: 1}}\n",
    b"lines:\n  - {part: p1, quantity: 5}\nname: after\n",  # a key after the list
    b"lines:\n\tx\n",
    b"name: x\nlines: # note\n  - {part: p1, quantity: 5}\n",
    b"name: x\n  lines:\n  - {part: p1, quantity: 5}\n",
    b"name: &a x\nother: *a\nlines:\n  - {part: p1, quantity: 5}\n",
    b"\xff\xfelines:\n",  # not UTF-8
    b"lines:\n  - {part: p\xc3\xa9, quantity: 5}\n",  # non-ASCII in a row: the whole-file parser
    b"lines:\n" + b"  # c\n" * 10_001,  # more rows than the split reading takes
    b"lines:\n  - {part: p1, quantity: 5}\n" + b"#" * 5_000_000,  # over the file size limit
]


@pytest.mark.parametrize("kind", [RowVersions, StockVersions, BomVersions])
@pytest.mark.parametrize("data", HOSTILE, ids=range(len(HOSTILE)))
def test_every_kind_reads_as_the_parser(kind: type[RowVersions], data: bytes) -> None:
    data = data.replace(b"lines:", kind.key + b":")
    versions = kind()
    try:
        expected: object = load_fast(data, "f.yaml")
    except YamlProblem as problem:
        expected = problem.diagnostic
    for _ in range(2):  # the second time every piece comes from what was parsed
        try:
            got: object = versions.load(data, "f.yaml")
        except YamlProblem as problem:
            got = problem.diagnostic
        assert got == expected


def test_the_kinds_read_their_own_list() -> None:
    assert (RowVersions.key, StockVersions.key, BomVersions.key) == (b"lines", b"lines", b"rows")
    bom = b"project: p\nrows:\n  - {line: 1, refs: [R1, R2], quantity: 2, part: r1}\n"
    assert BomVersions().load(bom, "b.yaml") == {
        "project": "p",
        "rows": [{"line": 1, "refs": ["R1", "R2"], "quantity": 2, "part": "r1"}],
    }
    # stock rows hold no lists: such a row is left to the whole-file parser, with the same answer
    stock = b"lines:\n  - {part: p1, refs: [R1], quantity: 2}\n"
    versions = StockVersions()
    assert versions.load(stock, "s.yaml") == {"lines": [{"part": "p1", "refs": ["R1"], "quantity": 2}]}
    assert versions._rows == {}  # nothing was taken row by row
