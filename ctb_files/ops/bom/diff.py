"""Comparing two BOMs: flattened rows, difflib opcodes and a per-part and per-row summary.

A BOM is flattened to a sequence of :class:`FlatRow` (level, part, quantity,
unit, references, DNP, the row's own content: value, footprint, MPN, SKUs,
and visible extension values); two sequences are compared with
:class:`difflib.SequenceMatcher`, whose opcodes (``equal``, ``replace``,
``delete``, ``insert``) drive the side-by-side renderings.  Independently,
:func:`summarize_bom_change` says per part what happened: added, removed,
quantity changed (old and new totals) and references that moved between
parts; and per row (by its references) which field changed from what to
what (``changed_rows``), so a value change on an unmatched row is seen.
``ctb bom log`` and ``ctb review`` reuse the summary.
"""

from __future__ import annotations

import contextlib
import difflib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from ctb_files.core.units import convert, normalize
from ctb_files.ops.bom.rowtext import CONTENT, About, unmatched_label
from ctb_files.ops.bom.tree import TreeRow
from ctb_files.ops.bom.views import BomView

TAGS = ("equal", "replace", "delete", "insert")


@dataclass(frozen=True)
class FlatRow:
    """One row as the diff sees it; equality ignores ``total``, ``parent`` and ``ext_values``."""

    level: int
    part: str | None
    quantity: Decimal
    unit: str
    refs: tuple[str, ...] = ()
    ext: tuple[tuple[str, str], ...] = ()  # visible extension values, canonical text
    dnp: bool = False
    content: About = ()  # value, footprint, MPN, SKUs of a project BOM row (rowtext.CONTENT)
    flags: str = field(default="", compare=False)
    total: Decimal | None = field(default=None, compare=False)  # per one unit of the target
    parent: str = field(default="", compare=False)
    ext_values: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def amount(self) -> Decimal:
        return self.total if self.total is not None else self.quantity

    @property
    def name(self) -> str:
        """The part, or what an unmatched row asks for: ``(unmatched: 330 R_0805)``."""
        return self.part if self.part is not None else unmatched_label(self.content)

    def get(self, name: str) -> str:
        """One field as text, for ``changed_rows``."""
        if name == "quantity":
            return f"{_num(self.quantity)} {self.unit}" if self.unit != "pcs" else _num(self.quantity)
        if name == "dnp":
            return "yes" if self.dnp else "no"
        if name == "part":
            return self.part or ""
        return dict(self.content).get(name, "")


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=lambda v: format(normalize(v), "f") if isinstance(v, Decimal) else str(v))


# a tree row, the visible fields it was flattened with, and what it became: by the tree row's id
FlatMemo = dict[int, tuple[TreeRow, tuple[str, ...], "FlatRow"]]


def flatten(rows: Sequence[TreeRow], visible: Sequence[str] = (), memo: FlatMemo | None = None) -> list[FlatRow]:
    """Tree rows as diff rows; only the ``visible`` extension fields take part.

    ``memo``: tree rows flattened before (explosions of many versions share
    their rows, :class:`~ctb_files.ops.bom.tree.Memo`); each is flattened once.
    """
    out: list[FlatRow] = []
    shown_names = tuple(visible)
    for row in rows:
        if memo is not None:
            known = memo.get(id(row))
            if known is not None and known[1] == shown_names:
                out.append(known[2])
                continue
        shown = {name: row.ext[name] for name in visible if row.ext.get(name) is not None}
        flat = FlatRow(
            level=row.level, part=row.part, quantity=normalize(row.quantity), unit=row.unit,
            refs=row.refs, ext=tuple((k, _canonical(v)) for k, v in shown.items()),
            dnp=row.dnp, content=tuple(p for p in row.about if p[0] in CONTENT),
            flags=dict(row.about).get("flags", ""), total=row.total, parent=row.parent, ext_values=shown,
        )  # fmt: skip
        out.append(flat)
        if memo is not None and row.level == 1:  # the rows explosions share; deeper ones are made afresh
            memo[id(row)] = (row, shown_names, flat)  # the row kept: its id stays its own
    return out


def flatten_view(view: BomView) -> list[FlatRow]:
    """A :class:`BomView` as diff rows (totals become level-1 rows)."""
    if view.mode == "totals":
        return [FlatRow(1, t.part, t.quantity, t.unit, total=t.quantity) for t in view.totals]
    return flatten(view.rows, view.visible)


@dataclass(frozen=True)
class Opcode:
    tag: str
    old: list[FlatRow]
    new: list[FlatRow]


def opcodes(old: Sequence[FlatRow], new: Sequence[FlatRow]) -> list[Opcode]:
    """The difflib opcodes turning ``old`` into ``new``, with their rows."""
    # autojunk would treat rows repeated by shared sub-assemblies as noise
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    return [
        Opcode(tag, list(old[i1:i2]), list(new[j1:j2])) for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]


