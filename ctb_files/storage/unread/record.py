"""The record a full ``ctb check`` or ``ctb build clear`` keeps beside its answer, and reading it back.

:func:`keep` writes the answer with the digest of every file the run read
and, when its ``ctb.yaml`` loaded cleanly, its :class:`Facts`: what a light
comparison of the package needs to weigh an edit without loading every
file (the limits the files were read with, the shapes of fields no command
reads, the counts open builds hold, the ids a check knew, …).  :func:`kept`
reads it back and trusts it only whole: a torn, foreign or oddly shaped
record is none.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ctb_files.core import paths as layout
from ctb_files.core.unread import Shape
from ctb_files.storage.cachebase import read_keyed, write_answer

if TYPE_CHECKING:
    from ctb_files.core.models.inventory import Inventory


# files changed since the full run beyond which running in full is as quick: 16, or a quarter of the files
# (a light comparison reads and parses each, about a third of a millisecond a part file; a full check
# from the warm cache costs as much as a few thousand)
MOST_CHANGED = 16


class Limits(NamedTuple):
    """The limits of ``ctb.yaml`` as numbers (:class:`~ctb_files.core.models.settings.Limits` without its model)."""

    file_size: int
    keys: int
    items: int
    depth: int
    string: int
    aliases: int
    name: int


class Counts(NamedTuple):
    """What a full check knew of counts: the bound they lie below, what open builds held of each stock line,
    and what a line appended to a stock file must be to leave every check as it was."""

    limit: int  # a stock line's or BOM row's count lies below this
    held: dict[str, bytes]  # stock file → pickled {line index: what open builds reserve of it}, reserved lines only
    parts: bytes = b""  # pickled frozenset: every part id a check knows (loaded or seen on disk)
    orphans: dict[str, bytes] = {}  # stock file → pickled {(part, bin)}: held by open builds, no line for it
    fields: dict[str, Shape] = {}  # a stock line's fields besides part and count, by shape


class Unconsulted(NamedTuple):
    """What a full clear knew of the stock: the lines its plans may have read (each other line may hold any
    count its record takes), the shape of a count, the parts whose lines the plans looked up (a line of any
    other part may come or go), and the shapes of a stock line's other fields."""

    shape: Shape  # of a count
    read: dict[str, bytes]  # stock file → pickled frozenset {(part, bin or None)} of its lines the plans read
    parts: bytes = b""  # pickled frozenset: every part whose lines the plans looked up
    fields: dict[str, Shape] = {}  # a stock line's fields besides part and count, by shape


class Added(NamedTuple):
    """What a full check knew that a part or build file added since, or a BOM whose rows changed, needs: the
    shapes of a part's fields (those its model takes for certain, :func:`~ctb_files.core.unread.new_part_fields`),
    the ids a check knew, by kind, the BOM lines builds exclude, the shapes of a BOM row's and a build's
    fields, the parts whose equivalents a check reads, the parts other files name, and the shapes of what
    placing and receiving change of an order."""

    fields: dict[str, Shape]
    known: bytes  # pickled {kind of :data:`KNOWN_KINDS`: frozenset of ids} (loaded or seen on disk)
    excluded: bytes = b""  # pickled {BOM file: frozenset of the line numbers builds of its version exclude}
    rows: dict[str, Shape] = {}  # a BOM row's fields a sync writes, by shape (``core.unread.new_row_fields``)
    builds: dict[str, Shape] = {}  # a build's fields of a known shape (``core.unread.new_build_fields``)
    reached: bytes = b""  # pickled frozenset: the parts whose equivalents a check reads (``within_reach_of_takes``)
    named: bytes = b""  # pickled frozenset: every part another file names (``checks.references.parts_named``)
    orders: dict[str, Shape] = {}  # an order's fields of a known shape (``core.unread.new_order_fields``)
    order_lines: dict[str, Shape] = {}  # and its line's
    bom_source: dict[str, Shape] = {}  # a BOM's source, by shape (``core.unread.new_bom_fields``)
    version_fields: dict[str, Shape] = {}  # a project's version entry but its name
    row_defaults: bytes = b""  # pickled {field: its value left out} of a BOM row's other fields (``row_defaults``)


class Facts(NamedTuple):
    """What a full run knew that a light comparison needs: its files' limits, the values its unread fields take
    for certain (:func:`~ctb_files.core.unread.light`), for a check the stock counts (:class:`Counts`), and for
    a clear the lines its plans read (:class:`Unconsulted`)."""

    limits: Limits
    shapes: dict[str, dict[str, Shape]]
    counts: Counts | None = None
    items: dict[str, dict[str, Shape]] | None = None  # fields of listed items neither reads, by shape
    unconsulted: Unconsulted | None = None
    added: Added | None = None  # for a check


