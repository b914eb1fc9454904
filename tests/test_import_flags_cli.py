"""Flags are visible: import summary (text, JSON), ``ctb check`` CTB404, ``-q`` and long-list summaries."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.storage.yaml import load_fast

DATA = Path(__file__).parent / "data"
SHAPES = DATA / "import" / "shapes"


@pytest.fixture
def inv(tmp_path: Path) -> Path:
    root = tmp_path / "inv"
    shutil.copytree(DATA / "sync" / "inventory", root)
    return root


def ctb(root: Path, *args: str) -> int:
    return main(["--repo", str(root), *args])


def test_import_lists_each_flag_with_file_line(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(SHAPES / "generic-comma.csv", inv / "bitaxe.csv")
    assert ctb(inv, "bom", "import", str(inv / "bitaxe.csv"), "--project", "bitaxe", "--version", "v1") == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].split()[-2:] == ["0", "2"]  # problems, flags
    assert (
        "bitaxe:v1 bitaxe.csv:2: line 1 U1: row has 7 cells, the header 6 (more than the header); "
        "not read, as the cells may be shifted: Value, Footprint, MPN"
    ) in out
    assert "bitaxe:v1 bitaxe.csv:4: line 3 R2: DNP column holds 'maybe later', not a DNP word; row kept populated" in out
    rows = load_fast((inv / "projects/bitaxe/bom/v1.yaml").read_bytes(), "v1.yaml")["rows"]
    assert [(r["refs"], r["dnp"], r.get("mpn")) for r in rows] == [
        (["U1"], False, None), (["R1"], False, "RC0805FR-0710KL"), (["R2"], False, None),
    ]  # fmt: skip

    assert ctb(inv, "check", "--format", "json") == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    flagged = [(w["path"], w["line"], w["code"]) for w in warnings if w["code"] == "CTB404"]
    assert len(flagged) == 2
    assert flagged[0][0] == "projects/bitaxe/bom/v1.yaml" and flagged[0][1] > 0

    assert ctb(inv, "bom", "import", str(inv / "bitaxe.csv"), "--project", "bitaxe", "--version", "v2",
               "--format", "json") == 0  # fmt: skip
    (report,) = json.loads(capsys.readouterr().out)["versions"]
    assert [(f["path"], f["source_line"], f["line"], f["refs"]) for f in report["flags"]] == [
        ("bitaxe.csv", 2, 1, "U1"), ("bitaxe.csv", 4, 3, "R2"),
    ]  # fmt: skip


def test_quiet_and_long_lists_are_summarised(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # R10 (10k) matches r-0805-10k: 12 of the 13 rows stay unmatched
    lines = ["Ref,Qty,Value"] + [f"R{n},1,{n}k" for n in range(1, 13)] + ["C1,2,1u"]
    (inv / "many.csv").write_text("\n".join(lines) + "\n")
    assert ctb(inv, "bom", "import", str(inv / "many.csv"), "--project", "m", "--version", "v1") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3:] == [
        "m:v1 many.csv:14: line 13 C1: quantity 2 disagrees with 1 reference",
        "m:v1: 12 unmatched rows; list them with 'ctb bom show m:v1 --unmatched'",
    ]
    (inv / "many.csv").write_text("\n".join(lines).replace("C1,2,", "C1,1,") + "\n")
    assert ctb(inv, "bom", "import", str(inv / "many.csv"), "--project", "m", "--version", "v1", "-q") == 0
    out = capsys.readouterr().out.splitlines()
    assert out[3:] == ["m:v1: 12 unmatched rows; list them with 'ctb bom show m:v1 --unmatched'"]
