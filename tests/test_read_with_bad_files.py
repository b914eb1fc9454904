"""A malformed file does not block the commands that only read; the commands that write still refuse."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main

WARNING = (
    "ctb: warning: 2 files do not validate and are left out: parts/r-1k.yaml, stock/zz.yaml ('ctb check' says why)\n"
)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "lab"
    assert main(["init", str(root), "--example", "-q"]) == 0
    (root / "parts" / "r-1k.yaml").write_text("name: [\n")
    (root / "stock" / "zz.yaml").write_text("lines: 5\n")
    return root


READS = [
    ["stock", "show", "jack-thonkiconn"],
    ["build", "list"],
    ["build", "show", "vco-batch-1"],
    ["part", "list"],
    ["part", "show", "r-10k"],
    ["bom", "show", "vco:v1"],
    ["can-build", "vco", "v1"],
    ["order", "list"],
    ["order", "show", "mouser-open"],
    ["project", "list"],
    ["project", "show", "vco"],
]


@pytest.mark.parametrize("args", READS, ids=[" ".join(a) for a in READS])
def test_read_commands_answer_with_one_warning(broken: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(broken), *args]) == 0
    out, err = capsys.readouterr()
    assert err == WARNING
    assert out


def test_the_answer_comes_from_the_valid_files(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--repo", str(broken), "stock", "show", "jack-thonkiconn", "--format", "json"]) == 0
    assert '"on_hand": 30' in capsys.readouterr().out
    assert main(["--repo", str(broken), "can-build", "vco", "v1"]) == 0
    assert "unknown part 'r-1k'" in capsys.readouterr().out  # the left-out part is missing, and said so


@pytest.mark.parametrize("args", [
    ["stock", "add", "r-10k", "1", "--location", "shelf"],
    ["build", "clear", "vco-batch-1"],
    ["order", "generate"],
])  # fmt: skip
def test_write_commands_still_refuse(broken: Path, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    before = (broken / "stock" / "shelf.yaml").read_bytes(), (broken / "builds" / "vco-batch-1.yaml").read_bytes()
    assert main(["--repo", str(broken), *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: parts/r-1k.yaml:2:1: CTB002 YAML syntax") and "fix the data first" in err
    assert before == ((broken / "stock" / "shelf.yaml").read_bytes(), (broken / "builds" / "vco-batch-1.yaml").read_bytes())


def test_a_bad_target_file_is_refused_not_shown_empty(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (broken / "projects" / "vco" / "bom" / "v1.yaml").write_text("rows: 5\n")
    assert main(["--repo", str(broken), "bom", "show", "vco:v1"]) == 1
    assert capsys.readouterr().err == "ctb: projects/vco/bom/v1.yaml does not validate; 'ctb check' shows why\n"
