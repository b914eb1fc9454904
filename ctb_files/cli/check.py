"""``ctb check``: validate everything and list every problem."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.checks import REGISTRY, run_checks
from ctb_files.cli.app import cli, common, echo_json, options, workspace
from ctb_files.render.progress import progress
from ctb_files.storage import tree
from ctb_files.storage.loader import bulk, locate_all

LARGE = 2000  # files; below this checking is over before a bar could say anything


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common()
def check_cmd(paths: tuple[Path, ...]) -> None:
    """Validate schemas, references and invariants.

    Prints every problem as ``path:line:col: CODE message``; exits 1 when
    there are errors. PATHS limits the report to those files or folders
    (the whole repository is still read: references cross files).
    """
    ws = workspace()
    wanted = tree.scope(ws.root, paths)
    with bulk():  # everything made from here on lives until the command ends
        loaded = ws.loaded
        # a bar only where checking takes a while: a large repository
        large = len(loaded.inventory.files) >= LARGE
        with progress("checking", len(REGISTRY) if large else None) as step:
            found = run_checks(loaded.inventory, step if large else None)
        diags = locate_all(loaded.diagnostics + found, loaded.inventory.files)
    if paths:
        diags = [d for d in diags if any(not w or d.path == w or d.path.startswith(w + "/") for w in wanted)]
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    if options().format == "json":
        echo_json({"errors": [d.to_json() for d in errors], "warnings": [d.to_json() for d in warnings]})
    else:
        for diag in errors + warnings:
            label = "" if diag.severity == "error" else " (warning)"
            click.echo(diag.render() + label)
        if not options().quiet:
            files = len(loaded.inventory.files)
            click.echo(
                f"{files} files checked: {_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}", err=True
            )
    if errors:
        raise click.exceptions.Exit(1)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
