"""The loader reads a BOM file's rows one at a time (``storage/listread.load_lists``): the same data, the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.gen import generate_bins, generate_mixed
from ctb_files.core.models.settings import Limits
from ctb_files.storage.bomread import BomVersions
from ctb_files.storage.filedata import parse_file
from ctb_files.storage.listread import flow_row
from ctb_files.storage.yaml import YamlProblem, load_fast
from ctb_files.storage.yaml.read import default_limits
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


@pytest.mark.parametrize("row", ROWS)
def test_a_row_read_without_the_parser_is_what_the_parser_reads(row: bytes) -> None:
    found = flow_row(row)
    if found is not None:
        assert typed(found) == typed(load_fast(row, "")[0])
    data = b"project: p\nversion: v1\nrows:\n  " + row + b"\n  - {line: 9, refs: [R9], quantity: 1, part: r9}\n"
    try:
        expected = load_fast(data, REL)
    except YamlProblem as problem:
        with pytest.raises(YamlProblem) as raised:
            parse_file(data, REL, default_limits())
        assert raised.value.diagnostic == problem.diagnostic
        return
    assert typed(parse_file(data, REL, default_limits())) == typed(expected)


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
