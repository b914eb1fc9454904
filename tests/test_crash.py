"""Kill -9 in the middle of a write: after the next command the files are all before or all after.

Each trial copies a small inventory (the example, with five builds and a
placed order) into a git repository, runs a writing command in a real
process that kills itself at an injected step (``CTB_TEST_CRASH_AT``) or is
killed at a random moment, then runs ``ctb check`` (any command recovers
first) and compares every inventory file with the state before and the
state a clean run produces: all equal to one or all equal to the other,
no temporary file and no journal left.  ``--slow`` adds random-moment
trials.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import commit_all, git

EXAMPLE = Path(__file__).resolve().parent.parent / "ctb_files" / "data" / "example-inventory"

COMMANDS: dict[str, list[str]] = {
    "build-clear": ["build", "clear", "--all"],
    "stock-move": [
        "stock",
        "move",
        "r-100r",
        "5",
        "--from",
        "drawer-a",
        "--from-bin",
        "A2",
        "--to",
        "shelf",
        "--commit",
    ],
    "order-receive": ["order", "receive", "mouser-open"],
    "build-complete": ["build", "complete", "vco-batch-1"],
    "project-sync": ["project", "sync", "synth"],
}
STEPS = ["after-prepare", "after-temps", "after-commit", "after-rename-1", "after-rename-2", "before-cleanup"]


def ctb(root: Path, *args: str, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("CTB_TEST_CRASH_AT", None)
    if crash_at:
        env["CTB_TEST_CRASH_AT"] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "ctb_files", *args, "--repo", str(root)],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip


_STAMP = re.compile(rb"(\w+_at): \S+")


def inventory(root: Path) -> dict[str, bytes]:
    """Every file but git's, with the times ctb writes (``cleared_at: …``) masked: runs differ by seconds."""
    return {
        p.relative_to(root).as_posix(): _STAMP.sub(rb"\1: T", p.read_bytes())
        for p in root.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def leftovers(root: Path) -> list[str]:
    found = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.name.endswith((".ctb-tmp", ".tmp"))]
    found += [p.name for p in (root / ".git").glob("ctb-journal*")]
    return sorted(found)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with five builds (the first cleared), a placed order and a path-source project, committed."""
    root = tmp_path_factory.mktemp("template") / "inv"
    shutil.copytree(EXAMPLE, root)
    build = (root / "builds" / "vco-batch-1.yaml").read_text(encoding="utf-8")
    for number in range(2, 6):
        (root / "builds" / f"vco-batch-{number}.yaml").write_text(build.replace("quantity: 3", "quantity: 1"))
    (root / "boms").mkdir()
    shutil.copy(Path(__file__).resolve().parent / "data" / "sync" / "vco-v1.csv", root / "boms" / "vco.csv")
    (root / "projects" / "synth").mkdir()
    (root / "projects" / "synth" / "project.yaml").write_text(
        "name: Synth\nsource: {path: boms/vco.csv}\nversions: [{name: v1, ref: main}]\n"
    )
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "inventory")
    placed = ctb(root, "order", "place", "mouser-open", "--commit")
    assert placed.returncode == 0, placed.stderr
    for part, location in (("knob-davies", "shelf"), ("panel-vco", "shelf"), ("tl074-dip", "drawer-a")):
        added = ctb(root, "stock", "add", part, "5", "--location", location, "--commit")
        assert added.returncode == 0, added.stderr
    cleared = ctb(root, "build", "clear", "vco-batch-1", "--commit")  # for build complete
    assert cleared.returncode == 0, cleared.stderr
    return root


@pytest.fixture(scope="module")
def after(template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The state a clean run of each command leaves."""
    out = {}
    for name, args in COMMANDS.items():
        root = tmp_path_factory.mktemp(name) / "inv"
        shutil.copytree(template, root)
        done = ctb(root, *args)
        assert done.returncode == 0, done.stderr
        out[name] = inventory(root)
    return out


