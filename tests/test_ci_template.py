"""The GitHub Actions workflow ``write_ci`` writes, parsed and run step by step on a real clone."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ctb_files.errors import CtbError, UsageError
from ctb_files.storage.init.ci import REQUIREMENT_PLACEHOLDER, write_ci
from ctb_files.storage.init.scaffold import gitattributes_text
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


WORKFLOWS = (".github/workflows/ctb.yml", ".github/workflows/ctb-merge.yml")
STEP_KEYS = {"name", "uses", "with", "run", "if", "env", "id", "shell", "continue-on-error", "timeout-minutes"}
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")


def lint(doc: dict[str, Any]) -> None:
    """The structure GitHub Actions requires, checked without GitHub."""
    assert set(doc) <= {"name", "on", "permissions", "env", "jobs", "concurrency"}, set(doc)
    assert isinstance(doc["name"], str) and doc["on"] and doc["jobs"]
    assert all(value in ("read", "write", "none") for value in doc["permissions"].values())
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in doc["env"].items())
    for job in doc["jobs"].values():
        assert set(job) <= {"if", "runs-on", "steps", "permissions", "env"}, set(job)
        assert job["runs-on"] == "ubuntu-latest"
        for step in job["steps"]:
            assert set(step) <= STEP_KEYS, set(step)
            assert ("uses" in step) != ("run" in step), step
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]
            for value in [step.get("run", ""), *step.get("env", {}).values()]:
                assert str(value).count("${{") == str(value).count("}}"), value


def run_step(step: dict[str, Any], doc: dict[str, Any], cwd: Path, env: dict[str, str],
             context: dict[str, str]) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """A step's ``run`` block in bash as the runner runs it, with ``${{ }}`` filled from ``context``."""

    def fill(text: str) -> str:
        return EXPRESSION.sub(lambda m: context[m.group(1).strip()], text)

    values = {**env, **{k: fill(str(v)) for k, v in {**doc["env"], **step.get("env", {})}.items()}}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", fill(step["run"])],
                          cwd=cwd, env=values, capture_output=True, text=True)  # fmt: skip


FAKE_GH = """#!/bin/sh
# answers `gh pr view --json ... --jq ...` from the environment; records comments
case "$1 $2" in
  "pr view") case "$*" in *headRefName*) echo "$FAKE_HEAD";; *) echo "$FAKE_BASE";; esac;;
  "pr comment")
    shift 3
    if [ "$1" = "--body-file" ]; then cat "$2" >> "$FAKE_GH_LOG"; else printf '%s\\n' "$2" >> "$FAKE_GH_LOG"; fi;;
  *) echo "fake gh: $*" >&2; exit 2;;
esac
"""


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The runner's environment: ctb and a recording gh on PATH, RUNNER_TEMP, GITHUB_STEP_SUMMARY."""
    ctb_on_path(monkeypatch)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "gh").write_text(FAKE_GH)
    (bin_dir / "gh").chmod(0o755)
    (tmp_path / "runner-temp").mkdir()
    return {
        **os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path / "runner-temp"), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "FAKE_GH_LOG": str(tmp_path / "comments.md"),
    }  # fmt: skip


