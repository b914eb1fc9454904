"""Turning the records under a header into :class:`ImportedRow` values.

Common to every format: references are expanded, the quantity is parsed
exactly (or counted from the references), DNP is read by :mod:`.dnp`, every
distributor part number (the Vendor/PartNum pair, "--or--" lists, each
vendor's own column) becomes an SKU in column order, and every other
non-empty cell is kept in ``fields``.  A row whose cell count differs from
the header's is realigned only where that is certain (:mod:`.shape`) and
flagged.  A row that cannot be used becomes a :class:`Diagnostic` and is
skipped; the rest go on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ctb_files.core.models.common import LIMIT
from ctb_files.errors import Diagnostic
from ctb_files.importers.base import Column, Role
from ctb_files.importers.dnp import read_dnp
from ctb_files.importers.model import (
    BAD_QUANTITY,
    EMPTY_ROW,
    LINE_NUMBERS,
    NO_QUANTITY,
    UNREADABLE_ROW,
    ImportedRow,
)
from ctb_files.importers.shape import align, usual_width
from ctb_files.importers.table import Record
from ctb_files.ops.bom.values import expand_refs

_NOT_SET = frozenset(["", "0", "no", "n", "false", "f", "off", "-", "none"])
_OR_AND = re.compile(r"\s*--(?:or|and)--\s*", re.I)
_QTY_MARKS = re.compile(r"\(([^)]*)\)")
_DNP_MARKS = frozenset(["dnf", "dnp"])
_ITEM = re.compile(r"^\d+$")


@dataclass
class _Draft:
    """A row read so far; its line number is decided once every row is read."""

    item: str
    index: int
    source_line: int
    refs: tuple[str, ...]
    quantity: Decimal
    value: str | None
    footprint: str | None
    mpn: str | None
    manufacturer: str | None
    skus: tuple[tuple[str, str], ...]
    dnp: bool
    optional: bool
    description: str | None
    fields: dict[str, str]
    flags: list[str] = field(default_factory=list)


class _Table:
    """The header's columns, indexed for reading rows."""

    def __init__(self, columns: list[Column]) -> None:
        self.columns = columns
        self.by_role: dict[Role, int] = {c.role: c.index for c in columns if c.role is not None}
        self.vendor_columns = [c for c in columns if c.vendor is not None]
        self.field_columns = [
            c for c in columns if (c.role is None or c.role == "notes") and c.vendor is None
        ]

    def cell(self, values: list[str], role: Role) -> str:
        index = self.by_role.get(role)
        if index is None or index >= len(values):
            return ""
        return values[index]


def build_rows(
    records: Iterable[Record],
    columns: list[Column],
    path: str,
    header_line: int,
    delimiter: str = ",",
) -> tuple[list[ImportedRow], list[Diagnostic]]:
    """Read every record under the header until the end or a ``Label:`` trailer."""
    table = _Table(columns)
    problems: list[Diagnostic] = []
    drafts: list[_Draft] = []
    index = 0
    records = list(records)
    usual = usual_width([[_clean(c) for c in cells] for _, cells in records if cells is not None])
    for line, cells in records:
        if cells is None:
            index += 1
            problem = Diagnostic(path, line, 1, UNREADABLE_ROW, "row cannot be read; skipped")
            problems.append(problem)
            continue
        values = [_clean(cell) for cell in cells]
        filled = [value for value in values if value]
        if not filled:
            continue
        if len(filled) <= 2 and filled[0].endswith(":"):
            break  # KiBoM's metadata block, or any other trailer
        index += 1
        values, shape_flags, raw = align(values, table.columns, delimiter, _plausible(table), usual)
        result = _read_row(table, values, line, index, path)
        if isinstance(result, _Draft) and shape_flags:
            result.flags[:0] = shape_flags
            result.fields["row as written"] = raw
        if isinstance(result, Diagnostic):
            problems.append(result)
        else:
            drafts.append(result)
    problems.extend(_number_rows(drafts, table, path, header_line))
    return [_finish(draft, seen) for draft, seen in _with_duplicates(drafts)], problems


