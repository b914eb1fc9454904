"""Matching by every SKU, vendor aliases, MPN, and values compared as quantities (PRODUCT.md 6.3)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import pytest

from ctb_files.checks import run_checks
from ctb_files.core.models import BomFile, BomRow, Part, Vendor, VendorPart
from ctb_files.core.models.common import record_adapter
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.project import HAND_SET, hand_set_keys
from ctb_files.importers import ImportedRow, ImportResult
from ctb_files.ops.bom.matching import Matcher
from ctb_files.ops.bom.sync import plan_bom
from ctb_files.ops.bom.values import mpn_key, value_key
from ctb_files.storage.loader import load_repo, locate_all
from tests.conftest import write_tree


def world() -> Inventory:
    inventory = Inventory()
    inventory.vendors["digikey"] = Vendor(name="Digi-Key", aliases=["DK", "Digikey"])
    inventory.vendors["mouser"] = Vendor(name="Mouser", api="mouser")
    inventory.parts["bat54s"] = Part(
        name="BAT54S", vendor_parts=[VendorPart(vendor="mouser", sku="863-BAT54SLT1G", mpn="BAT54S-LT1G")]
    )
    inventory.parts["c-1u"] = Part(name="1u cap", value="1uF", symbol="C")
    inventory.parts["c-100n"] = Part(name="100n cap", value="0.1uF", symbol="C")
    inventory.parts["r-4r7"] = Part(name="4.7 ohm", value="4.7", symbol="R")
    inventory.parts["l-dk"] = Part(name="inductor", vendor_parts=[VendorPart(vendor="digikey", sku="DK-1")])
    return inventory


def row(*skus: tuple[str, str], value: str | None = None, refs: tuple[str, ...] = ("D1",), mpn: str | None = None) -> ImportedRow:
    return ImportedRow(line=1, refs=refs, quantity=Decimal(1), value=value, skus=skus, mpn=mpn)


def test_a_later_sku_matches_when_the_first_is_unknown() -> None:
    matcher = Matcher(world())
    found = matcher.match(row(("Digi-Key", "nope"), ("Mouser", "863-bat54slt1g")))
    assert (found.part, found.rule) == ("bat54s", "vendor part")
    found = matcher.match(row(("Farnell", "123"), ("Mouser", "863-BAT54SLT1G")))
    assert found.part == "bat54s"  # an unknown vendor never blocks the next SKU


def test_vendor_aliases_ignoring_case() -> None:
    assert Matcher(world()).match(row(("dk", "DK-1"))).part == "l-dk"
    assert Matcher(world()).match(row(("DIGIKEY", "dk-1"))).part == "l-dk"


def test_mpn_ignores_case_spaces_and_dashes() -> None:
    assert mpn_key("bat54s lt1g") == mpn_key("BAT54S-LT1G") == "BAT54SLT1G"
    found = Matcher(world()).match(row(mpn="bat54s lt1g"))
    assert (found.part, found.rule) == ("bat54s", "mpn")


@pytest.mark.parametrize(
    ("value", "part"),
    [("1µF", "c-1u"), ("1μF", "c-1u"), ("1u", "c-1u"), ("1uF, 10V, X5R", "c-1u"), ("100n", "c-100n"),
     ("100nF", "c-100n"), ("100000pF", "c-100n"), ("0.1u", "c-100n")],
)  # fmt: skip
def test_capacitor_values_as_quantities(value: str, part: str) -> None:
    assert Matcher(world()).match(row(value=value, refs=("C1",))).part == part


def test_4r7_is_4_7_ohm() -> None:
    assert value_key("4R7") == value_key("4.7Ω") == value_key("4.7 ohm") == "4.7"
    assert Matcher(world()).match(row(value="4R7", refs=("R1",))).part == "r-4r7"
    assert value_key("1N4148") == "1N4148"


def test_unmatched_row_says_what_was_looked_for() -> None:
    found = Matcher(world()).match(row(("Farnell", "9"), ("Mouser", "x"), value="22k", refs=("R1",), mpn="ABC"))
    assert found.part == "mouser-x"  # an unknown sku at an API vendor: a placeholder
    inventory = world()
    inventory.vendors["mouser"] = Vendor(name="Mouser")
    lost = Matcher(inventory).match(row(("Farnell", "9"), value="22k", refs=("R1",), mpn="ABC"))
    assert lost.missing == (
        "no part with value 22k and symbol R, no part with MPN ABC (and vendor Farnell is not in vendors/)"
    )


@dataclass(slots=True, kw_only=True)
class ColourRow(BomRow):
    """A row with one more hand-set field: it must survive a re-sync with no list to update."""

    colour: Annotated[str | None, HAND_SET] = None


def test_a_new_hand_set_field_survives_resync() -> None:
    assert hand_set_keys(BomRow) == ("unit", "substitute", "order", "attrition", "setup", "consumable", "ext")
    assert hand_set_keys(ColourRow)[-1] == "colour"
    existing = BomFile(
        project="p", version="v1",
        rows=[ColourRow(line=1, refs=["R1"], quantity=Decimal(1), value="4R7", colour="red", substitute="c-1u")],
    )  # fmt: skip
    imported = ImportResult(format="ctb-csv", rows=[ImportedRow(line=1, refs=("R1",), quantity=Decimal(1), value="4R7")])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    plan = plan_bom("p", "v1", imported, Matcher(world()), existing, None, now, row_model=ColourRow)
    (new,) = plan.data["rows"]
    assert (new["colour"], new["substitute"], new["part"]) == ("red", "c-1u", "r-4r7")


def test_old_vendor_partnum_rows_read_as_skus_and_resync_rewrites() -> None:
    old = record_adapter(BomRow).validate_python({"line": 1, "quantity": 1, "vendor": "Mouser", "partnum": "863-BAT54SLT1G"})
    assert [(s.vendor, s.sku) for s in old.skus] == [("Mouser", "863-BAT54SLT1G")]
    assert old.legacy
    existing = BomFile(project="p", version="v1", rows=[old])
    imported = ImportResult(
        format="ctb-csv", rows=[ImportedRow(line=1, refs=(), quantity=Decimal(1), skus=(("Mouser", "863-BAT54SLT1G"),))]
    )
    plan = plan_bom("p", "v1", imported, Matcher(world()), existing, None, datetime(2026, 1, 1, tzinfo=UTC))
    assert plan.changed
    assert plan.data["rows"][0]["skus"] == [{"vendor": "Mouser", "sku": "863-BAT54SLT1G"}]
    assert "vendor" not in plan.data["rows"][0]


def test_which_rows_read_as_old_vendor_partnum_rows() -> None:
    def row(**extra: object) -> BomRow:
        return record_adapter(BomRow).validate_python({"line": 1, "quantity": 1, **extra})

    assert not row().legacy
    assert not row(vendor=None, partnum=None).legacy  # written as null: nothing to rewrite
    assert row(vendor=None, partnum=None) == row()
    only_vendor, only_partnum, empty = row(vendor="Mouser"), row(partnum="863-X"), row(vendor="")
    assert (only_vendor.legacy, only_vendor.fields) == (True, {"Vendor": "Mouser"})
    assert (only_partnum.legacy, only_partnum.fields) == (True, {"PartNum": "863-X"})
    assert empty.legacy and empty.fields == {} and empty.skus == []
    both = row(vendor="Mouser", partnum="863-X")
    assert (both.vendor, both.partnum) == (None, None)
    assert copy.copy(both).legacy and pickle.loads(pickle.dumps(both)).legacy
    assert both == row(skus=[{"vendor": "Mouser", "sku": "863-X"}])  # told apart by legacy alone
    assert not pickle.loads(pickle.dumps(row())).legacy


def test_an_alias_shared_by_two_vendors_is_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "ctb.yaml": "ctb: 1\n",
        "vendors/digikey.yaml": "name: Digi-Key\naliases: [DK, Mouser]\n",
        "vendors/mouser.yaml": "name: Mouser\n",
    })  # fmt: skip
    loaded = load_repo(tmp_path)
    diagnostics = locate_all(loaded.diagnostics + run_checks(loaded.inventory), loaded.inventory.files)
    found = [d for d in diagnostics if d.code == "CTB216"]
    assert [(d.path, d.line, d.severity) for d in found] == [
        ("vendors/digikey.yaml", 2, "warning"), ("vendors/mouser.yaml", 1, "warning"),
    ]  # fmt: skip
    assert found[0].message == "'Mouser' also names vendor mouser; BOM SKUs at 'Mouser' match only one"
