"""The loader reads the lists of stock, BOM and build files line by line (``storage/listread``): the same data, the same messages."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen import generate, generate_bins, generate_deep, generate_mixed, generate_shared
from ctb_files.cli import main
from ctb_files.core.models.settings import Limits
from ctb_files.storage import listread
from ctb_files.storage.filedata import parse_file
from ctb_files.storage.loader import load_repo
from ctb_files.storage.writeback.build import render_build
from ctb_files.storage.yaml import YamlProblem, load_fast
from ctb_files.storage.yaml.read import default_limits
from tests.test_allocate_emit import HEADS, fields
from tests.test_stock_load_rows import typed

WRITTEN = (
    b"project: p\nversion: v1\nquantity: 3\nstatus: short\ncleared_at: 2026-12-07T16:06:23Z\n"
    b"reservations:\n"
    b"  - part: r1\n    quantity: 15\n    lines: [52]\n    take:\n      - {location: loc-0, part: r1, quantity: 15}\n"
    b"  - part: c2\n    quantity: 2.5\n    lines: []\n    take: []\n"
    b"shortages:\n  - {part: p1165, quantity: 7, lines: [5, 50]}\n  - {part: p1166, quantity: 3, lines: [20]}\n"
    b"assemblies: []\n"
)


PYYAML = (  # a cleared build as yaml.safe_dump writes it: lists at their key's column, keys sorted
    b"assemblies: []\ncleared_at: 2026-12-07 16:06:23+00:00\nproject: p\nquantity: 3\n"
    b"reservations:\n- lines:\n  - 52\n  part: r1\n  quantity: 15\n  take:\n  - location: loc-0\n    part: r1\n"
    b"    quantity: 15\n- lines: []\n  part: c2\n  quantity: 2.5\n  take: []\nshortages:\n- lines:\n  - 5\n"
    b"  - 50\n  part: p1165\n  quantity: 7\n- lines:\n  - 20\n  part: p1166\n  quantity: 3\nstatus: short\nversion: v1\n"
)


ORDER = (
    b"vendor: mouser\nstatus: placed\ncreated_at: 2026-12-01T10:00:00Z\nlines:\n"
    b"  - {part: r1, sku: R-1, quantity: 100, received: 0, for: {b1: 4, vco-batch-1: 2}}\n"
    b"  - {part: c1, quantity: 2.5, received: 0.5, for: {}}\n"
)
ORDER_BLOCK = (
    b"created_at: 2026-12-01 10:00:00+00:00\nlines:\n- for:\n    b1: 4\n    vco-batch-1: 2\n  part: r1\n"
    b"  quantity: 100\n  received: 0\n- for: {}\n  part: c1\n  quantity: 2.5\n  received: 0.5\nstatus: placed\n"
)


def same(data: bytes, limits: Any = None) -> None:
    """``parse_file`` of a build file answers as the whole-file parser: the same data of the same types, or the same problem."""
    limits = limits or default_limits()
    try:
        expected = load_fast(data, "builds/b.yaml", limits)
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as raised:
            parse_file(data, "builds/b.yaml", limits)
        assert raised.value.diagnostic == problem.diagnostic
        return
    found = parse_file(data, "builds/b.yaml", limits)
    assert typed(found) == typed(expected)
    if isinstance(found, dict):
        assert list(found) == list(expected)


def read_here(data: bytes) -> bool:
    """Whether the file was read line by line (not left to the whole-file parser)."""
    try:
        listread._read(data, "builds/b.yaml")
    except listread._Unshaped:
        return False
    return True


ODD = [
    WRITTEN.replace(b"quantity: 15\n", b"quantity: 0x10\n"),  # a number the parser reads otherwise
    WRITTEN.replace(b"part: r1\n", b"part: 0805\n"),  # text that reads as a number
    WRITTEN.replace(b"part: r1\n", b"part: true\n"),
    WRITTEN.replace(b"part: r1\n", b"part: True\n"),
    WRITTEN.replace(b"{location: loc-0,", b"{location: loc-0, spare: false,"),
    WRITTEN.replace(b"part: r1\n", b"part: 2026-01-01\n"),
    WRITTEN.replace(b"part: r1\n", b"part: 'r1'\n"),  # quotes
    WRITTEN.replace(b"part: r1\n", b"part: r1  # the resistor\n"),  # a comment
    WRITTEN.replace(b"part: r1\n", b"part: r\xc3\xa9\n"),  # not ASCII
    WRITTEN.replace(b"part: r1\n", b"part: r1\n    part: r2\n"),  # a key twice in an item
    WRITTEN.replace(b"quantity: 15\n", b"quantity: 1234567890123456789\n"),  # past the digits a number may have
    WRITTEN.replace(b"quantity: 15\n", b"quantity: 1e3\n"),
    WRITTEN.replace(b"quantity: 15\n", b"quantity: .inf\n"),
    WRITTEN.replace(b"lines: [52]", b"lines: [52,53]"),
    WRITTEN.replace(b"lines: [52]", b"lines: [52, [1]]"),
    WRITTEN.replace(b"lines: [52]", b"lines: [52, 53"),  # unclosed
    WRITTEN.replace(b"    take:\n      - {location", b"    take:\n    - {location"),  # the rows at the key's indent
    WRITTEN.replace(b"    take:\n      - {location", b"    take:\n        - {location"),  # deeper rows
    WRITTEN.replace(b"    take:\n      - {location: loc-0, part: r1, quantity: 15}\n", b"    take:\n"),  # take: null
    WRITTEN.replace(
        b"      - {location: loc-0, part: r1, quantity: 15}", b"      - R1\n      - 2.5\n      - true"
    ),  # scalars
    WRITTEN.replace(
        b"      - {location: loc-0, part: r1, quantity: 15}", b"      - R1\n      - {part: r1}"
    ),  # mixed rows
    WRITTEN.replace(b"      - {location: loc-0, part: r1, quantity: 15}", b"      - a: b"),
    WRITTEN.replace(b"      - {location: loc-0, part: r1, quantity: 15}", b"      -"),
    WRITTEN.replace(b"      - {location: loc-0, part: r1, quantity: 15}", b"      - [R1]"),
    WRITTEN.replace(b"      - {location: loc-0, part: r1, quantity: 15}", b"      - 2026-01-01"),
    WRITTEN.replace(b"  - part: c2\n", b"\n  - part: c2\n"),  # a blank line inside
    WRITTEN.replace(b"  - part: c2\n", b"# between\n  - part: c2\n"),  # a comment at column 0 inside
    WRITTEN.replace(b"  - part: c2\n", b"  # between\n  - part: c2\n"),
    WRITTEN.replace(b"{part: p1165, quantity: 7", b"{part: p1165, quantity: 7, part: p2"),  # a key twice in a row
    WRITTEN.replace(b"{part: p1165, quantity: 7", b"{part: p1165,quantity: 7"),
    WRITTEN.replace(b"{part: p1165, quantity: 7", b"{part: p1165, quantity: 7, {a: 1}: 2"),
    WRITTEN.replace(b"{part: p1165, quantity: 7", b"{part: p 1165, quantity: 7"),
    WRITTEN.replace(b"{part: p1165, quantity: 7", b"{true: p1165, quantity: 7"),
    WRITTEN.replace(b"lines: [5, 50]}\n", b"lines: [5, 50]} \n"),  # a trailing space
    WRITTEN.replace(b"shortages:\n", b"shortages: # later\n"),
    WRITTEN.replace(b"shortages:\n", b"reservations:\n"),  # a key twice at the top
    WRITTEN.replace(b"assemblies: []\n", b"project: q\n"),
    WRITTEN.replace(b"project: p\n", b"project: [p,\n"),  # an open flow list swallows what follows
    WRITTEN.replace(b"project: p\n", b'project: "p\n') + b'x: y"\n',  # an open quote
    WRITTEN.replace(b"project: p\n", b"project: |\n  p\n  q\n"),  # a block scalar before a list
    WRITTEN + b"note: |+\n  kept\n\n\n",
    WRITTEN.replace(b"assemblies: []\n", b"note: &a x\nother: *a\n"),  # an anchor and its alias
    WRITTEN.replace(b"project: p\n", b"  project: p\n"),  # the root indented
    b"---\n" + WRITTEN,
    WRITTEN + b"...\n",
    b"%YAML 1.2\n---\n" + WRITTEN,
    b"\xef\xbb\xbf" + WRITTEN,  # a byte order mark
    WRITTEN.replace(b"\n", b"\r\n"),
    WRITTEN.replace(b"project: p\n", b"project:\tp\n"),
    WRITTEN.rstrip(b"\n"),  # no newline at the end
    WRITTEN + b"\n\n",
    WRITTEN + b"# the end\n",
    WRITTEN.replace(b"assemblies: []\n", b"assemblies:\n  - {part: a1, quantity: 1}\n"),
    WRITTEN.replace(b"assemblies: []\n", b"assemblies:\n- {part: a1, quantity: 1}\n"),  # a list at column 0
    WRITTEN.replace(b"assemblies: []\n", b"assemblies:\n"),  # null
    b"reservations:\n  - part: r1\n    quantity: 1\n    lines: []\n    take: []\n",  # nothing else
    b"- part: r1\n",
    b"",
    b"# only a comment\n",
    b"reservations:\n  - {part: r1, quantity: 1}\nreservations:\n  - {part: r1, quantity: 1}\n",
    # an order's lines, each with a mapping of builds: in flow style, and in block style as PyYAML writes it
    ORDER,
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: 4,vco-batch-1: 2}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: 4, b1: 2}"),  # a key twice
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: [4]}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: {x: 4}}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {12: 4, 1.5: 2, true: 1}"),  # keys not text
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: 4"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: 4}}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {'b1': 4}"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}", b"for: {b1: 2026-01-01}"),
    ORDER_BLOCK,
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4\n      more\n"),  # a value's continuation
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4\n   b2: 1\n"),  # a key between the columns
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1:\n      x: 4\n"),  # deeper still
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4\n    b1: 5\n"),
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    - b1\n"),  # a list below, deeper than the key
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    12: 4\n"),
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4  # for the first batch\n"),
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4\n\n"),
    # quoted text
    WRITTEN.replace(b"part: r1\n", b"part: '0805'\n"),
    WRITTEN.replace(b"part: r1\n", b'part: "0805"\n'),
    WRITTEN.replace(b"part: r1\n", b"part: ''\n"),
    WRITTEN.replace(b"part: r1\n", b"part: 'it''s'\n"),  # an escaped quote
    WRITTEN.replace(b"part: r1\n", b'part: "a\\tb"\n'),  # an escape
    WRITTEN.replace(b"part: r1\n", b"part: 'a: b # c, [d]'\n"),
    WRITTEN.replace(b"part: r1\n", b"part: 'r1' # a comment\n"),
    WRITTEN.replace(b"part: r1\n", b"part: 'r1\n    more'\n"),  # on two lines
    WRITTEN.replace(b"part: r1\n", b"part: 'r\xc3\xa9'\n"),  # not ASCII
    WRITTEN.replace(b"{location: loc-0,", b"{location: 'loc, 0',"),
    WRITTEN.replace(b"{location: loc-0,", b"{location: 'loc-0',"),
    WRITTEN.replace(b"{location: loc-0,", b"{location: 'loc}0',"),
    WRITTEN.replace(b"project: p\n", b"project: 'p\n") + b"reservations2: 'x'\n",  # a quote open across blocks
    WRITTEN.replace(b"project: p\n", b'project: "p\n').replace(b"assemblies: []\n", b'assemblies: "\n'),
    # lists at their key's column, as PyYAML writes them, and what may stand around them
    PYYAML,
    PYYAML.replace(b"- part: r1\n", b"-   part: r1\n").replace(b"\n  quantity: 15\n", b"\n    quantity: 15\n"),
    PYYAML.replace(b"- part: r1\n", b"-   part: r1\n"),  # the next key not at the first one's column
    PYYAML.replace(b"  take:\n  - location", b"  take:\n    - location"),  # rows deeper in the same file
    PYYAML.replace(b"  take:\n  - location: loc-0\n    part: r1\n    quantity: 15\n", b"  take:\n"),  # null
    PYYAML.replace(b"  take: []\n", b"  take:\n"),  # null, the next item at column 0 below it
    PYYAML.replace(b"  take: []\n", b"  take:\n    a: 1\n"),  # a mapping below a key
    PYYAML.replace(b"  take: []\n", b"  take: x\n  - y\n"),  # a dash after a value
    PYYAML.replace(b"  take: []\n", b"  take: x\n    y\n"),  # a value's continuation
    PYYAML.replace(b"- part: c2\n", b"\n- part: c2\n"),  # a blank line inside
    PYYAML.replace(b"- part: c2\n", b"# between\n- part: c2\n"),
    PYYAML.replace(b"- part: c2\n", b"-\n  part: c2\n"),  # the item's first key on the next line
    PYYAML.replace(b"- part: c2\n", b"- - c2\n"),  # a list in a list
    PYYAML.replace(b"- part: c2\n", b"-\tpart: c2\n"),
    PYYAML.replace(b"    part: r1\n", b"    part: r1\n    part: r2\n"),  # a key twice in a row
    PYYAML.replace(b"lines:\n- 5\n", b"lines:\n- 5\n---\n"),
    PYYAML + b"- 7\n",  # an item after the last key's value
    # blank lines and whole-line comments between items, as a stockroom kept by hand has them
    PYYAML.replace(b"- part: c2\n", b"\n# capacitors\n\n- part: c2\n"),
    WRITTEN.replace(b"  - {part: p1166,", b"\n  # short\n  - {part: p1166,"),
    WRITTEN.replace(b"  - {part: p1166,", b"# at column 0\n  - {part: p1166,"),
    WRITTEN.replace(b"  - {part: p1166,", b"      # deeper\n  - {part: p1166,"),
    WRITTEN.replace(b"  - {part: p1166,", b"  #\n  - {part: p1166,"),
    WRITTEN.replace(b"  - {part: p1166,", b"   \n  - {part: p1166,"),  # a line of spaces
    WRITTEN.replace(b"  - {part: p1166,", b"  # caf\xc3\xa9\n  - {part: p1166,"),  # not ASCII: the parser's
    WRITTEN.replace(b"  - {part: p1166,", b"  # a\x07bell\n  - {part: p1166,"),  # a control character
    WRITTEN.replace(b"  - {part: p1166,", b"  #\ttab\n  - {part: p1166,"),
    WRITTEN.replace(b"shortages:\n", b"  # after the last reservation\n\nshortages:\n"),
    WRITTEN.replace(b"shortages:\n", b"# between blocks\nshortages:\n"),
    WRITTEN.replace(b"shortages:\n", b"  - {part: x}\n  # then a comment\nshortages:\n"),
    WRITTEN.replace(b"shortages:\n", b"shortages:\n  # before the first\n"),
    WRITTEN.replace(b"    take:\n", b"    take:\n\n      # the takes\n"),
    WRITTEN.replace(b"    lines: [52]\n", b"    # the lines\n    lines: [52]\n"),  # inside an item: the parser's
    WRITTEN.replace(b"    lines: [52]\n", b"\n    lines: [52]\n"),
    WRITTEN.replace(b"  - {part: p1166,", b"  # c\n  -\n  - {part: p1166,"),
    WRITTEN.replace(b"  - {part: p1166,", b"  # c\n    - {part: p1166,"),  # an item deeper after a comment
    WRITTEN.replace(b"  - part: c2\n", b"\n  # the second\n  - part: c2\n"),  # between block items
    # comments after what a line holds
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}  # reel"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]} #"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}#reel"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}  # caf\xc3\xa9"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}  # {a} # b"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3 # c, lines: [20]}"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, note: 'a #b', quantity: 3}"),
    WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, note: a#b, quantity: 3}"),
    WRITTEN.replace(b"    quantity: 15\n", b"    quantity: 15  # counted\n"),
    WRITTEN.replace(b"    lines: [52]\n", b"    lines: [52]   # the jack\n"),
    WRITTEN.replace(b"    take:\n", b"    take:  # from the shelf\n"),
    WRITTEN.replace(b"reservations:\n", b"reservations:  # held\n"),
    WRITTEN.replace(b"reservations:\n", b"reservations: # held\n"),
    WRITTEN.replace(b"  - part: r1\n", b"  - part: r1  # the first\n"),
    WRITTEN.replace(b"  - part: c2\n", b"  - part: c2 #\n"),
    ORDER.replace(b"for: {b1: 4, vco-batch-1: 2}}", b"for: {b1: 4, vco-batch-1: 2}}  # rush"),
    ORDER_BLOCK.replace(b"    b1: 4\n", b"    b1: 4  # the first batch\n"),
    PYYAML.replace(b"- 52\n", b"- 52  # the jack\n"),
    PYYAML.replace(b"- 52\n", b"- '52 #x'\n"),
    # text of several words, as a note is written
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: from the old shelf, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: true story, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: reel 2 of 3, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: a  b, quantity: 3,"),  # two spaces
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: a -b +c .d, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: a #b, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: a: b, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: 2026-01-02 10:00:00, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: x 2026-01-02, quantity: 3,"),
    WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: null null, quantity: 3,"),
    WRITTEN.replace(b"    quantity: 15\n", b"    quantity: 15\n    note: from the old shelf\n"),
    WRITTEN.replace(b"    quantity: 15\n", b"    quantity: 15\n    note: from the old\n      shelf\n"),  # on two lines
    WRITTEN.replace(b"    quantity: 15\n", b"    quantity: 15\n    note: from the old shelf \n"),  # a space after
    ORDER.replace(b"for: {b1: 4,", b"for: {b 1: 4,"),  # a key of two words
    # written on Windows
    PYYAML.replace(b"\n", b"\r\n"),
    ORDER.replace(b"\n", b"\r\n"),
    (b"---\n" + WRITTEN.replace(b"  - {part: p1166,", b"\n  # short\n  - {part: p1166,")).replace(b"\n", b"\r\n"),
    WRITTEN.replace(b"\n", b"\r\n", 3),  # both line breaks
    WRITTEN.replace(b"project: p\n", b"project: p\r"),  # a carriage return alone
    WRITTEN.replace(b"project: p\n", b"project: p\r\r\n"),
    WRITTEN.replace(b"project: p\n", b'project: "p\r\n  q"\r\n'),  # a line break inside quotes
    WRITTEN.replace(b"project: p\n", b"project: |\r\n  p\r\n  q\r\n"),  # and in a block scalar
    # what may open and close the document
    b"# c\n\n---\n" + WRITTEN,
    b"---\n# c\n" + WRITTEN + b"...\n\n# end\n",
    b"---\n" + PYYAML + b"...\n",
    b"---\n---\n" + WRITTEN,  # two documents
    b"--- \n" + WRITTEN,
    b"--- # c\n" + WRITTEN,
    b"--- {x: 1}\n" + WRITTEN,
    WRITTEN + b"...\n---\nx: 1\n",
    WRITTEN + b"...\nx: 1\n",  # a document after the end, without its marker
    WRITTEN + b"...\n  x\n",
    WRITTEN + b"...\n...\n",
    WRITTEN.replace(b"assemblies: []\n", b"...\nassemblies: []\n"),  # a key after the end marker
    WRITTEN.replace(b"shortages:\n", b"---\nshortages:\n"),  # a marker between the blocks
    WRITTEN.replace(b"project: p\n", b"project: |\n  p\n...\n"),  # the end inside a block scalar
    b"---\nproject: [a,\n...\n]\n" + WRITTEN.replace(b"project: p\n", b""),  # the end inside a flow list
    b"---\n",
    b"---\n...\n",
    b"rows:\n" + b"".join(b"  " * level + b"- x:\n" for level in range(12)) + b"  " * 12 + b"- 1\n",  # deep
    b"rows:\n" + b"".join(b"  " * level + b"- x:\n" for level in range(40)) + b"  " * 40 + b"- 1\n",  # past the limit
]


@pytest.mark.parametrize("data", [WRITTEN, *ODD])
def test_same_data_of_the_same_types_or_the_same_problem(data: bytes) -> None:
    same(data)


def test_the_lists_ctb_writes_are_read_line_by_line() -> None:
    assert read_here(WRITTEN)
    data = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    assert data["reservations"][0] == {
        "part": "r1", "quantity": 15, "lines": [52], "take": [{"location": "loc-0", "part": "r1", "quantity": 15}],
    }  # fmt: skip
    assert typed(data["reservations"][1]["quantity"]) == ("Decimal", "2.5")
    assert data["shortages"][0]["lines"] == [5, 50]
    assert str(data["cleared_at"]) == "2026-12-07 16:06:23+00:00"  # a timestamp: the parser read the rest


def test_lists_as_pyyaml_writes_them_are_read_line_by_line() -> None:
    assert read_here(PYYAML)
    assert parse_file(PYYAML, "builds/b.yaml", default_limits()) == parse_file(
        WRITTEN, "builds/b.yaml", default_limits()
    )
    wide = PYYAML.replace(b"\n  ", b"\n    ").replace(b"\n- ", b"\n-   ")  # yaml.safe_dump(..., indent=4)
    assert read_here(wide)
    same(wide)


def test_an_orders_lines_are_read_line_by_line_in_either_style() -> None:
    assert read_here(ORDER) and read_here(ORDER_BLOCK)
    flow = parse_file(ORDER, "orders/o.yaml", default_limits())
    block = parse_file(ORDER_BLOCK, "orders/o.yaml", default_limits())
    assert flow["lines"][0]["for"] == block["lines"][0]["for"] == {"b1": 4, "vco-batch-1": 2}
    assert sorted(flow["lines"][1].items()) == sorted(block["lines"][1].items())
    flow["lines"][0]["for"]["b1"] = 99  # the data is the caller's: a remembered reading is not changed
    assert parse_file(ORDER, "orders/o.yaml", default_limits())["lines"][0]["for"]["b1"] == 4
    block["lines"][0]["for"]["b1"] = 99
    assert parse_file(ORDER_BLOCK, "orders/o.yaml", default_limits())["lines"][0]["for"]["b1"] == 4


def test_what_is_read_is_the_callers_to_keep() -> None:
    first = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    first["reservations"][0]["take"][0]["quantity"] = 99
    first["reservations"][0]["lines"].append(7)
    first["shortages"][0]["lines"].clear()
    again = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    assert again["reservations"][0]["take"][0]["quantity"] == 15
    assert again["reservations"][0]["lines"] == [52]
    assert again["shortages"][0]["lines"] == [5, 50]


def test_stricter_limits_are_counted_by_the_whole_file_parser() -> None:
    strict = Limits(items=1)
    with pytest.raises(YamlProblem) as raised:
        parse_file(WRITTEN, "builds/b.yaml", strict)
    assert raised.value.diagnostic.code == "CTB008"
    same(WRITTEN, Limits(depth=4))


def test_a_list_longer_than_the_rows_read_here_goes_to_the_parser() -> None:
    many = b"project: p\nshortages:\n" + b"".join(b"  - {part: p%d, quantity: 1}\n" % i for i in range(10_001))
    assert not read_here(many)
    same(many)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(HEADS), fields, st.booleans())
def test_written_files_read_alike(head: str, written: dict[str, Any], fast: bool) -> None:
    same(render_build(head, written, fast=fast).encode())


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_files_with_lines_aside_read_alike(data: st.DataObject) -> None:
    """Blank lines, comments (on their own line or after another) and document markers put anywhere in a written
    file: the same answer as the parser."""
    lines = data.draw(st.sampled_from([WRITTEN, PYYAML, ORDER, ORDER_BLOCK])).split(b"\n")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines)))
        pad = b" " * data.draw(st.integers(0, 8))
        aside = data.draw(st.sampled_from([b"", b"#", b"# a section", b"#x: [y", b"# caf\xc3\xa9", b"#\ttab", b"---", b"..."]))
        lines.insert(at, aside if aside in (b"---", b"...") else pad + aside)
    for _ in range(data.draw(st.integers(0, 3))):  # a comment after what a line holds
        at = data.draw(st.integers(0, len(lines) - 1))
        lines[at] += data.draw(st.sampled_from([b"  # reel", b" #", b"#x", b" # {a: [b", b"  # caf\xc3\xa9"]))
    # line breaks: LF, CR LF (written on Windows), or a few lines of each
    breaks = data.draw(st.sampled_from([b"\n", b"\r\n", None]))
    if breaks is None:
        same(b"".join(line + data.draw(st.sampled_from([b"\n", b"\r\n"])) for line in lines))
    else:
        same(breaks.join(lines))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_damaged_written_files_read_alike(data: st.DataObject) -> None:
    lines = WRITTEN.split(b"\n")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        cut = data.draw(st.integers(0, len(line)))
        how = data.draw(st.sampled_from(["drop", "insert", "remove line", "copy line", "indent", "dedent"]))
        if how == "drop" and line:
            lines[at] = line[:cut] + line[cut + 1 :]
        elif how == "insert":
            lines[at] = (
                line[:cut]
                + data.draw(
                    st.sampled_from(
                        [b" ", b"#", b"-", b":", b"[", b"]", b"{", b"}", b",", b"'", b"&a", b"*a", b"x", b"1"]
                    )
                )
                + line[cut:]
            )
        elif how == "remove line":
            del lines[at]
        elif how == "copy line":
            lines.insert(at, line)
        elif how == "indent":
            lines[at] = b"  " + line
        elif how == "dedent" and line.startswith(b" "):
            lines[at] = line[1:]
        if not lines:
            lines = [b""]
    same(b"\n".join(lines))


WORLDS = {
    "plain": lambda root: generate(root, parts=300, builds=12, projects=3),
    "bins": lambda root: generate_bins(root, parts=300, builds=12, projects=3, rows=40),
    "shared": lambda root: generate_shared(root, parts=300, builds=12, projects=3, rows=30),
    "mixed": lambda root: generate_mixed(root, parts=300, builds=12, projects=3, rows=30),
    "deep": lambda root: generate_deep(root, parts=300, builds=12, projects=3, rows=40),
}


def cleared(name: str, root: Path) -> Path:
    repo: Path = WORLDS[name](root)
    assert main(["--repo", str(repo), "build", "clear", "--all", "-q"]) == 0
    return repo


def test_comments_and_blank_lines_between_items_are_read_line_by_line() -> None:
    """A stockroom kept by hand has sections: a blank line and a comment above a group of lines."""
    expected = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    for data in (
        WRITTEN.replace(b"  - {part: p1166,", b"\n  # short\n  - {part: p1166,"),
        WRITTEN.replace(b"  - {part: p1166,", b"# at column 0\n\n  - {part: p1166,"),
        WRITTEN.replace(b"shortages:\n", b"shortages:\n# before the first\n\n"),
        WRITTEN.replace(b"shortages:\n", b"  # after the last reservation\n\nshortages:\n"),
        WRITTEN.replace(b"  - part: c2\n", b"\n  # the second\n  - part: c2\n"),
        WRITTEN.replace(b"    take:\n", b"    take:\n\n      # the takes\n"),
    ):
        assert read_here(data), data
        assert parse_file(data, "builds/b.yaml", default_limits()) == expected
    # a comment not of printable ASCII, or among an item's keys: that block is the parser's (ODD holds it alike)
    assert _block_of(WRITTEN.replace(b"  - {part: p1166,", b"  # caf\xc3\xa9\n  - {part: p1166,"), b"shortages") is None
    assert _block_of(WRITTEN.replace(b"    lines: [52]\n", b"    # c\n    lines: [52]\n"), b"reservations") is None
    assert _block_of(WRITTEN.replace(b"  - {part: p1166,", b"  # c\n  - {part: p1166,"), b"shortages") is not None


def test_comments_after_what_a_line_holds_are_read_line_by_line() -> None:
    expected = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    for data in (
        WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}  # reel"),
        WRITTEN.replace(b"    quantity: 15\n", b"    quantity: 15  # counted\n"),
        WRITTEN.replace(b"    take:\n", b"    take:  # from the shelf\n"),
        WRITTEN.replace(b"reservations:\n", b"reservations:  # held\n"),
    ):
        assert _block_of(data, b"reservations") is not None and _block_of(data, b"shortages") is not None, data
        assert parse_file(data, "builds/b.yaml", default_limits()) == expected
    unusual = WRITTEN.replace(b"{part: p1166, quantity: 3, lines: [20]}", b"{part: p1166, quantity: 3, lines: [20]}  # caf\xc3\xa9")
    assert _block_of(unusual, b"shortages") is None  # not printable ASCII: the parser's


def test_notes_of_several_words_are_read_line_by_line() -> None:
    noted = WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: from the old shelf, quantity: 3,")
    shortages = _block_of(noted, b"shortages")
    assert shortages is not None and shortages[1]["note"] == "from the old shelf"
    two = WRITTEN.replace(b"{part: p1166, quantity: 3,", b"{part: p1166, note: a  b, quantity: 3,")
    assert _block_of(two, b"shortages") is None  # two spaces: the parser's


def _block_of(data: bytes, key: bytes) -> Any:
    """What the line reader makes of the block under the top-level ``key``, None where it leaves it to the parser."""
    lines = data.split(b"\n")
    first = next(i for i, line in enumerate(lines) if line.split(b"#")[0].rstrip() == key + b":")
    end = next((i for i in range(first + 1, len(lines)) if lines[i][:1].isalpha()), len(lines))
    found = listread._block(lines, first, end)
    return None if found is listread.NOT_PLAIN else found


def test_a_file_written_on_windows_is_read_line_by_line() -> None:
    for data in (WRITTEN, PYYAML, ORDER, ORDER_BLOCK):
        windows = data.replace(b"\n", b"\r\n")
        assert read_here(windows)
        assert parse_file(windows, "builds/b.yaml", default_limits()) == parse_file(data, "builds/b.yaml", default_limits())
    assert not read_here(WRITTEN.replace(b"project: p\n", b"project: p\r"))


def test_a_document_opened_and_closed_by_markers_is_read_line_by_line() -> None:
    """``---`` first (comments may stand above it) and ``...`` last (comments may follow): the one document they mark."""
    expected = parse_file(WRITTEN, "builds/b.yaml", default_limits())
    for data in (b"---\n" + WRITTEN, b"# c\n\n---\n" + WRITTEN, b"---\n" + WRITTEN + b"...\n# end\n", WRITTEN + b"...\n"):
        assert read_here(data), data
        assert parse_file(data, "builds/b.yaml", default_limits()) == expected
    for data in (WRITTEN + b"...\nx: 1\n", b"---\n---\n" + WRITTEN, b"--- # c\n" + WRITTEN):
        assert not read_here(data), data


@pytest.mark.parametrize("name", WORLDS)
def test_every_list_file_of_a_cleared_repository_reads_alike_and_line_by_line(tmp_path: Path, name: str) -> None:
    """Its build files as the clear wrote them, its stock files and BOMs as the generator wrote them (flow or block style)."""
    repo = cleared(name, tmp_path / "r")
    found = [
        *sorted((repo / "builds").glob("*.yaml")),
        *sorted((repo / "stock").glob("*.yaml")),
        *sorted(repo.glob("projects/*/bom/*.yaml")),
        *sorted((repo / "orders").glob("*.yaml")),
    ]
    assert len({path.parent.name for path in found}) >= (4 if name == "mixed" else 3)
    for path in found:
        data = path.read_bytes()
        same(data)
        assert read_here(data), path


class _Dumper(yaml.SafeDumper):
    """PyYAML's own writer, with decimals written as the numbers they are."""


