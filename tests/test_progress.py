"""Progress bars: on a terminal only, never into a pipe; ``--no-progress`` turns them off."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ctb_files.render import progress as bars


def test_a_bar_shows_on_a_terminal_and_names_the_wait(capsys: pytest.CaptureFixture[str]) -> None:
    bars.configure(wanted=True, terminal=True)
    try:
        with bars.progress("Mouser", 3) as step:
            step()
            step(0, "waiting 30 s")
            step(2)
    finally:
        bars.configure(wanted=False)
    err = capsys.readouterr().err
    assert "Mouser (waiting 30 s)" in err and "3/3" in err


@pytest.mark.parametrize(("wanted", "terminal"), [(True, False), (False, True)])
def test_no_bar_into_a_pipe_or_with_no_progress(wanted: bool, terminal: bool, capsys: pytest.CaptureFixture[str]) -> None:
    bars.configure(wanted=wanted, terminal=terminal)
    with bars.progress("Mouser", 3) as step:
        step(3, "waiting 1 s")
    assert capsys.readouterr() == ("", "")


def test_ctb_into_a_pipe_writes_no_control_characters(tmp_path: Path) -> None:
    root = tmp_path / "lab"
    ctb = [sys.executable, "-m", "ctb_files"]
    subprocess.run([*ctb, "init", str(root), "--example", "-q"], check=True)
    done = subprocess.run([*ctb, "build", "clear", "--all", "--repo", str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "\r" not in done.stderr + done.stdout and "\x1b" not in done.stderr + done.stdout
    flagged = subprocess.run([*ctb, "check", "--no-progress", "--repo", str(root)], capture_output=True, text=True)
    assert flagged.returncode == 0 and flagged.stderr == "51 files checked: 0 errors, 0 warnings\n"
