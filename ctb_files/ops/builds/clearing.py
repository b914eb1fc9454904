"""Clearing several builds in turn (PRODUCT.md 4.4): the order of ``--all``, and what the plans read of the stock.

Each build is planned by one :class:`~ctb_files.ops.builds.allocate.Allocator`
after the ones before it, so it sees what they took.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from ctb_files.core.models.build import Build
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import CtbError
from ctb_files.ops.builds.allocate import Allocator, Plan
from ctb_files.ops.stock.ledger import LineKey

__all__ = ["Consulted", "clear_all", "clear_builds", "clear_each", "clear_order", "require_build"]


def clear_order(inv: Inventory) -> list[str]:
    """Open builds in the order ``--all`` clears them: priority, due (none last), id."""
    open_ids = [bid for bid, build in inv.builds.items() if build.is_open]
    return sorted(open_ids, key=lambda bid: _rank(bid, inv.builds[bid]))


def _rank(build_id: str, build: Build) -> tuple[int, bool, date, str]:
    return (build.priority, build.due is None, build.due or date.min, build_id)


@dataclass
class Consulted:
    """What the plans of a clear read of the stock, filled once the last plan is made: the lines whose counts
    they may have read (:meth:`Allocator.consulted`) and the parts whose lines they looked up
    (:meth:`Allocator.parts_looked_up`)."""

    lines: set[LineKey] = field(default_factory=set)
    parts: set[str] = field(default_factory=set)

    def add(self, allocator: Allocator) -> None:
        self.lines.update(allocator.consulted())
        self.parts.update(allocator.parts_looked_up())


def clear_builds(inv: Inventory, build_ids: Iterable[str], consulted: Consulted | None = None) -> dict[str, Plan]:
    """Clear the named builds one after the other; each respects every other open build.

    ``consulted``: as for :func:`clear_each`.
    """
    allocator = Allocator(inv)
    builds = {build_id: _open_build(inv, build_id) for build_id in build_ids}
    allocator.expect(builds.values())
    plans = {build_id: allocator.clear(build_id, build) for build_id, build in builds.items()}
    if consulted is not None:
        consulted.add(allocator)
    return plans


def clear_each(inv: Inventory, consulted: Consulted | None = None) -> Iterator[tuple[str, Plan]]:
    """Re-plan every open build: release them all, then clear in :func:`clear_order`, one at a time.

    Each plan comes as soon as it is made; a caller that writes it and lets
    it go holds one build's plan at a time, not every build's.  ``consulted``:
    filled, once the last plan is made, with what the plans read of the stock.
    """
    allocator = Allocator(inv)
    order = clear_order(inv)
    for build_id in order:
        allocator.release(build_id)
    allocator.expect(inv.builds[build_id] for build_id in order)
    for build_id in order:
        yield build_id, allocator.clear(build_id, inv.builds[build_id])
    if consulted is not None:
        consulted.add(allocator)


def clear_all(inv: Inventory, step: Callable[[], object] | None = None) -> dict[str, Plan]:
    """Every plan of :func:`clear_each`; ``step`` (a progress bar's) is called after each build is cleared."""
    plans: dict[str, Plan] = {}
    for build_id, plan in clear_each(inv):
        plans[build_id] = plan
        if step is not None:
            step()
    return plans


def require_build(inv: Inventory, build_id: str) -> Build:
    """The build ``build_id``, or a one-line refusal naming its file."""
    build = inv.builds.get(build_id)
    if build is None:
        raise CtbError(f"no build {build_id!r} (builds/{build_id}.yaml)")
    return build


def _open_build(inv: Inventory, build_id: str) -> Build:
    build = require_build(inv, build_id)
    if not build.is_open:
        raise CtbError(f"build {build_id} is {build.status}; a completed build never changes")
    return build
