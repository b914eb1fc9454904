"""Stock lines and BOM rows whose counts changed, and stock lines appended or taken out.

For a check (:func:`counts_only`): each changed count one the model takes
and no check objects to.  For a clear (:func:`unread_counts`): counts of
lines no plan read, and lines of parts no plan looked up.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ctb_files.core.unread import Shape
from ctb_files.storage.unread.common import same
from ctb_files.storage.unread.record import Counts, Facts

if TYPE_CHECKING:
    from decimal import Decimal


#: the counts a light comparison may find changed, by kind of file: the list holding them and the least
#: count the model takes (a stock line may hold none; a BOM row asks for at least one)
COUNTED = {"stock": ("lines", 0), "bom": ("rows", 1)}


def counts_only(rel: str, kind: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """Whether a stock file's or BOM's data differ only in counts its model takes and no check objects to.

    ``before``, ``after``: its data (unread fields left out) at the full
    check and now.  Every item (stock line, BOM row) keeps its place (a
    stock line: but lines no open build held may be taken out, and lines
    appended, :func:`_appended`), its keys in their order and every value
    but ``quantity`` and the fields no check reads (:data:`~ctb_files.core.unread.ITEM_UNREAD`: a stock
    line's ``counted_at`` and ``note``, each now of a value its record takes);
    each changed count is a whole number the model takes, so the whole-pieces
    check (CTB305) has nothing to say.  A stock count also holds what open
    builds reserved of its line at the full check (no over-reservation,
    CTB301).  No other check reads these counts (a test runs every other
    check with them made unreadable), and the full check's answer names
    nothing in this file, so it still stands.
    """
    from decimal import Decimal

    from ctb_files.ops.stock.ledger import ZERO, over_reserved

    spec = COUNTED.get(kind)
    counts = facts.counts
    if spec is None or counts is None or list(before) != list(after):
        return False
    items, least = spec
    if not all(same(before[name], after[name]) for name in before if name != items):
        return False
    old, new = before.get(items), after.get(items)
    if type(old) is not list or type(new) is not list:
        return False
    held: dict[int, Decimal] | None = None
    if kind == "stock":  # lines may be taken out (a bin emptied and dropped) and appended
        aligned = _aligned(old, new)
        if aligned is None:
            return False
        pairs, added = aligned
        if len(pairs) < len(old):
            held = _held(rel, counts)
            if not held.keys().isdisjoint(set(range(len(old))) - {i for i, _ in pairs}):
                return False  # a line an open build holds: its takes would name no line (CTB302)
        if added and not _appended(rel, old, added, counts):
            return False
    elif len(new) == len(old):
        pairs = list(enumerate(new))
    else:
        return False
    recounted = _recounts(old, pairs, (facts.items or {}).get(kind, {}))  # free: the fields no check reads
    if recounted is None:
        return False
    for i, now in recounted:
        count = now["quantity"]
        if type(count) is not int or not least <= count < counts.limit:
            return False
        if kind == "stock":
            if held is None:
                held = _held(rel, counts)
            if over_reserved(held.get(i, ZERO), Decimal(count)):
                return False
    return True


def _held(rel: str, counts: Counts) -> dict[int, Decimal]:
    """What open builds held of each line of the stock file ``rel`` at the full check, by the line's index then."""
    return pickle.loads(counts.held[rel]) if rel in counts.held else {}  # noqa: S301 - our own file, verified


def _aligned(old: list[Any], new: list[Any]) -> tuple[list[tuple[int, Any]], list[Any]] | None:
    """A stock file's lines now against those of the full run: each line now that is one of then, with its
    index then, and the lines appended after them; None when a line is not a mapping.

    Lines are found by their part and bin, in their order: the lines of then
    not found were taken out.  From the first line now that is not found
    (in that order), every line counts as appended.
    """
    pairs: list[tuple[int, Any]] = []
    at = 0
    for j, now in enumerate(new):
        if type(now) is not dict:
            return None
        key = (now.get("part"), now.get("bin") or None)
        while at < len(old) and not (type(old[at]) is dict and (old[at].get("part"), old[at].get("bin") or None) == key):
            at += 1
        if at == len(old):
            return pairs, list(new[j:])
        pairs.append((at, now))
        at += 1
    return pairs, []


def _recounts(old: list[Any], pairs: list[tuple[int, Any]], free: Mapping[str, Shape]) -> list[tuple[int, Any]] | None:
    """Of ``pairs`` (each item now with its index in ``old``), those whose count changed; None when one changed
    otherwise than in its count and its ``free`` fields (:func:`_recounted`)."""
    out = []
    for i, now in pairs:
        was = old[i]
        if same(was, now):
            continue
        if not _recounted(was, now, free):
            return None
        if "quantity" in now and not same(was["quantity"], now["quantity"]):
            out.append((i, now))
    return out


def _recounted(was: Any, now: Any, free: Mapping[str, Shape]) -> bool:
    """Whether a listed item (stock line, BOM row) now differs at most in its ``quantity`` and in ``free``
    fields (which no command reads), each of those now of a value its record takes."""
    from ctb_files.core.unread import takes

    if type(was) is not dict or type(now) is not dict:
        return False
    read = [name for name in was if name not in free]
    if read != [name for name in now if name not in free]:
        return False
    if not all(same(was[name], now[name]) for name in read if name != "quantity"):
        return False
    for name, shape in free.items():
        if (name in was) == (name in now) and (name not in now or same(was[name], now[name])):
            continue  # as the record took it then
        if not takes(shape, name in now, now.get(name)):
            return False
    return True


def unread_counts(rel: str, kind: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """For a clear: whether a stock file's data differ only where its plans did not look.

    ``before``, ``after``: its data (unread fields left out) at the full
    clear and now.  Every other value is as it was (but the fields neither
    command reads, each now of a value its record takes), and:

    * a line whose count changed is one no plan read, now of the shape a
      count takes (so the file loads as cleanly);
    * a line taken out (the others found in their order by part and bin,
      :func:`_aligned`) is of a part whose lines no plan looked up;
    * a line appended is of such a part, and of fields its record takes for
      certain.

    The same plans come out (:class:`~ctb_files.storage.unread.record.Unconsulted`).
    """
    from ctb_files.core.unread import takes

    unconsulted = facts.unconsulted
    if kind != "stock" or unconsulted is None or list(before) != list(after):
        return False
    lines = COUNTED["stock"][0]
    if not all(same(before[name], after[name]) for name in before if name != lines):
        return False
    old, new = before.get(lines), after.get(lines)
    if type(old) is not list or type(new) is not list:
        return False
    aligned = _aligned(old, new)
    if aligned is None:
        return False
    pairs, added = aligned
    if added or len(pairs) < len(old):
        looked_up = pickle.loads(unconsulted.parts) if unconsulted.parts else None  # noqa: S301 - our own file, verified
        if type(looked_up) is not frozenset:
            return False
        kept = {i for i, _ in pairs}
        if not all(type(line) is dict and line.get("part") not in looked_up for i, line in enumerate(old) if i not in kept):
            return False  # a line taken out that a plan looked at
        for line in added:
            if not _line_takes(line, unconsulted.fields) or not takes(unconsulted.shape, True, line["quantity"]):
                return False  # a line that may not load as cleanly
            if line["part"] in looked_up:
                return False
    recounted = _recounts(old, pairs, (facts.items or {}).get(kind, {}))  # free: the fields neither reads
    if recounted is None:
        return False
    read: frozenset[tuple[str, str | None]] | None = None
    for _, now in recounted:
        if not takes(unconsulted.shape, True, now["quantity"]):
            return False
        if read is None:
            piece = unconsulted.read.get(rel)
            if piece is None:
                return False
            read = pickle.loads(piece)  # noqa: S301 - our own file, verified
            if type(read) is not frozenset:
                return False
        part, bin_ = now.get("part"), now.get("bin") or None
        if type(part) is not str or (part, bin_) in read:
            return False
    return True


def _appended(rel: str, old: list[Any], added: list[Any], counts: Counts) -> bool:
    """Whether stock lines appended to a stock file leave every check as it was.

    Each is a line its record takes (a known shape for every field, a part
    id by the id rule, a whole count below the bound), of a part a check
    knows (no CTB201), of a part and bin no other line of the file has (no
    CTB211), and not one an open build took from while it was missing (its
    CTB302 would go, or an over-reservation come).  The old lines keep their
    places, so what builds hold of them is as it was.
    """
    parts = pickle.loads(counts.parts)  # noqa: S301 - our own file, verified
    orphans = pickle.loads(counts.orphans[rel]) if rel in counts.orphans else set()  # noqa: S301 - as above
    if type(parts) is not frozenset or type(orphans) is not set:
        return False
    keys = {(line.get("part"), line.get("bin") or None) for line in old if type(line) is dict}
    for line in added:
        if not _line_takes(line, counts.fields):
            return False
        part, count = line["part"], line["quantity"]
        if part not in parts:
            return False
        if type(count) is not int or not 0 <= count < counts.limit:
            return False
        key = (part, line.get("bin") or None)
        if key in keys or key in orphans:
            return False
        keys.add(key)
    return True


def _line_takes(line: Any, fields: Mapping[str, Shape]) -> bool:
    """Whether a stock line's record surely takes ``line`` but maybe its count: a part id by the id rule, a
    count given, and every other field one of ``fields`` (the record's, by shape) holding a value of its shape."""
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    if type(line) is not dict or not {"part", "quantity"} <= line.keys():
        return False
    if not line.keys() - {"part", "quantity"} <= fields.keys():
        return False  # a key the record does not have, or one of no known shape
    part = line["part"]
    if type(part) is not str or not valid_id(part):
        return False
    return all(takes(shape, True, line[name]) for name, shape in fields.items() if name in line)