@dataclass(frozen=True)
class Amount:
    part: str
    quantity: Decimal
    unit: str

    def text(self) -> str:
        return f"{self.part} {_num(self.quantity)} {self.unit}"


@dataclass(frozen=True)
class QuantityChange:
    part: str
    old_quantity: Decimal
    old_unit: str
    new_quantity: Decimal
    new_unit: str

    def text(self) -> str:
        return f"{self.part} {_num(self.old_quantity)} {self.old_unit} → {_num(self.new_quantity)} {self.new_unit}"


@dataclass(frozen=True)
class RefMove:
    ref: str
    old_part: str
    new_part: str
    parent: str = ""

    def text(self) -> str:
        return f"{self.ref} moved {self.old_part} → {self.new_part}"


@dataclass(frozen=True)
class RowChange:
    """One field of one row (named by its references) that changed."""

    refs: str
    field: str  # value, footprint, mpn, skus, dnp, quantity; "row" for an unmatched row added/removed
    old: str
    new: str

    def text(self) -> str:
        if self.field == "row":
            return f"{self.refs}: + {self.new}" if not self.old else f"{self.refs}: - {self.old}"
        return f"{self.refs}: {self.field} {self.old or '-'} → {self.new or '-'}"

    def to_json(self) -> dict[str, str]:
        return {"refs": self.refs, "field": self.field, "old": self.old, "new": self.new}


@dataclass
class BomChange:
    """What happened per part, and per row, between two BOMs."""

    added: list[Amount] = field(default_factory=list)
    removed: list[Amount] = field(default_factory=list)
    changed: list[QuantityChange] = field(default_factory=list)
    moved: list[RefMove] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # other differences, one phrase per part
    changed_rows: list[RowChange] = field(default_factory=list)
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.added or self.removed or self.changed or self.moved or self.other or self.changed_rows
            or self.reordered
        )  # fmt: skip

    def text(self) -> str:
        """One line: ``+ p2 120 m; p1 2 m → 3 km; R16 R20: value 330 → 300``."""
        pieces = [f"+ {a.text()}" for a in self.added]
        pieces += [f"- {a.text()}" for a in self.removed]
        pieces += [c.text() for c in self.changed]
        pieces += [m.text() for m in self.moved]
        pieces += self.other
        pieces += [r.text() for r in self.changed_rows]
        if self.reordered and not pieces:
            pieces.append("rows reordered")
        return "; ".join(pieces) if pieces else "no change"

    def to_json(self) -> dict[str, Any]:
        return {
            "added": [a.part for a in self.added],
            "removed": [a.part for a in self.removed],
            "changed": [
                {"part": c.part, "old_quantity": c.old_quantity, "new_quantity": c.new_quantity,
                 "old_unit": c.old_unit, "new_unit": c.new_unit}
                for c in self.changed
            ],
            "moved": [{"ref": m.ref, "from": m.old_part, "to": m.new_part} for m in self.moved],
            "changed_rows": [r.to_json() for r in self.changed_rows],
        }  # fmt: skip


def _num(value: Decimal) -> str:
    return format(normalize(value), "f")


def _amounts(rows: Sequence[FlatRow]) -> dict[str, tuple[Decimal, str]]:
    """Per part (in first-seen order): summed totals, in the unit of its first row."""
    out: dict[str, tuple[Decimal, str]] = {}
    for row in rows:
        if row.part is None:
            continue
        if row.part not in out:
            out[row.part] = (row.amount, row.unit)
            continue
        quantity, unit = out[row.part]
        with contextlib.suppress(ValueError):  # a unit family mismatch is a check error; keep the first
            out[row.part] = (quantity + convert(row.amount, row.unit, unit), unit)
    return {part: (normalize(q), unit) for part, (q, unit) in out.items()}


def _refs(rows: Sequence[FlatRow]) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for row in rows:
        if row.part is not None:
            # level-1 rows hang off the target itself, whose name differs between
            # two versions (vco:v1, vco:v2): their references belong to the top
            parent = row.parent if row.level > 1 else ""
            for ref in row.refs:
                out[(parent, ref)] = row.part
    return out


class Side:
    """The rows of one BOM version and what a summary reads of them, each worked out once.

    ``bom log`` compares every version with the one before it and the one
    after: made once per version, its per-part totals, references, row keys
    and counts serve both comparisons.
    """

    def __init__(self, rows: Sequence[FlatRow]) -> None:
        self.rows = rows

    @cached_property
    def amounts(self) -> dict[str, tuple[Decimal, str]]:
        return _amounts(self.rows)

    @cached_property
    def refs(self) -> dict[tuple[str, str], str]:
        return _refs(self.rows)

    @cached_property
    def keyed(self) -> dict[tuple[str, str], FlatRow]:
        return {_row_key(r): r for r in self.rows}

    @cached_property
    def bare(self) -> Counter[tuple[Any, ...]]:
        return Counter(_bare(r) for r in self.rows)

    @cached_property
    def counted(self) -> Counter[FlatRow]:
        return Counter(self.rows)


