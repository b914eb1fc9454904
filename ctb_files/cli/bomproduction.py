"""``ctb bom set --attrition/--setup/--consumable``: the typed values, checked, as row fields."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.text import parse_quantity
from ctb_files.core.units import UNITS
from ctb_files.errors import CtbError
from ctb_files.ops.bom import tree as bomtree
from ctb_files.ops.bom.production import check_attrition, check_setup

_WITH_UNIT = re.compile(r"^\s*([-+]?[0-9.eE+-]+)\s*([A-Za-z0-9]+)?\s*$")


def _number(text: str, what: str, where: str) -> Decimal:
    if text.strip().startswith("-"):
        raise CtbError(f"{where}: {what} is a quantity of 0 or more, not {text.strip()}")
    return parse_quantity(text)


def _row_unit(inv: Inventory, target: bomtree.Target, index: int) -> str:
    if target.project is not None:
        row = inv.boms[(target.project, str(target.version))].rows[index]
        part_id, unit = row.wanted, row.unit
    else:
        line = (inv.parts[str(target.part)].bom or [])[index]
        part_id, unit = line.part, line.unit
    part = inv.parts.get(part_id) if part_id else None
    return unit or (part.unit if part is not None else "pcs")


def production_fields(
    inv: Inventory, target: bomtree.Target, index: int, where: str,
    attrition: str | None, setup: str | None, consumable: bool | None,
) -> dict[str, Any]:  # fmt: skip
    """The row keys to write; refuses, in one line, a negative attrition or a setup that does not fit the row."""
    out: dict[str, Any] = {}
    if attrition is not None:
        text = attrition.strip().removesuffix("%")
        if text.startswith("-"):
            raise CtbError(f"{where}: attrition is a percent of 0 or more, not {attrition.strip()}")
        out["attrition"] = check_attrition(parse_quantity(text), where)
    if setup is not None:
        match = _WITH_UNIT.match(setup)
        unit = match.group(2) if match else None
        if match is None or (unit is not None and unit not in UNITS):
            raise CtbError(f"{where}: not a setup quantity: {setup!r} (a number, optionally with a unit such as 200mm)")
        value = _number(match.group(1), "setup", where)
        out["setup"] = check_setup(value, unit, _row_unit(inv, target, index), where)
    if consumable is not None:
        out["consumable"] = consumable
    return out
