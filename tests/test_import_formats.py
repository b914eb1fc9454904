"""Hand-made samples of the format families with no real file: exact rows."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from ctb_files.importers import ImportedRow, ImportResult, read_bom

DATA = Path(__file__).parent / "data" / "import"


def load(name: str, fmt: str = "auto") -> ImportResult:
    return read_bom((DATA / name).read_bytes(), name, fmt)


def test_kicad_cli_default_header_ranges_dnp_and_custom_fields() -> None:
    result = load("kicad-cli-default.csv")
    assert result.format == "kicad-cli"
    assert result.problems == []
    assert result.rows[0] == ImportedRow(
        line=1,
        refs=("C1", "C2", "C3", "C7"),
        quantity=Decimal(4),
        value="100n",
        footprint="Capacitor_SMD:C_0805_2012Metric",
        mpn="CL21B104KBCNNNC",
        skus=(("Mouser", "187-CL21B104KBCNNNC"),),
        source_line=2,
    )
    resistors, dnp, _, diodes = result.rows[1:]
    assert resistors.refs == ("R1", "R2", "R3", "R4")
    assert (resistors.quantity, resistors.value, resistors.dnp) == (4, "4k7", False)
    assert (dnp.refs, dnp.dnp, dnp.flags) == (("R5",), True, ())
    assert diodes.refs == ("D1", "D2")
    assert diodes.quantity == 3
    assert diodes.flags == ("quantity 3 disagrees with 2 references",)


def test_legacy_grouped_reads_only_the_collated_table() -> None:
    result = load("legacy-grouped.csv")
    assert result.format == "kicad-legacy"
    assert result.header_line == 21
    assert [(row.line, row.refs, row.quantity) for row in result.rows] == [
        (1, ("C1", "C2"), 2),
        (2, ("R1", "R2", "R3"), 3),
        (3, ("U1",), 1),
    ]
    amp = result.rows[2]
    assert (amp.value, amp.skus, amp.source_line) == ("TL072", (), 24)
    assert amp.fields == {
        "Vendor": "Mouser",
        "LibPart": "Amplifier_Operational:TL072",
        "Datasheet": "http://www.ti.com/lit/ds/symlink/tl071.pdf",
    }
    assert result.problems == []


def test_legacy_with_fp_preamble_and_trailing_commas() -> None:
    result = load("legacy-with-fp.csv")
    assert result.format == "kicad-legacy-fp"
    assert result.header_line == 6
    assert [(row.line, row.refs, row.quantity, row.flags) for row in result.rows] == [
        (1, ("C1", "C2", "C3"), 3, ()),
        (2, ("J1",), 1, ()),
        (3, ("R1", "R2"), 2, ()),
        (4, ("U1",), 1, ()),
    ]
    jack = result.rows[1]
    assert jack.description == "Audio Jack, 2 Poles"
    assert jack.vendor is None
    assert jack.fields == {"Cmp name": "AudioJack2"}
    assert result.rows[3].fields["Vendor"] == "Tayda"  # a vendor without a part number


def test_kibom_ranges_dnf_quantity_and_metadata_block() -> None:
    result = load("kibom.csv")
    assert result.format == "kibom"
    assert result.problems == []
    assert [(row.line, row.refs, row.quantity, row.dnp) for row in result.rows] == [
        (1, ("C1", "C2", "C5"), 3, False),
        (2, ("R1", "R2", "R3", "R4", "R7"), 5, False),
        (3, ("D1",), 1, True),
        (4, ("U1",), 1, False),
    ]
    caps = result.rows[0]
    assert (caps.vendor, caps.partnum) == ("LCSC", "C49678")
    assert caps.description == "Unpolarized capacitor"
    assert caps.fields == {"Part": "C", "Build Quantity": "30"}


def test_ctb_csv_vendor_partnum_optional_dnp() -> None:
    result = load("ctb-generic.csv")
    assert result.format == "ctb-csv"
    assert [row.line for row in result.rows] == [8, 12, 21, 39, 41]
    first = result.rows[0]
    assert (first.refs, first.quantity, first.value) == (("D7", "D8"), 2, "D_Dual_Series_AKC")
    assert (first.vendor, first.partnum) == ("Mouser", "863-BAT54SLT1G")
    assert result.rows[1].value == "4K7 1%"
    assert (result.rows[2].refs, result.rows[2].optional) == (("R21", "R31"), True)
    pots = result.rows[3]
    assert pots.refs == tuple(f"RV{n}" for n in range(1, 7))
    assert (pots.vendor, pots.partnum) == ("Thonk", "ALPHA-B100K")
    assert pots.fields == {"Note": "with knobs"}
    assert (result.rows[4].dnp, result.rows[4].optional) == (True, False)
    assert sum(row.dnp for row in result.rows) == 1


def test_forcing_a_format_names_it_in_the_result() -> None:
    result = load("kibom.csv", fmt="ctb-csv")
    assert result.format == "ctb-csv"
    # without KiBoM's aliases the "Component" column is just a field
    assert result.rows[0].fields["Component"] == "1"
    assert [row.line for row in result.rows] == [1, 2, 3, 4]
