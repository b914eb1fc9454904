"""Encodings, delimiters, line endings, bad rows and refusals, on small inline files."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest

from ctb_files.errors import CtbError
from ctb_files.importers import FORMATS, ImportResult, read_bom
from ctb_files.importers.pcbnew import split_tolerant


def read(text: str | bytes, fmt: str = "auto") -> ImportResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_bom(data, "bom.csv", fmt)


def test_formats_are_the_contract_list() -> None:
    assert FORMATS == (
        "auto", "kicad-cli", "kicad-legacy", "kicad-legacy-fp", "pcbnew", "kibom", "jlc", "kitspace", "ctb-csv",
    )  # fmt: skip


def test_latin1_file() -> None:
    result = read(b"Reference,Value,Qty\nC1,10\xb5F,1\n")
    assert result.encoding == "latin-1"
    assert result.rows[0].value == "10\u00b5F"


def test_utf8_with_bom_and_utf16() -> None:
    text = "Reference,Value,Qty\nR1,4k7,1\n"
    with_bom = read(codecs.BOM_UTF8 + text.encode())
    assert (with_bom.encoding, with_bom.rows[0].refs) == ("utf-8-sig", ("R1",))
    utf16 = read(text.encode("utf-16"))
    assert (utf16.encoding, utf16.rows[0].value) == ("utf-16", "4k7")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    rows = [
        ["Ref", "Value", "Footprint", "Qty"],
        ["R1 R2", "10k", "R_0805", "2"],
        ["C1", "1u", "C_0603", "1"],
    ]
    result = read("\n".join(delimiter.join(row) for row in rows) + "\n")
    assert result.delimiter == delimiter
    assert [(row.refs, row.quantity) for row in result.rows] == [(("R1", "R2"), 2), (("C1",), 1)]


def test_semicolon_csv_with_decimal_comma_and_quoted_refs() -> None:
    result = read('Reference;Value;Qty\n"R1, R2";10k;2\nW1;wire;"0,5"\n')
    assert result.delimiter == ";"
    assert result.rows[0].refs == ("R1", "R2")
    assert result.rows[1].quantity == Decimal("0.5")
    assert result.rows[1].flags == ("quantity 0.5 disagrees with 1 reference",)


def test_mixed_line_endings_keep_physical_lines() -> None:
    result = read("Ref,Value,Qty\r\nR1,1k,1\rR2,2k,1\nR3,3k,1\r\n")
    seen = [(row.refs[0], row.source_line) for row in result.rows]
    assert seen == [("R1", 2), ("R2", 3), ("R3", 4)]


def test_quoted_cell_over_two_lines() -> None:
    result = read('Ref,Value,Qty\nR1,"two\nlines",1\nR3,1k,1\n')
    assert [(row.line, row.source_line) for row in result.rows] == [(1, 2), (2, 4)]
    assert result.rows[0].value == "two\nlines"


def test_title_line_before_header_is_skipped() -> None:
    result = read("My synth BOM\n\nRef,Value,Qty\nR1,1k,1\n")
    assert (result.header_line, result.rows[0].source_line) == (3, 4)


def test_bad_rows_are_reported_and_skipped() -> None:
    text = (
        "Ref,Value,Qty\n"
        "R1,1k,1\n"
        "R2,2k,two\n"
        "R3,3k,0\n"
        ",glue,\n"
        ",,\n"
        ",,,\n"
        "R4,4k,-1\n"
        "R5,5k,1\n"
    )
    result = read(text)
    # rows are numbered among the non-blank data rows, skipped ones included
    assert [(row.line, row.refs) for row in result.rows] == [(1, ("R1",)), (6, ("R5",))]
    assert [(p.path, p.line, p.col, p.code) for p in result.problems] == [
        ("bom.csv", 3, 1, "CTB601"),
        ("bom.csv", 4, 1, "CTB601"),
        ("bom.csv", 5, 1, "CTB603"),
        ("bom.csv", 8, 1, "CTB601"),
    ]
    assert "'two'" in result.problems[0].message


def test_unreadable_row_does_not_stop_the_import() -> None:
    data = b'Ref,Value,Qty\nR1,10k,1\nR2,"' + b"x" * 200_000 + b'",1\nR3,1k,1\n'
    result = read(data)
    assert [row.refs for row in result.rows] == [("R1",), ("R3",)]
    assert [(p.line, p.code) for p in result.problems] == [(3, "CTB604")]


def test_no_header_is_one_line_error_naming_the_file() -> None:
    with pytest.raises(CtbError) as caught:
        read_bom(b"just,some\nnumbers,1\n", "boms/vco.csv")
    message = str(caught.value)
    assert message.startswith("boms/vco.csv:")
    assert "\n" not in message
    with pytest.raises(CtbError, match="empty.csv"):
        read_bom(b"", "empty.csv")


def test_unknown_format_is_refused() -> None:
    with pytest.raises(CtbError, match="unknown BOM format 'eagle'"):
        read("Ref,Value,Qty\nR1,1k,1\n", fmt="eagle")


def test_quantity_column_absent_counts_references() -> None:
    result = read("Designator,Comment,Footprint\n\"R1,R2,R2\",10k,R_0805\n")
    assert result.format == "jlc"
    (row,) = result.rows
    assert (row.refs, row.quantity, row.value) == (("R1", "R2"), 2, "10k")


def test_dnp_markers() -> None:
    text = (
        "Ref,Value,Qty,DNP,Notes\n"
        "R1,1k,1,no,\n"
        "R2,1k,1,yes,\n"
        "R3,1k,1,1,\n"
        "R4,1k,1,,Do not populate\n"
        "R5,1k,1,false,fitted on rev B\n"
        "R6,1k,1,true,\n"
    )
    assert [row.dnp for row in read(text).rows] == [False, True, True, True, False, True]


def test_reference_on_two_rows_is_flagged() -> None:
    result = read("#,Ref,Value,Qty\n10,R1 R2,1k,2\n20,R2,2k,1\n")
    assert result.rows[1].flags == ("reference R2 also on line 10",)
    assert result.rows[0].flags == ()


def test_repeated_item_numbers_fall_back_to_file_order() -> None:
    result = read("#,Ref,Value,Qty\n1,R1,1k,1\n1,R2,2k,1\nA,R3,3k,1\n")
    assert [row.line for row in result.rows] == [1, 2, 3]
    assert result.rows[2].fields == {"#": "A"}
    (warning,) = result.problems
    assert (warning.code, warning.line, warning.severity) == ("CTB605", 1, "warning")


def test_cells_beyond_the_header_are_kept() -> None:
    result = read("Ref,Value,Qty\nR1,1k,1,,extra\n")
    assert result.rows[0].fields == {"column 5": "extra"}
    assert result.rows[0].flags == ()  # every row of the file is that long: the file's shape


def test_every_vendor_column_is_an_sku_in_column_order() -> None:
    text = "Ref,Value,Qty,Mouser Part Number,LCSC\nR1,1k,1,,C25585\nR2,2k,1,603-RC0805,C1\n"
    first, second = read(text).rows
    assert (first.skus, first.fields) == ((("LCSC", "C25585"),), {})
    assert second.skus == (("Mouser", "603-RC0805"), ("LCSC", "C1"))
    assert second.fields == {}


def test_pcbnew_forced_reads_ragged_rows() -> None:
    text = (
        '"Id";"Designator";"Footprint";"Quantity";"Designation";"Supplier and ref";\n'
        '7;"J1";"Jack";1;"3.5" jack";;;\n'
    )
    result = read(text, fmt="pcbnew")
    assert result.format == "pcbnew"
    assert [(row.line, row.refs, row.value) for row in result.rows] == [(7, ("J1",), '3.5" jack')]


@pytest.mark.parametrize(
    ("line", "cells"),
    [
        ('1;"R1,R2";"R_0805";2;"10k";;;', ["1", "R1,R2", "R_0805", "2", "10k", "", "", ""]),
        (
            '6;"J1";"X";1;"0.96" OLED Display";;;',
            ["6", "J1", "X", "1", '0.96" OLED Display', "", "", ""],
        ),
        ('"a";"b"', ["a", "b"]),
        ('"a""b";c', ['a"b', "c"]),
        ('"open;x', ["open;x"]),
        ("", [""]),
    ],
)
def test_split_tolerant(line: str, cells: list[str]) -> None:
    assert split_tolerant(line) == cells


def test_two_thousand_rows() -> None:
    lines = ['"Refs","Value","Footprint","Qty","DNP"']
    lines += [f'"R{4 * i + 1}-R{4 * i + 4}","{i}k","R_0805","4",""' for i in range(2000)]
    result = read("\n".join(lines))
    assert len(result.rows) == 2000
    assert result.rows[-1].refs == ("R7997", "R7998", "R7999", "R8000")
    assert result.rows[-1].source_line == 2001


def test_quantities_too_large_to_write_are_bad_rows_not_a_crash() -> None:
    result = read("Ref,Value,Qty\nR1,10k," + "9" * 29 + "\nR2,1k,1e400\nR3,1k,1000000000000000\nR4,1k,2\n")
    assert [row.refs for row in result.rows] == [("R4",)]
    assert [(p.line, p.code) for p in result.problems] == [(2, "CTB601"), (3, "CTB601"), (4, "CTB601")]
    assert "is not a number below 10^15" in result.problems[0].message
