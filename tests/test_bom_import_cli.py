"""``ctb bom import``: hand-made CSVs into a version's BOM file, through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.loader import load_repo
from ctb_files.storage.yaml import load_fast
from tests.conftest import commit_all, git, write_tree

DATA = Path(__file__).parent / "data" / "sync"
BOM = "projects/vco/bom/v1.yaml"


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(DATA / "inventory", root)
    return root


def run(root: Path, *args: str) -> int:
    return main(["--repo", str(root), "bom", "import", *args])


def rows(root: Path, rel: str = BOM) -> list[dict]:
    return load_fast((root / rel).read_bytes(), rel)["rows"]


def test_kicad_csv_refs_quantities_dnp_matches_and_knob(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(inv, str(DATA / "kicad-vco.csv"), "--project", "vco", "--version", "v1") == 0
    got = [(r["line"], r.get("refs"), r["quantity"], r.get("dnp"), r["part"], r.get("implicit", False)) for r in rows(inv)]
    assert got == [
        (1, ["R1", "R2", "R3", "R4"], 4, False, "r-0805-4k7", False),
        (2, ["R5", "R6"], 2, True, "r-0805-10k-yageo", False),
        (3, ["RV1", "RV2", "RV3"], 3, False, "pot-b100k", False),
        (3, None, 3, None, "knob-davies", True),
        (4, ["C1"], 1, False, "c-0805-100n", False),
        (5, ["C2"], 1, False, None, False),
    ]
    assert rows(inv)[5]["missing"] == "no part with value 47u, footprint CP_Radial_D5.0mm and symbol C"
    out = capsys.readouterr().out
    assert out.splitlines()[2].split() == ["v1", "5", "4", "1", "1", "0", "0", "0"]
    assert "v1 line 5: no part with value 47u, footprint CP_Radial_D5.0mm and symbol C" in out
    source = load_fast((inv / BOM).read_bytes(), BOM)["source"]
    assert (source["path"], source["format"]) == ("kicad-vco.csv", "ctb-csv")
    assert load_repo(inv).errors == []


def test_jlc_csv_with_explicit_format_and_json(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(inv, str(DATA / "jlc-vco.csv"), "--project", "vco", "--version", "v1", "--bom-format", "jlc") == 0
    capsys.readouterr()
    assert [(r["refs"], r["value"], r["skus"], r["part"]) for r in rows(inv)] == [
        (["R1", "R2"], "4.7k", [{"vendor": "LCSC", "sku": "C17673"}], "r-0805-4k7"),
        (["C1"], "100n", [{"vendor": "LCSC", "sku": "C49678"}], "c-0805-100n"),
    ]
    assert run(inv, str(DATA / "vco-v1.csv"), "--project", "vco", "--version", "v1", "--format", "json") == 0
    doc = json.loads(capsys.readouterr().out)
    (v1,) = doc["versions"]
    assert {k: v1[k] for k in ("version", "commit", "rows", "matched", "implicit", "placeholders", "problems")} == {
        "version": "v1", "commit": None, "rows": 9, "matched": 7, "implicit": 1,
        "placeholders": ["mouser-595-TL074CDR"], "problems": [],
    }  # fmt: skip
    assert v1["unmatched"][0] == {"line": 6, "text": "no part with value 22k, footprint R_0805 and symbol R"}
    assert (inv / "parts/mouser-595-TL074CDR.yaml").is_file()


def test_unmatched_then_part_added_then_reimport_keeps_substitute(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = str(DATA / "kicad-vco.csv")
    assert run(inv, csv, "--project", "vco", "--version", "v1") == 0
    text = (inv / BOM).read_text()
    assert text.count("    substitute:\n") + text.count("    substitute: null\n") == 5
    last = text.rindex("    substitute:")
    end = text.index("\n", last)
    (inv / BOM).write_text(text[:last] + "    substitute: c-0805-100n" + text[end:])
    write_tree(inv, {
        "packages/cp-5mm.yaml": "name: 5 mm electrolytic\nfootprints: [Capacitor_THT:CP_Radial_D5.0mm]\n",
        "parts/cp-47u.yaml": "name: 47u electrolytic\nvalue: 47u\nsymbol: C\npackage: cp-5mm\n",
    })  # fmt: skip
    assert run(inv, csv, "--project", "vco", "--version", "v1") == 0
    last_row = rows(inv)[-1]
    assert (last_row["part"], last_row.get("missing"), last_row["substitute"]) == ("cp-47u", None, "c-0805-100n")
    capsys.readouterr()
    before = (inv / BOM).read_bytes()
    assert run(inv, csv, "--project", "vco", "--version", "v1") == 0
    assert "wrote" not in capsys.readouterr().err
    assert (inv / BOM).read_bytes() == before


def test_new_project_and_new_version_are_listed(inv: Path) -> None:
    csv = str(DATA / "jlc-vco.csv")
    assert run(inv, csv, "--project", "lfo", "--version", "r1") == 0
    assert (inv / "projects/lfo/project.yaml").read_text() == "# yaml-language-server: $schema=../../.ctb/schemas/project.schema.json\nname: lfo\nversions:\n  - {name: r1}\n"
    assert run(inv, csv, "--project", "vco", "--version", "v2") == 0
    assert (inv / "projects/vco/project.yaml").read_text() == "name: Eurorack VCO\nversions:\n  - {name: v1}\n  - {name: v2}\n"
    assert (inv / "projects/vco/bom/v2.yaml").is_file()


def test_bad_rows_reported_with_line_and_skipped(inv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Reference,Value,Footprint,Qty\nR1,4k7,R_0805_2012Metric,lots\nR2,4k7,R_0805_2012Metric,1\n")
    assert run(inv, str(bad), "--project", "vco", "--version", "v1") == 0
    assert [r["refs"] for r in rows(inv)] == [["R2"]]
    assert "v1: bad.csv:2:1: CTB601 quantity 'lots' is not a number; row skipped" in capsys.readouterr().out


def test_unreadable_and_missing_files_write_nothing(inv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_text("hello\nworld\n")
    assert run(inv, str(junk), "--project", "vco", "--version", "v1") == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: junk.csv") and len(err.strip().splitlines()) == 1
    assert run(inv, str(tmp_path / "nope.csv"), "--project", "vco", "--version", "v1") == 1
    assert "cannot read" in capsys.readouterr().err
    assert run(inv, str(junk), "--project", "../x", "--version", "v1") == 2
    assert not (inv / "projects/vco/bom").exists()


def test_dry_run_and_commit(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(inv, "init", "-q", "-b", "main")
    commit_all(inv, "inventory")
    csv = str(DATA / "jlc-vco.csv")
    assert run(inv, csv, "--project", "vco", "--version", "v1", "--dry-run") == 0
    assert "+++ b/projects/vco/bom/v1.yaml" in capsys.readouterr().out
    assert not (inv / BOM).exists()
    assert run(inv, csv, "--project", "vco", "--version", "v1", "--commit") == 0
    assert git(inv, "log", "-1", "--format=%s").strip() == "ctb: import vco v1"
    assert git(inv, "status", "--porcelain").strip() == ""


def test_a_file_without_rows_is_refused_and_writes_nothing(inv: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(inv, str(DATA / "jlc-vco.csv"), "--project", "vco", "--version", "v1") == 0
    before = (inv / BOM).read_bytes()
    capsys.readouterr()
    header_only = tmp_path / "header.csv"
    header_only.write_text("Reference,Value,Footprint,Qty\n")
    assert run(inv, str(header_only), "--project", "vco", "--version", "v1") == 1
    assert capsys.readouterr().err == "ctb: vco:v1: the BOM file has no rows to import; nothing written\n"
    all_bad = tmp_path / "bad.csv"
    all_bad.write_text("Reference,Value,Footprint,Qty\nR1,4k7,R_0805_2012Metric,-1\n")
    assert run(inv, str(all_bad), "--project", "vco", "--version", "v1") == 1
    assert capsys.readouterr().err == (
        "ctb: vco:v1: the BOM file has no rows to import; 1 row(s) skipped, the first: "
        "bad.csv:2:1: CTB601 quantity '-1' is not positive; row skipped; nothing written\n"
    )
    assert (inv / BOM).read_bytes() == before  # the good BOM was not emptied


def test_names_differing_only_by_case_are_refused(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = str(DATA / "jlc-vco.csv")
    assert run(inv, csv, "--project", "vco", "--version", "v1") == 0
    capsys.readouterr()
    project = (inv / "projects/vco/project.yaml").read_bytes()
    assert run(inv, csv, "--project", "vco", "--version", "V1") == 1
    assert capsys.readouterr().err == "ctb: version of vco 'V1' differs from the existing 'v1' only by case; use 'v1'\n"
    assert run(inv, csv, "--project", "VCO", "--version", "v1") == 1
    assert capsys.readouterr().err == "ctb: project 'VCO' differs from the existing 'vco' only by case; use 'vco'\n"
    assert (inv / "projects/vco/project.yaml").read_bytes() == project
    assert sorted(p.name for p in (inv / "projects").iterdir()) == ["vco"]
    assert sorted(p.name for p in (inv / "projects/vco/bom").iterdir()) == ["v1.yaml"]
