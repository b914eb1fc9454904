"""Vendor names and aliases that BOM matching could read two ways.

Code: CTB216 (warning) a vendor's ``aliases`` entry (or its ``name``) is,
ignoring case, another vendor's id, name or alias.  BOM SKUs written with
that vendor text then match only one of them (an id wins over a name, a
name over an alias, then the lower id), which is rarely what was meant.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.checks._support import warning
from ctb_files.core import paths as layout
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic

AMBIGUOUS_VENDOR = "CTB216"


@check("vendor-aliases")
def vendor_aliases(inv: Inventory) -> list[Diagnostic]:
    """A warning per name or alias that another vendor also answers to."""
    owners: dict[str, set[str]] = {}
    for vid, vendor in inv.vendors.items():
        for text in (vid, vendor.name, *vendor.aliases):
            owners.setdefault(text.strip().lower(), set()).add(vid)
    out: list[Diagnostic] = []
    for vid in sorted(inv.vendors):
        vendor = inv.vendors[vid]
        texts = [("name", vendor.name)] + [(i, alias) for i, alias in enumerate(vendor.aliases)]
        for where, text in texts:
            others = sorted(owners.get(text.strip().lower(), set()) - {vid})
            if others:
                loc: tuple[str | int, ...] = ("name",) if where == "name" else ("aliases", where)
                message = f"{text!r} also names vendor {', '.join(others)}; BOM SKUs at {text!r} match only one"
                out.append(warning(layout.vendor_path(vid), AMBIGUOUS_VENDOR, message, loc))
    return out
