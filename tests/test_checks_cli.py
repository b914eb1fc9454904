"""``ctb check`` from the command line: exit codes, text lines, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import write_tree

BROKEN = {
    "ctb.yaml": "ctb: 1\n",
    "parts/tl074.yaml": "name: TL074\n",
    "stock/drawer-a.yaml": "lines:\n  - {part: tl074, quantity: 10}\n  - {part: tl-074, quantity: 1}\n",
    "projects/vco/project.yaml": "name: VCO\nversions: [{name: v1}]\n",
    "projects/vco/bom/v1.yaml": "project: vco\nversion: v1\nrows: [{line: 1, quantity: 1, part: tl074}]\n",
    "builds/b1.yaml": "project: vco\nversion: v1\nquantity: 1\nexclude: [7]\n",
}

LINES = [
    "stock/drawer-a.yaml:3:12: CTB201 lines[1].part: unknown part 'tl-074' (did you mean 'tl074'?)",
    "builds/b1.yaml:4:11: CTB210 exclude[0]: line 7 is not in projects/vco/bom/v1.yaml; nothing to exclude (warning)",
]


def test_errors_exit_1_with_one_line_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, BROKEN)
    assert main(["--repo", str(tmp_path), "check"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == LINES
    assert err.strip() == "6 files checked: 1 error, 1 warning"


def test_json_lists_errors_and_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, BROKEN)
    assert main(["--repo", str(tmp_path), "check", "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "errors": [
            {
                "path": "stock/drawer-a.yaml", "line": 3, "col": 12, "code": "CTB201",
                "message": "lines[1].part: unknown part 'tl-074' (did you mean 'tl074'?)",
            }
        ],
        "warnings": [
            {
                "path": "builds/b1.yaml", "line": 4, "col": 11, "code": "CTB210",
                "message": "exclude[0]: line 7 is not in projects/vco/bom/v1.yaml; nothing to exclude",
            }
        ],
    }  # fmt: skip


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {**BROKEN, "stock/drawer-a.yaml": "lines:\n  - {part: tl074, quantity: 10}\n"})
    assert main(["--repo", str(tmp_path), "check"]) == 0
    assert capsys.readouterr().out.splitlines() == LINES[1:]


def test_clean_repository_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clean = {"stock/drawer-a.yaml": "lines: []\n", "builds/b1.yaml": "project: vco\nversion: v1\nquantity: 1\n"}
    write_tree(tmp_path, {**BROKEN, **clean})
    assert main(["--repo", str(tmp_path), "check"]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.strip() == "6 files checked: 0 errors, 0 warnings"
    assert main(["--repo", str(tmp_path), "check", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"errors": [], "warnings": []}
