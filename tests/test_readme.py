"""README's tour, run command by command on a fresh ``ctb init --example`` and compared with the text."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_mergedriver import ctb_on_path

README = Path(__file__).resolve().parents[1] / "README.md"
MARK = "@@ctb-readme-step@@"
SHA = re.compile(r"\b[0-9a-f]{7}\b")


def tour() -> list[tuple[str, str]]:
    """(command, expected output) for every ``$ …`` line of the tour's console block."""
    text = README.read_text(encoding="utf-8")
    block = text.split("## A tour", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return [(command, "\n".join(lines).strip("\n")) for command, lines in steps]


def test_the_tour_has_the_commands_people_copy() -> None:
    commands = [command for command, _ in tour()]
    assert commands[0] == "ctb init synth-lab --example -q && cd synth-lab"
    assert sum(command.startswith("ctb ") for command in commands) == 5


def test_the_tour_prints_what_the_readme_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ctb_on_path(monkeypatch)
    steps = tour()
    script = "".join(f"printf '%s\\n' '{MARK}'\n{command} 2>&1\n" for command, _ in steps)
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "200"})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    outputs = [chunk.strip("\n") for chunk in done.stdout.split(MARK + "\n")[1:]]
    assert len(outputs) == len(steps)
    for (command, expected), got in zip(steps, outputs, strict=True):
        if command.startswith("ctb "):
            assert SHA.sub("<sha>", got) == SHA.sub("<sha>", expected), command
