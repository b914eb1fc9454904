"""The project agrees with itself: commands, README, hooks, installed scripts, the example.

* every ``ctb`` command and subcommand has help text and is named in the
  README (``ctb stock add/set/move`` names three);
* every hook of ``.pre-commit-hooks.yaml`` runs an installed console script
  of this distribution and is named in the README;
* ``ctb check`` on the bundled ``example-inventory`` exits 0.

(``schemas/*.json`` against a fresh export is in ``test_schema.py``.)
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import yaml

from ctb_files.cli import cli, main

PROJECT = Path(__file__).resolve().parents[1]
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def commands() -> Iterator[tuple[str, click.Command]]:
    """``("stock add", command)`` for every command and subcommand, groups included."""

    def walk(group: click.Group, ctx: click.Context, path: str) -> Iterator[tuple[str, click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None, f"ctb {path}{name} is listed but cannot be loaded"
            yield f"{path}{name}", command
            if isinstance(command, click.Group):
                yield from walk(command, click.Context(command, info_name=name, parent=ctx), f"{path}{name} ")

    yield from walk(cli, click.Context(cli, info_name="ctb"), "")


COMMANDS = dict(commands())


def in_readme(path: str) -> bool:
    """``ctb a b`` is named, alone or in a slash list (``ctb a x/b/y``)."""
    words = [r"(?:[\w-]+/)*" + re.escape(word) + r"(?:/[\w-]+)*" for word in path.split()]
    return re.search(r"\bctb " + " ".join(words) + r"(?![\w-])", README) is not None


def test_the_walk_finds_every_command() -> None:
    assert {"check", "fmt", "init", "schema export", "review", "merge-driver install", "stock add"} <= set(COMMANDS)
    assert len(COMMANDS) >= 45


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_has_help(path: str) -> None:
    command = COMMANDS[path]
    assert not command.hidden
    assert (command.help or "").strip(), f"ctb {path} has no help text"
    assert command.get_short_help_str().strip()


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_command_is_in_the_readme(path: str) -> None:
    assert in_readme(path), f"README.md never names `ctb {path}`"


def test_the_readme_matcher() -> None:
    assert in_readme("stock set") and in_readme("order cancel") and in_readme("check")
    assert not in_readme("stock sett") and not in_readme("nothing here")


def hooks() -> list[dict[str, object]]:
    return list(yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")))


def test_every_hook_runs_an_installed_console_script() -> None:
    scripts = {ep.name: ep for ep in metadata.distribution("ctb-files").entry_points if ep.group == "console_scripts"}
    assert hooks()
    for hook in hooks():
        assert hook["language"] == "python"
        entry = scripts.get(str(hook["entry"]))
        assert entry is not None, f"hook {hook['id']}: {hook['entry']} is not a console script of ctb-files"
        assert callable(entry.load())


def test_every_hook_is_documented() -> None:
    for hook in hooks():
        assert f"`{hook['id']}`" in README, f"README.md never names the hook {hook['id']}"
        assert str(hook.get("description", "")).strip()


def test_the_example_inventory_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--repo", str(PROJECT / "example-inventory")]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err.endswith(" files checked: 0 errors, 0 warnings\n")
