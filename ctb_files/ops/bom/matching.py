"""Matching imported BOM rows to parts (PRODUCT.md 6.3), and placeholder parts.

Pure: an :class:`Inventory` and :class:`ImportedRow` values in, a
:class:`Match` per row out.  The order of the rules:

1. Any of the row's SKUs whose vendor is known (its id, name or one of its
   ``aliases``, ignoring case): the part holding that vendor part (sku,
   ignoring case).  An SKU at an unknown vendor is passed over, never
   blocking the next one.  When no SKU matched, the first unknown sku at a
   vendor with an API gets a placeholder part, ``parts/<vendor>-<sku>.yaml``,
   which ``ctb vendor populate`` fills in.
2. Otherwise the MPN: the part one of whose vendor parts has that ``mpn``
   (ignoring case, spaces and dashes).
3. Otherwise value, footprint and symbol: the part's ``value`` equals the
   row's as a quantity (:func:`values.value_key`), its package lists the
   row's footprint (with or without the ``lib:`` prefix) and its ``symbol``
   is one of the row's designator prefixes.  A row with no footprint, or no
   references, skips that test.
4. Nothing found: no part, and a sentence saying what was looked for.

Among several candidates the part with the most stock on hand wins, then the
lowest id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from ctb_files.core.models import Part, VendorPart, valid_id
from ctb_files.core.models.inventory import Inventory
from ctb_files.importers.model import ImportedRow
from ctb_files.ops.bom.values import mpn_key, ref_prefix, value_key

__all__ = ["Match", "Matcher", "Placeholder", "footprint_name", "placeholder_id", "value_key"]

_NOT_ID = re.compile(r"[^A-Za-z0-9._+-]+")


@dataclass(frozen=True)
class Placeholder:
    """A part to create because a row names an unknown sku at an API vendor."""

    id: str
    part: Part


@dataclass(frozen=True)
class Match:
    """The outcome for one row: a part id, or why there is none."""

    part: str | None
    missing: str | None = None
    rule: str = "none"  # "vendor part" | "placeholder" | "value" | "none"
    placeholder: Placeholder | None = None


def footprint_name(footprint: str) -> str:
    """A footprint without its library: ``Resistor_SMD:R_0805`` -> ``R_0805``."""
    return footprint.strip().rsplit(":", 1)[-1]


def placeholder_id(vendor: str, sku: str) -> str:
    """``<vendor>-<sku>`` made into a valid id (other characters become ``-``)."""
    text = _NOT_ID.sub("-", f"{vendor}-{sku}")
    while ".." in text:
        text = text.replace("..", ".")
    text = text.lstrip("._+-")[:80].rstrip("._+-") or "part"
    return text if valid_id(text) else "part"


@dataclass
class _Index:
    skus: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    values: dict[str, set[str]] = field(default_factory=dict)
    mpns: dict[str, set[str]] = field(default_factory=dict)

    def add(self, part_id: str, part: Part) -> None:
        for vp in part.vendor_parts:
            self.skus.setdefault((vp.vendor.lower(), vp.sku.strip().lower()), set()).add(part_id)
            if vp.mpn and mpn_key(vp.mpn):
                self.mpns.setdefault(mpn_key(vp.mpn), set()).add(part_id)
        if part.value:
            self.values.setdefault(value_key(part.value), set()).add(part_id)


class Matcher:
    """Matches rows against one inventory; remembers the placeholders it made.

    One matcher serves every version of a sync, so two versions (or two
    rows) naming the same unknown sku share one placeholder.
    """

    def __init__(self, inventory: Inventory) -> None:
        self.inventory = inventory
        self.parts: dict[str, Part] = dict(inventory.parts)
        self.created: dict[str, Placeholder] = {}
        self._taken = {pid.lower() for pid in inventory.parts}
        self._taken.update(i.lower() for i in inventory.seen.get("part", ()))
        self._stock: dict[str, Decimal] = {}
        for stock in inventory.stock.values():
            for line in stock.lines:
                self._stock[line.part] = self._stock.get(line.part, Decimal(0)) + line.quantity
        self._vendors: dict[str, str] = {}
        for vid, vendor in sorted(inventory.vendors.items()):
            self._vendors.setdefault(vendor.name.strip().lower(), vid)
            for alias in vendor.aliases:
                self._vendors.setdefault(alias.strip().lower(), vid)
        for vid in inventory.vendors:  # an id wins over another vendor's name
            self._vendors[vid.lower()] = vid
        self._index = _Index()
        for pid, part in self.parts.items():
            self._index.add(pid, part)

    # --- the rules ------------------------------------------------------------------------

    def match(self, row: ImportedRow) -> Match:
        known = [(vid, sku) for vid, sku in self._known_skus(row)]
        for vendor_id, sku in known:
            found = self._best(self._index.skus.get((vendor_id.lower(), sku.strip().lower()), ()))
            if found is not None:
                return Match(found, rule="vendor part")
        if row.mpn and mpn_key(row.mpn):
            found = self._best(self._index.mpns.get(mpn_key(row.mpn), ()))
            if found is not None:
                return Match(found, rule="mpn")
        for vendor_id, sku in known:
            if self.inventory.vendors[vendor_id].api is not None:
                made = self._placeholder(vendor_id, sku, row)
                return Match(made.id, rule="placeholder", placeholder=made)
        found = self._by_value(row)
        if found is not None:
            return Match(found, rule="value")
        return Match(None, missing=self._missing(row, known))

    def _known_skus(self, row: ImportedRow) -> list[tuple[str, str]]:
        out = []
        for vendor, sku in row.skus:
            vendor_id = self.vendor_id(vendor)
            if vendor_id is not None and sku.strip():
                out.append((vendor_id, sku))
        return out

    def vendor_id(self, name: str | None) -> str | None:
        """The vendor a BOM's Vendor cell means: an id or a name, ignoring case."""
        if not name:
            return None
        return self._vendors.get(name.strip().lower())

    def _by_value(self, row: ImportedRow) -> str | None:
        if not row.value:
            return None
        symbols = _symbols(row.refs)
        candidates = []
        for pid in self._index.values.get(value_key(row.value), ()):
            part = self.parts[pid]
            if symbols and (part.symbol is None or part.symbol.lower() not in symbols):
                continue
            if row.footprint and not self._has_footprint(part, row.footprint):
                continue
            candidates.append(pid)
        return self._best(candidates)

    def _has_footprint(self, part: Part, footprint: str) -> bool:
        package = self.inventory.packages.get(part.package) if part.package else None
        if package is None:
            return False
        wanted, bare = footprint.strip(), footprint_name(footprint)
        return any(fp.strip() == wanted or footprint_name(fp) == bare for fp in package.footprints)

    def _best(self, candidates: Iterable[str]) -> str | None:
        ranked = sorted(candidates, key=lambda pid: (-self._stock.get(pid, Decimal(0)), pid))
        return ranked[0] if ranked else None

    # --- placeholders ---------------------------------------------------------------------

    def _placeholder(self, vendor_id: str, sku: str, row: ImportedRow) -> Placeholder:
        sku = sku.strip()
        base = placeholder_id(vendor_id, sku)
        pid, n = base, 1
        while pid.lower() in self._taken:
            n += 1
            pid = f"{base[: 80 - len(str(n)) - 1]}-{n}"
        part = Part(
            name=(row.value or "").strip() or sku,
            placeholder=True,
            vendor_parts=[VendorPart(vendor=vendor_id, sku=sku)],
        )
        made = Placeholder(pid, part)
        self._taken.add(pid.lower())
        self.parts[pid] = part
        self.created[pid] = made
        self._index.add(pid, part)
        return made

    # --- words ----------------------------------------------------------------------------

    def _missing(self, row: ImportedRow, known: list[tuple[str, str]]) -> str:
        criteria = []
        if row.value:
            criteria.append(f"value {value_key(row.value)}")
        if row.footprint:
            criteria.append(f"footprint {footprint_name(row.footprint)}")
        symbols = sorted({ref_prefix(r) for r in row.refs if ref_prefix(r)})
        if symbols:
            criteria.append("symbol " + " or ".join(symbols))
        text = "no part with " + _and(criteria) if row.value else "no value to match on"
        if row.mpn:
            text += f", no part with MPN {row.mpn}"
        for vendor_id, sku in known:
            text += f" (and no part has {vendor_id} part number {sku})"
        unknown = sorted({v for v, _ in row.skus if self.vendor_id(v) is None})
        if unknown:
            noun = "vendor" if len(unknown) == 1 else "vendors"
            verb = "is" if len(unknown) == 1 else "are"
            text += f" (and {noun} {', '.join(unknown)} {verb} not in vendors/)"
        return text


def _symbols(refs: Iterable[str]) -> set[str]:
    return {p.lower() for p in (ref_prefix(r) for r in refs) if p}


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
