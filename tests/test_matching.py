"""Matching imported rows to parts: vendor parts, value/footprint/symbol, placeholders."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.core.models.inventory import Inventory
from ctb_files.importers import ImportedRow, read_bom
from ctb_files.ops.bom.matching import (
    Match,
    Matcher,
    footprint_name,
    placeholder_id,
    value_key,
)
from ctb_files.storage.loader import load_files
from ctb_files.storage.tree import read_tree

DATA = Path(__file__).parent / "data" / "sync"


@pytest.fixture
def inventory() -> Inventory:
    loaded = load_files(read_tree(DATA / "inventory"))
    assert loaded.errors == []
    return loaded.inventory


def row(refs: str, value: str | None, footprint: str | None = None, **kw: object) -> ImportedRow:
    refs_t = tuple(refs.split())
    if "partnum" in kw:
        kw["skus"] = ((kw.pop("vendor"), kw.pop("partnum")),)
    return ImportedRow(line=1, refs=refs_t, quantity=Decimal(len(refs_t) or 1), value=value, footprint=footprint, **kw)  # type: ignore[arg-type]


R0805 = "Resistor_SMD:R_0805_2012Metric"


def test_value_key_normalises_rkm_and_reads_kilo_in_either_case() -> None:
    assert value_key("4k7") == "4.7k"
    assert value_key("4K7 1%") == "4.7k"
    assert value_key("10K") == value_key("10k") == "10k"
    assert value_key("3M3") == "3.3M"
    assert value_key("1m5") == "1.5m"
    assert value_key("KBP206") == "KBP206"
    assert value_key("1N4148") == "1N4148"


def test_4k7_matches_the_part_whose_value_is_4_7k(inventory: Inventory) -> None:
    assert Matcher(inventory).match(row("R1 R2", "4k7", R0805)) == Match("r-0805-4k7", rule="value")


def test_most_stock_wins_then_lowest_id(inventory: Inventory) -> None:
    # r-0805-10k has 40 on hand, r-0805-10k-yageo 25 + 25 in two bins
    assert Matcher(inventory).match(row("R3", "10K", R0805)).part == "r-0805-10k-yageo"
    inventory.stock.clear()
    assert Matcher(inventory).match(row("R3", "10K", R0805)).part == "r-0805-10k"


def test_footprint_compared_with_and_without_the_library(inventory: Inventory) -> None:
    matcher = Matcher(inventory)
    # the package lists C_0805_2012Metric without a library; the row has one
    assert matcher.match(row("C1", "100n", "Capacitor_SMD:C_0805_2012Metric")).part == "c-0805-100n"
    # the package lists Resistor_SMD:R_0805_2012Metric; the row has none
    assert matcher.match(row("R1", "4.7k", "R_0805_2012Metric")).part == "r-0805-4k7"
    assert matcher.match(row("R1", "4.7k", "Resistor_SMD:R_1206")).part is None


def test_symbol_must_be_one_of_the_designator_prefixes(inventory: Inventory) -> None:
    missing = Matcher(inventory).match(row("C9", "4k7", R0805))
    assert missing.part is None
    assert missing.missing == "no part with value 4.7k, footprint R_0805_2012Metric and symbol C"


def test_unmatched_row_says_what_was_looked_for(inventory: Inventory) -> None:
    found = Matcher(inventory).match(row("R6", "22k", "R_0805"))
    assert found == Match(None, missing="no part with value 22k, footprint R_0805 and symbol R")
    assert Matcher(inventory).match(row("", None)).missing == "no value to match on"


def test_vendor_part_number_wins_over_value(inventory: Inventory) -> None:
    pot = row("RV1 RV2", "whatever", "Other:Footprint", vendor="TAYDA electronics", partnum="a-1848")
    assert Matcher(inventory).match(pot) == Match("pot-b100k", rule="vendor part")
    by_id = row("D1", "x", vendor="mouser", partnum="863-bat54slt1g")
    assert Matcher(inventory).match(by_id).part == "bat54s"


def test_unknown_sku_at_a_vendor_without_api_falls_back_to_value(inventory: Inventory) -> None:
    found = Matcher(inventory).match(row("R1", "4k7", R0805, vendor="Tayda Electronics", partnum="A-9999"))
    assert found.part == "r-0805-4k7"
    lost = Matcher(inventory).match(row("R1", "1k", R0805, vendor="Tayda Electronics", partnum="A-9999"))
    assert lost.missing == (
        "no part with value 1k, footprint R_0805_2012Metric and symbol R (and no part has tayda part number A-9999)"
    )
    unknown = Matcher(inventory).match(row("R1", "1k", None, vendor="Digikey", partnum="311-1k"))
    assert unknown.missing == "no part with value 1k and symbol R (and vendor Digikey is not in vendors/)"


def test_unknown_sku_at_an_api_vendor_makes_one_placeholder(inventory: Inventory) -> None:
    matcher = Matcher(inventory)
    first = matcher.match(row("U1", "TL074", "Package_SO:SOIC-14", vendor="Mouser", partnum="595-TL074CDR"))
    assert first.part == "mouser-595-TL074CDR"
    assert first.rule == "placeholder"
    assert first.placeholder is not None
    made = first.placeholder.part
    assert (made.name, made.placeholder) == ("TL074", True)
    assert [(vp.vendor, vp.sku) for vp in made.vendor_parts] == [("mouser", "595-TL074CDR")]
    again = matcher.match(row("U2", "TL074", vendor="mouser", partnum="595-tl074cdr"))
    assert again == Match("mouser-595-TL074CDR", rule="vendor part")
    assert list(matcher.created) == ["mouser-595-TL074CDR"]


def test_placeholder_ids_are_sanitised_and_never_clash(inventory: Inventory) -> None:
    assert placeholder_id("mouser", "595/TL074 CDR") == "mouser-595-TL074-CDR"
    assert placeholder_id("mouser", "a..b") == "mouser-a.b"
    assert len(placeholder_id("mouser", "x" * 200)) == 80
    matcher = Matcher(inventory)
    clash = matcher.match(row("D9", "", vendor="Mouser", partnum="BAT54S"))
    assert clash.part == "mouser-BAT54S"
    other = matcher.match(row("D9", "", vendor="Mouser", partnum="bat54s!"))
    # 'bat54s!' sanitises to an id that differs from the first only by case
    assert other.part == "mouser-bat54s-2"


def test_footprint_name() -> None:
    assert footprint_name("Resistor_SMD:R_0805") == "R_0805"
    assert footprint_name("R_0805") == "R_0805"


def test_rows_of_a_hand_made_csv(inventory: Inventory) -> None:
    result = read_bom((DATA / "vco-v1.csv").read_bytes(), "vco-v1.csv")
    matcher = Matcher(inventory)
    parts = {r.line: matcher.match(r).part for r in result.rows}
    assert parts == {
        1: "r-0805-4k7",
        2: "r-0805-10k-yageo",
        3: "c-0805-100n",
        4: "pot-b100k",
        5: "bat54s",
        6: None,
        7: "mouser-595-TL074CDR",
        8: "r-0805-4k7",
        9: None,
    }
