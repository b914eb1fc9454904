"""The ``ctb`` command: a click group whose commands live one module per noun.

Command modules are imported only when their command runs (or when help
lists them all), so ``ctb check`` does not pay for the HTTP and git client
libraries that ``ctb project sync`` needs.  :data:`COMMANDS` maps each
top-level command to the modules that define it and add to it.

:func:`main` first asks :mod:`ctb_files.cli.quick` whether the command line
is a ``ctb check`` that a stored answer settles; only otherwise is click
(and the group, :data:`cli`) imported.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ctb_files.cli.app import cli

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


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    from ctb_files.cli.quick import answer

    status = answer(args)
    if status is not None:
        return status
    from ctb_files.cli.app import run

    return run(args)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group, imported on first use
        from ctb_files.cli.app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