def _clean(cell: str) -> str:
    text = cell.strip()
    return "" if text == "~" else text  # KiCad writes "~" for an empty field


def _read_row(
    table: _Table, values: list[str], line: int, index: int, path: str
) -> _Draft | Diagnostic:
    cell = table.cell
    refs = tuple(expand_refs(cell(values, "refs")))
    value = cell(values, "value")
    footprint = cell(values, "footprint")
    description = cell(values, "description")
    mpn = cell(values, "mpn")
    skus = _skus(table, values)
    if not (refs or value or footprint or skus or description or mpn):
        message = "row has no references, value, footprint or part number; skipped"
        return Diagnostic(path, line, 1, EMPTY_ROW, message)
    flags: list[str] = []
    dnp = read_dnp(
        cell(values, "dnp"), cell(values, "populate"), value, cell(values, "notes"), flags
    )
    qty_text = cell(values, "quantity")
    if qty_text:
        parsed = _parse_quantity(qty_text)
        if parsed is None or _too_large(qty_text):
            what = "is not a number" if parsed is None else "is not a number below 10^15"
            return Diagnostic(path, line, 1, BAD_QUANTITY, f"quantity {qty_text!r} {what}; row skipped")
        quantity, marked_dnp = parsed
        dnp = dnp or marked_dnp
        if refs and quantity != len(refs):
            noun = "reference" if len(refs) == 1 else "references"
            flags.append(f"quantity {_show(quantity)} disagrees with {len(refs)} {noun}")
    elif refs:
        quantity = Decimal(len(refs))
    else:
        return Diagnostic(
            path, line, 1, NO_QUANTITY, "row has neither references nor a quantity; skipped"
        )
    if quantity <= 0:
        return Diagnostic(
            path, line, 1, BAD_QUANTITY, f"quantity {qty_text!r} is not positive; row skipped"
        )
    lib = cell(values, "footprint_lib")
    if lib and footprint and ":" not in footprint:
        footprint = f"{lib}:{footprint}"
    return _Draft(
        item=cell(values, "line"),
        index=index,
        source_line=line,
        refs=refs,
        quantity=quantity,
        value=value or None,
        footprint=footprint or None,
        mpn=mpn or None,
        manufacturer=cell(values, "manufacturer") or None,
        skus=skus,
        dnp=dnp,
        optional=_is_set(cell(values, "optional")),
        description=description or None,
        fields=_fields(table, values, skus),
        flags=flags,
    )


def _plausible(table: _Table) -> Callable[[list[str]], bool]:
    """Whether a realigned row reads sensibly: its quantity and DNP cells make sense."""

    def check(values: list[str]) -> bool:
        refs = expand_refs(table.cell(values, "refs"))
        qty_text = table.cell(values, "quantity")
        if qty_text:
            parsed = _parse_quantity(qty_text)
            if parsed is None or (refs and parsed[0] != len(refs)):
                return False
        probe: list[str] = []
        read_dnp(table.cell(values, "dnp"), table.cell(values, "populate"), "", "", probe)
        return not probe

    return check


def _skus(table: _Table, values: list[str]) -> tuple[tuple[str, str], ...]:
    """Every (vendor, part number) of one row, in column order, without repeats."""
    found: list[tuple[int, str, str]] = []
    vendors = _OR_AND.split(table.cell(values, "vendor"))
    numbers = _OR_AND.split(table.cell(values, "partnum"))
    at = table.by_role.get("partnum", table.by_role.get("vendor", 0))
    for position, number in enumerate(numbers):
        vendor = vendors[position] if position < len(vendors) else vendors[-1]
        if number.strip() and vendor.strip():
            found.append((at, vendor.strip(), number.strip()))
    for column in table.vendor_columns:
        text = values[column.index] if column.index < len(values) else ""
        for number in _OR_AND.split(text):
            if number.strip() and column.vendor:
                found.append((column.index, column.vendor, number.strip()))
    out: dict[tuple[str, str], None] = {}
    for _, vendor, number in sorted(found, key=lambda item: item[0]):
        out.setdefault((vendor, number), None)
    return tuple(out)


