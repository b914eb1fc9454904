"""The ``ctb build`` group, which imports a subcommand's module only when it runs.

``ctb build clear`` lives in :mod:`ctb_files.cli.buildclear`, which answers a
clear with nothing to change from its stored answer without importing the
models; every other subcommand lives in :mod:`ctb_files.cli.build`.
"""

from __future__ import annotations

from ctb_files.cli.app import SplitGroup, cli

#: the module of each subcommand that does not live in ctb_files.cli.build
ELSEWHERE = {"clear": "buildclear"}
#: every module that adds a subcommand to the group
MODULES = ("build", *ELSEWHERE.values())


class BuildGroup(SplitGroup):
    """Imports ``ctb_files.cli.build`` (or the module :data:`ELSEWHERE` names) on first use."""

    home = "build"
    elsewhere = ELSEWHERE
    modules = MODULES


@cli.group("build", cls=BuildGroup)
def build_group() -> None:
    """Builds: what to build, cleared against stock, with reservations and shortages."""
