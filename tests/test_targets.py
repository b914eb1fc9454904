"""``P:V`` wherever a project version is named, ``P V`` where it was accepted before; wrong forms get a hint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctb_files.cli import main


@pytest.fixture
def lab(tmp_path: Path) -> Path:
    root = tmp_path / "lab"
    assert main(["init", str(root), "--example", "-q"]) == 0
    return root


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr; a build's creation time blanked (two runs may straddle a second)."""
    capsys.readouterr()
    status = main(["--repo", str(root), *args])
    out, err = capsys.readouterr()
    return status, re.sub(r"created_at: \S+", "created_at: -", out), err


def test_both_forms_give_the_same_answer(lab: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for colon, spaced in (
        (["can-build", "vco:v1", "--format", "json"], ["can-build", "vco", "v1", "--format", "json"]),
        (["cost", "vco:v1", "-n", "2", "--format", "json"], ["cost", "vco", "v1", "-n", "2", "--format", "json"]),
        (["build", "new", "vco:v1", "3", "--dry-run"], ["build", "new", "vco", "v1", "3", "--dry-run"]),
    ):
        first, second = run(lab, capsys, *colon), run(lab, capsys, *spaced)
        assert first == second and first[0] == 0, (colon, first)
    assert '"quantity": 2' in run(lab, capsys, "can-build", "vco:v1", "--format", "json")[1]


def test_build_new_with_p_v_writes_the_build(lab: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(lab, capsys, "build", "new", "vco:v1", "3", "--id", "b3")[0] == 0
    text = (lab / "builds" / "b3.yaml").read_text()
    assert "project: vco\nversion: v1\nquantity: 3\n" in text


@pytest.mark.parametrize(("args", "message"), [
    (["can-build", "vco"], "ctb: name the version too: vco:VERSION (e.g. vco:v1) or 'vco VERSION'\n"),
    (["can-build", "vco:"], "ctb: 'vco:' is not PROJECT:VERSION; write it like vco:v1\n"),
    (["can-build", "vco:v1", "v2"], "ctb: give vco:v1 or 'vco v2', not both\n"),
    (["build", "new", "vco:v1"], "ctb: how many? ctb build new vco:v1 QUANTITY\n"),
    (["build", "new", "vco:v1", "2", "3"], "ctb: one too many arguments: ctb build new vco:v1 QUANTITY\n"),
    (["cost", ":v1"], "ctb: ':v1' is not PROJECT:VERSION; write it like vco:v1\n"),
])  # fmt: skip
def test_wrong_forms_get_a_hint(lab: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    status, _, err = run(lab, capsys, *args)
    assert (status, err) == (2, message)


def test_project_sync_takes_p_v(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lab"
    assert main(["init", str(root), "-q"]) == 0
    (root / "boms").mkdir()
    (root / "boms" / "a.csv").write_text("#,Reference,Qty,Value,Footprint\n1,R1,1,10k,R_0805\n")
    (root / "projects" / "p").mkdir()
    (root / "projects" / "p" / "project.yaml").write_text(
        "name: P\nsource: {path: boms/a.csv}\nversions: [{name: v1}, {name: v2}]\n"
    )
    assert run(root, capsys, "project", "sync", "p:v2")[0] == 0
    assert (root / "projects/p/bom/v2.yaml").is_file() and not (root / "projects/p/bom/v1.yaml").exists()
