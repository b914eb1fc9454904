"""Hook entry points called directly, and the hook assets the project ships."""

from __future__ import annotations

import re
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from ctb_files.errors import UsageError
from ctb_files.hooks import GIT_HOOKS, check_main, fmt_main, git_hook_text
from ctb_files.storage.init.scaffold import pre_commit_config_text
from tests.conftest import write_tree

PROJECT = Path(__file__).resolve().parent.parent

CLEAN = {
    "ctb.yaml": "ctb: 1\nname: Hook Lab\n",
    "parts/r1.yaml": "name: r1\nvalue: 1k\n",
}


@pytest.fixture
def inv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "inv", CLEAN)
    monkeypatch.chdir(root)
    return root


def test_check_hook_passes_on_clean_data(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check_main([]) == 0
    assert capsys.readouterr().out == ""


def test_check_hook_fails_and_names_the_problem(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "parts/r1.yaml").write_text("name: r1\npackage: r-0805\n")
    assert check_main([]) == 1
    assert capsys.readouterr().out == "parts/r1.yaml:2:10: CTB202 package: unknown package 'r-0805'\n"


def test_check_hook_takes_check_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path / "inventory", CLEAN)
    monkeypatch.chdir(tmp_path)
    assert check_main(["--repo", "inventory", "-q"]) == 0
    assert check_main([]) == 1  # no ctb.yaml here: refused in one line


def test_fmt_hook_fixes_and_returns_1_then_0(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "parts/r2.yaml").write_text("value: 2k\nname: r2\n")
    assert fmt_main(["parts/r1.yaml", "parts/r2.yaml"]) == 1
    assert capsys.readouterr().out == "Fixing parts/r2.yaml\n"
    assert (inv / "parts/r2.yaml").read_text() == "name: r2\nvalue: 2k\n"
    assert fmt_main(["parts/r1.yaml", "parts/r2.yaml"]) == 0
    assert capsys.readouterr().out == ""


def test_fmt_hook_check_mode_writes_nothing(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "parts/r2.yaml").write_text("value: 2k\nname: r2\n")
    assert fmt_main(["--check", "parts/r2.yaml"]) == 1
    assert capsys.readouterr().out == "Would fix parts/r2.yaml\n"
    assert (inv / "parts/r2.yaml").read_text() == "value: 2k\nname: r2\n"


def test_fmt_hook_reports_unparseable_files(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / "parts/bad.yaml").write_text("name: {\n")
    assert fmt_main(["parts/bad.yaml"]) == 1
    assert "parts/bad.yaml:2:1: CTB002" in capsys.readouterr().err
    assert (inv / "parts/bad.yaml").read_text() == "name: {\n"


def test_fmt_hook_finds_the_inventory_of_each_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path / "inventory", {**CLEAN, "parts/r3.yaml": "value: 3k\nname: r3\n"})
    (tmp_path / "notes.yaml").write_text("b: 1\na: 2\n")
    monkeypatch.chdir(tmp_path)
    assert fmt_main(["inventory/parts/r3.yaml", "notes.yaml"]) == 1
    out = capsys.readouterr()
    assert out.out == "Fixing inventory/parts/r3.yaml\n"
    assert "notes.yaml: not inside an inventory" in out.err
    assert (tmp_path / "notes.yaml").read_text() == "b: 1\na: 2\n"


# --- the assets -------------------------------------------------------------------------------


def hooks_manifest() -> dict[str, dict[str, object]]:
    entries = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text())
    return {entry["id"]: entry for entry in entries}


def test_pre_commit_hooks_manifest() -> None:
    hooks = hooks_manifest()
    assert set(hooks) == {"ctb-check", "ctb-fmt"}
    check, fmt = hooks["ctb-check"], hooks["ctb-fmt"]
    assert (check["entry"], check["language"], check["pass_filenames"], check["require_serial"]) == (
        "ctb-check-hook", "python", False, True,
    )  # fmt: skip
    assert fmt["entry"] == "ctb-fmt-hook" and fmt["language"] == "python" and fmt.get("pass_filenames", True)
    files = re.compile(str(check["files"]))
    for path in ("ctb.yaml", "parts/r1.yaml", "projects/vco/bom/v1.yaml", "stock/shelf.yaml", "orders/o.yaml"):
        assert files.search(path), path
    for path in ("README.md", "docs/ctb.yaml", "parts/r1.yml", ".pre-commit-config.yaml", "hooks/x.yaml"):
        assert not files.search(path), path


def test_hook_entries_are_installed_scripts() -> None:
    scripts = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"]
    for hook in hooks_manifest().values():
        target = scripts[str(hook["entry"])]
        module, _, function = target.partition(":")
        assert module == "ctb_files.hooks" and function in ("check_main", "fmt_main")


def test_hooks_folder_holds_the_generated_texts() -> None:
    folder = PROJECT / "hooks"
    for name in GIT_HOOKS:
        path = folder / name
        assert path.read_text() == git_hook_text(name)
        assert path.stat().st_mode & stat.S_IXUSR
    assert (folder / "example-pre-commit-config.yaml").read_text() == pre_commit_config_text()
    example = yaml.safe_load(pre_commit_config_text())
    assert example["repos"][0]["repo"] == "local"
    local = {hook["id"]: hook for hook in example["repos"][0]["hooks"]}
    assert list(local) == ["ctb-check", "ctb-fmt"]
    # the local hooks are the manifest's hooks, run by the installed ctb instead of a clone
    for hook_id, hook in hooks_manifest().items():
        manifest = {k: v for k, v in hook.items() if k != "description"}
        assert {**manifest, "language": "system"} == local[hook_id]


def test_remote_pre_commit_form_names_the_repository_and_revision() -> None:
    remote = yaml.safe_load(pre_commit_config_text("https://example.org/ctb-files.git", "abc123"))
    assert remote == {
        "repos": [{"repo": "https://example.org/ctb-files.git", "rev": "abc123", "hooks": [{"id": "ctb-check"}, {"id": "ctb-fmt"}]}]
    }
    with pytest.raises(UsageError, match="--pre-commit-repo needs --rev"):
        pre_commit_config_text("https://example.org/ctb-files.git")
    with pytest.raises(UsageError, match="--rev needs --pre-commit-repo"):
        pre_commit_config_text(None, "v1")


def test_git_hook_text_names_the_inventory_folder() -> None:
    assert "\ninventory=inventory\n" in git_hook_text("pre-commit", "inventory")
    script = git_hook_text("post-merge", "my $inv's")
    head = script.split("if ! command", 1)[0]
    shown = subprocess.run(
        ["sh", "-c", head + 'printf %s "$repo"'], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}
    )
    assert shown.stdout == "my $inv's"
    with pytest.raises(ValueError):
        git_hook_text("pre-push")
