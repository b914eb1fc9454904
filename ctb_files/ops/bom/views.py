"""The four ways ``ctb bom show`` looks at a BOM (PRODUCT.md 5.1).

* ``levels``: the first N levels of the tree (N = 1 by default);
* ``indented``: every level, every occurrence of a sub-assembly expanded;
* ``leaves``: only rows without children, each with its quantity per direct parent;
* ``totals``: one row per leaf part, quantities multiplied down the levels and
  summed in the leaf part's own unit (do-not-populate rows left out); with a
  build quantity N (``--quantity N``) each row's production need for a build
  of N (attrition, setup once per build) through the one row-need function,
  pooled per part and rounded up to whole pieces, as clearing reserves it.

:func:`target_cost` prices those totals at a build quantity (``--cost N``).

A :class:`BomView` is plain data; renderers live in :mod:`ctb_files.render.bom`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import normalize
from ctb_files.errors import CtbError
from ctb_files.ops.bom.extensions import visible_names
from ctb_files.ops.bom.need import round_need
from ctb_files.ops.bom.rowtext import unmatched_label
from ctb_files.ops.bom.tree import (
    Catalog,
    InventoryCatalog,
    Target,
    TreeRow,
    explode,
    require_target,
)
from ctb_files.ops.orders.costing import CostLine, cost_lines, price_part

MODES = ("levels", "indented", "leaves", "totals")


@dataclass(frozen=True)
class TotalRow:
    """One leaf part and how much of it one unit of the target needs."""

    part: str | None
    quantity: Decimal
    unit: str
    label: str = ""  # an unmatched row: its refs and what it asks for (each such row on its own)
    consumable: bool = False  # every row of it is consumable: listed, never reserved or short


@dataclass
class BomView:
    target: Target
    mode: str
    rows: list[TreeRow] = field(default_factory=list)
    totals: list[TotalRow] = field(default_factory=list)
    visible: list[str] = field(default_factory=list)  # extension columns to show


def leaves(rows: Sequence[TreeRow]) -> list[TreeRow]:
    """Rows without children, in tree order."""
    return [row for row in rows if not row.has_children]


def totals(rows: Sequence[TreeRow], whole: bool = False) -> list[TotalRow]:
    """Per leaf part, the multiplied quantities summed (in the part's unit), by part id.

    ``whole``: rows exploded for a build quantity; each sum is rounded up to
    whole pieces for parts counted in ``pcs`` (PRODUCT.md 4.1).
    """
    sums: dict[tuple[str | None, str, str], Decimal] = {}
    consumable: dict[tuple[str | None, str, str], bool] = {}
    for row in rows:
        if row.has_children or row.dnp:
            continue
        label = "" if row.part is not None else " ".join([*row.refs, unmatched_label(row.about)])
        key = (row.part, row.part_unit, label)
        sums[key] = sums.get(key, Decimal(0)) + row.need
        consumable[key] = consumable.get(key, True) and row.consumable
    ordered = sorted(sums, key=lambda k: (k[0] is None, k[0] or "", k[1]))
    return [
        TotalRow(part, round_need(sums[key], unit) if whole else normalize(sums[key]), unit, label, consumable[key])
        for key in ordered
        for part, unit, label in [key]
    ]


def build_view(
    cat: Catalog, target: Target, mode: str = "levels", depth: int = 1, units: Decimal | None = None,
    inv: Inventory | None = None,
) -> BomView:  # fmt: skip
    """Explode ``target`` as much as ``mode`` needs and select its rows.

    ``units``: the totals of a build of that many units (production
    quantities; ``inv`` supplies the package defaults of attrition).
    """
    if mode not in MODES:
        raise ValueError(f"unknown view {mode!r}")
    visible = visible_names(cat.extensions())
    if mode == "levels":
        return BomView(target, mode, explode(cat, target, max(depth, 1)), visible=visible)
    if mode == "totals" and units is not None:
        rows = explode(cat, target, units=units, packages=inv.packages if inv is not None else None)
        return BomView(target, mode, totals=totals(rows, whole=True), visible=visible)
    rows = explode(cat, target)
    if mode == "indented":
        return BomView(target, mode, rows, visible=visible)
    if mode == "leaves":
        return BomView(target, mode, leaves(rows), visible=visible)
    return BomView(target, mode, totals=totals(rows), visible=visible)


def target_cost(inv: Inventory, target: Target, n: int | Decimal) -> list[CostLine]:
    """Per leaf part of ``target`` at ``n`` units: the quantity and how it would be bought.

    A project version is costed as ``ctb cost`` does; an assembly by its
    ``--totals`` (sub-assemblies by their children, dnp rows left out).
    """
    require_target(inv, target)
    if target.project is not None:
        return cost_lines(inv, target.project, str(target.version), n)
    quantity = Decimal(n)
    if quantity <= 0:
        raise CtbError(f"a quantity to cost must be positive, not {n}")
    leaf_totals = totals(explode(InventoryCatalog(inv), target, units=quantity, packages=inv.packages), whole=True)
    return [price_part(inv, row.part, row.quantity, row.unit) for row in leaf_totals]
