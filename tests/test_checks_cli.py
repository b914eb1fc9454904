"""``ctb check`` from the command line: exit codes, text lines, JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import git, write_tree

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


def test_paths_are_relative_to_the_current_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, BROKEN)
    monkeypatch.chdir(tmp_path / "projects")
    assert main(["check", "vco", "-q"]) == 0  # the error is in stock/, the warning in builds/
    assert capsys.readouterr().out == ""
    assert main(["check", "../stock/drawer-a.yaml", "-q"]) == 1
    assert capsys.readouterr().out.splitlines() == LINES[:1]
    assert main(["check", str(tmp_path / "stock"), "-q"]) == 1
    assert capsys.readouterr().out.splitlines() == LINES[:1]
    assert main(["check", "..", "-q"]) == 1
    assert capsys.readouterr().out.splitlines() == LINES


def test_paths_fall_back_to_the_repository_and_must_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path / "inv", BROKEN)
    monkeypatch.chdir(tmp_path)
    assert main(["--repo", "inv", "check", "builds", "-q"]) == 0
    assert capsys.readouterr().out.splitlines() == LINES[1:]
    assert main(["--repo", "inv", "check", "stock/drawer-b.yaml"]) == 1
    assert capsys.readouterr().err == "ctb: stock/drawer-b.yaml: no such file or folder\n"
    (tmp_path / "elsewhere").mkdir()
    assert main(["--repo", "inv", "check", "elsewhere"]) == 1
    assert capsys.readouterr().err == "ctb: elsewhere is outside the inventory at inv\n"


def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, BROKEN)
    assert main(["--repo", str(tmp_path), "check", "--format", "xml"]) == 2
    assert "Invalid value for '--format'" in capsys.readouterr().err
    assert main(["--repo", str(tmp_path), "chekc"]) == 2


def test_a_bug_exits_3_in_one_line_and_shows_the_traceback_with_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, BROKEN)

    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("ctb_files.storage.loader.locate_all", broken)
    assert main(["--repo", str(tmp_path), "check"]) == 3
    out, err = capsys.readouterr()
    assert (out, err) == ("", "ctb: internal error: RuntimeError: boom (run with --debug for details)\n")
    assert main(["--repo", str(tmp_path), "check", "--debug"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and err.endswith("ctb: internal error: RuntimeError: boom\n")


def test_interrupted_exits_130(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(tmp_path, BROKEN)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("ctb_files.checks.run_checks", interrupted)
    assert main(["--repo", str(tmp_path), "check"]) == 130
    assert capsys.readouterr().err == "\nctb: interrupted\n"  # the newline ends the ^C line


def test_merge_driver_declared_but_not_installed_is_a_warning(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(git_repo, {
        "ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n",
        ".gitattributes": "# stock merges\nstock/*.yaml merge=ctb-stock\n",
    })  # fmt: skip
    assert main(["check", "--repo", str(git_repo)]) == 0
    out = capsys.readouterr()
    assert out.out == (
        ".gitattributes:2:1: CTB601 the ctb-stock merge driver is declared here but not installed in this clone; "
        "stock files would merge as text: run 'ctb merge-driver install' (warning)\n"
    )
    assert out.err.endswith("0 errors, 1 warning\n")
    git(git_repo, "config", "merge.ctb-stock.driver", "ctb merge-driver run %O %A %B %P")
    assert main(["check", "--repo", str(git_repo)]) == 0
    assert capsys.readouterr().out == ""
    (git_repo / ".gitattributes").write_text("# stock/*.yaml merge=ctb-stock\n")
    git(git_repo, "config", "--unset", "merge.ctb-stock.driver")
    assert main(["check", "--repo", str(git_repo)]) == 0
    assert capsys.readouterr().out == ""
