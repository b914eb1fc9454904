"""Build files as data: a plan, a cancel, a complete turned into the keys ctb writes back.

Pure functions over models and plain mappings (no file is opened here).  Key
order follows PRODUCT.md's example; user keys and comments stay because the
caller puts :func:`ordered_build` into the round-trip document with
``merge_into``.
``cleared_at`` only moves when the result of clearing changes, so clearing
twice writes the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ctb_files.core.models.build import AssemblyNeed, Build, Reservation, Shortage, Take
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import normalize
from ctb_files.errors import CtbError
from ctb_files.ops.stock.ledger import ZERO, LineKey, holdings, label, line_key

if TYPE_CHECKING:  # a type only: reading stored fields (ctb review) must not load the allocator and its solver
    from ctb_files.ops.builds.allocate import Plan

# The keys ctb writes, in the model's (and so ``ctb fmt``'s) order: ``created_at`` is set once by
# ``build new`` and carried through every later write so the tail can be emitted whole.
WRITTEN = ("status", "created_at", "cleared_at", "completed_at", "reservations", "shortages", "assemblies")
KEY_ORDER = ("project", "version", "quantity", "priority", "due", "exclude", "fallbacks", "note", *WRITTEN)


# --- data of the written-back keys --------------------------------------------------------------


def take_data(take: Take) -> dict[str, Any]:
    out: dict[str, Any] = {"location": take.location, "part": take.part}
    if take.bin:
        out["bin"] = take.bin
    out["quantity"] = normalize(take.quantity)
    return out


def reservation_data(reservation: Reservation) -> dict[str, Any]:
    return {
        "part": reservation.part,
        "quantity": normalize(reservation.quantity),
        "lines": list(reservation.lines),
        "take": [take_data(t) for t in reservation.take],
    }


def shortage_data(shortage: Shortage, on_order: Mapping[str, Decimal] | None = None) -> dict[str, Any]:
    """A shortage as written; ``on_order`` (per part, for this build) replaces what the shortage carried."""
    out: dict[str, Any] = {"part": shortage.part, "quantity": normalize(shortage.quantity), "lines": list(shortage.lines)}
    if shortage.reason:
        out["reason"] = shortage.reason
    covered = shortage.on_order if on_order is None else on_order.get(shortage.part or "")
    if covered:
        out["on_order"] = normalize(min(covered, shortage.quantity))
    return out


def assembly_data(need: AssemblyNeed) -> dict[str, Any]:
    return {"part": need.part, "quantity": normalize(need.quantity)}


def result_data(
    reservations: Iterable[Reservation],
    shortages: Iterable[Shortage],
    assemblies: Iterable[AssemblyNeed],
    on_order: Mapping[str, Decimal] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    return {
        "reservations": [reservation_data(r) for r in reservations],
        "shortages": [shortage_data(s, on_order) for s in shortages],
        "assemblies": [assembly_data(a) for a in assemblies],
    }


def cleared_fields(
    build: Build, plan: Plan, now: datetime, on_order: Mapping[str, Decimal] | None = None
) -> dict[str, Any] | None:
    """The written-back keys after clearing, or None when clearing changed nothing the build file records.

    ``on_order`` (per part: what open or placed orders bring for this build)
    becomes each shortage's ``on_order``; the build stays short all the same.
    ``cleared_at`` is ``now``: it moves only when the result does.
    """
    new = result_data(plan.reservations, plan.shortages, plan.assemblies, on_order or {})
    unchanged = build.status == plan.status and build.completed_at is None
    if unchanged and new == result_data(build.reservations, build.shortages, build.assemblies):
        return None
    return {"status": plan.status, "created_at": build.created_at, "cleared_at": now, "completed_at": None, **new}


def cancelled_build_fields(build: Build | None = None) -> dict[str, Any]:
    """Back to draft: nothing held, nothing short (the creation time stays)."""
    return {
        "status": "draft", "created_at": build.created_at if build is not None else None, "cleared_at": None,
        "completed_at": None, "reservations": [], "shortages": [], "assemblies": [],
    }  # fmt: skip


def complete_fields(build: Build, now: datetime) -> dict[str, Any]:
    return {
        "status": "completed",
        "created_at": build.created_at,
        "cleared_at": build.cleared_at,
        "completed_at": now,
        **result_data(build.reservations, build.shortages, build.assemblies),
    }


def new_build_data(
    project: str,
    version: str,
    quantity: Decimal,
    *,
    priority: int = 0,
    due: date | None = None,
    exclude: Iterable[int] = (),
    fallbacks: Mapping[str, str] | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The whole content of a new draft build file."""
    data: dict[str, Any] = {"project": project, "version": version, "quantity": normalize(quantity), "priority": priority}
    if due is not None:
        data["due"] = due
    if exclude:
        data["exclude"] = sorted(set(exclude))
    if fallbacks:
        data["fallbacks"] = dict(sorted(fallbacks.items()))
    data.update((key, value) for key, value in cancelled_build_fields().items() if value is not None)
    if now is not None:
        data["created_at"] = now
    return {key: data[key] for key in KEY_ORDER if key in data}


