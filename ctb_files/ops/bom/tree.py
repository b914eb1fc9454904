"""BOM targets and their explosion into a tree of rows, downwards and upwards.

A target is a project version's BOM (``vco:v2``) or an assembly (a part id).
:func:`explode` walks it depth first: every occurrence of a shared
sub-assembly is expanded, siblings come in ``order`` then part id (project
rows in ``line`` order), and each row carries its quantity per direct parent
and its quantity per one unit of the target, converted exactly between units.

With ``units=N`` the tree is a production plan for a build of N
(PRODUCT.md 4.1): each row's ``need`` is its production need through the one
row-need function (:mod:`ctb_files.ops.bom.need`: attrition and setup once
per build), and a sub-assembly's children are exploded for the whole number
of assemblies its own row needs (its line's attrition and setup apply at its
level, then each child line adds its own).

The tree reads parts and BOM files through a :class:`Catalog`, so the same
code serves the working tree, a git snapshot and the lazily read revisions of
``ctb bom log``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from ctb_files.core.models import (
    BomFile,
    BomLine,
    BomRow,
    Extension,
    Part,
    Project,
    valid_id,
)
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import hint
from ctb_files.core.units import convert, normalize
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.bom.need import ZERO, Packages, line_need, plain_line_need, plain_row_need, round_need
from ctb_files.ops.bom.rowtext import About, about

ONE = Decimal(1)
MAX_DEPTH = 64  # deeper than any real product; cycles are cut before this anyway


class Catalog(Protocol):
    """Where the tree reads its data from."""

    def part(self, part_id: str) -> Part | None: ...

    def project(self, project_id: str) -> Project | None: ...

    def project_bom(self, project_id: str, version: str) -> BomFile | None: ...

    def extensions(self) -> list[Extension]: ...


@dataclass
class InventoryCatalog:
    """A :class:`Catalog` over a loaded :class:`Inventory`."""

    inv: Inventory

    def part(self, part_id: str) -> Part | None:
        return self.inv.parts.get(part_id)

    def project(self, project_id: str) -> Project | None:
        return self.inv.projects.get(project_id)

    def project_bom(self, project_id: str, version: str) -> BomFile | None:
        return self.inv.boms.get((project_id, version))

    def extensions(self) -> list[Extension]:
        return list(self.inv.settings.bom_extensions)


@dataclass(frozen=True)
class Target:
    """``PROJECT:VERSION`` (a project BOM) or a part id (an assembly)."""

    text: str
    part: str | None = None
    project: str | None = None
    version: str | None = None

    @property
    def is_project(self) -> bool:
        return self.project is not None

    @property
    def path(self) -> str:
        """The file holding the top of this BOM, relative to the inventory root."""
        if self.project is not None:
            return f"projects/{self.project}/bom/{self.version}.yaml"
        return f"parts/{self.part}.yaml"


def parse_target(text: str) -> Target:
    """Read a target from the command line (``UsageError`` when malformed)."""
    if ":" in text:
        project, _, version = text.partition(":")
        if not (valid_id(project) and valid_id(version)):
            raise UsageError(f"not a BOM target: {text!r} (expected PROJECT:VERSION or a part id)")
        return Target(text, project=project, version=version)
    if not valid_id(text):
        raise UsageError(f"not a BOM target: {text!r} (expected PROJECT:VERSION or a part id)")
    return Target(text, part=text)


def require_target(inv: Inventory, target: Target) -> None:
    """Refuse, in one line, a target that has no BOM in ``inv``."""
    if target.project is not None:
        if target.project not in inv.projects:
            raise CtbError(f"unknown project {target.project!r}" + hint(target.project, inv.projects))
        if (target.project, target.version) not in inv.boms:
            versions = sorted(v for p, v in inv.boms if p == target.project)
            have = f" (BOMs exist for {', '.join(versions)})" if versions else ""
            raise CtbError(
                f"{target.path} does not exist{have}; "
                f"write it or run 'ctb project sync {target.project} --version {target.version}'"
            )
        return
    part = inv.parts.get(str(target.part))
    if part is None:
        raise CtbError(f"unknown part {target.part!r}" + hint(str(target.part), inv.parts))
    if not part.bom:
        raise CtbError(f"part {target.part} is not an assembly (it has no bom)")


@dataclass(frozen=True)
class TreeRow:
    """One row of an exploded BOM."""

    level: int
    part: str | None
    quantity: Decimal  # per one unit of the direct parent, in ``unit``
    unit: str
    order: int | None
    refs: tuple[str, ...]
    ext: Mapping[str, Any]
    parent: str  # part id, or PROJECT:VERSION at level 1 of a project BOM
    total: Decimal  # per one unit of the target (or for the ``units`` asked), in ``unit``, plain
    part_unit: str  # the child part's own unit (``unit`` when the part is unknown)
    need: Decimal  # ``total`` in ``part_unit``; with ``units``: the production need, not rounded
    has_children: bool = False
    dnp: bool = False
    cycle: bool = False
    index: int = 0  # position in the parent's list in its file
    source: str = ""  # file the row is written in
    line: int | None = None  # project BOM line number
    about: About = ()  # a project BOM row's value, footprint, MPN, SKUs, flags (rowtext)
    consumable: bool = False


@dataclass(frozen=True)
class _Line:
    part: str | None
    quantity: Decimal
    unit: str | None
    order: int | None
    refs: tuple[str, ...]
    ext: Mapping[str, Any]
    dnp: bool
    index: int
    line: int | None
    about: About = ()
    attrition: Decimal | None = None
    setup: Decimal | None = None
    consumable: bool = False


@dataclass
class Memo:
    """What explosions of many versions of one target share (``ctb bom log`` explodes hundreds).

    Versions of a BOM share most of their row models and part models (each
    distinct blob parses once), and a first-level row of a plain explosion
    (no ``units``) is a function of its line and its part alone: each
    (line, part) pair met is made into a :class:`TreeRow` once.  Keys are
    object ids; the objects are kept in the values, so no id is reused.
    """

    lines: dict[tuple[int, int], tuple[BomRow, _Line]] = field(default_factory=dict)
    part_lines: dict[int, tuple[Part, list[_Line]]] = field(default_factory=dict)
    rows: dict[tuple[int, int], tuple[_Line, Part | None, TreeRow]] = field(default_factory=dict)


def _part_lines(part: Part, memo: Memo | None = None) -> list[_Line]:
    if memo is not None:
        known = memo.part_lines.get(id(part))
        if known is None:
            known = memo.part_lines[id(part)] = (part, _part_lines(part))
        return known[1]
    lines = [_from_bom_line(i, line) for i, line in enumerate(part.bom or [])]
    return sorted(lines, key=lambda ln: (ln.order is None, ln.order or 0, ln.part or "", ln.index))


def _from_bom_line(index: int, line: BomLine) -> _Line:
    return _Line(
        line.part, line.quantity, line.unit, line.order, tuple(line.refs), line.ext, False, index, None, (),
        line.attrition, line.setup, line.consumable,
    )  # fmt: skip


def _row_lines(bom: BomFile, memo: Memo | None = None) -> list[_Line]:
    if memo is None:
        lines = [_from_bom_row(i, row) for i, row in enumerate(bom.rows)]
    else:
        lines = []
        for i, row in enumerate(bom.rows):
            known = memo.lines.get((i, id(row)))
            if known is None:
                known = memo.lines[(i, id(row))] = (row, _from_bom_row(i, row))
            lines.append(known[1])
    return sorted(lines, key=lambda ln: (ln.line is None, ln.line or 0, ln.index))


def _from_bom_row(index: int, row: BomRow) -> _Line:
    order = row.order if row.order is not None else row.line
    return _Line(
        row.wanted, row.quantity, row.unit, order, tuple(row.refs), row.ext, row.dnp, index, row.line, about(row),
        row.attrition, row.setup, row.consumable,
    )  # fmt: skip


def _top_lines(cat: Catalog, target: Target, memo: Memo | None = None) -> tuple[list[_Line], str] | None:
    """The first-level lines of ``target`` and the file they are in; None if absent."""
    if target.project is not None:
        bom = cat.project_bom(target.project, str(target.version))
        return None if bom is None else (_row_lines(bom, memo), target.path)
    part = cat.part(str(target.part))
    if part is None or part.bom is None:
        return None
    return _part_lines(part, memo), target.path


def explode(
    cat: Catalog,
    target: Target,
    depth: int | None = None,
    units: Decimal | None = None,
    packages: Packages = None,
    memo: Memo | None = None,
) -> list[TreeRow]:
    """The rows of ``target`` down to ``depth`` levels (all when None), depth first.

    ``units``: a build of that many units, production quantities included
    (``packages`` gives the package defaults of attrition); None: plain
    quantities per one unit of the target.  ``memo``: what earlier
    explosions of the same target made (plain explosions only), the rows
    returned equal to those made without it.

    Raises :class:`CtbError` when a row's unit cannot be converted to its
    part's unit (a check error); a cycle is cut where it closes and the row
    is marked ``cycle``.
    """
    if units is not None:
        memo = None  # production rows depend on more than a line and its part
    top = _top_lines(cat, target, memo)
    if top is None:
        return []
    lines, source = top
    rows: list[TreeRow] = []
    start = () if target.project is not None else (str(target.part),)
    production = (units, packages) if units is not None else None
    _walk(cat, lines, source, target.text, units or ONE, 1, depth or MAX_DEPTH, start, False, rows, production, memo)
    if depth is None:
        cut = next((row for row in rows if row.level >= MAX_DEPTH and row.has_children), None)
        if cut is not None:  # all levels were asked for: a silently cut tree would give wrong totals
            raise CtbError(
                f"the BOM of {target.text} is nested deeper than {MAX_DEPTH} levels (at {cut.part}); not shown"
            )
    return rows


def _walk(
    cat: Catalog, lines: list[_Line], source: str, parent: str, count: Decimal, level: int,
    depth: int, path: tuple[str, ...], dnp: bool, out: list[TreeRow], production: tuple[Decimal, Packages] | None,
    memo: Memo | None = None,
) -> None:  # fmt: skip
    """``memo``: only at the first level of a plain explosion, where a row depends on its line and part alone."""
    for ln in lines:
        part = cat.part(ln.part) if ln.part else None
        known = memo.rows.get((id(ln), id(part))) if memo is not None else None
        if known is not None:
            row = known[2]
            out.append(row)
            if row.has_children and part is not None and level < depth and ln.part is not None:
                _walk(
                    cat, _part_lines(part, memo), f"parts/{ln.part}.yaml", ln.part, row.need, level + 1, depth,
                    (*path, ln.part), dnp or ln.dnp, out, production,
                )  # fmt: skip
            continue
        part_unit = part.unit if part is not None else (ln.unit or "pcs")
        unit = ln.unit or part_unit
        total = normalize(count * ln.quantity)
        if production is None:
            asked = line_need(cat.part, ln.part, ln.quantity, ln.unit, count, ZERO, None, ln.consumable)
        else:
            asked = line_need(
                cat.part, ln.part, ln.quantity, ln.unit, count, ln.attrition, ln.setup, ln.consumable, production[1]
            )
        if asked.problem is not None and part is not None:
            where = f"{source} line {ln.line}" if ln.line is not None else f"{source} bom[{ln.index}]"
            raise CtbError(
                f"{where}: {ln.quantity} {unit} of {ln.part} cannot be converted to {part_unit}; "
                "'ctb check' reports the unit family mismatch"
            )
        need = asked.quantity
        cycle = ln.part is not None and ln.part in path
        children = part.bom if part is not None and part.bom and not cycle else None
        made = TreeRow(
            level=level, part=ln.part, quantity=ln.quantity, unit=unit, order=ln.order, refs=ln.refs,
            ext=ln.ext, parent=parent, total=total, part_unit=part_unit, need=need,
            has_children=bool(children), dnp=dnp or ln.dnp, cycle=cycle, index=ln.index,
            source=source, line=ln.line, about=ln.about, consumable=ln.consumable,
        )  # fmt: skip
        out.append(made)
        if memo is not None:
            memo.rows[(id(ln), id(part))] = (ln, part, made)
        if children and part is not None and level < depth and ln.part is not None:
            built = need if production is None else round_need(need, part_unit)  # whole assemblies are built
            _walk(
                cat, _part_lines(part, memo), f"parts/{ln.part}.yaml", ln.part, built, level + 1, depth,
                (*path, ln.part), dnp or ln.dnp, out, production,
            )  # fmt: skip


def find_path(inv: Inventory, start: str, goal: str) -> list[str] | None:
    """A chain of BOM edges from ``start`` down to ``goal`` (both included), if any."""
    seen: set[str] = set()

    def visit(node: str, trail: list[str]) -> list[str] | None:
        if node == goal:
            return trail
        if node in seen:
            return None
        seen.add(node)
        part = inv.parts.get(node)
        lines = (part.bom or []) if part is not None else []
        for line in lines:
            found = visit(line.part, [*trail, line.part])
            if found:
                return found
        return None

    return visit(start, [start])


def next_order(part: Part, step: int = 10) -> int:
    """The ``order`` for a line appended to ``part``'s BOM: the largest plus ``step``."""
    orders = [line.order for line in part.bom or [] if line.order is not None]
    return (max(orders) if orders else 0) + step


