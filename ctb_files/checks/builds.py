"""A build's status must agree with what it records.

Codes: CTB501 a completed build whose takes do not add up to the quantity
reserved, CTB502 a completed build that still lists shortages, CTB503 a
``cleared`` build with shortages or a ``short`` build without any.
"""

from __future__ import annotations

from decimal import Decimal

from ctb_files.checks import check
from ctb_files.checks._support import error, qty
from ctb_files.core import paths as layout
from ctb_files.core.models.build import Reservation
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import convert, same_family
from ctb_files.errors import Diagnostic
from ctb_files.ops.stock.ledger import ZERO


def _taken(inv: Inventory, reservation: Reservation) -> Decimal:
    """The takes' total in the reserved part's unit (an equivalent may be counted in another unit)."""
    wanted = inv.parts.get(reservation.part)
    total = ZERO
    for take in reservation.take:
        source = inv.parts.get(take.part)
        if wanted is not None and source is not None and same_family(source.unit, wanted.unit):
            total += convert(take.quantity, source.unit, wanted.unit)
        else:
            total += take.quantity
    return total


def _shortages(count: int) -> str:
    return "1 shortage" if count == 1 else f"{count} shortages"


@check("completed-builds")
def completed_builds(inv: Inventory) -> list[Diagnostic]:
    """What a completed build reserved is what it took, and nothing is left short."""
    out: list[Diagnostic] = []
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        if build.status != "completed":
            continue
        path = layout.build_path(build_id)
        for i, reservation in enumerate(build.reservations):
            taken = _taken(inv, reservation)
            if taken != reservation.quantity:
                message = (
                    f"completed build reserved {qty(reservation.quantity)} of {reservation.part!r} "
                    f"but its takes add up to {qty(taken)}"
                )
                out.append(error(path, "CTB501", message, ("reservations", i, "quantity")))
        if build.shortages:
            message = f"a completed build still lists {_shortages(len(build.shortages))}"
            out.append(error(path, "CTB502", message, ("shortages",)))
    return out


@check("build-status")
def build_status(inv: Inventory) -> list[Diagnostic]:
    """``cleared`` means no shortages; ``short`` means at least one."""
    out: list[Diagnostic] = []
    for build_id in sorted(inv.builds):
        build = inv.builds[build_id]
        again = f"; run 'ctb build clear {build_id}'"
        if build.status == "cleared" and build.shortages:
            message = f"status is cleared but the build lists {_shortages(len(build.shortages))}"
            out.append(error(layout.build_path(build_id), "CTB503", message + again, ("status",)))
        elif build.status == "short" and not build.shortages:
            message = "status is short but the build lists no shortages"
            out.append(error(layout.build_path(build_id), "CTB503", message + again, ("status",)))
    return out
