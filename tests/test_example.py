"""The bundled example inventory: realistic, clean, and what ``ctb demo`` tours."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from ctb_files.cli import main
from ctb_files.cli.demo import STEPS, Demo, run_demo
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.schema import export_schemas
from ctb_files.storage.init.scaffold import example_files
from ctb_files.storage.loader import load_repo
from tests.conftest import git

PROJECT = Path(__file__).resolve().parent.parent
EXAMPLE = PROJECT / "ctb_files" / "data" / "example-inventory"


@pytest.fixture(scope="module")
def inventory() -> Inventory:
    loaded = load_repo(EXAMPLE)
    assert loaded.diagnostics == []
    return loaded.inventory


def test_project_root_shows_the_packaged_example() -> None:
    link = PROJECT / "example-inventory"
    assert link.is_symlink() and link.resolve() == EXAMPLE.resolve()


def test_example_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--repo", str(PROJECT / "example-inventory")]) == 0
    out = capsys.readouterr()
    assert out.out == ""
    assert "0 errors, 0 warnings" in out.err


def test_example_is_formatted() -> None:
    assert main(["fmt", "--check", "--repo", str(EXAMPLE)]) == 0


def test_packaged_files_are_the_example() -> None:
    on_disk = {
        p.relative_to(EXAMPLE).as_posix(): p.read_bytes() for p in EXAMPLE.rglob("*.yaml") if ".ctb" not in p.parts
    }
    assert example_files() == on_disk


def test_example_schema_copies_are_fresh() -> None:
    copies = {p.name: p.read_text(encoding="utf-8") for p in (EXAMPLE / ".ctb" / "schemas").iterdir()}
    assert copies == export_schemas()


def test_example_is_a_realistic_workshop(inventory: Inventory) -> None:
    assert len(inventory.parts) >= 25
    assert inventory.vendors["mouser"].api == "mouser" and "tayda" in inventory.vendors
    assert sorted(inventory.stock) == ["drawer-a", "shelf"]
    assert {"4.7k", "10k", "100k"} <= {p.value for p in inventory.parts.values()}
    assert [p for p in inventory.parts.values() if p.equivalents]
    assert inventory.packages["pot-9mm"].implicit_parts[0].part == "knob-davies"
    vendors_used = {vp.vendor for part in inventory.parts.values() for vp in part.vendor_parts}
    assert vendors_used == {"mouser", "tayda"}
    assert all(vp.price_breaks for part in inventory.parts.values() for vp in part.vendor_parts)
    bom = inventory.boms[("vco", "v1")]
    assert 40 <= len(bom.rows) <= 60
    knobs = [row for row in bom.rows if row.implicit]
    assert len(knobs) == 5 and {row.part for row in knobs} == {"knob-davies"}
    assert {"tl074-dip", "jack-thonkiconn", "hdr-2x5-shrouded", "pcb-vco-v1", "panel-vco", "c-10u", "c-100n"} <= {
        row.part for row in bom.rows
    }
    build = inventory.builds["vco-batch-1"]
    assert (build.project, build.version, build.quantity, build.status) == ("vco", "v1", Decimal(3), "draft")
    order = inventory.orders["mouser-open"]
    assert order.status == "open" and order.lines[0].quantity == Decimal(10) and order.lines[0].for_ == {}


def test_files_read_like_a_person_wrote_them() -> None:
    texts = [p.read_text() for p in EXAMPLE.rglob("*.yaml")]
    commented = [
        t
        for t in texts
        if any(line.lstrip().startswith("# ") and "yaml-language-server" not in line for line in t.splitlines())
    ]
    assert len(commented) >= 8


def test_clearing_the_draft_build_leaves_three_parts_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lab"
    shutil.copytree(EXAMPLE, root)
    assert main(["build", "clear", "vco-batch-1", "--repo", str(root)]) == 0
    build = yaml.safe_load((root / "builds/vco-batch-1.yaml").read_text())
    assert build["status"] == "short"
    assert {s["part"]: s["quantity"] for s in build["shortages"]} == {"knob-davies": 5, "panel-vco": 1, "tl074-dip": 1}
    ten_k = next(r for r in build["reservations"] if r["part"] == "r-10k")
    assert ten_k["quantity"] == 33
    assert {t["part"]: t["quantity"] for t in ten_k["take"]} == {"r-10k": 20, "r-10k-vishay": 13}
    assert main(["check", "--repo", str(root)]) == 0


# --- ctb demo ---------------------------------------------------------------------------------


def test_demo_exits_0_and_prints_the_summary(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tour"
    assert main(["demo", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"ctb demo in {root.resolve()}\n")
    assert "  parts        30 (12 packages, vendors: mouser, tayda)\n" in out
    assert "  stock lines  30 at 2 locations (drawer-a, shelf)\n" in out
    assert "  projects     vco:v1 (55 BOM rows, makes vco-module)\n" in out
    assert "  orders       mouser-open (mouser, open, 1 line)\n" in out
    assert "  ctb check    clean: 51 files, 0 errors, 0 warnings\n" in out
    assert git(root, "log", "--format=%s").strip() == "ctb: example inventory"


def test_demo_clears_the_build_and_prints_reservations_shortages_and_can_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "tour"
    assert main(["demo", str(root)]) == 0
    out = capsys.readouterr().out
    assert "  vco-batch-1: 3 × vco:v1, short: 24 parts reserved from 25 stock lines, 3 short\n" in out
    assert "    part                  reserved  from (location/bin)\n" in out
    assert "    pcb-vco-v1                   3  shelf/boards\n" in out
    assert "    r-10k                       33  drawer-a/A5 20, drawer-a/A6 13 r-10k-vishay\n" in out
    assert (
        "    part         short  BOM lines           reason\n"
        "    -----------  -----  ------------------  ------\n"
        "    knob-davies      5  18, 19, 20, 39, 40\n"
        "    panel-vco        1  49\n"
        "    tl074-dip        1  7, 24\n"
    ) in out
    assert "  vco:v1: 0 more can be built now (limited by jack-thonkiconn, pot-b100k)\n" in out
    # the summary tells the state after clearing, never the draft it was
    assert "  builds       vco-batch-1 (3 × vco:v1, short: knob-davies 5, panel-vco 1, tl074-dip 1)\n" in out
    assert "draft" not in out
    assert "  can-build    vco:v1 0 more now (limited by jack-thonkiconn, pot-b100k)\n" in out
    assert "  ctb build show vco-batch-1    # reservations, shortages and cost\n" in out


def test_files_stay_formatted_after_the_demo_and_what_follows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "tour"
    assert main(["demo", str(root)]) == 0

    def ctb(*args: str) -> None:
        assert main([*args, "--repo", str(root)]) == 0, capsys.readouterr().err
        capsys.readouterr()
        assert main(["fmt", "--check", "--repo", str(root)]) == 0, (args, capsys.readouterr())

    ctb("check")
    ctb("order", "generate")
    assert (root / "orders/tayda-1.yaml").is_file()
    ctb("build", "cancel", "vco-batch-1")
    ctb("build", "new", "vco", "v1", "1", "--id", "one", "--due", "2026-12-24", "--exclude", "50", "--fallback", "r-1k=r-100r")
    ctb("build", "clear", "one")
    assert "status: cleared\ncreated_at: " in (root / "builds/one.yaml").read_text()
    ctb("build", "complete", "one")
    ctb("order", "place", "tayda-1", "--number", "T-1")
    ctb("order", "receive", "tayda-1", "--location", "bench", "--new-location")
    ctb("order", "place", "mouser-open")
    ctb("order", "receive", "mouser-open")  # its line ends with a comment block: received goes above it
    ctb("stock", "add", "r-1m", "4", "--location", "drawer-a", "--bin", "Z9")
    ctb("stock", "move", "r-1m", "2", "--from", "drawer-a", "--from-bin", "Z9", "--to", "shelf", "--to-bin", "Q")
    ctb("stock", "set", "r-1m", "7", "--location", "shelf", "--bin", "Q")
    ctb("build", "clear", "--all")
    assert main(["check", "--repo", str(root)]) == 0


def test_demo_defaults_to_a_new_temporary_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    assert main(["demo"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    created = Path(first.removeprefix("ctb demo in "))
    assert created.parent == tmp_path.resolve() and created.name.startswith("ctb-demo-")
    assert (created / "ctb.yaml").is_file()


def test_demo_refuses_an_existing_inventory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "ctb.yaml").write_text("ctb: 1\n")
    assert main(["demo", str(tmp_path)]) == 1
    assert "already holds ctb.yaml" in capsys.readouterr().err


def test_demo_steps_can_be_extended(tmp_path: Path) -> None:
    said: list[str] = []

    def count_builds(demo: Demo) -> int:
        demo.summary.append(("open builds", str(len(demo.inventory().builds))))
        return 0

    steps = [*STEPS[:-1], ("count builds", count_builds), STEPS[-1]]
    assert run_demo(tmp_path / "x", steps, echo=said.append) == 0
    assert "- count builds" in said
    assert any(line.startswith("  open builds") and line.endswith("  1") for line in said)