@dataclass(frozen=True)
class UseRow:
    """One step upwards in a where-used tree."""

    level: int
    used_in: str  # a part id, or PROJECT:VERSION
    kind: str  # "part" | "project"
    quantity: Decimal  # of the row below, per one ``used_in``, in ``unit``
    unit: str
    total: Decimal  # of the asked-for part per one ``used_in``, in that part's unit
    cycle: bool = False


def where_used(inv: Inventory, part_id: str) -> list[UseRow]:
    """Everything that uses ``part_id``, indented upwards (assemblies, then project versions)."""
    # child -> (user, kind, quantity as written, its unit, need per one user in the child's unit)
    parents: dict[str, list[tuple[str, str, Decimal, str, Decimal]]] = {}
    for pid in sorted(inv.parts):
        for line in inv.parts[pid].bom or []:
            asked = plain_line_need(inv.parts, line, ONE)
            unit = line.unit or _unit(inv, line.part)
            parents.setdefault(line.part, []).append((pid, "part", line.quantity, unit, asked.quantity))
    for (project, version), bom in sorted(inv.boms.items()):
        for row in bom.rows:
            found = plain_row_need(inv.parts, row, ONE)
            if found is not None and found.part is not None:
                unit = row.unit or _unit(inv, found.part)
                parents.setdefault(found.part, []).append(
                    (f"{project}:{version}", "project", row.quantity, unit, found.quantity)
                )
    out: list[UseRow] = []

    def climb(child: str, per_child: Decimal, level: int, path: tuple[str, ...]) -> None:
        grouped: dict[str, tuple[str, Decimal, str, Decimal]] = {}
        for user, kind, qty, unit, need in parents.get(child, []):
            if user in grouped:
                kind0, qty0, unit0, need0 = grouped[user]
                qty = qty0 + _to(qty, unit, unit0)
                unit = unit0
                need += need0
            grouped[user] = (kind, qty, unit, need)
        for user in sorted(grouped):
            kind, qty, unit, in_child_unit = grouped[user]
            # per_child: asked-for part per one ``child`` (in its own unit)
            total = normalize(in_child_unit * per_child)
            cycle = user in path
            out.append(UseRow(level, user, kind, qty, unit, total, cycle))
            if kind == "part" and not cycle and level >= MAX_DEPTH and parents.get(user):
                raise CtbError(f"{part_id} is used more than {MAX_DEPTH} levels up (above {user}); not shown")
            if kind == "part" and not cycle and level < MAX_DEPTH:
                climb(user, total, level + 1, (*path, user))

    climb(part_id, ONE, 1, (part_id,))
    return out


def _unit(inv: Inventory, part_id: str) -> str:
    part = inv.parts.get(part_id)
    return part.unit if part is not None else "pcs"


def _to(quantity: Decimal, unit: str, to_unit: str) -> Decimal:
    try:
        return convert(quantity, unit, to_unit)
    except ValueError:
        return quantity  # a family mismatch is a check error; show the number as written
