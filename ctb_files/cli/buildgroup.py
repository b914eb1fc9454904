"""The ``ctb build`` group, which imports a subcommand's module only when it runs.

``ctb build clear`` lives in :mod:`ctb_files.cli.buildclear`, which answers a
clear with nothing to change from its stored answer without importing the
models; every other subcommand lives in :mod:`ctb_files.cli.build`.
"""

from __future__ import annotations

import importlib

import click

from ctb_files.cli.app import cli

#: the module of each subcommand that does not live in ctb_files.cli.build
ELSEWHERE = {"clear": "buildclear"}
#: every module that adds a subcommand to the group
MODULES = ("build", *ELSEWHERE.values())


class BuildGroup(click.Group):
    """Imports ``ctb_files.cli.build`` (or the module :data:`ELSEWHERE` names) on first use."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            importlib.import_module(f"ctb_files.cli.{ELSEWHERE.get(cmd_name, 'build')}")
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in MODULES:
            importlib.import_module(f"ctb_files.cli.{module}")
        return sorted(self.commands)


@cli.group("build", cls=BuildGroup)
def build_group() -> None:
    """Builds: what to build, cleared against stock, with reservations and shortages."""