def summarize_bom_change(old_rows: Sequence[FlatRow] | Side, new_rows: Sequence[FlatRow] | Side) -> BomChange:
    """Per part: added, removed, quantity changed (totals), references moved."""
    before = old_rows if isinstance(old_rows, Side) else Side(old_rows)
    after = new_rows if isinstance(new_rows, Side) else Side(new_rows)
    old, new = before.amounts, after.amounts
    change = BomChange()
    change.added = [Amount(p, *new[p]) for p in new if p not in old]
    change.removed = [Amount(p, *old[p]) for p in old if p not in new]
    for part, (quantity, unit) in new.items():
        if part in old:
            old_quantity, old_unit = old[part]
            if (old_quantity, old_unit) != (quantity, unit):
                change.changed.append(QuantityChange(part, old_quantity, old_unit, quantity, unit))
    old_refs = before.refs
    for key, part in after.refs.items():
        was = old_refs.get(key)
        if was is not None and was != part:
            change.moved.append(RefMove(key[1], was, part, key[0]))
    named = {a.part for a in change.added + change.removed} | {c.part for c in change.changed}
    named |= {m.old_part for m in change.moved} | {m.new_part for m in change.moved}
    change.changed_rows = _row_changes(before.keyed, after.keyed)
    # the part-level "other" ignores what changed_rows already says
    differing = before.bare.copy()
    differing.subtract(after.bare)
    other = {row[1] for row, n in differing.items() if n and row[1] is not None} - named
    change.other = [_other(part, before.rows, after.rows) for part in sorted(other)]
    change.reordered = before.counted == after.counted and list(before.rows) != list(after.rows)
    return change


def _bare(row: FlatRow) -> tuple[Any, ...]:
    """The fields a row compares by, but its DNP flag and content (``changed_rows`` says those)."""
    return (row.level, row.part, row.quantity, row.unit, row.refs, row.ext)


_ROW_FIELDS = ("value", "footprint", "mpn", "skus", "dnp")


def _row_key(row: FlatRow) -> tuple[str, str]:
    parent = row.parent if row.level > 1 else ""
    return parent, " ".join(row.refs) if row.refs else row.name


def _row_changes(old: Mapping[tuple[str, str], FlatRow], new: Mapping[tuple[str, str], FlatRow]) -> list[RowChange]:
    """Per row, by its references (rows by :func:`_row_key`): fields that changed; unmatched rows added or removed.

    A matched row's part and quantity changes are the per-part summary's; an
    unmatched row has no part, so its quantity change is said here.
    """
    out: list[RowChange] = []
    for key, after in new.items():
        before = old.get(key)
        label = key[1]
        if before is None:
            if after.part is None:
                out.append(RowChange(label, "row", "", after.name))
            continue
        unmatched = before.part is None and after.part is None
        # the row fields are read from content and dnp: only an unmatched row's quantity can differ
        same = before.content == after.content and before.dnp == after.dnp
        if same and (not unmatched or (before.quantity, before.unit) == (after.quantity, after.unit)):
            continue
        names = list(_ROW_FIELDS)
        if unmatched:
            names.insert(0, "quantity")
        for name in names:
            if before.get(name) != after.get(name):
                out.append(RowChange(label, name, before.get(name), after.get(name)))
    for key, before in old.items():
        if key not in new and before.part is None:
            out.append(RowChange(key[1], "row", before.name, ""))
    return out


def _other(part: str, old_rows: Sequence[FlatRow], new_rows: Sequence[FlatRow]) -> str:
    """What changed about ``part`` when its quantities did not: references or fields."""
    old = [r for r in old_rows if r.part == part]
    new = [r for r in new_rows if r.part == part]
    old_refs = sorted({ref for r in old for ref in r.refs})
    new_refs = sorted({ref for r in new for ref in r.refs})
    if old_refs != new_refs:
        return f"{part} refs {' '.join(old_refs) or '-'} → {' '.join(new_refs) or '-'}"
    old_ext = {item for r in old for item in r.ext}
    new_ext = {item for r in new for item in r.ext}
    fields = sorted({name for name, _ in old_ext ^ new_ext})
    return f"{part} {', '.join(fields)} changed" if fields else f"{part} rows changed"


@dataclass
class BomDiff:
    """Everything ``ctb bom diff`` shows."""

    old_label: str
    new_label: str
    opcodes: list[Opcode]
    summary: BomChange
    visible: list[str] = field(default_factory=list)


def compare(
    old_rows: Sequence[FlatRow], new_rows: Sequence[FlatRow], old_label: str, new_label: str,
    visible: Sequence[str] = (),
) -> BomDiff:  # fmt: skip
    return BomDiff(old_label, new_label, opcodes(old_rows, new_rows), summarize_bom_change(old_rows, new_rows), list(visible))
