"""Shared test fixtures: tiny inventories in tmp_path, real git, no network."""

from __future__ import annotations

import os
import socket
import subprocess
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# property tests judge results, not speed: a busy machine must not fail them
settings.register_profile("ctb", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ctb")

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test Maker",
    "GIT_AUTHOR_EMAIL": "maker@example.invalid",
    "GIT_COMMITTER_NAME": "Test Maker",
    "GIT_COMMITTER_EMAIL": "maker@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No real network, and a git that ignores the machine's own configuration."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise RuntimeError("tests must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    for key in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE", "MOUSER_API_KEY", "GITHUB_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    (home / ".gitconfig").write_text("[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n")


def write_tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``{relative path: text}`` under ``root``; text is dedented."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def git(root: Path, *args: str, date: str | None = None) -> str:
    """Run real git in ``root``; ``date`` pins both author and committer dates."""
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = date
        env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def commit_all(root: Path, message: str, date: str | None = None) -> str:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    """An empty git repository (branch ``main``) with a fixed author."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", help="also run the long tests marked slow (random kill trials)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: long-running trials, run with --slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


EXAMPLE_INVENTORY = Path(__file__).resolve().parent.parent / "example-inventory"


@pytest.fixture()
def one_build_cleared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example with its build cleared: drawer-a's r-10k line (20 on hand) is wholly reserved."""
    import shutil

    from ctb_files.cli import main

    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)  # such tests look at the stored answers themselves
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE_INVENTORY, root)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "vco-batch-1", "-q"]) == 0
    capsys.readouterr()
    return root


@pytest.fixture()
def cleared_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example with a second build, cleared and committed: a clear now writes nothing."""
    import shutil

    from ctb_files.cli import main

    monkeypatch.delenv("CTB_CACHE_TEST", raising=False)
    root = tmp_path / "inv"
    shutil.copytree(EXAMPLE_INVENTORY, root)
    shutil.copy(EXAMPLE_INVENTORY / "builds/vco-batch-1.yaml", root / "builds/vco-batch-2.yaml")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert main(["--repo", str(root), "build", "clear", "--all", "-q", "--no-cache"]) == 0
    for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "cleared"]):
        subprocess.run(["git", "-C", str(root), *args], check=True)
    return root


@pytest.fixture()
def steady_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every clear writes the same ``cleared_at``: two clears compared across a second's turn say the same."""
    from datetime import UTC, datetime

    import ctb_files.cli.build

    monkeypatch.setattr(ctb_files.cli.build, "now", lambda: datetime(2026, 12, 7, 9, 0, 0, tzinfo=UTC))
