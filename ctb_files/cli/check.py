"""``ctb check``: validate everything and list every problem."""

from __future__ import annotations

import click

from ctb_files.checks import run_checks
from ctb_files.cli.app import cli, common, echo_json, options, workspace
from ctb_files.storage.loader import locate_all


@cli.command("check")
@click.argument("paths", nargs=-1)
@common()
def check_cmd(paths: tuple[str, ...]) -> None:
    """Validate schemas, references and invariants.

    Prints every problem as ``path:line:col: CODE message``; exits 1 when
    there are errors. PATHS limits the report to those files or folders.
    """
    ws = workspace()
    loaded = ws.loaded
    diags = loaded.diagnostics + run_checks(loaded.inventory)
    diags = locate_all(diags, loaded.inventory.files)
    if paths:
        wanted = [p.rstrip("/") for p in paths]
        diags = [d for d in diags if any(d.path == w or d.path.startswith(w + "/") for w in wanted)]
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
