"""``ctb demo``: the one-command tour on a fresh copy of the example inventory.

:func:`run_demo` runs :data:`STEPS` in order over one :class:`Demo`.  A step
is ``(title, function)``; the function does its work on ``demo.root``, adds
``(label, value)`` rows to ``demo.summary`` and returns an exit status (0 to
go on).  To extend the tour, add a step function and insert it in
:data:`STEPS` (clearing builds goes between ``check`` and ``summary``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from ctb_files.checks import run_checks
from ctb_files.cli.app import cli
from ctb_files.models.inventory import Inventory
from ctb_files.scaffold import init_repository
from ctb_files.storage.loader import load_repo, locate_all


@dataclass
class Demo:
    """What the tour's steps share: where it runs and what it will report."""

    root: Path
    echo: Callable[[str], None] = click.echo
    summary: list[tuple[str, str]] = field(default_factory=list)
    commit: str | None = None

    def inventory(self) -> Inventory:
        """The inventory as it is on disk now (each call reads it afresh)."""
        return load_repo(self.root).inventory


Step = Callable[[Demo], int]


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def step_init(demo: Demo) -> int:
    result = init_repository(demo.root, example=True)
    demo.commit = result.commit
    for note in result.notes:
        demo.echo(f"  note: {note}")
    return 0


def step_inventory(demo: Demo) -> int:
    inv = demo.inventory()
    lines = sum(len(stock.lines) for stock in inv.stock.values())
    projects = [f"{p}:{v} ({len(bom.rows)} BOM rows)" for (p, v), bom in sorted(inv.boms.items())]
    builds = [
        f"{b.quantity} × {b.project}:{b.version}, {b.status}" for b in (inv.builds[i] for i in sorted(inv.builds))
    ]
    orders = [
        f"{o.vendor}, {o.status}, {_n(len(o.lines), 'line')}" for o in (inv.orders[i] for i in sorted(inv.orders))
    ]
    demo.summary += [
        ("parts", f"{len(inv.parts)} ({len(inv.packages)} packages, vendors: {', '.join(sorted(inv.vendors))})"),
        ("stock lines", f"{lines} at {len(inv.stock)} locations ({', '.join(sorted(inv.stock))})"),
        ("projects", ", ".join(projects) or "none"),
        ("builds", ", ".join(f"{i} ({text})" for i, text in zip(sorted(inv.builds), builds, strict=True)) or "none"),
        ("orders", ", ".join(f"{i} ({text})" for i, text in zip(sorted(inv.orders), orders, strict=True)) or "none"),
    ]
    if demo.commit:
        demo.summary.append(("git", f'first commit {demo.commit[:7]} "ctb: example inventory"'))
    return 0


def step_check(demo: Demo) -> int:
    loaded = load_repo(demo.root)
    diags = locate_all(loaded.diagnostics + run_checks(loaded.inventory), loaded.inventory.files)
    errors = [d for d in diags if d.severity == "error"]
    warnings = len(diags) - len(errors)
    for diag in errors:
        demo.echo(f"  {diag.render()}")
    verdict = "clean" if not errors else "ERRORS"
    demo.summary.append(
        ("ctb check", f"{verdict}: {len(loaded.inventory.files)} files, {len(errors)} errors, {warnings} warnings")
    )
    return 1 if errors else 0


def step_summary(demo: Demo) -> int:
    width = max(len(label) for label, _ in demo.summary)
    demo.echo("")
    for label, value in demo.summary:
        demo.echo(f"  {label.ljust(width)}  {value}")
    demo.echo("")
    demo.echo("Try next:")
    demo.echo(f"  cd {demo.root}")
    for command in ("ctb check", "ctb build clear vco-batch-1", "ctb build show vco-batch-1", "git log --stat"):
        demo.echo(f"  {command}")
    return 0


STEPS: list[tuple[str, Step]] = [
    ("create the example inventory (ctb init --example)", step_init),
    ("read it", step_inventory),
    ("check it (ctb check)", step_check),
    ("summary", step_summary),
]


def run_demo(
    target: Path, steps: list[tuple[str, Step]] | None = None, echo: Callable[[str], None] = click.echo
) -> int:
    """Run the tour in ``target``; the first step that fails ends it with its status."""
    demo = Demo(root=target.resolve(), echo=echo)
    demo.echo(f"ctb demo in {demo.root}")
    for title, step in steps if steps is not None else STEPS:
        if step is not step_summary:
            demo.echo(f"- {title}")
        status = step(demo)
        if status:
            demo.echo(f"demo stopped: {title} failed")
            return status
    return 0


@cli.command("demo")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
def demo_cmd(directory: Path | None) -> None:
    """Create the example inventory in DIRECTORY (default: a new temporary
    directory), check it and summarize it: the one-command tour."""
    target = directory if directory is not None else Path(tempfile.mkdtemp(prefix="ctb-demo-"))
    status = run_demo(target)
    if status:
        raise click.exceptions.Exit(status)


# --- clearing the example's builds: the step lives with the build commands -----------------------
from ctb_files.cli.canbuild import demo_step as _clear_step  # noqa: E402

STEPS.insert(len(STEPS) - 1, ("clear the builds (ctb build clear --all, ctb can-build)", _clear_step))