def test_github_workflows_have_the_steps(git_repo: Path) -> None:
    write_tree(git_repo, INVENTORY)
    assert write_ci(git_repo, "github") == list(WORKFLOWS)
    doc = workflow(git_repo / WORKFLOWS[0])
    lint(doc)
    assert "pull_request" in doc["on"]
    assert doc["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert doc["env"]["CTB_REQUIREMENT"] == REQUIREMENT_PLACEHOLDER
    uses = {s["uses"].split("@")[0]: s for s in steps(doc) if "uses" in s}
    assert uses["actions/checkout"]["with"]["fetch-depth"] == 0
    assert "python-version" in uses["actions/setup-python"]["with"]
    assert run_of(doc, "Install ctb-files").endswith('python -m pip install "$CTB_REQUIREMENT"\n')
    assert run_of(doc, "ctb check") == "ctb check"
    assert 'gh pr comment "$PR" --body-file' in run_of(doc, "ctb review")
    names = [s.get("name") or s["uses"] for s in steps(doc)]
    assert names.index("ctb check") < names.index("ctb review")
    merge = workflow(git_repo / WORKFLOWS[1])
    lint(merge)
    assert merge["on"] == {"issue_comment": {"types": ["created"]}, "pull_request": {"types": ["labeled"]}}
    assert merge["permissions"]["contents"] == "write"
    (job,) = merge["jobs"].values()
    assert "'/ctb merge'" in job["if"] and "'ctb merge'" in job["if"] and "author_association" in job["if"]


def test_the_placeholder_requirement_stops_the_install_step(git_repo: Path, runner: dict[str, str]) -> None:
    write_tree(git_repo, INVENTORY)
    write_ci(git_repo, "github")
    doc = workflow(git_repo / WORKFLOWS[0])
    (step,) = [s for s in steps(doc) if s.get("name") == "Install ctb-files"]
    done = run_step(step, doc, git_repo, runner, {})
    assert done.returncode == 1
    assert done.stdout.startswith("::error::set CTB_REQUIREMENT in .github/workflows/ctb.yml to where ctb-files")


def test_a_given_requirement_is_what_pip_installs(git_repo: Path, runner: dict[str, str], tmp_path: Path) -> None:
    write_tree(git_repo, INVENTORY)
    write_ci(git_repo, "github", "ctb-files @ git+https://example.org/lab/ctb-files@v0.2.0")
    # a python that only says what it was asked to do
    (tmp_path / "bin" / "python").write_text('#!/bin/sh\nprintf "%s|" "$@"\n')
    (tmp_path / "bin" / "python").chmod(0o755)
    for rel in WORKFLOWS:
        doc = workflow(git_repo / rel)
        (step,) = [s for s in steps(doc) if s.get("name") == "Install ctb-files"]
        done = run_step(step, doc, git_repo, runner, {})
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stdout == "-m|pip|install|ctb-files @ git+https://example.org/lab/ctb-files@v0.2.0|"


def test_writing_again_changes_nothing_and_a_different_file_is_kept(git_repo: Path) -> None:
    write_tree(git_repo, INVENTORY)
    write_ci(git_repo, "github")
    assert write_ci(git_repo, "github") == []
    target = git_repo / ".github/workflows/ctb.yml"
    target.write_text("name: mine\n")
    (git_repo / WORKFLOWS[1]).unlink()
    with pytest.raises(CtbError, match=r"^\.github/workflows/ctb\.yml exists already"):
        write_ci(git_repo, "github")
    assert target.read_text() == "name: mine\n"
    assert not (git_repo / WORKFLOWS[1]).exists()  # all or nothing
    with pytest.raises(UsageError, match="--ctb-requirement must be one pip requirement"):
        write_ci(git_repo, "github", "a\nb")
    with pytest.raises(UsageError, match="unknown CI kind 'gitlab'"):
        write_ci(git_repo, "gitlab")


def test_inventory_in_a_folder_gets_the_workflow_at_the_top(git_repo: Path) -> None:
    write_tree(git_repo / "inventory", INVENTORY)
    assert write_ci(git_repo / "inventory", "github") == [f"../{rel}" for rel in WORKFLOWS]
    doc = workflow(git_repo / ".github/workflows/ctb.yml")
    assert run_of(doc, "ctb check") == "ctb check --repo inventory"
    assert run_of(doc, "ctb review").startswith('ctb review "origin/$BASE" HEAD --repo inventory > ')
    merge = workflow(git_repo / WORKFLOWS[1])
    assert "ctb merge-driver install -q --repo inventory\n" in steps(merge)[-1]["run"]


def test_the_steps_run_on_a_pull_request_clone(tmp_path: Path, runner: dict[str, str]) -> None:
    """What GitHub does: clone with full history, check out the branch, run the steps' commands."""
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
    doc = workflow(clone / WORKFLOWS[0])
    context = {"!cancelled()": "true", "github.token": "t0ken", "github.base_ref": "main",
               "github.event.pull_request.number": "7"}  # fmt: skip
    for name in ("ctb check", "ctb review"):
        (step,) = [s for s in steps(doc) if s.get("name") == name]
        done = run_step(step, doc, clone, runner, context)
        assert done.returncode == 0, done.stderr
    text = Path(runner["GITHUB_STEP_SUMMARY"]).read_text()
    assert text.startswith("### Inventory changes (`origin/main ")
    assert "| r1 | a | 10 → 6 (-4) | 0 | 10 → 6 (-4) |\n" in text
    assert Path(runner["FAKE_GH_LOG"]).read_text() == text


def _two_branches(tmp_path: Path, feature_file: dict[str, str]) -> tuple[Path, Path]:
    """An upstream where main used 2 of 10 after ``feature`` branched off; a clone of it."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    write_tree(upstream, INVENTORY)
    (upstream / ".gitattributes").write_text(gitattributes_text())
    write_ci(upstream, "github")
    commit_all(upstream, "inventory")
    git(upstream, "checkout", "-q", "-b", "feature")
    write_tree(upstream, feature_file)
    commit_all(upstream, "feature work")
    git(upstream, "checkout", "-q", "main")
    write_tree(upstream, {"stock/a.yaml": "lines:\n  - {part: r1, quantity: 8}\n", "notes.txt": "main\n"})
    commit_all(upstream, "used two on main")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(upstream), str(clone))  # what actions/checkout leaves: the default branch
    return upstream, clone


MERGE_CONTEXT = {"github.token": "t0ken", "github.event.issue.number || github.event.pull_request.number": "7"}


def test_the_merge_workflow_merges_stock_changes_with_the_driver(tmp_path: Path, runner: dict[str, str]) -> None:
    upstream, clone = _two_branches(tmp_path, {"stock/a.yaml": "lines:\n  - {part: r1, quantity: 6}\n"})
    doc = workflow(clone / WORKFLOWS[1])
    (step,) = [s for s in steps(doc) if s.get("name", "").startswith("Merge the base branch")]
    done = run_step(step, doc, clone, {**runner, "FAKE_HEAD": "feature", "FAKE_BASE": "main"}, MERGE_CONTEXT)
    assert done.returncode == 0, done.stdout + done.stderr
    # base 10, main -2, feature -4: 4 left, merged on the pull request's branch upstream
    assert git(upstream, "show", "feature:stock/a.yaml") == "lines:\n  - {part: r1, quantity: 4}\n"
    assert git(upstream, "show", "feature:notes.txt") == "main\n"
    comment = Path(runner["FAKE_GH_LOG"]).read_text()
    assert comment.startswith("Merged main into feature with ctb's stock merge driver (")


def test_the_merge_workflow_stops_on_a_real_conflict(tmp_path: Path, runner: dict[str, str]) -> None:
    upstream, clone = _two_branches(tmp_path, {"notes.txt": "feature\n"})
    before = git(upstream, "rev-parse", "feature")
    doc = workflow(clone / WORKFLOWS[1])
    (step,) = [s for s in steps(doc) if s.get("name", "").startswith("Merge the base branch")]
    done = run_step(step, doc, clone, {**runner, "FAKE_HEAD": "feature", "FAKE_BASE": "main"}, MERGE_CONTEXT)
    assert done.returncode == 1
    assert git(upstream, "rev-parse", "feature") == before
    assert Path(runner["FAKE_GH_LOG"]).read_text() == (
        "ctb could not merge main into feature: conflicts in notes.txt; merge by hand.\n"
    )


def test_init_with_ci_github_writes_the_workflow(tmp_path: Path) -> None:
    from ctb_files.cli import main

    target = tmp_path / "inv"
    assert main(["init", str(target), "--ci", "github", "-q"]) == 0
    workflow = (target / ".github/workflows/ctb.yml").read_text()
    assert "ctb check" in workflow
    assert "ctb review" in workflow
