"""``ctb fmt``: put inventory files in canonical form, comments kept."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, workspace, writes
from ctb_files.storage.fmt import inventory_paths, plan_format


@cli.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; list the files that would change and exit 1 if any.")
@common()
@writes
def fmt_cmd(paths: tuple[Path, ...], check: bool) -> None:
    """Put inventory files in canonical form (default: every file).

    Keys follow the order of the file format (a part's name first, then its
    description, ...), mappings are indented by 2 and list items by 2 with
    '- '.  Comments stay with the keys they precede; keys ctb does not know
    stay, after the known ones.  Files that do not parse are reported and
    left alone (exit 1).  Prints 'Fixing <path>' for every file rewritten.
    """
    ws = workspace()
    opts = options()
    rels, notes = inventory_paths(ws.root, paths)
    plan = plan_format(ws.root, rels)
    problems = notes + plan.problems
    would_change = sorted(plan.changed)
    written: list[str] = []
    if not check:
        for rel, data in plan.changed.items():
            ws.changes.write_text(rel, data.decode("utf-8"))
        if opts.dry_run:
            finish(ws, "fmt")
        elif plan.changed:
            written = ws.changes.apply(commit="ctb: fmt" if opts.commit else None, trailers={})
    if opts.format == "json":
        key = "would_change" if check or opts.dry_run else "changed"
        echo_json(
            {
                key: would_change if key == "would_change" else written,
                "errors": [d.to_json() for d in plan.errors],
                "warnings": [d.to_json() for d in problems if d.severity == "warning"],
            }
        )
    else:
        for diag in problems:
            click.echo(diag.render() + ("" if diag.severity == "error" else " (warning)"), err=True)
        for rel in would_change if check else written:
            click.echo(f"{'Would fix' if check else 'Fixing'} {rel}")
        if not opts.quiet:
            verb = "would change" if check or opts.dry_run else "changed"
            count = len(would_change) if check or opts.dry_run else len(written)
            click.echo(f"{plan.checked} files checked: {count} {verb}, {len(plan.errors)} errors", err=True)
    if plan.errors or (check and would_change):
        raise click.exceptions.Exit(1)
