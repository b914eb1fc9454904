"""Three-way merge of one stock file (PRODUCT.md 7.3), on plain data.

A stock line is identified by (part, bin) within its file (the file is the
location).  Quantities merge arithmetically: the result is
``base + (ours - base) + (theirs - base)``, so two branches that each took
or added stock both count.  Every other field, and every top-level key,
merges the usual three-way way: a side that left it as in the base takes
the other side's value; two different changes are a conflict.  Lines added
on one side are kept; a line deleted on one side and changed on the other,
the same line added on both sides differently, a result below zero, or a
file ctb cannot read as stock lines are conflicts: the caller then leaves
the normal text conflict for a person to resolve.

:func:`conflict_text` renders that text conflict: the lines the three
versions share at the start and end stay as they are, the rest is wrapped
in git's conflict markers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ctb_files.core.models.common import LIMIT
from ctb_files.core.units import normalize

__all__ = ["FileLineKey", "MergedLine", "StockMerge", "conflict_text", "line_identity", "merge_stock"]

FileLineKey = tuple[str, str | None]  # (part, bin)

_MISSING = object()


def line_identity(line: Mapping[str, Any]) -> FileLineKey:
    """``(part, bin)``; a blank bin is no bin, as in the ledger."""
    bin_ = line.get("bin")
    return (str(line.get("part")), str(bin_) if bin_ not in (None, "") else None)


def _label(key: FileLineKey) -> str:
    part, bin_ = key
    return f"{part} (bin {bin_})" if bin_ is not None else part


@dataclass(frozen=True)
class MergedLine:
    """One line of the result, and which side's line (by index) it is written from."""

    key: FileLineKey
    side: str  # "ours" | "theirs"
    index: int  # position of the line in that side's ``lines``
    data: dict[str, Any]


@dataclass
class StockMerge:
    """The merged document, or the reasons it could not be merged."""

    document: dict[str, Any] = field(default_factory=dict)
    lines: list[MergedLine] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _lines(doc: Mapping[str, Any], side: str, conflicts: list[str]) -> dict[FileLineKey, tuple[int, dict[str, Any]]] | None:
    raw = doc.get("lines", [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        conflicts.append(f"{side}: 'lines' is not a list")
        return None
    out: dict[FileLineKey, tuple[int, dict[str, Any]]] = {}
    for index, line in enumerate(raw):
        if not isinstance(line, dict) or not isinstance(line.get("part"), str):
            conflicts.append(f"{side}: line {index + 1} is not a stock line with a part")
            return None
        key = line_identity(line)
        if key in out:
            conflicts.append(f"{side}: {_label(key)} is listed twice")
            return None
        out[key] = (index, line)
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def _quantity(value: Any) -> Decimal | None:
    """A quantity as a Decimal; None for anything that is not a finite number."""
    if not _is_number(value):
        return None
    number = Decimal(value)
    return number if number.is_finite() and abs(number) < LIMIT else None


def _same(a: Any, b: Any) -> bool:
    """Equal as YAML values: ``10`` and ``10.0`` are the same quantity; ``true`` is not ``1``."""
    if _is_number(a) and _is_number(b):
        return Decimal(a) == Decimal(b)
    return type(a) is type(b) and a == b


def _three_way(base: Any, ours: Any, theirs: Any) -> tuple[bool, Any]:
    """(merged cleanly, value); ``_MISSING`` stands for an absent key."""
    if _same(ours, theirs) or _same(theirs, base):
        return True, ours
    if _same(ours, base):
        return True, theirs
    return False, None


def _merge_mapping(
    base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any], what: str,
    conflicts: list[str], skip: Sequence[str] = (),
) -> dict[str, Any]:  # fmt: skip
    """Key by key three-way merge; keys in ``skip`` are left to the caller."""
    out: dict[str, Any] = {}
    keys = list(ours) + [k for k in theirs if k not in ours]
    keys += [k for k in base if k not in keys]
    for key in keys:
        if key in skip:
            continue
        ok, value = _three_way(base.get(key, _MISSING), ours.get(key, _MISSING), theirs.get(key, _MISSING))
        if not ok:
            conflicts.append(f"{what}: '{key}' changed differently on both sides")
        elif value is not _MISSING:
            out[key] = value
    return out


def _merge_line(
    key: FileLineKey, base: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any], conflicts: list[str]
) -> dict[str, Any] | None:
    what = _label(key)
    before = len(conflicts)
    merged = _merge_mapping(base, ours, theirs, what, conflicts, skip=("quantity",))
    amounts = [_quantity(side.get("quantity")) for side in (base, ours, theirs)]
    if any(a is None for a in amounts):
        conflicts.append(f"{what}: a quantity is not a number below 10^15")
        return None
    b, o, t = (a for a in amounts if a is not None)
    quantity = normalize(b + (o - b) + (t - b))
    if quantity >= LIMIT:  # the file would not validate
        conflicts.append(f"{what}: {_num(b)} {_delta(o - b)} {_delta(t - b)} leaves {_num(quantity)}, 10^15 or more")
    if quantity < 0:
        conflicts.append(
            f"{what}: {_num(b)} {_delta(o - b)} {_delta(t - b)} leaves {_num(quantity)}, below zero"
        )
    if len(conflicts) > before:
        return None
    out: dict[str, Any] = {}
    for name in list(ours) + [k for k in merged if k not in ours]:
        if name == "quantity":
            out[name] = quantity if quantity != quantity.to_integral_value() else int(quantity)
        elif name in merged:
            out[name] = merged[name]
    return out