def ordered_build(current: Mapping[str, Any], fields: Mapping[str, Any]) -> dict[str, Any]:
    """The whole new content of a build document: its keys with ``fields`` put in, in ctb's order.

    Keys the document already has keep their values and place (``merge_into``
    never moves them); written-back keys that are new land where
    :data:`KEY_ORDER` puts them.
    """
    new: dict[str, Any] = {}
    for key in KEY_ORDER:
        if key in fields:
            if fields[key] is not None:  # an unset timestamp is left out, not written empty
                new[key] = fields[key]
        elif key in current:
            new[key] = current[key]
    for key in current:
        if key not in new and key not in fields:
            new[key] = current[key]
    return new


# --- complete -----------------------------------------------------------------------------------


def stock_after_complete(inv: Inventory, build_id: str, build: Build) -> dict[str, dict[LineKey, Decimal]]:
    """Per location, the new on-hand quantity of each line a completed build draws from.

    Refuses (one line naming every problem line) when a line no longer holds
    what the build reserved on it.
    """
    if build.status != "cleared":
        raise CtbError(f"build {build_id} is {build.status}; only a cleared build can be completed")
    on_hand: dict[LineKey, Decimal] = {}
    for location, stock in inv.stock.items():
        for line in stock.lines:
            on_hand.setdefault(line_key(location, line.part, line.bin), line.quantity)
    problems: list[str] = []
    out: dict[str, dict[LineKey, Decimal]] = {}
    for key, take in sorted(holdings(build).items(), key=lambda kv: (kv[0][0], kv[0][2] or "", kv[0][1])):
        have = on_hand.get(key)
        if have is None:
            problems.append(f"{label(key)} is gone (needs {normalize(take)})")
        elif have < take:
            problems.append(f"{label(key)} has {normalize(have)}, needs {normalize(take)}")
        else:
            out.setdefault(key[0], {})[key] = normalize(have - take)
    if problems:
        raise CtbError(f"cannot complete {build_id}: stock no longer holds what was reserved: " + "; ".join(problems))
    return out


def pick_list(build: Build) -> list[tuple[str, str, str, Decimal]]:
    """(location, bin, part, quantity) per stock line, in walking order: location, bin, part."""
    lines = holdings(build)
    rows = [(key[0], key[2] or "", key[1], normalize(qty)) for key, qty in lines.items() if qty > ZERO]
    return sorted(rows, key=lambda r: (r[0], r[1], r[2]))


def product_of(inv: Inventory, build_id: str, build: Build) -> str | None:
    """The part the build makes (its project's ``part``), or None when the project names none."""
    project = inv.projects.get(build.project)
    if project is None or project.part is None:
        return None
    if project.part not in inv.parts:
        raise CtbError(f"cannot complete {build_id}: project {build.project} names product part {project.part!r}, "
                       f"which has no file (parts/{project.part}.yaml)")  # fmt: skip
    return project.part
