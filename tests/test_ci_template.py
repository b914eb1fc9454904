"""The GitHub Actions workflow ``write_ci`` writes, parsed and run step by step on a real clone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ctb_files import __version__
from ctb_files.errors import CtbError, UsageError
from ctb_files.storage.init.ci import write_ci
from ctb_files.storage.yaml import load_fast
from tests.conftest import commit_all, git, write_tree
from tests.test_mergedriver import ctb_on_path

INVENTORY = {
    "ctb.yaml": "ctb: 1\nname: CI lab\n",
    "parts/r1.yaml": "name: 10k resistor\n",
    "stock/a.yaml": "lines:\n  - {part: r1, quantity: 10}\n",
}


def workflow(path: Path) -> dict[str, Any]:
    data = load_fast(path.read_bytes(), str(path))
    assert isinstance(data, dict)
    return data


def steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = doc["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    return job["steps"]


def run_of(doc: dict[str, Any], name: str) -> str:
    (step,) = [s for s in steps(doc) if s.get("name") == name]
    return str(step["run"])


def test_github_workflow_has_the_steps(git_repo: Path) -> None:
    write_tree(git_repo, INVENTORY)
    assert write_ci(git_repo, "github") == [".github/workflows/ctb.yml"]
    doc = workflow(git_repo / ".github/workflows/ctb.yml")
    assert "pull_request" in doc["on"]
    uses = {s["uses"].split("@")[0]: s for s in steps(doc) if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert "python-version" in uses["actions/setup-python"]["with"]
    assert run_of(doc, "Install ctb-files") == f'python -m pip install "ctb-files=={__version__}"'
    assert run_of(doc, "ctb check") == "ctb check"
    assert run_of(doc, "ctb review") == 'ctb review "origin/${{ github.base_ref }}" HEAD >> "$GITHUB_STEP_SUMMARY"'
    names = [s.get("name") or s["uses"] for s in steps(doc)]
    assert names.index("ctb check") < names.index("ctb review")


def test_writing_again_changes_nothing_and_a_different_file_is_kept(git_repo: Path) -> None:
    write_tree(git_repo, INVENTORY)
    write_ci(git_repo, "github")
    assert write_ci(git_repo, "github") == []
    target = git_repo / ".github/workflows/ctb.yml"
    target.write_text("name: mine\n")
    with pytest.raises(CtbError, match=r"^\.github/workflows/ctb\.yml exists already"):
        write_ci(git_repo, "github")
    assert target.read_text() == "name: mine\n"
    with pytest.raises(UsageError, match="unknown CI kind 'gitlab'"):
        write_ci(git_repo, "gitlab")


def test_inventory_in_a_folder_gets_the_workflow_at_the_top(git_repo: Path) -> None:
    write_tree(git_repo / "inventory", INVENTORY)
    assert write_ci(git_repo / "inventory", "github") == ["../.github/workflows/ctb.yml"]
    doc = workflow(git_repo / ".github/workflows/ctb.yml")
    assert run_of(doc, "ctb check") == "ctb check --repo inventory"
    assert run_of(doc, "ctb review").startswith('ctb review "origin/${{ github.base_ref }}" HEAD --repo inventory >>')


def test_the_steps_run_on_a_pull_request_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What GitHub does: clone with full history, check out the branch, run the steps' commands."""
    ctb_on_path(monkeypatch)
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    write_tree(upstream, INVENTORY)
    write_ci(upstream, "github")
    commit_all(upstream, "inventory")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))
    git(clone, "checkout", "-q", "-b", "used-four")
    write_tree(clone, {"stock/a.yaml": "lines:\n  - {part: r1, quantity: 6}\n"})
    commit_all(clone, "used four")
    doc = workflow(clone / ".github/workflows/ctb.yml")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary)}
    for name in ("ctb check", "ctb review"):
        command = run_of(doc, name).replace("${{ github.base_ref }}", "main")
        done = subprocess.run(["bash", "-ec", command], cwd=clone, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("### Inventory changes (`origin/main ")
    assert "| r1 | a | 10 → 6 (-4) | 0 | 10 → 6 (-4) |\n" in text


def test_init_with_ci_github_writes_the_workflow(tmp_path: Path) -> None:
    from ctb_files.cli import main

    target = tmp_path / "inv"
    assert main(["init", str(target), "--ci", "github", "-q"]) == 0
    workflow = (target / ".github/workflows/ctb.yml").read_text()
    assert "ctb check" in workflow
    assert "ctb review" in workflow
