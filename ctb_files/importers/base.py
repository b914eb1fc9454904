"""Column roles and format descriptions shared by every BOM format family.

A BOM format here is mostly a *header*: which column holds the references,
the quantity, the value.  Each family module describes itself with a
:class:`FormatSpec` (how to recognise its header, the column names only it
uses, how its lines are split); the rest of the import is common.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

Role = Literal[
    "line",
    "refs",
    "quantity",
    "value",
    "footprint",
    "footprint_lib",
    "description",
    "dnp",
    "optional",
    "notes",
    "vendor",
    "partnum",
    "mpn",
    "manufacturer",
    "populate",
]

# header names (see header_key) understood in every format
COMMON_ALIASES: Mapping[str, Role] = {
    "#": "line",
    "line": "line",
    "id": "line",
    "item": "line",
    "item #": "line",
    "item no.": "line",
    "item#": "line",
    "item no": "line",
    "refs": "refs",
    "ref": "refs",
    "ref des": "refs",
    "refdes": "refs",
    "reference": "refs",
    "references": "refs",
    "reference(s)": "refs",
    "reference designator": "refs",
    "reference designators": "refs",
    "designator": "refs",
    "designators": "refs",
    "customer reference": "refs",
    "qty": "quantity",
    "qnty": "quantity",
    "qty.": "quantity",
    "quantity": "quantity",
    "quantity per pcb": "quantity",
    "qty per pcb": "quantity",
    "quantity 1": "quantity",
    "count": "quantity",
    "value": "value",
    "val": "value",
    "designation": "value",
    "footprint": "footprint",
    "pcb footprint": "footprint",
    "package": "footprint",
    "footprint lib": "footprint_lib",
    "footprint library": "footprint_lib",
    "footprintlib": "footprint_lib",
    "description": "description",
    "desc": "description",
    "dnp": "dnp",
    "dnf": "dnp",
    "do not populate": "dnp",
    "do not place": "dnp",
    "not fitted": "dnp",
    "populate": "populate",
    "populated": "populate",
    "fitted": "populate",
    "fit": "populate",
    "mount": "populate",
    "optional": "optional",
    "mpn": "mpn",
    "part number": "mpn",
    "manufacturer_part": "mpn",
    "manufacturer part": "mpn",
    "manufacturer part number": "mpn",
    "manufacturer_part_number": "mpn",
    "manufacturer pn": "mpn",
    "mfr part number": "mpn",
    "mfr. part number": "mpn",
    "mfr part #": "mpn",
    "mfr. part #": "mpn",
    "mfr pn": "mpn",
    "mfg part number": "mpn",
    "mfg part #": "mpn",
    "mfg pn": "mpn",
    "mpn1": "mpn",
    "manufacturer": "manufacturer",
    "manufacturer_name": "manufacturer",
    "manufacturer name": "manufacturer",
    "mfr": "manufacturer",
    "mfr.": "manufacturer",
    "mfg": "manufacturer",
    "mfg.": "manufacturer",
    "note": "notes",
    "notes": "notes",
    "comment": "notes",
    "comments": "notes",
    "remark": "notes",
    "remarks": "notes",
    "vendor": "vendor",
    "supplier": "vendor",
    "distributor": "vendor",
    "partnum": "partnum",
    "part num": "partnum",
    "sku": "partnum",
    "vendor part": "partnum",
    "vendor part number": "partnum",
    "vendor pn": "partnum",
    "supplier part number": "partnum",
    "supplier pn": "partnum",
    "order code": "partnum",
}

# A vendor's own part-number column: "LCSC Part #", "Mouser Part Number", "Digi-Key PN".
_VENDOR_PREFIXES: tuple[tuple[str, str], ...] = (
    ("lcsc", "LCSC"),
    ("jlcpcb", "LCSC"),
    ("jlc", "LCSC"),
    ("mouser", "Mouser"),
    ("digikey", "Digi-Key"),
    ("digkey", "Digi-Key"),
    ("dk", "Digi-Key"),
    ("farnell", "Farnell"),
    ("element14", "Farnell"),
    ("newark", "Newark"),
    ("arrow", "Arrow"),
    ("tme", "TME"),
    ("rs", "RS"),
    ("rscomponents", "RS"),
    ("rsonline", "RS"),
    ("tayda", "Tayda"),
)
_VENDOR_SUFFIXES = frozenset(
    [
        "", "pn", "part", "partno", "partnum", "partnumber", "number", "no", "num", "sku",
        "ordercode", "ordernumber", "orderno", "stockno", "stocknumber", "code", "id", "ref",
    ]
)


def header_key(cell: str) -> str:
    """A header cell as looked up: stripped, lower case, single spaces, no quotes."""
    return " ".join(cell.strip().strip('"').lower().split())


def vendor_column(key: str) -> str | None:
    """The vendor whose part numbers a column holds (``"lcsc part #"`` -> ``LCSC``)."""
    compact = re.sub(r"[^a-z0-9]", "", key)
    for prefix, name in _VENDOR_PREFIXES:
        if compact.startswith(prefix) and compact[len(prefix) :] in _VENDOR_SUFFIXES:
            return name
    return None


Detector = Callable[[frozenset[str], str], bool]


@dataclass(frozen=True)
class FormatSpec:
    """How one BOM format differs from the common case."""

    name: str
    # (header keys, delimiter) -> is this header this format's?
    detect: Detector
    aliases: Mapping[str, Role] = field(default_factory=dict)
    delimiter: str | None = None  # the only delimiter this format uses
    tolerant: bool = False  # quotes are not escaped: split with the tolerant splitter


@dataclass(frozen=True)
class Column:
    """One header cell: its position, its text, and what it holds."""

    index: int
    name: str
    role: Role | None = None
    vendor: str | None = None  # set for a vendor's own part-number column


def map_columns(cells: list[str], aliases: Mapping[str, Role]) -> list[Column]:
    """Give each header cell its role; the first column of a role wins."""
    taken: set[Role] = set()
    columns: list[Column] = []
    for index, cell in enumerate(cells):
        key = header_key(cell)
        role = aliases.get(key, COMMON_ALIASES.get(key))
        if role is not None and role in taken:
            role = None
        if role is not None:
            taken.add(role)
        vendor = vendor_column(key) if role is None and key else None
        columns.append(Column(index, cell.strip(), role, vendor))
    return columns


def is_header(columns: list[Column], mechanical: bool = False) -> bool:
    """A header names the references and at least one other thing about a row.

    A ``mechanical`` header (screws, spacers) has no references: a quantity
    and a description, value or MPN.
    """
    roles = {c.role for c in columns}
    if "refs" not in roles:
        return mechanical and "quantity" in roles and bool(roles & {"description", "value", "mpn"})
    return bool(roles & {"quantity", "value", "footprint", "partnum"}) or any(
        c.vendor for c in columns
    )


def header_score(columns: list[Column]) -> int:
    """How many header cells were understood."""
    return sum(1 for c in columns if c.role is not None or c.vendor is not None)
