"""The ``ctb`` command: a click group whose commands live one module per noun."""

from __future__ import annotations

import importlib
import pkgutil
import sys

from ctb_files.cli.app import cli, run

__all__ = ["cli", "main"]

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
    if _info.name != "app":
        importlib.import_module(f"{__name__}.{_info.name}")


def main(argv: list[str] | None = None) -> int:
    return run(argv if argv is not None else sys.argv[1:])
