"""Filling vendor parts from a distributor's catalogue entry (``ctb vendor populate``).

Pure: which vendor parts to look up, and the new values of a vendor part
mapping (and of a placeholder part) given what the catalogue says.  The
catalogue entry is anything shaped like
:class:`ctb_files.vendors.mouser.MouserPart`; nothing here talks to the
network or writes files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import CtbError

# the order populate writes keys in, as in PRODUCT.md's example part
FIELD_ORDER = (
    "vendor", "sku", "mpn", "manufacturer", "description", "url", "min_order", "multiple",
    "currency", "price_breaks", "availability", "lead_time", "fetched_at",
)  # fmt: skip


class CatalogEntry(Protocol):
    """What a vendor API says about one part number."""

    @property
    def sku(self) -> str: ...
    @property
    def mpn(self) -> str: ...
    @property
    def manufacturer(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def url(self) -> str | None: ...
    @property
    def min_order(self) -> int | None: ...
    @property
    def multiple(self) -> int | None: ...
    @property
    def price_breaks(self) -> list[tuple[int, Decimal]]: ...
    @property
    def currency(self) -> str | None: ...
    @property
    def availability(self) -> str | None: ...
    @property
    def lead_time(self) -> str | None: ...
    @property
    def datasheet(self) -> str | None: ...


@dataclass(frozen=True)
class VendorPartRef:
    """One vendor part to look up: ``parts/<part>.yaml`` ``vendor_parts[index]``."""

    part: str
    index: int
    vendor: str
    sku: str


def api_vendors(inv: Inventory, api: str = "mouser") -> set[str]:
    return {vid for vid, vendor in inv.vendors.items() if vendor.api == api}


def targets(inv: Inventory, part_ids: Iterable[str] | None = None, api: str = "mouser") -> tuple[list[VendorPartRef], list[str]]:
    """Vendor parts at ``api`` vendors of the named parts (every part when None).

    Returns the targets and one message per named part that has none.
    Unknown part ids are refused.
    """
    vendors = api_vendors(inv, api)
    names = sorted(inv.parts) if part_ids is None else list(dict.fromkeys(part_ids))
    unknown = [p for p in names if p not in inv.parts]
    if unknown:
        raise CtbError("unknown part " + ", ".join(repr(p) for p in unknown))
    found: list[VendorPartRef] = []
    missing: list[str] = []
    for part_id in names:
        mine = [VendorPartRef(part_id, i, vp.vendor, vp.sku) for i, vp in enumerate(inv.parts[part_id].vendor_parts) if vp.vendor in vendors]
        if not mine and part_ids is not None:
            missing.append(f"parts/{part_id}.yaml: no vendor part at a vendor with 'api: {api}'")
        found.extend(mine)
    return found, missing


def money(price: Decimal) -> str:
    """A price exactly as the vendor stated it (``0.10`` stays ``0.10``), without exponent."""
    return format(price, "f")


def vendor_part_fields(entry: CatalogEntry, fetched_at: datetime) -> dict[str, Any]:
    """The keys populate sets on a vendor part; empty values are not written."""
    values: dict[str, Any] = {
        "mpn": entry.mpn or None,
        "manufacturer": entry.manufacturer or None,
        "description": entry.description or None,
        "url": entry.url,
        "min_order": entry.min_order,
        "multiple": entry.multiple,
        "currency": entry.currency,
        "price_breaks": [{"quantity": q, "price": money(p)} for q, p in entry.price_breaks] or None,
        "availability": entry.availability,
        "lead_time": entry.lead_time,
        "fetched_at": fetched_at,
    }
    return {key: value for key, value in values.items() if value is not None}


def updated_vendor_part(current: Mapping[str, Any], entry: CatalogEntry, fetched_at: datetime) -> dict[str, Any]:
    """``current`` (the mapping as in the file) with the catalogue's values, in house key order.

    Keys populate knows come in :data:`FIELD_ORDER`; any others keep their place after them.
    """
    merged = {**current, **vendor_part_fields(entry, fetched_at)}
    ordered = {key: merged[key] for key in FIELD_ORDER if key in merged}
    ordered.update({key: value for key, value in merged.items() if key not in ordered})
    return ordered


def placeholder_fields(entry: CatalogEntry) -> dict[str, str]:
    """``name`` and ``description`` for a placeholder part the catalogue now describes."""
    name = " ".join(piece for piece in (entry.manufacturer, entry.mpn) if piece) or entry.description or entry.sku
    out = {"name": name}
    if entry.description:
        out["description"] = entry.description
    return out
