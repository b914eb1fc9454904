"""``ctb init``: a new inventory repository that checks clean, with git and editor hints."""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.cli import main
from ctb_files.core import paths as layout
from ctb_files.core.schema import HINT_PREFIX, export_schemas
from ctb_files.hooks import git_hook_text
from ctb_files.storage import tree
from ctb_files.storage.init.scaffold import pre_commit_config_text
from tests.conftest import git, write_tree

FOLDERS = ("parts", "packages", "vendors", "stock", "projects", "builds", "orders")


def yaml_files(root: Path) -> list[str]:
    return sorted(rel for rel in tree.read_tree(root) if layout.classify(rel) is not None)


def assert_hints_resolve(root: Path) -> None:
    """Every inventory file starts with a schema hint naming an existing schema of its kind."""
    for rel in yaml_files(root):
        first = (root / rel).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(HINT_PREFIX), rel
        target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), first[len(HINT_PREFIX) :]))
        kind = layout.classify(rel).kind  # type: ignore[union-attr]
        assert target == f".ctb/schemas/{kind}.schema.json", rel
        assert (root / target).is_file(), rel


def test_init_then_check_is_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "inv"
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Initialized an empty inventory in {root.resolve()}\n")
    assert "wrote 9 JSON Schemas to .ctb/schemas/" in out
    assert git(root, "symbolic-ref", "HEAD").strip() == "refs/heads/main"
    assert git(root, "config", "--local", "merge.ctb-stock.driver").startswith("ctb merge-driver run ")
    assert "registered the ctb-stock merge driver for stock files in .git/config" in out
    for folder in FOLDERS:
        assert (root / folder / ".gitkeep").is_file()
    assert (root / ".gitattributes").read_text().splitlines()[-1] == "stock/*.yaml merge=ctb-stock"
    assert ".ctb.lock" in (root / ".gitignore").read_text().splitlines()
    config = (root / ".pre-commit-config.yaml").read_text()
    assert config == pre_commit_config_text()
    assert "  - repo: local\n" in config and config.count("language: system\n") == 2
    assert "  pip install 'ctb-files[hooks]'" in out
    assert {p.name: p.read_text() for p in (root / ".ctb/schemas").iterdir()} == export_schemas()
    assert_hints_resolve(root)
    assert main(["check", "--repo", str(root)]) == 0
    assert capsys.readouterr().out == ""
    assert main(["fmt", "--check", "--repo", str(root)]) == 0


def test_init_writes_a_commented_settings_file(tmp_path: Path) -> None:
    root = tmp_path / "Synth Lab"
    assert main(["init", str(root), "-q"]) == 0
    text = (root / "ctb.yaml").read_text()
    assert "ctb: 1" in text and "name: Synth Lab\n" in text and "# default_location:" in text
    assert git(root, "status", "--porcelain", "--untracked-files=all").count("??") == 9 + 3 + 1 + len(FOLDERS)


def test_refuses_to_init_twice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "-q"]) == 0
    (tmp_path / "ctb.yaml").write_text("ctb: 1\nname: mine\n")
    assert main(["init", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err == f"ctb: {tmp_path} already holds ctb.yaml; it is an inventory already\n"
    assert (tmp_path / "ctb.yaml").read_text() == "ctb: 1\nname: mine\n"


def test_an_empty_directory_argument_is_a_usage_error_not_here(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # `ctb init "$UNSET"` must not turn the current folder into an inventory
    assert main(["init", ""]) == 2
    assert "DIRECTORY must not be empty" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_init_here_by_default_keeps_existing_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".gitignore").write_text("secrets/\n")
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert "note: kept the files already there: .gitignore" in capsys.readouterr().out
    assert (tmp_path / ".gitignore").read_text() == "secrets/\n"
    assert (tmp_path / "ctb.yaml").is_file()


def test_init_inside_a_repository_uses_it(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = git_repo / "inventory"
    assert main(["init", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"using the enclosing git repository at {git_repo}" in out
    assert not (root / ".git").exists()
    assert not (root / ".pre-commit-config.yaml").exists() and not (git_repo / ".pre-commit-config.yaml").exists()
    assert main(["check", "--repo", str(root)]) == 0


def test_init_example_commits_everything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "lab"
    assert main(["init", str(root), "--example"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Initialized the example inventory in ")
    assert git(root, "log", "--format=%s").splitlines() == ["ctb: example inventory"]
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    tracked = git(root, "ls-files").splitlines()
    assert {"ctb.yaml", "projects/vco/bom/v1.yaml", ".gitattributes", ".ctb/schemas/part.schema.json"} <= set(tracked)
    assert not [rel for rel in tracked if rel.endswith(".gitkeep")]
    assert "name: Example Synth Lab" in (root / "ctb.yaml").read_text()
    assert_hints_resolve(root)
    assert main(["check", "--repo", str(root)]) == 0
    assert main(["fmt", "--check", "--repo", str(root)]) == 0


def _ctb_on_path() -> dict[str, str]:
    bindir = Path(sys.executable).parent
    if shutil.which("ctb", path=str(bindir)) is None:
        pytest.skip("the ctb script is not installed next to this Python")
    return {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ.get('PATH', '')}"}


def test_git_hooks_refuse_a_broken_commit(tmp_path: Path) -> None:
    env = _ctb_on_path()
    root = tmp_path / "inv"
    assert main(["init", str(root), "--git-hooks", "-q"]) == 0
    for name in ("pre-commit", "post-merge"):
        hook = root / ".git" / "hooks" / name
        assert hook.read_text() == git_hook_text(name)
        assert hook.stat().st_mode & stat.S_IXUSR
    write_tree(root, {"parts/r1.yaml": "name: r1\npackage: nowhere\n"})
    git(root, "add", "-A")
    refused = subprocess.run(["git", "commit", "-q", "-m", "broken"], cwd=root, env=env, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "parts/r1.yaml:2:10: CTB202" in refused.stderr  # git shows hook output on stderr
    assert "commit refused" in refused.stderr
    (root / "parts/r1.yaml").write_text("name: r1\n")
    git(root, "add", "-A")
    done = subprocess.run(["git", "commit", "-q", "-m", "fine"], cwd=root, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_git_hooks_leave_a_foreign_hook_alone(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = git_repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 0\n")
    assert main(["init", str(git_repo), "--git-hooks"]) == 0
    out = capsys.readouterr().out
    assert "installed git hooks: post-merge" in out and "left the existing pre-commit hook alone" in out
    assert hook.read_text() == "#!/bin/sh\nexit 0\n"
    assert (git_repo / ".git/hooks/post-merge").read_text() == git_hook_text("post-merge")