class Kept(NamedTuple):
    """What :func:`keep` wrote."""

    key: bytes  # the answer's key
    digests: dict[str, bytes]  # every file's digest at the full run
    facts: Facts | None  # None: the full run's ctb.yaml did not load cleanly
    payload: bytes  # the answer, as its own file holds it


def facts_of(
    inv: Inventory,
    command: str,
    consulted: set[tuple[str, str, str | None]] | None = None,
    looked_up: set[str] | None = None,
) -> Facts | None:
    """The facts of a full ``command`` (``"check"`` or ``"clear"``) that loaded ``inv``; None when its
    ``ctb.yaml`` did not load cleanly.

    A check also keeps what open builds hold of each stock line; a clear,
    given ``consulted`` (the lines whose counts its plans may have read,
    :meth:`~ctb_files.ops.builds.allocate.Allocator.consulted`) and
    ``looked_up`` (the parts whose lines they looked up,
    :meth:`~ctb_files.ops.builds.allocate.Allocator.parts_looked_up`), keeps them.
    """
    from ctb_files.core.unread import item_light, light

    if not inv.settings_valid:
        return None
    limits = inv.settings.limits
    check = command == "check"
    return Facts(
        Limits(**{name: getattr(limits, name) for name in Limits._fields}),
        light(command),
        _counts(inv) if check else None,
        item_light(),
        _unconsulted(inv, consulted, looked_up or set()) if consulted is not None and not check else None,
        _added(inv) if check else None,
    )


def _added(inv: Inventory) -> Added:
    from ctb_files.checks._support import ids_of, known_boms
    from ctb_files.checks.references import parts_named
    from ctb_files.checks.stock import within_reach_of_takes
    from ctb_files.core.unread import (
        new_bom_fields,
        new_build_fields,
        new_order_fields,
        new_part_fields,
        new_row_fields,
        row_defaults,
    )

    known = {kind: frozenset(ids_of(inv, kind)) for kind in KNOWN_KINDS if kind != "bom"}
    known["bom"] = frozenset(f"{project}:{version}" for project, version in known_boms(inv))
    excluded: dict[str, set[int]] = {}
    for build in inv.builds.values():
        if build.exclude:
            excluded.setdefault(layout.bom_path(build.project, build.version), set()).update(build.exclude)
    return Added(
        new_part_fields(),
        pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL),
        pickle.dumps({rel: frozenset(lines) for rel, lines in excluded.items()}, protocol=pickle.HIGHEST_PROTOCOL),
        new_row_fields(),
        new_build_fields(),
        pickle.dumps(within_reach_of_takes(inv), protocol=pickle.HIGHEST_PROTOCOL),
        pickle.dumps(parts_named(inv), protocol=pickle.HIGHEST_PROTOCOL),
        *new_order_fields(),
        *new_bom_fields(),
        pickle.dumps(row_defaults(), protocol=pickle.HIGHEST_PROTOCOL),
    )


#: the kinds of ids a full check keeps, for files added and BOM rows changed since ("bom": ``project:version``)
KNOWN_KINDS = ("part", "package", "vendor", "project", "build", "stock", "order", "bom")


def known_ids(facts: Facts) -> dict[str, frozenset[str]] | None:
    """The ids a full check knew, by kind (:data:`KNOWN_KINDS`); None when it kept none."""
    if facts.added is None:
        return None
    known = pickle.loads(facts.added.known)  # noqa: S301 - our own file, verified
    if type(known) is not dict or not all(type(known.get(kind)) is frozenset for kind in KNOWN_KINDS):
        return None
    return known


def _unconsulted(inv: Inventory, consulted: set[tuple[str, str, str | None]], looked_up: set[str]) -> Unconsulted:
    from ctb_files.core.models.stock import StockLine
    from ctb_files.core.unread import new_line_fields, record_fields

    read: dict[str, set[tuple[str, str | None]]] = {layout.stock_path(location): set() for location in inv.stock}
    for location, part, bin_ in consulted:
        read.setdefault(layout.stock_path(location), set()).add((part, bin_))
    count = record_fields(StockLine, ["quantity"]).get("quantity", Shape("none", True, False))
    return Unconsulted(
        count,
        {rel: pickle.dumps(frozenset(lines), protocol=pickle.HIGHEST_PROTOCOL) for rel, lines in read.items()},
        pickle.dumps(frozenset(looked_up), protocol=pickle.HIGHEST_PROTOCOL),
        new_line_fields(),
    )


