"""A stocktake (``ctb stock count``): counted quantities against what the files expect (pure).

Counted quantities replace on hand; with ``complete`` every other line of
the location counts as found empty.  The plan holds, per line, expected,
counted, the difference and its value at the part's best known price, and
the open builds whose reservations the new quantities no longer hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import money_exact, number, parse_quantity
from ctb_files.core.units import is_whole
from ctb_files.errors import CtbError, UsageError
from ctb_files.ops.orders.costing import best_known_price
from ctb_files.ops.stock.edits import require_part, where
from ctb_files.ops.stock.ledger import ZERO, LineKey, line_key, reservations_by_line
from ctb_files.ops.stock.sheets import SheetRow, row_quantity


@dataclass(frozen=True)
class Counted:
    """One counted line as given: where it came from (``file:line`` or ``--line``) for refusals."""

    part: str
    bin: str | None
    quantity: Decimal
    source: str


@dataclass(frozen=True)
class CountRow:
    part: str
    bin: str | None
    index: int | None  # position in the stock file's ``lines``; None: a new line
    expected: Decimal
    counted: Decimal
    price: tuple[Decimal, str] | None

    @property
    def difference(self) -> Decimal:
        return self.counted - self.expected

    @property
    def value(self) -> Decimal | None:
        return None if self.price is None else self.difference * self.price[0]

    def to_json(self) -> dict[str, Any]:
        value = self.value
        return {
            "part": self.part, "bin": self.bin, "expected": self.expected, "counted": self.counted,
            "difference": self.difference,
            "value": None if value is None else money_exact(value),
            "currency": None if self.price is None else self.price[1],
        }  # fmt: skip


@dataclass
class CountPlan:
    location: str
    rows: list[CountRow] = field(default_factory=list)
    unfit: dict[str, list[str]] = field(default_factory=dict)  # build id -> lines it reserves beyond the count

    def totals(self) -> dict[str, Decimal]:
        """Value of the differences per currency."""
        out: dict[str, Decimal] = {}
        for row in self.rows:
            if row.price is not None and row.value is not None:
                out[row.price[1]] = out.get(row.price[1], ZERO) + row.value
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "location": self.location, "lines": [row.to_json() for row in self.rows],
            "value": {currency: money_exact(total) for currency, total in sorted(self.totals().items())},
            "builds": {build: lines for build, lines in sorted(self.unfit.items())},
        }  # fmt: skip


def parse_line_option(text: str) -> Counted:
    """``PART[@BIN]=N`` as typed after ``--line``."""
    head, sep, amount = text.partition("=")
    if not sep or not head.strip():
        raise UsageError(f"--line {text!r}: write PART=N or PART@BIN=N")
    part, _, bin_ = head.strip().partition("@")
    return Counted(part, bin_ or None, parse_quantity(amount), f"--line {text}")


def sheet_counts(rows: Iterable[SheetRow], name: str) -> list[Counted]:
    """The counted lines of a count sheet (columns part, bin, quantity)."""
    out: list[Counted] = []
    for row in rows:
        part = row.get("part")
        if not part:
            raise CtbError(f"{name}:{row.line}: no part")
        out.append(Counted(part, row.get("bin") or None, row_quantity(row, name), f"{name}:{row.line}"))
    return out


def plan_count(inv: Inventory, location: str, counts: list[Counted], *, complete: bool = False) -> CountPlan:
    """What the count changes at ``location``; refusals name the file line of the bad count."""
    lines = inv.stock[location].lines if location in inv.stock else []
    index_of: dict[LineKey, int] = {}
    for index, line in enumerate(lines):
        index_of.setdefault(line_key(location, line.part, line.bin), index)
    seen: dict[LineKey, str] = {}
    plan = CountPlan(location)
    for item in counts:
        try:
            part = require_part(inv, item.part)
        except CtbError as exc:
            raise CtbError(f"{item.source}: {exc}") from None
        if part.unit == "pcs" and not is_whole(item.quantity):
            raise CtbError(f"{item.source}: {item.part} is counted in pieces: {number(item.quantity)} is not a whole number")
        key = line_key(location, item.part, item.bin)
        if key in seen:
            raise CtbError(f"{item.source}: {item.part} at {where(location, item.bin)} was already counted ({seen[key]})")
        seen[key] = item.source
        at = index_of.get(key)
        expected = lines[at].quantity if at is not None else ZERO
        plan.rows.append(CountRow(item.part, item.bin, at, expected, item.quantity, best_known_price(inv, item.part)))
    if complete:
        for key, at in index_of.items():
            if key not in seen:
                line = lines[at]
                plan.rows.append(CountRow(line.part, line.bin, at, line.quantity, ZERO, best_known_price(inv, line.part)))
    held = reservations_by_line(inv)
    for row in plan.rows:
        builds = held.get(line_key(location, row.part, row.bin), {})
        if sum(builds.values(), ZERO) > row.counted:
            for build in builds:
                plan.unfit.setdefault(build, []).append(f"{row.part} at {where(location, row.bin)}")
    return plan


def unfit_builds(plan: CountPlan) -> str:
    """``build b1 (a/r1)`` or ``builds b1 (a/r1), b2 (a#3/chip)``: who reserves more than was counted, and where."""
    names = ", ".join(f"{build} ({', '.join(lines)})" for build, lines in sorted(plan.unfit.items()))
    return ("build " if len(plan.unfit) == 1 else "builds ") + names
