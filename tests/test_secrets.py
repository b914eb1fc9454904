"""API tokens from the environment never reach the terminal: errors, internal errors and --debug tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

import ctb_files.checks as checks
from ctb_files.cli import main
from ctb_files.errors import CtbError

TOKEN = "ghp_secret1234567890"
KEY = "mouser-key-abcdef"


@pytest.fixture
def inv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ctb.yaml").write_text("ctb: 1\n")
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("MOUSER_API_KEY", KEY)
    return tmp_path


def test_an_internal_error_with_debug_prints_no_token(
    inv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"failed with token {TOKEN} and key {KEY}")

    monkeypatch.setattr(checks, "run_checks", broken)
    assert main(["check", "--repo", str(inv), "--debug"]) in (1, 3)
    err = capsys.readouterr().err
    assert TOKEN not in err and KEY not in err
    assert "***" in err


def test_a_refusal_naming_a_token_prints_stars(
    inv: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise CtbError(f"GitHub said no to {TOKEN}")

    monkeypatch.setattr(checks, "run_checks", refuse)
    assert main(["check", "--repo", str(inv)]) == 1
    assert capsys.readouterr().err == "ctb: GitHub said no to ***\n"
