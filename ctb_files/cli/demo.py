"""``ctb demo``: the one-command tour on a fresh copy of the example inventory.

:func:`run_demo` runs :data:`STEPS` in order over one :class:`Demo`.  A step
is ``(title, function)``; the function does its work on ``demo.root``, prints
what it found, sets ``(label, value)`` rows of ``demo.summary`` and returns an
exit status (0 to go on).  To extend the tour, add a step function and insert
it in :data:`STEPS` before the summary.

The tour creates the example inventory (committed), checks it, clears its
builds as ``ctb build clear --all`` would (left uncommitted, so ``git diff``
shows what clearing wrote), prints each build's reservations and shortages,
and says how many more units of each project version could be built now.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from ctb_files.checks import run_checks
from ctb_files.cli.app import cli
from ctb_files.cli.build import clear_and_write
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import CtbError
from ctb_files.ops.builds.canbuild import can_build
from ctb_files.render.build import reservations_table, shortages_table
from ctb_files.render.table import number
from ctb_files.storage.init.scaffold import init_repository
from ctb_files.storage.loader import load_repo, locate_all
from ctb_files.storage.workspace import Workspace


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

    def note(self, label: str, value: str) -> None:
        """Set a summary row: replace the row with this label, or add it."""
        for index, (known, _) in enumerate(self.summary):
            if known == label:
                self.summary[index] = (label, value)
                return
        self.summary.append((label, value))

    def block(self, text: str) -> None:
        """Print a multi-line block indented under the current step."""
        for line in text.splitlines():
            self.echo(f"    {line}".rstrip())


Step = Callable[[Demo], int]


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def step_init(demo: Demo) -> int:
    result = init_repository(demo.root, example=True)
    demo.commit = result.commit
    for note in result.notes:
        demo.echo(f"  note: {note}")
    return 0


def _lines_text(lines: list[int]) -> str:
    """Unmatched BOM rows by line (``ctb build show`` names them by value and footprint)."""
    return f"unmatched line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}"


def _builds_text(inv: Inventory) -> str:
    items = []
    for build_id in sorted(inv.builds):
        b = inv.builds[build_id]
        shorts = ", ".join(f"{s.part or _lines_text(s.lines)} {number(s.quantity)}" for s in b.shortages)
        items.append(f"{build_id} ({number(b.quantity)} × {b.project}:{b.version}, {b.status}" +
                     (f": {shorts}" if shorts else "") + ")")  # fmt: skip
    return ", ".join(items) or "none"


def step_inventory(demo: Demo) -> int:
    inv = demo.inventory()
    lines = sum(len(stock.lines) for stock in inv.stock.values())
    projects = [
        f"{p}:{v} ({len(bom.rows)} BOM rows" + (f", makes {inv.projects[p].part}" if p in inv.projects and inv.projects[p].part else "") + ")"
        for (p, v), bom in sorted(inv.boms.items())
    ]  # fmt: skip
    orders = [
        f"{i} ({o.vendor}, {o.status}, {_n(len(o.lines), 'line')})" for i, o in sorted(inv.orders.items())
    ]
    demo.note("parts", f"{len(inv.parts)} ({len(inv.packages)} packages, vendors: {', '.join(sorted(inv.vendors))})")
    demo.note("stock lines", f"{lines} at {len(inv.stock)} locations ({', '.join(sorted(inv.stock))})")
    demo.note("projects", ", ".join(projects) or "none")
    demo.note("builds", _builds_text(inv))
    demo.note("orders", ", ".join(orders) or "none")
    if demo.commit:
        demo.note("git", f'first commit {demo.commit[:7]} "ctb: example inventory"')
    return 0


def step_check(demo: Demo) -> int:
    loaded = load_repo(demo.root)
    diags = locate_all(loaded.diagnostics + run_checks(loaded.inventory), loaded.inventory.files)
    errors = [d for d in diags if d.severity == "error"]
    warnings = len(diags) - len(errors)
    for diag in errors:
        demo.echo(f"  {diag.render()}")
    verdict = "clean" if not errors else "ERRORS"
    demo.note("ctb check", f"{verdict}: {len(loaded.inventory.files)} files, {len(errors)} errors, {warnings} warnings")
    return 1 if errors else 0


def step_clear(demo: Demo) -> int:
    ws = Workspace(demo.root)
    plans = clear_and_write(ws, None)
    ws.changes.apply()  # left uncommitted: `git diff` shows what clearing wrote
    inv = demo.inventory()
    for build_id, plan in plans.items():
        build = inv.builds[build_id]
        lines = len({(t.location, t.part, t.bin) for r in plan.reservations for t in r.take})
        demo.echo(f"  {build_id}: {number(build.quantity)} × {build.project}:{build.version}, {plan.status}: "
                  f"{_n(len(plan.reservations), 'part')} reserved from {_n(lines, 'stock line')}, "
                  f"{len(plan.shortages)} short")  # fmt: skip
        if plan.reservations:
            demo.echo("")
            demo.block(reservations_table(plan.reservations))
        if plan.shortages:
            demo.echo("")
            demo.block(shortages_table(plan.shortages, inv.boms.get((build.project, build.version))))
        for a in plan.assemblies:
            demo.echo(f"    to build first: {number(a.quantity)} × {a.part} from its parts")
        project = inv.projects.get(build.project)
        if project is not None and project.part and plan.status == "cleared":
            demo.echo(f"    ctb build complete {build_id} takes these out of stock and adds "
                      f"{number(build.quantity)} × {project.part} to {inv.settings.default_location or 'stock'}")  # fmt: skip
    if not plans:
        demo.echo("  no open builds")
    demo.note("builds", _builds_text(inv))
    return 0


def step_can_build(demo: Demo) -> int:
    inv = demo.inventory()
    for project, version in sorted(inv.boms):
        result = can_build(inv, project, version)
        limit = f" (limited by {', '.join(result.limited_by)})" if result.limited_by else ""
        count = "no limit" if result.quantity is None else f"{result.quantity} more"
        demo.echo(f"  {project}:{version}: {count} can be built now{limit}")
        demo.note("can-build", f"{project}:{version} {count} now{limit}")
    return 0


def step_summary(demo: Demo) -> int:
    width = max(len(label) for label, _ in demo.summary)
    demo.echo("")
    for label, value in demo.summary:
        demo.echo(f"  {label.ljust(width)}  {value}")
    hints = [("git diff", "what clearing wrote into the build file")]
    hints += [(f"ctb build show {b}", "reservations, shortages and cost") for b in sorted(demo.inventory().builds)[:1]]
    hints += [("ctb order generate --dry-run", "order lines that would cover the shortages"),
              ("ctb stock show", "on hand, reserved and available per stock line")]  # fmt: skip
    wide = max(len(command) for command, _ in hints)
    demo.echo("")
    demo.echo("Try next:")
    demo.echo(f"  cd {demo.root}")
    for command, why in hints:
        demo.echo(f"  {command.ljust(wide)}  # {why}")
    return 0


STEPS: list[tuple[str, Step]] = [
    ("create the example inventory (ctb init --example)", step_init),
    ("read it", step_inventory),
    ("check it (ctb check)", step_check),
    ("clear the builds (ctb build clear --all)", step_clear),
    ("how many more could be built now (ctb can-build)", step_can_build),
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


def _refuse_nested(directory: Path) -> None:
    """The tour makes a new inventory: never one inside another inventory's folders."""
    target = directory.resolve()
    for parent in target.parents:
        if (parent / "ctb.yaml").is_file():
            raise CtbError(f"{target} is inside the inventory at {parent}; give a folder outside it")


@cli.command("demo")
@click.argument("directory", required=False, type=click.Path(path_type=Path, file_okay=False))
def demo_cmd(directory: Path | None) -> None:
    """Create the example inventory in DIRECTORY (default: a new temporary
    directory), check it, clear its builds and print the reservations,
    shortages and what can be built: the one-command tour."""
    if directory is not None:
        _refuse_nested(directory)
    target = directory if directory is not None else Path(tempfile.mkdtemp(prefix="ctb-demo-"))
    status = run_demo(target)
    if status:
        raise click.exceptions.Exit(status)
