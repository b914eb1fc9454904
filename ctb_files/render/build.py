"""A build as text (reservations, shortages with what is on order, assemblies) and as JSON."""

from __future__ import annotations

from typing import Any

from ctb_files.core.models.build import Build, Reservation, Shortage
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.models.project import BomFile
from ctb_files.ops.builds.allocate import Plan
from ctb_files.ops.builds.fields import (
    result_data,
)  # fmt: skip
from ctb_files.ops.orders.shortages import OnOrder
from ctb_files.render.bom import shortage_rows
from ctb_files.render.shortages import orders_text
from ctb_files.render.table import number, table


def build_json(build_id: str, status: str, source: Plan | Build) -> dict[str, Any]:
    return {"id": build_id, "status": status, **result_data(source.reservations, source.shortages, source.assemblies)}


def show_text(build_id: str, build: Build, inv: Inventory, coming: dict[tuple[str, str], list[OnOrder]] | None = None) -> str:
    when = build.completed_at if build.status == "completed" else build.cleared_at
    stamp = f" ({when.isoformat().replace('+00:00', 'Z')})" if when else ""
    out = [f"{build_id}: {number(build.quantity)} × {build.project}:{build.version}, {build.status}{stamp}"]
    if build.reservations:
        rows: list[tuple[Any, ...]] = []
        for r in build.reservations:
            for i, t in enumerate(r.take):
                first = i == 0
                rows.append((r.part if first else "", r.quantity if first else None, r.lines if first else None,
                             t.location, t.bin, t.part, t.quantity))  # fmt: skip
        out += ["", "reservations", table(["part", "quantity", "lines", "location", "bin", "stock part", "take"], rows, right=(1, 6))]
    if build.shortages:
        # the orders as they are now: placed or expected since the build was last cleared
        rows = [
            (name, quantity, lines, orders_text((coming or {}).get((build_id, str(name)), [])), reason)
            for name, quantity, lines, reason in shortage_rows(build.shortages, inv.boms.get((build.project, build.version)))
        ]
        out += ["", "shortages", table(["part", "quantity", "lines", "on order", "reason"], rows, right=(1,))]
    if build.assemblies:
        rows = [(a.part, a.quantity) for a in build.assemblies]
        out += ["", "assemblies to build", table(["part", "quantity"], rows, right=(1,))]
    return "\n".join(out)


def _source(reservation: Reservation) -> str:
    """Where a reservation comes from: ``shelf/boards``, or ``drawer-a/A5 20, drawer-a/A6 13 r-10k-vishay``."""
    parts = []
    for take in reservation.take:
        text = take.location + (f"/{take.bin}" if take.bin else "")
        if len(reservation.take) > 1:
            text += f" {number(take.quantity)}"
        if take.part != reservation.part:
            text += f" {take.part}"
        parts.append(text)
    return ", ".join(parts)


def reservations_table(reservations: list[Reservation]) -> str:
    """One row per part: how much is reserved and from which stock lines."""
    rows = [(r.part, r.quantity, _source(r)) for r in reservations]
    return table(["part", "reserved", "from (location/bin)"], rows, right=(1,))


def shortages_table(shortages: list[Shortage], bom: BomFile | None) -> str:
    """One row per shortage; an unmatched BOM row is named by what it asks for."""
    return table(["part", "short", "BOM lines", "reason"], shortage_rows(shortages, bom), right=(1,))
