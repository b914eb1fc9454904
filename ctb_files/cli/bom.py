"""``ctb bom``: show, diff, log, add and set (PRODUCT.md 5).

Commands are glue: load the inventory (working tree or one commit), call
:mod:`ctb_files.ops.bom.views` / :mod:`ctb_files.ops.bom.diff` /
:mod:`ctb_files.storage.history`, render with :mod:`ctb_files.render.bom`.
Other modules add commands to :data:`bom_group`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from ctb_files.cli.app import SplitGroup, cli, common, echo_json, finish, options, read_inventory, workspace, writes
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import hint, parse_quantity
from ctb_files.core.units import UNITS, is_whole, same_family
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.bom import diff as bomdiff
from ctb_files.ops.bom import tree as bomtree
from ctb_files.ops.bom import views as bomviews
from ctb_files.ops.bom.extensions import applies, declared, display, parse_value
from ctb_files.render import bom as report_bom
from ctb_files.render.table import number, to_json
from ctb_files.storage import history
from ctb_files.storage.workspace import Workspace
from ctb_files.storage.yaml import load_fast

__all__ = ["bom_group"]


#: the module of each subcommand that does not live here (the import machinery, the exporters)
ELSEWHERE = {"import": "bomimport", "export": "bomexport"}
#: every module of the group: this one, those above, and what ``bom set`` imports when it runs
MODULES = ("bom", *ELSEWHERE.values(), "bomproduction")


class BomGroup(SplitGroup):
    """``show``, ``diff``, ``log``, ``add`` and ``set`` live here; ``import`` and ``export`` load on their use."""

    home = "bom"
    elsewhere = ELSEWHERE
    modules = MODULES


@cli.group("bom", cls=BomGroup)
def bom_group() -> None:
    """Multi-level BOMs: views, history, diffs and edits.

    TARGET is PROJECT:VERSION (a project BOM) or a part id (an assembly).
    """


def _view_mode(indented: bool, leaves: bool, totals: bool) -> str:
    chosen = [name for name, on in (("indented", indented), ("leaves", leaves), ("totals", totals)) if on]
    if len(chosen) > 1:
        raise UsageError("choose one of --indented, --leaves, --totals")
    return chosen[0] if chosen else "levels"


def _load(ws: Workspace, rev: str | None, target: bomtree.Target | None = None) -> tuple[Inventory, str]:
    """The inventory of the working tree (rev None) or at one commit, and a label suffix.

    Refuses when the file holding ``target`` is there but does not validate:
    showing it as missing or empty would be wrong.
    """
    if rev is None:
        inventory, bad = ws.readable()
        if target is not None:
            own = [target.path] + ([layout.project_path(target.project)] if target.project is not None else [])
            broken = [path for path in own if path in bad]
            if broken:
                raise CtbError(f"{broken[0]} does not validate; 'ctb check' shows why")
        return read_inventory(ws), ""
    snap = history.inventory_at(ws.root, rev, cache=not options().no_cache)
    if layout.SETTINGS not in snap.loaded.inventory.files:
        raise CtbError(f"there is no inventory at {rev} ({snap.short}): its {layout.SETTINGS} is not in that commit")
    bad = sorted({d.path for d in snap.loaded.errors})
    if target is not None:
        own = [target.path] + ([layout.project_path(target.project)] if target.project is not None else [])
        broken = [path for path in own if path in bad]
        if broken:
            raise CtbError(f"{broken[0]} does not validate at {rev} ({snap.short}); 'ctb check' there shows why")
    if bad and not options().quiet:
        click.echo(f"ctb: warning: at {snap.short}, {len(bad)} file(s) did not validate and are left out: "
                   + ", ".join(bad[:3]) + (" …" if len(bad) > 3 else ""), err=True)  # fmt: skip
    return snap.loaded.inventory, f" @ {rev} ({snap.short})"


@bom_group.command("show")
@click.argument("target")
@click.option("--levels", "depth", type=click.IntRange(min=1), default=1, show_default=True, help="Levels to show.")
@click.option("--indented", is_flag=True, help="Every level, depth first.")
@click.option("--leaves", is_flag=True, help="Only rows without children, quantity per direct parent.")
@click.option("--totals", is_flag=True, help="One row per leaf part, quantities multiplied down and summed.")
@click.option("--unmatched", is_flag=True, help="Only rows with no part, shown by value, footprint and MPN.")
@click.option("--at", "at", metavar="REV_OR_DATE", help="Read every file as it was at this commit or date.")
@click.option(
    "--cost", "cost", type=click.IntRange(min=1, max=10**9), metavar="N", help="Price the leaf parts for N units."
)
@click.option(
    "--quantity", "units", type=click.IntRange(min=1, max=10**9), metavar="N",
    help="With --totals: what a build of N needs (attrition and setup included, whole pieces).",
)  # fmt: skip
@common(("text", "json", "csv"))
def show_cmd(
    target: str, depth: int, indented: bool, leaves: bool, totals: bool, at: str | None, cost: int | None,
    unmatched: bool = False, units: int | None = None,
) -> None:  # fmt: skip
    """Show a BOM: the first level, every level, the leaves, the totals or their cost.

    \b
    ctb bom show vco:v2
    ctb bom show panel-vco --indented
    ctb bom show vco:v2 --totals --at 2026-11-01
    ctb bom show vco:v2 --totals --quantity 10
    ctb bom show vco:v2 --cost 25
    ctb bom show vco:v2 --unmatched
    """
    mode = _view_mode(indented, leaves, totals)
    tgt = bomtree.parse_target(target)
    inv, _ = _load(workspace(), at, tgt)
    bomtree.require_target(inv, tgt)
    if cost is not None:
        if mode in ("indented", "leaves"):
            raise UsageError(f"--cost prices the totals per leaf part; it does not combine with --{mode}")
        _show_cost(inv, tgt, cost)
        return
    if units is not None and mode != "totals":
        raise UsageError("--quantity gives the totals of a build of N; use it with --totals")
    quantity = Decimal(units) if units is not None else None
    view = bomviews.build_view(bomtree.InventoryCatalog(inv), tgt, mode, depth, quantity, inv)
    if unmatched:
        if mode == "totals":
            raise UsageError("--unmatched lists rows; it does not combine with --totals")
        view.rows = [row for row in view.rows if row.part is None]
    fmt = options().format
    if fmt == "json":
        echo_json(report_bom.view_doc(view))
    elif fmt == "csv":
        click.echo(report_bom.view_csv(view), nl=False)
    else:
        click.echo(report_bom.view_text(view))


def _show_cost(inv: Inventory, target: bomtree.Target, n: int) -> None:
    from ctb_files.render.cost import cost_json, cost_table  # only this view costs: the other commands skip it

    lines = bomviews.target_cost(inv, target, n)
    fmt = options().format
    if fmt == "json":
        echo_json({"target": target.text, "quantity": n, **cost_json(lines, n)})
    elif fmt == "csv":
        click.echo(report_bom.cost_csv(cost_json(lines, n)), nl=False)
    else:
        click.echo(f"{target.text} × {n}")
        click.echo(cost_table(lines, n))


@bom_group.command("diff")
@click.argument("targets", nargs=-1, required=True)
@click.option("--from", "rev_from", metavar="REV_OR_DATE", help="Old side at this commit or date.")
@click.option("--to", "rev_to", metavar="REV_OR_DATE", help="New side at this commit or date (default: working tree).")
@click.option("--levels", "depth", type=click.IntRange(min=1), default=1, show_default=True, help="Levels to compare.")
@click.option("--indented", is_flag=True, help="Compare every level.")
@click.option("--totals", is_flag=True, help="Compare the totals per leaf part.")
@click.option("--compact", is_flag=True, help="Text and HTML: fold runs of more than 3 equal rows.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@common(("text", "json", "html"))
def diff_cmd(
    targets: tuple[str, ...], rev_from: str | None, rev_to: str | None, depth: int, indented: bool,
    totals: bool, compact: bool, output: Path | None,
) -> None:  # fmt: skip
    """Compare two BOMs side by side, with a per-part summary.

    \b
    ctb bom diff vco:v1 vco:v2
    ctb bom diff panel-vco --from 2026-10-01 --to HEAD --indented
    ctb bom diff vco:v1 vco:v2 --format html --compact -o diff.html
    """
    if len(targets) > 2:
        raise UsageError("give one target with --from, or two targets")
    if len(targets) == 1 and rev_from is None:
        raise UsageError("with one target, say which revision to compare with: --from REV_OR_DATE")
    mode = _view_mode(indented, False, totals)
    old_t = bomtree.parse_target(targets[0])
    new_t = bomtree.parse_target(targets[-1])
    ws = workspace()
    old_inv, old_at = _load(ws, rev_from, old_t)
    new_inv, new_at = _load(ws, rev_to, new_t)
    if old_t == new_t:
        _require_somewhere((old_inv, old_t), (new_inv, new_t))
    else:  # two different BOMs: a name that is not there is a typo, not an empty BOM
        bomtree.require_target(old_inv, old_t)
        bomtree.require_target(new_inv, new_t)
    old_view = bomviews.build_view(bomtree.InventoryCatalog(old_inv), old_t, mode, depth)
    new_view = bomviews.build_view(bomtree.InventoryCatalog(new_inv), new_t, mode, depth)
    visible = list(dict.fromkeys(old_view.visible + new_view.visible))
    old_view.visible = new_view.visible = visible
    if rev_from is not None and rev_to is None:
        new_at = " (working tree)"
    old_rows, new_rows = bomdiff.flatten_view(old_view), bomdiff.flatten_view(new_view)
    result = bomdiff.compare(old_rows, new_rows, old_t.text + old_at, new_t.text + new_at, visible)
    fmt = options().format
    if fmt == "json":
        text = to_json(report_bom.diff_doc(result))
    elif fmt == "html":
        text = report_bom.diff_html(result, compact=compact)
    else:
        text = report_bom.diff_text(result, compact=compact)
    if output is None:
        click.echo(text)
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CtbError(f"cannot write {output}: {exc.strerror or exc}") from None
    if not options().quiet:
        click.echo(f"wrote {output}", err=True)


def _require_somewhere(*sides: tuple[Inventory, bomtree.Target]) -> None:
    """Refuse when no side has the target; a side without it counts as an empty BOM."""
    problems: list[CtbError] = []
    for inv, target in sides:
        try:
            bomtree.require_target(inv, target)
        except CtbError as exc:
            problems.append(exc)
    if len(problems) == len(sides):
        raise problems[-1]


@bom_group.command("log")
@click.argument("target")
@click.option("-n", "--max-count", type=click.IntRange(min=1), help="Show at most this many commits.")
@common()
def log_cmd(target: str, max_count: int | None) -> None:
    """The commits that changed a BOM (also its sub-assemblies' BOMs), newest first.

    Each line says what changed per part; long summaries are cut unless -v.

    \b
    ctb bom log panel-vco
    ctb bom log vco:v2 --format json
    """
    tgt = bomtree.parse_target(target)
    ws = workspace()
    entries = history.bom_log(ws.root, tgt, max_count)
    if not entries:
        # never in any commit: say why when the working tree does not have it either
        bomtree.require_target(ws.inventory, tgt)
    if options().format == "json":
        echo_json(report_bom.log_doc(entries))
    else:
        click.echo(report_bom.log_text(entries, None if options().verbose else 100))


def _quantity(text: str) -> Decimal:
    value = parse_quantity(text)
    if value == 0:
        raise UsageError(f"a quantity must be a positive number, not {text!r}")
    return value


@bom_group.command("add")
@click.argument("parent")
@click.argument("child")
@click.argument("quantity")
@click.option("--unit", type=click.Choice(UNITS), help="Unit of QUANTITY (default: the child's unit).")
@click.option("--order", type=int, help="Find number / sort key (default: the largest + 10).")
@click.option("--refs", help="Reference designators, separated by commas or spaces.")
@common()
@writes
def add_cmd(parent: str, child: str, quantity: str, unit: str | None, order: int | None, refs: str | None) -> None:
    """Append CHILD × QUANTITY to the BOM of the assembly PARENT.

    \b
    ctb bom add panel-vco jack-3.5mm 6 --refs J1-J6
    ctb bom add harness-a wire-red 500 --unit mm
    """
    from ctb_files.storage.writeback.part import add_bom_line  # the writers load ruamel: only commands that write

    ws = workspace()
    inv = ws.inventory
    qty = _quantity(quantity)
    for name in (parent, child):
        if name not in inv.parts:
            raise CtbError(f"unknown part {name!r}" + hint(name, inv.parts))
    cycle = [parent] if child == parent else bomtree.find_path(inv, child, parent)
    if cycle:
        raise CtbError(f"refusing: {parent} → {' → '.join(cycle)} would be a cycle")
    child_unit = inv.parts[child].unit
    if unit is not None and not same_family(unit, child_unit):
        raise CtbError(f"{unit} does not measure {child}, which is counted in {child_unit}")
    if (unit or child_unit) == "pcs" and not is_whole(qty):
        raise CtbError(f"{child} is counted in pieces: the quantity must be whole, not {quantity}")
    said = ""
    if order is None:
        order = bomtree.next_order(inv.parts[parent])
        said = " (the largest order + 10)"
    entry: dict[str, Any] = {"part": child, "quantity": qty}
    if unit is not None:
        entry["unit"] = unit
    entry["order"] = order
    ref_list = [r for r in (refs or "").replace(",", " ").split() if r]
    if ref_list:
        entry["refs"] = ref_list
    add_bom_line(ws.changes, parent, entry)
    if options().format != "json" and not options().quiet:
        click.echo(f"{parent}: added {child} {number(qty)} {unit or child_unit} at order {order}{said}")
    written = finish(ws, f"bom add {parent} {child}", {"Ctb-Part": [parent]})
    if options().format == "json":
        echo_json({"parent": parent, "part": child, "quantity": qty, "unit": unit or child_unit,
                   "order": order, "refs": ref_list, "written": written})  # fmt: skip


def _find_row(inv: Inventory, target: bomtree.Target, which: str) -> tuple[int, str]:
    """Index of the one row ``which`` names (a line/order number or a part id) and its label."""
    if target.project is not None:
        rows = inv.boms[(target.project, str(target.version))].rows
        keyed = [(i, r.line, {r.part, r.substitute} - {None}) for i, r in enumerate(rows)]
        noun = "line"
    else:
        lines = inv.parts[str(target.part)].bom or []
        keyed = [(i, ln.order, {ln.part}) for i, ln in enumerate(lines)]
        noun = "order"
    if which.isdigit():
        found = [i for i, number, _ in keyed if number == int(which)]
        label = f"{noun} {which}"
    else:
        found = [i for i, _, parts in keyed if which in parts]
        label = which
    if not found:
        raise CtbError(f"no row of {target.text} has {noun if which.isdigit() else 'part'} {which}")
    if len(found) > 1:
        numbers = ", ".join(str(keyed[i][1]) for i in found)
        raise CtbError(f"{which} is on several rows of {target.text} ({noun}s {numbers}); give the {noun}")
    return found[0], label


def _yaml_value(text: str) -> Any:
    return load_fast(text.encode("utf-8"), "value")


@bom_group.command("set")
@click.argument("target")
@click.argument("row")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE...]")
@click.option("--attrition", help="Percent extra per build (0 or more).")
@click.option("--setup", help="Extra quantity once per build, in the row's unit (e.g. 15, or 200mm).")
@click.option("--consumable/--not-consumable", default=None, help="Listed and costed, never reserved or short.")
@common()
@writes
def set_cmd(target: str, row: str, assignments: tuple[str, ...], attrition: str | None, setup: str | None,
            consumable: bool | None) -> None:
    """Set production fields (attrition, setup, consumable) and editable extension fields on one BOM row.

    ROW is a line number (project BOMs), an order number (assemblies) or a
    part id. Values are read per the field's type; objects and lists are
    written as YAML flow (``{x: 1, y: 2}``, ``[a, b]``).

    \b
    ctb bom set vco:v2 8 assembly_note="hand solder"
    ctb bom set panel-vco jack-3.5mm assembly_note="after washing"
    ctb bom set vco:v2 12 --attrition 2 --setup 15
    """
    # the writers load ruamel: only commands that write import them
    from ctb_files.cli.bomproduction import production_fields
    from ctb_files.storage.writeback.bom import set_ext, set_row_fields

    ws = workspace()
    inv = ws.inventory
    tgt = bomtree.parse_target(target)
    bomtree.require_target(inv, tgt)
    index, label = _find_row(inv, tgt, row)
    production = production_fields(inv, tgt, index, f"{tgt.text} {label}", attrition, setup, consumable)
    if not assignments and not production:
        raise UsageError("nothing to set: give NAME=VALUE, --attrition, --setup or --consumable")
    decls = declared(inv.settings.bom_extensions)
    if tgt.project is not None:
        project = inv.projects.get(tgt.project)
        tags, key = (project.tags if project else []), "rows"
    else:
        tags, key = inv.parts[str(tgt.part)].tags, "bom"
    values: dict[str, Any] = {}
    for item in assignments:
        name, eq, text = item.partition("=")
        if not eq:
            raise UsageError(f"expected NAME=VALUE, not {item!r}")
        ext = decls.get(name)
        if ext is None:
            known = ", ".join(sorted(decls)) or "none are declared in ctb.yaml"
            raise CtbError(f"unknown extension {name!r}" + (hint(name, decls) or f" (known: {known})"))
        if not ext.editable:
            raise CtbError(f"extension {name!r} is not editable (declare it with editable: true in ctb.yaml)")
        if not applies(ext, tags):
            raise CtbError(f"extension {name!r} applies only to BOMs tagged {', '.join(ext.applies_to.tags if ext.applies_to else [])}")
        try:
            values[name] = parse_value(ext, text, _yaml_value)
        except ValueError as exc:
            raise CtbError(f"{name}: {exc}") from None
    if values:
        set_ext(ws.changes, tgt.path, key, index, values)
    if production:
        set_row_fields(ws.changes, tgt.path, key, index, production)
    if options().format != "json" and not options().quiet:
        for name, value in {**production, **values}.items():
            click.echo(f"{tgt.text} {label}: {name} = {display(value)}")
    written = finish(ws, f"bom set {tgt.text} {label}", {"Ctb-Bom": [tgt.text]})
    if options().format == "json":
        echo_json({"target": tgt.text, "row": label, **production, "ext": values, "written": written})