_Dumper.add_representer(Decimal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:float", str(value)))
STYLES = [
    {},
    {"default_flow_style": None},
    {"indent": 4},
    {"indent": 3, "default_flow_style": None, "sort_keys": False},
    {"explicit_start": True},  # ``---`` first, as yamllint's document-start rule asks
    {"explicit_start": True, "explicit_end": True, "default_flow_style": None},
]


@pytest.mark.parametrize("name", ["bins", "mixed", "deep"])
def test_list_files_rewritten_by_pyyaml_read_alike_and_line_by_line(tmp_path: Path, name: str) -> None:
    """A stockroom whose files a script wrote with ``yaml.safe_dump``: every style it has, read here."""
    repo = cleared(name, tmp_path / "r")
    found = [
        *sorted((repo / "builds").glob("*.yaml")),
        *sorted((repo / "stock").glob("*.yaml")),
        *sorted(repo.glob("projects/*/bom/*.yaml")),
        *sorted((repo / "orders").glob("*.yaml")),
    ]
    for path in found:
        for style in STYLES:
            data = yaml.dump(load_fast(path.read_bytes(), "x"), Dumper=_Dumper, **style).encode()  # type: ignore[call-overload]
            same(data)
            assert read_here(data), (path, style)


plain_text = st.from_regex(r"[a-z][a-z0-9]{0,6}", fullmatch=True)
leaf = st.one_of(plain_text, st.integers(-5, 10**6), st.booleans(), st.text(max_size=4), st.none())
tree = st.recursive(
    leaf,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(plain_text, inner, max_size=4)),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(plain_text, tree, min_size=1, max_size=4), st.sampled_from(STYLES))