def _counts(inv: Inventory) -> Counts:
    from ctb_files.checks._support import ids_of
    from ctb_files.core.models.common import LIMIT
    from ctb_files.core.unread import new_line_fields
    from ctb_files.ops.stock.ledger import ZERO, line_key, reservations_by_line, reserved_lines

    def dumped(value: object) -> bytes:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    reserved = reservations_by_line(inv)
    held = {
        layout.stock_path(location): dumped({i: sum(holders.values(), ZERO) for i, _, holders in lines})
        for location, lines in reserved_lines(inv, reserved).items()
    }
    existing = {line_key(loc, line.part, line.bin) for loc, stock in inv.stock.items() for line in stock.lines}
    orphans: dict[str, set[tuple[str, str | None]]] = {}
    for location, part, bin_ in reserved.keys() - existing:
        orphans.setdefault(layout.stock_path(location), set()).add((part, bin_))
    return Counts(
        LIMIT,
        held,
        dumped(frozenset(ids_of(inv, "part"))),
        {rel: dumped(keys) for rel, keys in orphans.items()},
        new_line_fields(),
    )


def keep(
    path: Path | None,
    magic: bytes,
    key: bytes,
    pieces: Sequence[bytes],
    digests: Mapping[str, bytes],
    facts: Facts | None = None,
) -> None:
    """Keep a full run's answer (``pieces``, as its own file holds them) with every file's digest; errors are ignored.

    ``facts``: given when the run's ``ctb.yaml`` loaded cleanly (:func:`facts_of`).
    """
    try:
        files = pickle.dumps((dict(digests), facts), protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    write_answer(path, magic, key, [len(files).to_bytes(8, "little"), files, *pieces])


def kept(path: Path | None, magic: bytes) -> Kept | None:
    """What :func:`keep` wrote, or None (missing, torn or foreign)."""
    found = read_keyed(path, magic)
    if found is None:
        return None
    key, payload = found
    size = int.from_bytes(payload[:8], "little")
    try:
        digests, facts = pickle.load(io.BytesIO(payload[8 : 8 + size]))  # noqa: S301 - our own file, verified
    except Exception:  # a payload that passed the digest but does not unpickle: none, never trusted
        return None
    if not (isinstance(digests, dict) and all(type(k) is str and type(d) is bytes for k, d in digests.items())):
        return None
    return Kept(key, digests, facts if _facts_shaped(facts) else None, payload[8 + size :])


def _facts_shaped(facts: Any) -> bool:
    if type(facts) is not Facts or type(facts.limits) is not Limits or type(facts.shapes) is not dict:
        return False
    unconsulted = facts.unconsulted
    if unconsulted is not None and not (
        type(unconsulted) is Unconsulted
        and _shape_ok(unconsulted.shape)
        and type(unconsulted.read) is dict
        and all(type(rel) is str and type(piece) is bytes for rel, piece in unconsulted.read.items())
        and type(unconsulted.parts) is bytes
        and _shapes({"": unconsulted.fields})
    ):
        return False
    counts = facts.counts
    if counts is not None and not (
        type(counts) is Counts
        and type(counts.limit) is int
        and type(counts.parts) is bytes
        and all(
            type(found) is dict and all(type(rel) is str and type(piece) is bytes for rel, piece in found.items())
            for found in (counts.held, counts.orphans)
        )
        and _shapes({"": counts.fields})
    ):
        return False
    added = facts.added
    if added is not None and not (
        type(added) is Added
        and type(added.known) is bytes
        and type(added.excluded) is bytes
        and type(added.reached) is bytes
        and type(added.row_defaults) is bytes
        and type(added.named) is bytes
        and _shapes({
            "": added.fields, "rows": added.rows, "builds": added.builds, "orders": added.orders,
            "order_lines": added.order_lines, "bom_source": added.bom_source, "version_fields": added.version_fields,
        })  # fmt: skip
    ):
        return False
    return all(type(n) is int for n in facts.limits) and all(
        _shapes(found) for found in (facts.shapes, facts.items or {})
    )


def _shapes(found: Any) -> bool:
    return type(found) is dict and all(
        type(kind) is str and type(shapes) is dict and all(type(n) is str and _shape_ok(v) for n, v in shapes.items())
        for kind, shapes in found.items()
    )


def _shape_ok(found: Any) -> bool:
    """Whether ``found`` is a :class:`Shape` whose record fields, if any, are shapes too."""
    return (
        type(found) is Shape
        and type(found.fields) is tuple
        and all(type(pair) is tuple and len(pair) == 2 and type(pair[0]) is str and _shape_ok(pair[1]) for pair in found.fields)
    )
