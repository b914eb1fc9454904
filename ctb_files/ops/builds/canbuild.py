"""How many units of a project version would clear now, and what limits one more (``ctb can-build``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ctb_files.core.models.build import Build
from ctb_files.core.models.common import LIMIT
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import CtbError
from ctb_files.ops.builds.allocate import Allocator, Plan, TooLarge

__all__ = ["CanBuild", "can_build"]


@dataclass(frozen=True)
class CanBuild:
    project: str
    version: str
    quantity: int | None  # None: the BOM asks for nothing, so there is no limit
    limited_by: list[str]


_PROBE = "\x00can-build"  # an id no file can have
_CEILING = LIMIT


def can_build(inv: Inventory, project: str, version: str) -> CanBuild:
    """The largest N a new build of N units would clear now, and what limits N + 1."""
    if (project, version) not in inv.boms:
        raise CtbError(f"no BOM for {project}:{version} (projects/{project}/bom/{version}.yaml)")
    allocator = Allocator(inv)

    def attempt(units: int) -> Plan:
        return allocator.plan(_PROBE, Build(project=project, version=version, quantity=Decimal(units)))

    def clears(units: int) -> bool:
        try:
            return attempt(units).cleared
        except TooLarge:
            return False

    first = attempt(1)
    if first.cleared and not (first.reservations or first.assemblies):
        return CanBuild(project, version, None, [])
    if not first.cleared:
        return CanBuild(project, version, 0, _limits(first))
    low, high = 1, 2  # low clears; find a high that does not
    while clears(high):
        low, high = high, high * 2
        if high >= _CEILING:
            return CanBuild(project, version, None, [])
    while high - low > 1:
        middle = (low + high) // 2
        if clears(middle):
            low = middle
        else:
            high = middle
    try:
        limits = _limits(attempt(low + 1))
    except TooLarge:
        limits = []
    return CanBuild(project, version, low, limits)


def _limits(plan: Plan) -> list[str]:
    out: list[str] = []
    for shortage in plan.shortages:
        name = shortage.part or f"line {', '.join(map(str, shortage.lines))} ({shortage.reason})"
        if name not in out:
            out.append(name)
    return out