def test_whatever_pyyaml_writes_reads_alike(document: dict[str, Any], style: dict[str, Any]) -> None:
    same(yaml.dump(document, Dumper=_Dumper, **style).encode())  # type: ignore[call-overload]


_WORDS_11 = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}  # PyYAML quotes these: not plain there
word = plain_text.filter(lambda text: text not in _WORDS_11)
# text PyYAML quotes because it reads as a number ('0805', '100'): read here as the text it is
field = st.one_of(word, st.integers(0, 10**6), st.booleans(), st.from_regex(r"[0-9]{1,5}", fullmatch=True))
record = st.dictionaries(
    word,
    st.one_of(
        field,
        st.lists(field, max_size=3),
        st.lists(st.one_of(field, st.dictionaries(word, field, min_size=1, max_size=3)), min_size=1, max_size=3),
        st.dictionaries(word, field, max_size=3),  # an order line's "for"
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(word, st.lists(st.one_of(record, field), min_size=1, max_size=5), min_size=1, max_size=3),
       st.sampled_from(STYLES))  # fmt: skip
def test_lists_of_records_pyyaml_writes_are_read_line_by_line(document: dict[str, Any], style: dict[str, Any]) -> None:
    data = yaml.dump(document, Dumper=_Dumper, **style).encode()  # type: ignore[call-overload]
    same(data)
    # with default_flow_style=None a list of scalars alone is written [a, b] on its key's line: the parser's
    if "default_flow_style" not in style or any(type(item) is dict for items in document.values() for item in items):
        assert read_here(data)


ascii_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(word, st.lists(st.dictionaries(word, st.one_of(field, ascii_text), min_size=1), min_size=1)),
    st.sampled_from(STYLES),
)
def test_records_of_any_text_read_alike(document: dict[str, Any], style: dict[str, Any]) -> None:
    """Text PyYAML writes plain, in single quotes or in double quotes with escapes: the parser's reading."""
    same(yaml.dump(document, Dumper=_Dumper, **style).encode())  # type: ignore[call-overload]


def test_a_repository_loads_alike_read_either_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = cleared("mixed", tmp_path / "r")
    other = tmp_path / "other"
    shutil.copytree(repo, other)
    fast = load_repo(repo, cache=False)
    monkeypatch.setattr(listread, "load_lists", lambda data, path, limits: load_fast(data, path, limits))
    whole = load_repo(other, cache=False)
    assert fast.diagnostics == whole.diagnostics
    assert fast.inventory.builds == whole.inventory.builds


def test_a_full_memo_keeps_its_first_lines_and_reads_the_rest_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the memo's room, lines are read without it: the memo is never emptied and refilled."""
    monkeypatch.setattr(listread, "_PAIRS", {})
    monkeypatch.setattr(listread, "_MAPS", {})
    monkeypatch.setattr(listread, "_TEXTS", {})
    monkeypatch.setattr(listread, "_MEMO_SIZE", 3)
    same(WRITTEN)
    first = dict(listread._MAPS)
    assert len(first) == 3
    same(WRITTEN.replace(b"p1165", b"p9"))
    assert first == listread._MAPS
    assert len(listread._PAIRS) == len(listread._TEXTS) == 3