def _num(value: Decimal) -> str:
    return format(normalize(value), "f")


def _delta(value: Decimal) -> str:
    return ("+" if value >= 0 else "") + _num(value)


def merge_stock(
    base: Mapping[str, Any] | None, ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> StockMerge:
    """Merge three versions of one stock file (``base`` None when both sides added it)."""
    result = StockMerge()
    base = base or {}
    conflicts = result.conflicts
    sides = [_lines(doc, side, conflicts) for doc, side in ((base, "base"), (ours, "ours"), (theirs, "theirs"))]
    top = _merge_mapping(base, ours, theirs, "file", conflicts, skip=("lines",))
    if conflicts:
        return result
    base_lines, our_lines, their_lines = (s or {} for s in sides)
    merged: dict[FileLineKey, MergedLine] = {}
    for key in dict.fromkeys([*our_lines, *their_lines, *base_lines]):
        line = _merge_key(key, base_lines.get(key), our_lines.get(key), their_lines.get(key), conflicts)
        if line is not None:
            merged[key] = line
    if conflicts:
        return result
    result.lines = _order(merged, our_lines, their_lines)
    document = dict(top)
    if "lines" in ours or "lines" in theirs or result.lines:
        document["lines"] = [line.data for line in result.lines]
        order = [k for k in ours if k in document] + [k for k in document if k not in ours]
        document = {k: document[k] for k in order}
    result.document = document
    return result


def _merge_key(
    key: FileLineKey, base: tuple[int, dict[str, Any]] | None, ours: tuple[int, dict[str, Any]] | None,
    theirs: tuple[int, dict[str, Any]] | None, conflicts: list[str],
) -> MergedLine | None:  # fmt: skip
    what = _label(key)
    if base is None:
        if ours is not None and theirs is not None:
            if not _equal(ours[1], theirs[1]):
                conflicts.append(f"{what}: added on both sides with different content")
                return None
            return MergedLine(key, "ours", ours[0], dict(ours[1]))
        if ours is not None:
            return MergedLine(key, "ours", ours[0], dict(ours[1]))
        assert theirs is not None
        return MergedLine(key, "theirs", theirs[0], dict(theirs[1]))
    if ours is None or theirs is None:
        kept = ours if ours is not None else theirs
        if kept is not None and not _equal(kept[1], base[1]):
            deleted_by = "ours" if ours is None else "theirs"
            conflicts.append(f"{what}: deleted on one side ({deleted_by}) and changed on the other")
        return None  # deleted (on both sides, or on one while the other left it alone)
    data = _merge_line(key, base[1], ours[1], theirs[1], conflicts)
    if data is None:
        return None
    return MergedLine(key, "ours", ours[0], data)


def _equal(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)


def _order(
    merged: dict[FileLineKey, MergedLine], ours: Mapping[FileLineKey, tuple[int, dict[str, Any]]],
    theirs: Mapping[FileLineKey, tuple[int, dict[str, Any]]],
) -> list[MergedLine]:  # fmt: skip
    """Our order; a line only theirs has goes right after the line it follows in theirs."""
    keys = [k for k in sorted(ours, key=lambda k: ours[k][0]) if k in merged]
    their_order = sorted(theirs, key=lambda k: theirs[k][0])
    for position, key in enumerate(their_order):
        if key not in merged or key in keys:
            continue
        anchor = next((k for k in reversed(their_order[:position]) if k in keys), None)
        keys.insert(keys.index(anchor) + 1 if anchor is not None else 0, key)
    return [merged[k] for k in keys]


def conflict_text(base: str, ours: str, theirs: str, path: str = "", marker_size: int = 7) -> str:
    """Git-style conflict markers around the region where the three versions differ."""
    a, o, b = (_split(text) for text in (ours, base, theirs))
    head = 0
    while head < min(len(a), len(o), len(b)) and a[head] == o[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(o), len(b)) - head and a[-1 - tail] == o[-1 - tail] == b[-1 - tail]:
        tail += 1

    def end(lines: list[str]) -> int:
        return len(lines) - tail

    name = f" {path}" if path else ""
    parts = [
        *a[:head],
        "<" * marker_size + f" ours{name}\n", *a[head : end(a)],
        "|" * marker_size + f" base{name}\n", *o[head : end(o)],
        "=" * marker_size + "\n", *b[head : end(b)],
        ">" * marker_size + f" theirs{name}\n",
        *a[end(a) :],
    ]  # fmt: skip
    return "".join(parts)


def _split(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"  # markers must start on a line of their own
    return lines
