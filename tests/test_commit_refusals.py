"""``--commit`` refusals that say what to do: no git identity, a hook that fails, other git failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctb_files.cli import main
from tests.conftest import GIT_ENV, commit_all, git, write_tree

WORLD = {"ctb.yaml": "ctb: 1\n", "parts/r1.yaml": "name: R\n", "stock/a.yaml": "lines:\n  - {part: r1, quantity: 10}\n"}


@pytest.fixture
def inv(git_repo: Path) -> Path:
    write_tree(git_repo, WORLD)
    for n in range(60):  # many staged-looking files must not drown the message
        write_tree(git_repo, {f"parts/p{n}.yaml": "name: P\n"})
    commit_all(git_repo, "inventory")
    return git_repo


def test_no_identity_says_how_to_set_it_and_writes_nothing(
    inv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in GIT_ENV:
        if key != "GIT_CONFIG_NOSYSTEM":
            monkeypatch.delenv(key)
    git(inv, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    before = (inv / "stock/a.yaml").read_bytes()
    assert main(["--repo", str(inv), "stock", "add", "r1", "5", "--location", "a", "--commit"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "ctb: --commit refused, nothing written: git does not know who you are; set it once with "
        'git config --global user.name "Your Name" and git config --global user.email you@example.com '
        "(without --global: this repository only)\n"
    )
    assert (inv / "stock/a.yaml").read_bytes() == before


def test_a_failing_hook_is_named(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hook = inv / ".git" / "hooks" / "pre-commit"
    hook.write_text('#!/bin/sh\necho "ctb check.......................Passed" >&2\n'
                    'echo "ctb fmt.........................Failed" >&2\nexit 1\n')  # fmt: skip
    hook.chmod(0o755)
    assert main(["--repo", str(inv), "stock", "add", "r1", "5", "--location", "a", "--commit"]) == 1
    assert capsys.readouterr().err == (
        "ctb: git commit failed: the pre-commit hook refused it (ctb fmt: Failed); "
        "the files are written and staged, not committed\n"
    )
    assert git(inv, "log", "--format=%s") == "inventory\n"


def test_other_git_failures_name_the_command(inv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (inv / ".git" / "index.lock").write_text("")  # another git process, as far as git can tell
    assert main(["--repo", str(inv), "stock", "add", "r1", "5", "--location", "a", "--commit"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ctb: git add failed: Unable to create '") and err.endswith("index.lock': File exists.\n")
    assert err.count("\n") == 1
