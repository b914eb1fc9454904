"""Real-world BOM shapes: every SKU kept, DNP read every way, shifted rows flagged, not guessed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.importers import ImportResult, read_bom

SHAPES = Path(__file__).parent / "data" / "import" / "shapes"


def load(name: str) -> ImportResult:
    return read_bom((SHAPES / name).read_bytes(), name)


def read(text: str) -> ImportResult:
    return read_bom(text.encode(), "bom.csv")


def test_kibom_distributor_columns_mpn_and_note_dnp() -> None:
    result = load("kibom-note.csv")
    assert result.format == "kibom"
    caps, resistor, led = result.rows
    assert caps.skus == (
        ("Digi-Key", "399-1095-1-ND"),
        ("Mouser", "80-C0603C104K5R"),
        ("LCSC", "C14663"),
        ("RS", "264-4421"),
        ("TME", "C0603-100N"),
    )
    assert (caps.mpn, caps.manufacturer, caps.dnp) == ("C0603C104K5RACTU", "KEMET", False)
    assert caps.fields == {"Part": "C", "Datasheet": "https://example.invalid/c.pdf"}
    assert (resistor.refs, resistor.dnp, resistor.fields["Note"]) == (("R1",), True, "Do not install")
    assert (led.refs, led.dnp) == (("D1",), True)


def test_pcbnew_value_dnp_is_dnp() -> None:
    result = load("pcbnew-dnp.csv")
    assert result.format == "pcbnew"
    assert [(row.refs, row.dnp) for row in result.rows] == [(("R1",), True), (("R2",), False)]


def test_unquoted_comma_never_shifts_an_mpn_into_dnp() -> None:
    result = load("generic-comma.csv")
    chip, resistor, unclear = result.rows
    assert (chip.refs, chip.quantity, chip.dnp) == (("U1",), 1, False)
    assert chip.flags == (
        "row has 7 cells, the header 6 (more than the header); "
        "not read, as the cells may be shifted: Value, Footprint, MPN",
    )
    assert chip.fields == {"row as written": "U1,1,BM1397,bitaxe:O 25,0-JO32-QFN,BM1397AG,"}
    assert (resistor.mpn, resistor.dnp, resistor.flags) == ("RC0805FR-0710KL", False, ())
    assert unclear.dnp is False
    assert unclear.flags == ("DNP column holds 'maybe later', not a DNP word; row kept populated",)


def test_kitspace_tsv_keeps_every_distributor_in_column_order() -> None:
    result = load("kitspace.tsv")
    assert (result.format, result.delimiter) == ("kitspace", "\t")
    caps, resistor = result.rows
    assert [vendor for vendor, _ in caps.skus] == ["Digi-Key", "Mouser", "RS", "Farnell", "LCSC"]
    assert (caps.mpn, caps.manufacturer, caps.description) == ("C0603C104K5RACTU", "KEMET", "CAP 100n")
    assert resistor.skus == (("Mouser", "603-RC0603FR-0710KL"),)
    assert resistor.flags == ("quantity 2 disagrees with 1 reference",)


def test_fabrication_toolkit_lcsc_column() -> None:
    result = load("fabtoolkit.csv")
    assert result.format == "jlc"
    caps, resistor = result.rows
    assert (caps.refs, caps.value, caps.skus) == (("C1", "C2"), "1µF", (("LCSC", "C15849"),))
    assert (resistor.value, resistor.skus) == ("4R7", ())


def test_mechanical_bom_without_references() -> None:
    result = load("mechanical.csv")
    assert result.problems == []
    assert [(r.line, r.refs, r.quantity, r.description, r.mpn) for r in result.rows] == [
        (1, (), Decimal(4), "M3x6 screw", "ISO7380-M3x6"),
        (2, (), Decimal(4), "M3 spacer 10mm", None),
    ]


def test_vendor_partnum_or_and_lists() -> None:
    text = "line,Ref,Qty,Value,Vendor,PartNum\n1,R1,1,1k,Mouser --or-- Tayda,603-RC --or-- A-1\n"
    (row,) = read(text).rows
    assert row.skus == (("Mouser", "603-RC"), ("Tayda", "A-1"))
    text = "line,Ref,Qty,Value,Vendor,PartNum\n1,R1,1,1k,LCSC,C1 --and-- C2\n"
    assert read(text).rows[0].skus == (("LCSC", "C1"), ("LCSC", "C2"))


def test_header_spellings_of_distributors() -> None:
    header = "Ref,Qty,Digi-Key,DK,Digikey Part Number,LCSC Part #,JLCPCB Part,element14,Newark,Arrow"
    (row,) = read(f"{header}\nR1,1,a,b,c,d,e,f,g,h\n").rows
    assert [vendor for vendor, _ in row.skus] == [
        "Digi-Key", "Digi-Key", "Digi-Key", "LCSC", "LCSC", "Farnell", "Newark", "Arrow",
    ]  # fmt: skip


def test_dnp_words_and_populate_columns() -> None:
    text = "Ref,Qty,DNP\nR1,1,DNF\nR2,1,x\nR3,1,\nR4,1,no\n"
    assert [r.dnp for r in read(text).rows] == [True, True, False, False]
    text = "Ref,Qty,Populate\nR1,1,no\nR2,1,yes\nR3,1,\n"
    assert [r.dnp for r in read(text).rows] == [True, False, False]
    text = "Ref,Qty,Value,Notes\nR1,1,do not place,\nR2,1,1k,no pop\nR3,1,1k,DO NOT MOUNT\nR4,1,1k,hand solder\n"
    assert [r.dnp for r in read(text).rows] == [True, True, True, False]


def test_item_numbers_become_lines() -> None:
    result = read("Item#,Ref,Qty\n10,R1,1\n20,R2,1\n")
    assert [r.line for r in result.rows] == [10, 20]
