"""A packing list or an initial stock sheet (``ctb stock import``): rows matched to parts (pure).

A row names its part by part id, else by a vendor SKU, else by an MPN
(ignoring case, spaces and dashes), in that order; the first that finds
exactly one part wins.  A row that finds none, or more than one part, is
listed with its file line.  Matched rows are summed per (part, bin).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import number
from ctb_files.core.units import is_whole
from ctb_files.errors import CtbError
from ctb_files.ops.stock.sheets import SheetRow, row_quantity


def _compact(text: str) -> str:
    return re.sub(r"[\s-]", "", text).casefold()


@dataclass
class Intake:
    """Matched quantities per (part, bin), how each row matched, and the rows that did not."""

    quantities: dict[tuple[str, str | None], Decimal] = field(default_factory=dict)
    matched: list[tuple[int, str, str]] = field(default_factory=list)  # file line, part, matched by
    unmatched: list[tuple[int, str]] = field(default_factory=list)  # file line, why

    def to_json(self) -> dict[str, Any]:
        return {
            "matched": [{"line": line, "part": part, "by": by} for line, part, by in self.matched],
            "unmatched": [{"line": line, "reason": why} for line, why in self.unmatched],
        }


class _Index:
    def __init__(self, inv: Inventory) -> None:
        self.ids = {part_id.casefold(): part_id for part_id in inv.parts}
        self.sku: dict[str, set[str]] = {}
        self.mpn: dict[str, set[str]] = {}
        for part_id, part in inv.parts.items():
            for vp in part.vendor_parts:
                self.sku.setdefault(vp.sku.strip().casefold(), set()).add(part_id)
                if vp.mpn:
                    self.mpn.setdefault(_compact(vp.mpn), set()).add(part_id)

    def find(self, row: SheetRow) -> tuple[str | None, str]:
        """(part, matched by) or (None, why not)."""
        tried: list[str] = []
        part = row.get("part")
        if part:
            if part.casefold() in self.ids:
                return self.ids[part.casefold()], "part"
            tried.append(f"no part {part!r}")
        for role, index, key in (("sku", self.sku, row.get("sku").casefold()), ("mpn", self.mpn, _compact(row.get("mpn")))):
            if not key:
                continue
            found = sorted(index.get(key, set()))
            if len(found) == 1:
                return found[0], role
            text = row.get(role)  # type: ignore[arg-type]
            tried.append(f"{role} {text!r} is on {', '.join(found)}" if found else f"no part has {role} {text!r}")
        return None, "; ".join(tried) if tried else "no part, sku or mpn"


def match_rows(inv: Inventory, rows: Iterable[SheetRow], name: str) -> Intake:
    """Every row matched (or listed as unmatched); quantities are checked against the part's unit."""
    index = _Index(inv)
    out = Intake()
    for row in rows:
        quantity = row_quantity(row, name)
        part_id, how = index.find(row)
        if part_id is None:
            out.unmatched.append((row.line, how))
            continue
        if inv.parts[part_id].unit == "pcs" and not is_whole(quantity):
            raise CtbError(f"{name}:{row.line}: {part_id} is counted in pieces: {number(quantity)} is not a whole number")
        key = (part_id, row.get("bin") or None)
        out.quantities[key] = out.quantities.get(key, Decimal(0)) + quantity
        out.matched.append((row.line, part_id, how))
    return out