def _fields(table: _Table, values: list[str], skus: tuple[tuple[str, str], ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    extra: list[Column] = []
    if table.cell(values, "vendor") and not skus:
        extra.append(table.columns[table.by_role["vendor"]])
    if table.cell(values, "partnum") and not skus:
        extra.append(table.columns[table.by_role["partnum"]])
    for column in sorted([*table.field_columns, *extra], key=lambda c: c.index):
        if column.index < len(values) and values[column.index]:
            name = column.name or f"column {column.index + 1}"
            _put(out, name, values[column.index], column.index)
    for index in range(len(table.columns), len(values)):
        if values[index]:
            _put(out, f"column {index + 1}", values[index], index)
    return out


def _put(out: dict[str, str], name: str, text: str, index: int) -> None:
    out[name if name not in out else f"{name} (column {index + 1})"] = text


def _is_set(text: str) -> bool:
    return text.lower() not in _NOT_SET


def _parse_quantity(text: str) -> tuple[Decimal, bool] | None:
    """``"4"`` -> 4; ``"2 (DNF)"`` -> 2 and DNP; ``"1,5"`` -> 1.5; else None."""
    marks = {mark.strip().lower() for mark in _QTY_MARKS.findall(text)}
    number = _QTY_MARKS.sub("", text).strip()
    if number.count(",") == 1 and "." not in number:
        number = number.replace(",", ".")
    try:
        quantity = Decimal(number)
    except InvalidOperation:
        return None
    if not quantity.is_finite():
        return None
    return quantity, bool(marks & _DNP_MARKS)


def _too_large(text: str) -> bool:
    """A number that reads but could not be written back (the file format's bound)."""
    parsed = _parse_quantity(text)
    return parsed is not None and abs(parsed[0]) >= LIMIT


def _show(quantity: Decimal) -> str:
    whole = quantity == quantity.to_integral_value()
    return str(quantity.quantize(Decimal(1))) if whole else str(quantity)


def _number_rows(
    drafts: list[_Draft], table: _Table, path: str, header_line: int
) -> list[Diagnostic]:
    """Use the BOM's own item numbers when they are whole numbers and unique.

    Otherwise every row is numbered by its position among the data rows and
    the item text, if any, is kept in ``fields``.
    """
    if "line" not in table.by_role or not drafts:
        return []
    numbers = [int(d.item) if _ITEM.match(d.item) else None for d in drafts]
    if None not in numbers and len(set(numbers)) == len(numbers):
        return []
    name = table.columns[table.by_role["line"]].name
    for draft in drafts:
        if draft.item:
            _put(draft.fields, name, draft.item, table.by_role["line"])
        draft.item = ""
    message = (
        f"item numbers in column {name!r} are missing or repeated; rows numbered in file order"
    )
    return [Diagnostic(path, header_line, 1, LINE_NUMBERS, message, severity="warning")]


def _with_duplicates(drafts: list[_Draft]) -> Iterable[tuple[_Draft, dict[str, int]]]:
    """Each draft with the references seen on earlier rows (ref -> line)."""
    seen: dict[str, int] = {}
    for draft in drafts:
        yield draft, {ref: seen[ref] for ref in draft.refs if ref in seen}
        line = _line_of(draft)
        for ref in draft.refs:
            seen.setdefault(ref, line)


def _line_of(draft: _Draft) -> int:
    return int(draft.item) if draft.item else draft.index


def _finish(draft: _Draft, duplicates: dict[str, int]) -> ImportedRow:
    flags = [*draft.flags, *(f"reference {r} also on line {n}" for r, n in duplicates.items())]
    return ImportedRow(
        line=_line_of(draft),
        refs=draft.refs,
        quantity=draft.quantity,
        value=draft.value,
        footprint=draft.footprint,
        mpn=draft.mpn,
        manufacturer=draft.manufacturer,
        skus=draft.skus,
        dnp=draft.dnp,
        optional=draft.optional,
        description=draft.description,
        fields=draft.fields,
        source_line=draft.source_line,
        flags=tuple(flags),
    )
