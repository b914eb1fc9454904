"""BOM history sees rows by content: value changes on unmatched rows in diff (text, JSON, HTML) and log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import commit_all, write_tree

DAY1 = "2024-03-01T10:00:00+00:00"
DAY2 = "2024-03-02T10:00:00+00:00"
DAY3 = "2024-03-03T10:00:00+00:00"
DAY4 = "2024-03-04T10:00:00+00:00"


def _csv(r1: str, r2: str, inductor: str) -> str:
    return (
        "Reference,Value,Footprint,Qty\n"
        f"R16 R20 R59,{r1},Resistor_SMD:R_0805,3\n"
        f"R3,{r2},Resistor_SMD:R_0805,1\n"
        f"L1,{inductor},Inductor_SMD:L_0805,1\n"
        + "".join(f"C{n},100n,Capacitor_SMD:C_0603,1\n" for n in range(1, 9))
    )


@pytest.fixture
def inv(git_repo: Path) -> Path:
    write_tree(git_repo, {"ctb.yaml": "ctb: 1\n", "hw.csv": _csv("680", "330", "270nH")})
    commit_all(git_repo, "day 1", date=DAY1)
    assert main(["--repo", str(git_repo), "bom", "import", str(git_repo / "hw.csv"), "--project", "vco", "--version", "v1", "-q"]) == 0
    commit_all(git_repo, "import v1", date=DAY1)
    write_tree(git_repo, {"hw.csv": _csv("590", "300", "270nH")})
    assert main(["--repo", str(git_repo), "bom", "import", str(git_repo / "hw.csv"), "--project", "vco", "--version", "v1", "-q"]) == 0
    commit_all(git_repo, "values 680 to 590, 330 to 300", date=DAY2)
    write_tree(git_repo, {"hw.csv": _csv("590", "300", "300nH")})
    assert main(["--repo", str(git_repo), "bom", "import", str(git_repo / "hw.csv"), "--project", "vco", "--version", "v1", "-q"]) == 0
    commit_all(git_repo, "inductor 270n to 300n", date=DAY3)
    return git_repo


def test_diff_shows_value_changes_of_unmatched_rows(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["--repo", str(inv), "bom", "diff", "vco:v1", "--from", "HEAD~2", "--to", "HEAD~1"]
    assert main([*args, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["changed_rows"] == [
        {"refs": "R16 R20 R59", "field": "value", "old": "680", "new": "590"},
        {"refs": "R3", "field": "value", "old": "330", "new": "300"},
    ]
    assert [op["tag"] for op in doc["opcodes"]] == ["replace", "equal"]
    assert doc["opcodes"][0]["old"][0]["value"] == "680"
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "changed rows: R16 R20 R59: value 680 → 590; R3: value 330 → 300" in text
    assert "(unmatched: 680 R_0805)" in text and "(unmatched: 590 R_0805)" in text
    assert "⋯ 7 equal rows ⋯" not in text  # the fold is for --compact
    assert main([*args, "--compact"]) == 0
    assert "⋯ 7 equal rows ⋯" in capsys.readouterr().out
    assert main([*args, "--format", "html"]) == 0
    assert "R16 R20 R59: value 680 → 590" in capsys.readouterr().out


def test_log_lists_every_change_never_no_change(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["--repo", str(inv), "bom", "log", "vco:v1", "--format", "json"]) == 0
    commits = json.loads(capsys.readouterr().out)["commits"]
    assert [c["summary"] for c in commits][:2] == [
        "L1: value 270nH → 300nH",
        "R16 R20 R59: value 680 → 590; R3: value 330 → 300",
    ]
    assert len(commits) == 3
    assert all(c["summary"] and c["summary"] != "no change" for c in commits)


def test_a_file_edit_without_row_changes_is_still_listed(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bom = inv / "projects/vco/bom/v1.yaml"
    bom.write_text(bom.read_text().replace("Inductor_SMD:L_0805\n", "Inductor_SMD:L_0805\n    description: shielded\n", 1))
    commit_all(inv, "describe the inductor", date=DAY4)
    capsys.readouterr()
    assert main(["--repo", str(inv), "bom", "log", "vco:v1", "--format", "json"]) == 0
    commits = json.loads(capsys.readouterr().out)["commits"]
    assert len(commits) == 4
    assert commits[0]["summary"] == "projects/vco/bom/v1.yaml edited; rows unchanged"
