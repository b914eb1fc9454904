"""The ``ctb`` command: a click group whose commands live one module per noun.

Command modules are imported only when their command runs (or when help
lists them all), so ``ctb check`` does not pay for the HTTP and git client
libraries that ``ctb project sync`` needs.  :data:`COMMANDS` maps each
top-level command to the modules that define it and add to it.
"""

from __future__ import annotations

import sys

from ctb_files.cli.app import cli, run

__all__ = ["COMMANDS", "cli", "main"]

COMMANDS: dict[str, tuple[str, ...]] = {
    "bom": ("bom",),
    "build": ("buildgroup",),
    "can-build": ("canbuild",),
    "check": ("check",),
    "cost": ("cost",),
    "demo": ("demo",),
    "fmt": ("fmt",),
    "init": ("init",),
    "merge-driver": ("mergedriver",),
    "order": ("order",),
    "package": ("create",),
    "part": ("part", "whereused", "create"),
    "project": ("project", "create"),
    "review": ("review",),
    "schema": ("schema",),
    "shortages": ("shortages",),
    "stock": ("stock", "stocktake"),
    "vendor": ("vendor", "create"),
}

cli.lazy_commands = COMMANDS


def main(argv: list[str] | None = None) -> int:
    return run(argv if argv is not None else sys.argv[1:])
