"""A part's stock history from per-commit stock changes (pure).

Input: the commit graph, the commits that changed stock files, and for each
of those the change of the part's quantity per location against the first
parent.  Output: log entries with a signed delta and a running total.

Merges are where care is needed.  A merge's diff against its first parent
repeats the changes of the commits it brings in, which are listed on their
own; counting both would count them twice.  So a merge is credited only with
what it did itself: its first-parent change minus the changes of the listed
commits reachable from its other parents but not from its first parent.  A
clean merge (10 → 8 on one branch, 10 → 15 on the other, 13 after the merge)
is then credited with 0; a merge whose conflict resolution changed a number
is credited with exactly that change.  By induction the deltas of every
commit reachable from a commit add up to its quantity, so the log's last
running total is the current quantity.

Entries are oldest first in a topological order that lists a merged branch's
commits just before the merge.  The running total at a commit of the first-
parent line is the quantity at that commit; on a merged branch it is the
total of everything listed so far.  Within one commit, decreases come first,
so a move between locations never shows a total that was not there.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from ctb_files.core.units import normalize

ZERO = Decimal(0)

Place = str | tuple[str, str | None]  # a location, or a location and a bin (None: no bin)
Deltas = dict[Place, Decimal]  # place -> signed change


def _place(key: Place) -> tuple[str, str | None]:
    return key if isinstance(key, tuple) else (key, None)


class Unreadable(ValueError):
    """A stock file version whose lines cannot be read."""


class CommitLike(Protocol):
    @property
    def sha(self) -> str: ...
    @property
    def date(self) -> datetime: ...
    @property
    def author(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def parents(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class StockLogEntry:
    commit: str
    date: datetime
    author: str
    message: str
    location: str
    delta: Decimal
    total: Decimal
    bin: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "commit": self.commit, "date": self.date.isoformat(), "author": self.author,
            "message": self.message, "location": self.location, "bin": self.bin, "delta": self.delta,
            "total": self.total,
        }  # fmt: skip


def quantity_in(doc: Any, part: str) -> Decimal:
    """The part's on-hand quantity in one parsed stock file, every bin summed."""
    return sum(bin_quantities_in(doc, part).values(), ZERO)


def bin_quantities_in(doc: Any, part: str) -> dict[str | None, Decimal]:
    """The part's on-hand quantity per bin (None: lines without a bin) in one parsed stock file.

    ``None`` (an absent or empty file) holds nothing.  Lines of other parts
    are not inspected; :class:`Unreadable` when the file is not a mapping of
    ``lines`` or the part's own lines have no usable quantity.
    """
    if doc is None:
        return {}
    if not isinstance(doc, Mapping):
        raise Unreadable("not a mapping")
    lines = doc.get("lines")
    if lines is None:
        return {}
    if not isinstance(lines, list):
        raise Unreadable("'lines' is not a list")
    out: dict[str | None, Decimal] = {}
    for index, line in enumerate(lines):
        if line.__class__ is not dict and not isinstance(line, Mapping):  # the exact class first: far quicker
            continue
        if line.get("part") != part:
            continue
        quantity = line.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, (int, Decimal)):
            raise Unreadable(f"lines[{index}].quantity is not a number")
        where = line.get("bin")
        key = str(where) if where is not None else None
        out[key] = out.get(key, ZERO) + Decimal(quantity)
    return out


def signed(value: Decimal) -> str:
    """``+5``, ``-6``, ``+0.25``."""
    text = format(normalize(value), "f")
    return text if text.startswith("-") else "+" + text


def topo_order(parents: Mapping[str, Sequence[str]], head: str) -> list[str]:
    """Every commit reachable from ``head``, parents before children.

    Depth first, first parent first: the first-parent line comes out oldest
    first, and the commits a merge brings in come right before the merge.
    Parents missing from ``parents`` (a shallow clone's edge) are left out.
    """
    if head not in parents:
        return []
    order: list[str] = []
    seen = {head}
    stack: list[tuple[str, int]] = [(head, 0)]
    while stack:
        node, next_parent = stack[-1]
        node_parents = parents[node]
        if next_parent < len(node_parents):
            stack[-1] = (node, next_parent + 1)
            parent = node_parents[next_parent]
            if parent not in seen and parent in parents:
                seen.add(parent)
                stack.append((parent, 0))
        else:
            stack.pop()
            order.append(node)
    return order


def brought_in(parents: Mapping[str, Sequence[str]], rank: Mapping[str, int], merge: str) -> set[str]:
    """Commits reachable from ``merge``'s other parents but not from its first parent.

    Walks down from all parents at once in decreasing ``rank`` (a topological
    index: parents rank lower than children), so a commit's marks are final
    when it is taken; stops as soon as only first-parent ancestry is left.
    """
    first, *others = [p for p in parents[merge] if p in rank]
    side: set[str] = set()
    inherited: set[str] = {first}  # reachable from the first parent
    queued: set[str] = {first, *others}
    heap = [(-rank[c], c) for c in queued]
    heapq.heapify(heap)
    pending = sum(1 for c in queued if c not in inherited)  # queued commits not (yet) known inherited
    while heap and pending:
        _, commit = heapq.heappop(heap)
        from_first = commit in inherited
        if not from_first:
            pending -= 1
            side.add(commit)
        for parent in parents.get(commit, ()):
            if parent not in rank:
                continue
            if parent not in queued:
                queued.add(parent)
                heapq.heappush(heap, (-rank[parent], parent))
                if from_first:
                    inherited.add(parent)
                else:
                    pending += 1
            elif from_first and parent not in inherited:
                inherited.add(parent)
                pending -= 1
    return side


def build_log(
    order: Sequence[str],
    parents: Mapping[str, Sequence[str]],
    commits: Mapping[str, CommitLike],
    deltas: Mapping[str, Deltas],
) -> list[StockLogEntry]:
    """Log entries, oldest first, from first-parent deltas of the listed ``commits``.

    ``order`` is :func:`topo_order`; ``commits`` are the commits that changed
    stock (others are only walked through); ``deltas[sha]`` is the part's
    change per location (or per location and bin) against the first parent.
    """
    rank = {sha: index for index, sha in enumerate(order)}
    own: dict[str, Deltas] = {}
    entries: list[StockLogEntry] = []
    total = ZERO
    for sha in order:
        info = commits.get(sha)
        if info is None:
            continue
        change = dict(deltas.get(sha, {}))
        if len([p for p in info.parents if p in rank]) > 1:
            for other in brought_in(parents, rank, sha):
                for location, delta in own.get(other, {}).items():
                    change[location] = change.get(location, ZERO) - delta
        change = {loc: normalize(d) for loc, d in change.items() if d != 0}
        if change:
            own[sha] = change
        for key in sorted(change, key=lambda k: (change[k] > 0, _place(k)[0], _place(k)[1] or "")):
            total += change[key]
            location, where = _place(key)
            entries.append(
                StockLogEntry(sha, info.date, info.author, info.summary, location, change[key], normalize(total), where)
            )
    return entries
