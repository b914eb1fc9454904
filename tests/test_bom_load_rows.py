"""The loader reads a BOM file's rows one at a time (``storage/listread.load_lists``): the same data, the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.gen import generate_bins, generate_mixed
from ctb_files.cli import main
from ctb_files.core.models.settings import Limits
from ctb_files.storage import listread
from ctb_files.storage.bomread import BomVersions
from ctb_files.storage.filedata import parse_file
from ctb_files.storage.listread import flow_row
from ctb_files.storage.yaml import YamlProblem, load_fast
from ctb_files.storage.yaml.read import default_limits
from tests.test_import_real import EXPECTED, REAL
from tests.test_stock_load_rows import typed

REL = "projects/p/bom/v1.yaml"
ROOT = Path(__file__).resolve().parent.parent

ROWS = [
    b"- {line: 1, refs: [R1, R2], quantity: 2, part: r1}",
    b"- {line: 1, refs: [], quantity: 2, part: r1}",
    b"- {line: 1, refs: [R1], quantity: 2.5, part: r1, dnp: true}",
    b"- {line: 1, refs: [R1], quantity: 2, part: r1, dnp: True}",
    b"- {line: 1, refs: [R1], quantity: 2, value: 10k}",  # text that starts with a digit
    b"- {line: 1, refs: [R1], quantity: 2, part: 0805}",
    b"- {line: 1, refs: [R1], quantity: 1e3}",
    b"- {line: 1, refs: [R1, 2], quantity: 1}",
    b"- {line: 1, refs: [R1,R2], quantity: 1}",
    b"- {line: 1, refs: [R1, R2 ], quantity: 1}",
    b"- {line: 1, skus: {mouser: 1-2}, quantity: 1}",  # text the reader is not certain of
    b"- {line: 1, refs: [[R1]], quantity: 1}",
    b"- {line: 1, line: 2}",
    b"- {line: 1, null: 2}",
    b"- {line: 1, mpn: GRM188R71H104KA93D, quantity: 1}",
    b"- {line: 1, refs: [R1], quantity: 2, part: r1} ",
    b"- {}",
    b"-  {line: 1}",
]


def _reads_as_the_parser(data: bytes) -> None:
    """The loader's reading of ``data`` is the parser's: the same data of the same types, or the same message."""
    try:
        expected = load_fast(data, REL)
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as raised:
            parse_file(data, REL, default_limits())
        assert raised.value.diagnostic == problem.diagnostic
        return
    assert typed(parse_file(data, REL, default_limits())) == typed(expected)


@pytest.mark.parametrize("row", ROWS)
def test_a_row_read_without_the_parser_is_what_the_parser_reads(row: bytes) -> None:
    found = flow_row(row)
    if found is not None:
        assert typed(found) == typed(load_fast(row, "")[0])
    data = b"project: p\nversion: v1\nrows:\n  " + row + b"\n  - {line: 9, refs: [R9], quantity: 1, part: r9}\n"
    _reads_as_the_parser(data)


def test_plain_rows_and_their_lists_are_read_without_the_parser() -> None:
    assert flow_row(ROWS[0]) == {"line": 1, "refs": ["R1", "R2"], "quantity": 2, "part": "r1"}
    assert flow_row(ROWS[2]) == {"line": 1, "refs": ["R1"], "quantity": 2.5, "part": "r1", "dnp": True}
    assert flow_row(ROWS[5]) == {"line": 1, "refs": ["R1"], "quantity": 2, "part": 805}  # as the parser reads it
    assert flow_row(ROWS[4]) == {"line": 1, "refs": ["R1"], "quantity": 2, "value": "10k"}
    for left in (ROWS[3], ROWS[6], ROWS[10], ROWS[12]):
        assert flow_row(left) is None


def test_stricter_limits_are_counted_by_the_whole_file_parser() -> None:
    data = b"project: p\nversion: v1\nrows:\n" + b"".join(b"  - {line: %d, quantity: 1}\n" % i for i in range(3))
    with pytest.raises(YamlProblem) as raised:
        parse_file(data, REL, Limits(items=2))
    assert raised.value.diagnostic.code == "CTB008"


def bom_files(tmp_path: Path) -> list[Path]:
    found = sorted(ROOT.glob("ctb_files/data/example-inventory/projects/*/bom/*.yaml"))
    found += sorted(ROOT.glob("tests/data/**/projects/*/bom/*.yaml"))
    for make in (generate_mixed, generate_bins):
        repo = make(tmp_path / make.__name__, parts=300, builds=4, projects=2)
        found += sorted(repo.glob("projects/*/bom/*.yaml"))
    return found


def test_every_bom_file_here_reads_as_the_parser_reads_it(tmp_path: Path) -> None:
    files = bom_files(tmp_path)
    assert len(files) > 20
    for path in files:
        data = path.read_bytes()
        try:
            expected = load_fast(data, REL)
        except YamlProblem as problem:
            with pytest.raises(YamlProblem) as raised:
                parse_file(data, REL, default_limits())
            assert raised.value.diagnostic == problem.diagnostic, path
            continue
        assert typed(parse_file(data, REL, default_limits())) == typed(expected), path
    example = (ROOT / "ctb_files/data/example-inventory/projects/vco/bom/v1.yaml").read_bytes()
    versions = BomVersions()
    versions.load(example, REL)
    assert versions._rows  # the example's rows are read row by row


# what a KiCad BOM's values, footprints, fields and notes hold, and what a plain scalar may not (at its start, or
# as ": " and " #"), characters outside ASCII and controls among them
_PIECES = [
    "0201",
    ", ",
    "1uF",
    "10V",
    "X5R",
    "20%",
    "4.7k",
    "Ω",
    "µ",
    "Resistor_SMD:R_0603",
    "https://x.org/a.pdf",
    '0.96" OLED',
    "(VA)",
    "C#1",
    "a: b",
    " #c",
    "#",
    "-",
    "- ",
    "?",
    ":",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!a",
    "|",
    ">",
    "'",
    '"',
    "%",
    "@",
    "`",
    "~",
    "null",
    "true",
    "yes",
    "0x1F",
    "1e3",
    "2024-01-02",
    "12:30",
    "=",
    "<<",
    " ",
    "\t",
    "\u2028",
    "\u00a0",
    "\ufeff",
    "\x85",
    "\x07",
    "é",
    "Y",
    "..",
    "---",
]


@settings(max_examples=500, deadline=None)
@given(values=st.lists(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=4).map("".join), min_size=2, max_size=2))
def test_plain_text_in_block_mappings_reads_as_the_parser_reads_it(values: list[str]) -> None:
    data = (
        "project: p\nversion: v1\nrows:\n  - line: 1\n    refs: [R1]\n    quantity: 1\n"
        f"    value: {values[0]}\n    fields:\n      Note: {values[1]}\n"
    ).encode()
    _reads_as_the_parser(data)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_rows_of_real_boms_are_read_without_the_parser(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "inv"
    assert main(["init", str(root), "--example"]) == 0
    assert main(["bom", "import", str(REAL / name), "--project", "real", "--version", "v1", "--repo", str(root)]) == 0
    capsys.readouterr()
    data = (root / "projects/real/bom/v1.yaml").read_bytes()
    assert typed(parse_file(data, REL, default_limits())) == typed(load_fast(data, REL))
    if name in _KEYS_WITH_SPACES:
        return  # a field named "RoHS Status": a key the line reader leaves to the parser
    assert typed(listread._read(data, REL)) == typed(load_fast(data, REL))  # refused: _Unshaped


_KEYS_WITH_SPACES = {"im-tomu__tomu-hardware__bom-digikey.csv"}