def judge(root: Path, before: dict[str, bytes], after: dict[str, bytes]) -> str:
    """'before' or 'after' once the next command ran; fails on a mixed state or a leftover."""
    nxt = ctb(root, "check")
    assert nxt.returncode in (0, 1) and "Traceback" not in nxt.stderr, nxt.stderr
    assert leftovers(root) == []
    now = inventory(root)
    changed = {rel for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert changed, "the command changes nothing: the trial would prove nothing"
    state = {rel: now.get(rel) for rel in changed}
    if state == {rel: before.get(rel) for rel in changed}:
        return "before"
    assert state == {rel: after.get(rel) for rel in changed}, "mixed: some files old, some new"
    return "after"


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("name", list(COMMANDS))
def test_kill_at_each_step_leaves_all_before_or_all_after(
    name: str, step: str, template: Path, after: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    root = tmp_path / "inv"
    shutil.copytree(template, root)
    before = inventory(root)
    killed = ctb(root, *COMMANDS[name], crash_at=step)
    if step == "after-rename-2" and len([r for r in after[name] if after[name][r] != before.get(r)]) < 2:
        pytest.skip("one file changes: there is no second rename")
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    expected = "before" if step in ("after-prepare", "after-temps") else "after"
    assert judge(root, before, after[name]) == expected


def test_a_journal_that_cannot_be_completed_is_reported_by_check(template: Path, tmp_path: Path) -> None:
    root = tmp_path / "inv"
    shutil.copytree(template, root)
    assert ctb(root, *COMMANDS["build-clear"], crash_at="after-commit").returncode == -signal.SIGKILL
    for temp in root.rglob("*.ctb-tmp"):
        temp.write_bytes(b"damaged")
    checked = ctb(root, "check")
    assert checked.returncode == 1
    assert "ctb-journal.json:1:1: CTB016 an interrupted write cannot be completed: builds/" in checked.stdout
    refused = ctb(root, "build", "list")
    assert refused.returncode == 1
    assert refused.stderr.startswith("ctb: an interrupted write cannot be completed (builds/")


def _random_trials(name: str, trials: int, template: Path, after: dict[str, bytes], tmp_path: Path) -> dict[str, int]:
    rng = random.Random(16)
    seen = {"before": 0, "after": 0}
    for trial in range(trials):
        root = tmp_path / f"t{trial}"
        shutil.copytree(template, root)
        before = inventory(root)
        process = subprocess.Popen(
            [sys.executable, "-m", "ctb_files", *COMMANDS[name], "--repo", str(root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 1.2))
        process.send_signal(signal.SIGKILL)
        process.wait()
        seen[judge(root, before, after)] += 1
        shutil.rmtree(root)
    return seen


@pytest.mark.parametrize("name", list(COMMANDS))
def test_kill_at_random_moments_a_few(
    name: str, template: Path, after: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    seen = _random_trials(name, 3, template, after[name], tmp_path)
    assert sum(seen.values()) == 3


@pytest.mark.slow
@pytest.mark.parametrize("name", list(COMMANDS))
def test_kill_at_random_moments_many(
    name: str, template: Path, after: dict[str, dict[str, bytes]], tmp_path: Path
) -> None:
    seen = _random_trials(name, 100, template, after[name], tmp_path)
    print(f"{name}: 100 random kills, {seen['before']} all before, {seen['after']} all after, 0 mixed")
    assert sum(seen.values()) == 100


def test_a_journal_killed_while_being_written_leaves_no_temp_file(template: Path, tmp_path: Path) -> None:
    """Killed while the journal's own temporary file was written: the next command removes it."""
    root = tmp_path / "inv"
    shutil.copytree(template, root)
    before = inventory(root)
    torn = root / ".git" / ".ctb-journal.json.abc123.ctb-tmp"
    torn.write_bytes(b'{"state": "prep')
    listed = ctb(root, "build", "list")
    assert listed.returncode == 0, listed.stderr
    assert leftovers(root) == []
    assert inventory(root) == before
