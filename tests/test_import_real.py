"""Every real-world BOM in tests/data/real-boms imports, with the format and rows pinned."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.importers import ImportedRow, ImportResult, read_bom

REAL = Path(__file__).parent / "data" / "real-boms"


def load(name: str) -> ImportResult:
    return read_bom((REAL / name).read_bytes(), name)


def by_line(result: ImportResult, line: int) -> ImportedRow:
    (row,) = [row for row in result.rows if row.line == line]
    return row


# file -> (format, delimiter, number of rows)
EXPECTED = {
    "hackclub__hackpad__BOM.csv": ("pcbnew", ";", 4),
    "hackclub__hackpad__HelperPad-Parts.csv": ("kicad-cli", ",", 4),
    "hackclub__hackpad__Keyboard.csv": ("pcbnew", ";", 8),
    "hackclub__hackpad__Macropad_BOM.csv": ("kicad-cli", "\t", 6),
    "hackclub__hackpad__UtiliPad.csv": ("pcbnew", ";", 6),
    "hackclub__hackpad__bom.csv": ("jlc", ",", 22),
    "hackclub__hackpad__hackpadBOM.csv": ("kicad-cli", ",", 8),
    "im-tomu__fomu-hardware__tomu-fpga-bom.csv": ("ctb-csv", ",", 55),
    "im-tomu__tomu-hardware__bom-digikey.csv": ("ctb-csv", ",", 7),
    "im-tomu__tomu-hardware__tomu-bom.csv": ("ctb-csv", ",", 22),
    "opulo-inc__lumenpnp__ringLight_bom_jlc.csv": ("jlc", ",", 4),
}


def test_every_sample_is_covered() -> None:
    assert sorted(p.name for p in REAL.glob("*.csv")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_bom_imports(name: str) -> None:
    fmt, delimiter, count = EXPECTED[name]
    result = load(name)
    assert (result.format, result.delimiter, len(result.rows)) == (fmt, delimiter, count)
    lines = [row.line for row in result.rows]
    assert len(set(lines)) == len(lines)
    assert all(row.quantity > 0 for row in result.rows)
    assert read_bom((REAL / name).read_bytes(), name, fmt).rows == result.rows


def test_pcbnew_degenerate_row_is_reported_and_skipped() -> None:
    result = load("hackclub__hackpad__BOM.csv")
    assert [(p.line, p.code) for p in result.problems] == [(3, "CTB602")]
    assert [row.line for row in result.rows] == [1, 3, 4, 5]
    first = by_line(result, 1)
    assert first.refs == ("SW1", "SW6", "SW3", "SW2", "SW5", "SW4")
    assert (first.quantity, first.value) == (6, "SW_Push")
    assert first.footprint == "SW_Cherry_MX_1.00u_PCB"


def test_pcbnew_unsorted_long_groups_and_multi_letter_prefix() -> None:
    result = load("hackclub__hackpad__Keyboard.csv")
    assert result.problems == []
    assert by_line(result, 1).refs == ("Brd1", "Brd4")
    switches = by_line(result, 3)
    assert switches.quantity == Decimal(42)
    assert len(switches.refs) == 42
    assert switches.refs[:3] == ("SW10", "SW33", "SW30")
    assert by_line(result, 8).source_line == 9
    assert all(row.flags == () for row in result.rows)


def test_pcbnew_unescaped_inner_quote() -> None:
    result = load("hackclub__hackpad__UtiliPad.csv")
    oled = by_line(result, 6)
    assert oled.refs == ("J1",)
    assert oled.value == '0.96" OLED Display'
    assert oled.footprint == "Adafruit_SSD1306"
    assert oled.quantity == 1
    assert oled.fields == {}


def test_symbol_fields_table_with_item_column_after_value() -> None:
    result = load("hackclub__hackpad__HelperPad-Parts.csv")
    diodes = by_line(result, 1)
    assert diodes.refs == ("D2", "D3", "D5", "D6", "D8", "D9", "D10", "D12", "D14")
    assert diodes.quantity == 9
    assert diodes.value == "1N4148"
    assert diodes.dnp is False
    assert by_line(result, 4).refs == ("U3",)


def test_tab_separated_with_non_ascii_value() -> None:
    result = load("hackclub__hackpad__Macropad_BOM.csv")
    resistors = by_line(result, 3)
    assert resistors.refs == ("R1", "R2")
    assert resistors.value == "4.7k\u03a9"
    assert resistors.fields == {}  # the "~" datasheet counts as empty
    assert by_line(result, 2).fields == {
        "Datasheet": "https://cdn-shop.adafruit.com/product-files/2686/SK6812MINI_REV.01-1-2.pdf"
    }


def test_fields_table_quoted_numbers() -> None:
    result = load("hackclub__hackpad__hackpadBOM.csv")
    diodes = by_line(result, 2)
    assert diodes.refs == tuple(f"D{n}" for n in range(3, 12))
    assert diodes.quantity == 9
    assert not any(row.dnp for row in result.rows)


def test_fabrication_toolkit_jlc_crlf_lexical_order() -> None:
    result = load("hackclub__hackpad__bom.csv")
    caps = by_line(result, 1)
    assert caps.refs == ("C1", "C3", "C4", "C5")
    assert (caps.quantity, caps.value, caps.footprint) == (4, "10uF", "0805")
    assert by_line(result, 2).refs[:3] == ("D1", "D11", "D12")
    assert by_line(result, 22).source_line == 23
    assert all(row.vendor is None and row.partnum is None for row in result.rows)


def test_jlc_plugin_without_quantity_counts_refs() -> None:
    result = load("opulo-inc__lumenpnp__ringLight_bom_jlc.csv")
    leds = by_line(result, 2)
    assert leds.refs == tuple(f"D{n}" for n in range(1, 9))
    assert leds.quantity == 8
    assert (leds.value, leds.vendor, leds.partnum) == ("WS2812B", "LCSC", "C114586")
    assert by_line(result, 1).partnum is None


def test_ungrouped_export_with_dnp_column_of_x() -> None:
    result = load("im-tomu__fomu-hardware__tomu-fpga-bom.csv")
    assert sum(row.dnp for row in result.rows) == 17
    first = by_line(result, 1)
    assert (first.refs, first.quantity, first.dnp) == (("C10",), 1, False)
    assert first.value == "0201, 1uF, 10V, X5R, 20%"
    assert first.footprint == "tomu-fpga:C_0201_0603Metric"
    usb = by_line(result, 7)
    assert (usb.refs, usb.dnp, usb.mpn) == (("U9",), True, "DNP")
    fpga = by_line(result, 26)
    assert fpga.refs == ("U5",)
    assert fpga.fields["DPN"] == "ICE40UP5K-UWG30ITR-ND"
    assert [row.refs[0] for row in result.rows if row.dnp][-3:] == ["XX1", "XX2", "XX3"]


def test_dnp_written_in_notes_column() -> None:
    result = load("im-tomu__tomu-hardware__tomu-bom.csv")
    dnp = [row.refs[0] for row in result.rows if row.dnp]
    assert dnp == ["P3", "W1", "W2", "P2", "P4", "P5", "XX1", "XX3", "XX4", "P1", "P6", "XX2"]
    led = by_line(result, 7)
    assert (led.refs, led.value, led.dnp) == (("D1",), "LED Green 0402", False)
    bag = by_line(result, 18)
    assert (bag.refs, bag.footprint, bag.dnp) == (("XX3",), None, True)


def test_digikey_cart_with_bom_and_mixed_line_endings() -> None:
    result = load("im-tomu__tomu-hardware__bom-digikey.csv")
    assert result.encoding == "utf-8-sig"
    first = by_line(result, 1)
    assert first.refs == ("R3", "R4")
    assert first.quantity == 2
    assert (first.vendor, first.partnum) == ("Digi-Key", "311-15LRCT-ND")
    assert first.mpn == "RC0402FR-0715RL"
    assert first.description == "RES SMD 15 OHM 1% 1/16W 0402"
    last = by_line(result, 7)
    assert (last.refs, last.partnum, last.source_line) == (("D2",), "LNJ247W82RACT-ND", 8)
    assert result.problems == []
