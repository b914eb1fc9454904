"""Building and re-building a version's BOM file: rows, implicit parts, hand-set values."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from ctb_files.importers import read_bom
from ctb_files.ops.bom.matching import Matcher
from ctb_files.ops.bom.sync import BomPlan, plan_bom
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.loader import load_repo
from ctb_files.storage.writeback.bom import write_plan
from tests.conftest import write_tree

DATA = Path(__file__).parent / "data" / "sync"
BOM = "projects/vco/bom/v1.yaml"
T1 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SOURCE = {"path": "boms/vco.csv", "format": "ctb-csv"}


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(DATA / "inventory", root)
    return root


def sync(root: Path, csv: bytes, now: datetime) -> BomPlan:
    loaded = load_repo(root)
    assert loaded.errors == []
    inventory = loaded.inventory
    result = read_bom(csv, "vco.csv")
    plan = plan_bom("vco", "v1", result, Matcher(inventory), inventory.boms.get(("vco", "v1")), SOURCE, now, file=BOM)
    changes = ChangeSet(root, inventory.files)
    write_plan(changes, plan, BOM)
    changes.apply()
    assert load_repo(root).errors == []
    return plan


def test_rows_matches_dnp_optional_and_implicit_knob(inv: Path) -> None:
    plan = sync(inv, (DATA / "vco-v1.csv").read_bytes(), T1)
    rows = plan.data["rows"]
    assert [(r["line"], r.get("implicit", False), r["part"], r["quantity"]) for r in rows] == [
        (1, False, "r-0805-4k7", 2),
        (2, False, "r-0805-10k-yageo", 3),
        (3, False, "c-0805-100n", 2),
        (4, False, "pot-b100k", 2),
        (4, True, "knob-davies", 2),
        (5, False, "bat54s", 1),
        (6, False, None, 1),
        (7, False, "mouser-595-TL074CDR", 1),
        (8, False, "r-0805-4k7", 1),
        (9, False, None, 1),
    ]
    assert rows[0]["refs"] == ["R1", "R2"]
    assert rows[1]["refs"] == ["R3", "R4", "R5"]
    assert rows[8]["dnp"] is True and rows[0]["dnp"] is False
    assert rows[9]["optional"] is True
    assert rows[6]["missing"] == "no part with value 22k, footprint R_0805 and symbol R"
    report = plan.report
    assert (report.rows, report.matched, report.implicit) == (9, 7, 1)
    assert report.unmatched == [
        (6, "no part with value 22k, footprint R_0805 and symbol R"),
        (9, "no part with value Jack, footprint Jack_3.5mm and symbol J"),
    ]
    assert report.placeholders == ["mouser-595-TL074CDR"]
    text = (inv / BOM).read_text()
    assert "  - {line: 4, implicit: true, quantity: 2, part: knob-davies}\n" in text
    assert "synced_at: 2026-11-01T12:00:00Z" in text
    placeholder = (inv / "parts/mouser-595-TL074CDR.yaml").read_text()
    assert "name: TL074\nplaceholder: true\nvendor_parts:\n  - {vendor: mouser, sku: 595-TL074CDR}\n" in placeholder


def test_resync_of_unchanged_data_is_byte_identical(inv: Path) -> None:
    csv = (DATA / "vco-v1.csv").read_bytes()
    sync(inv, csv, T1)
    before = {p: p.read_bytes() for p in inv.rglob("*.yaml")}
    plan = sync(inv, csv, T2)
    assert plan.changed is False
    assert plan.placeholders == []
    assert {p: p.read_bytes() for p in inv.rglob("*.yaml")} == before


def test_resync_matches_after_part_added_and_keeps_hand_set_values(inv: Path) -> None:
    csv = (DATA / "vco-v1.csv").read_bytes()
    sync(inv, csv, T1)
    text = (inv / BOM).read_text()
    # a person picks a substitute for the unmatched line 6 and notes something on line 1
    text = text.replace("  - line: 6\n", "  # no 22k yet: use a 20k\n  - line: 6\n", 1)
    lines = text.split("\n")
    at6 = lines.index("  - line: 6")
    sub6 = next(i for i in range(at6, len(lines)) if lines[i] in ("    substitute:", "    substitute: null"))
    lines[sub6] = "    substitute: r-0805-10k"
    at1 = lines.index("  - line: 1")
    ext1 = next(i for i in range(at1, len(lines)) if lines[i] == "    ext: {}")
    lines[ext1] = "    ext: {note: hand fitted}"
    (inv / BOM).write_text("\n".join(lines))
    write_tree(inv, {
        "packages/r-0805-kicad5.yaml": "name: 0805 (old KiCad name)\nfootprints: [Resistor_SMD:R_0805]\n",
        "parts/r-0805-22k.yaml": "name: 22k 0805 resistor\nvalue: 22k\nsymbol: R\npackage: r-0805-kicad5\n",
    })  # fmt: skip
    plan = sync(inv, csv, T2)
    assert plan.changed
    row6 = next(r for r in plan.data["rows"] if r["line"] == 6)
    assert (row6["part"], row6["missing"], row6["substitute"]) == ("r-0805-22k", None, "r-0805-10k")
    assert plan.data["rows"][0]["ext"] == {"note": "hand fitted"}
    text = (inv / BOM).read_text()
    assert "  # no 22k yet: use a 20k\n  - line: 6\n" in text
    assert "    part: r-0805-22k\n    missing:" in text
    assert "    substitute: r-0805-10k\n" in text
    assert "synced_at: 2026-11-02T09:30:00Z" in text
    again = sync(inv, csv, T1)
    assert again.changed is False


def test_changed_row_changes_only_that_row(inv: Path) -> None:
    csv = (DATA / "vco-v1.csv").read_bytes()
    sync(inv, csv, T1)
    before = (inv / BOM).read_text().splitlines()
    sync(inv, csv.replace(b'"RV1,RV2",2,', b'"RV1,RV2,RV3",3,'), T2)
    after = (inv / BOM).read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [
        ("  synced_at: 2026-11-01T12:00:00Z", "  synced_at: 2026-11-02T09:30:00Z"),
        ("    refs: [RV1, RV2]", "    refs: [RV1, RV2, RV3]"),
        ("    quantity: 2", "    quantity: 3"),
        ("  - {line: 4, implicit: true, quantity: 2, part: knob-davies}", "  - {line: 4, implicit: true, quantity: 3, part: knob-davies}"),
    ]


def test_implicit_quantity_is_rule_times_row_quantity(inv: Path) -> None:
    write_tree(inv, {
        "packages/pot-9mm.yaml": """
            name: 9 mm pot
            footprints: [Potentiometer_THT:Pot_9mm]
            implicit_parts:
              - {part: knob-davies, quantity: 1}
              - {part: nut-m7, quantity: 0.5}
        """,
        "parts/nut-m7.yaml": "name: M7 nut\n",
    })  # fmt: skip
    csv = b"Reference,Value,Footprint,Qty,DNP\nRV1-RV3,B100k,Potentiometer_THT:Pot_9mm,3,\nRV9,B100k,Potentiometer_THT:Pot_9mm,1,DNP\n"
    plan = sync(inv, csv, T1)
    assert [(r["line"], r["part"], r["quantity"], r.get("dnp")) for r in plan.data["rows"]] == [
        (1, "pot-b100k", 3, False),
        (1, "knob-davies", 3, None),
        (1, "nut-m7", Decimal("1.5"), None),
        (2, "pot-b100k", 1, True),
        (2, "knob-davies", 1, True),
        (2, "nut-m7", Decimal("0.5"), True),
    ]


def test_bad_rows_are_reported_and_skipped(inv: Path) -> None:
    csv = b"Reference,Value,Footprint,Qty\nR1,4k7,R_0805_2012Metric,two\nR2,4k7,R_0805_2012Metric,1\nR3 R4,4k7,R_0805_2012Metric,3\n"
    plan = sync(inv, csv, T1)
    assert [r["refs"] for r in plan.data["rows"]] == [["R2"], ["R3", "R4"]]
    assert "flags" not in plan.data["rows"][0]
    assert plan.data["rows"][1]["flags"] == ["quantity 3 disagrees with 2 references"]
    assert [(p.line, p.code) for p in plan.report.problems] == [(2, "CTB601")]
