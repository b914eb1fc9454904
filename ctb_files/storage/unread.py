"""A full answer that still stands after edits nothing reads: text for people, comments, layout.

``ctb check`` and ``ctb build clear`` keep the answer of their last full run
with the digest of every file it read (``<git dir>/ctb/<name>-files``, under
the answer's key; :func:`keep`).  On a miss, :func:`changed_unread` tells
whether the files as they are now differ from those only where the command
never looks (:func:`~ctb_files.core.unread.unread_by`: for both, the fields
of :data:`~ctb_files.core.unread.UNREAD`; for a check also those of
:data:`~ctb_files.core.unread.UNCHECKED`, such as a build's quantity): then
that answer is the answer now.  It says so only when it can show it:

* the same files are there, ``ctb.yaml`` did not change, and at most
  :data:`MOST_CHANGED` others did (or a quarter of the files, if more);
* each changed file loaded without a problem at the full run (the warm cache
  still holds its data as parsed then) and loads without one now, parsed and
  validated as a full load would;
* the two versions' data are the same but for the unread fields: same
  types, same keys in the same order, numbers written alike (``60`` and
  ``60.0`` differ: messages print numbers as written).

Most such edits are shown without importing a model: the full run keeps,
with the digests, the limits its files were read with and the values its
models take for certain in each unread field (a :class:`~ctb_files.core.
unread.Shape`, read off the compiled schemas: any text, a whole number, a
date, …; :func:`~ctb_files.core.unread.light`).  A changed file parsed with
those limits whose changed unread fields each hold a value of their shape
loads as cleanly as its clean version did, and needs no model to say so;
one that does not parse, or changed elsewhere, cannot.  Only an unread
field now holding something else, or one of no known shape, is validated
as a full load would.

For ``ctb check``, a stock file or a BOM may also differ in its counts
(:data:`COUNTED`): each line or row in its place with every other value as
it was (but a stock line's ``counted_at`` and ``note``, which no check
reads), each changed ``quantity`` a whole number the model takes and, for a
stock line, at least what open builds held of it at the full check (which
kept those amounts, :class:`Counts`).  Lines appended to a stock file
(as ``ctb stock add`` appends a new bin) pass too when no check can object
to them (:func:`_appended`), and so do lines taken out that no open build
held (a bin emptied and dropped; the others found by part and bin,
:func:`_aligned`).  Only whole pieces reads a BOM row's
count, and it and over-reservation a stock count; neither can then object
(:func:`_counts_only`).  A clear's answer stands after counts of lines no
plan read, and after lines of parts no plan looked up came or went
(:func:`_unread_counts`).

A part may also differ in its vendor parts' fields but the vendor (a SKU,
prices), and a stock line in its ``counted_at`` and ``note``, which
neither command reads (:func:`_items_only`): each item in its place with
every field either reads as it was, each changed value of its shape, or
else the file validated as a full load would.

For ``ctb check`` only, a BOM may differ in its rows where no check can
mind (rows as a sync writes them read without a model, :func:`_rows_synced`;
any others after validating the BOM, :func:`_quiet_rows`); part, build, order
and BOM files may have come that no check can say a thing of, and part files
no other file names may have gone (:func:`files_moved`, :func:`added_cleanly`,
:func:`parts_removed`); an order may differ in its status and received counts
(:func:`_order_progress`), and a project in versions appended to its list
(:func:`_versions_added`).  For both commands a part's equivalents may differ
between parts no walk of the full run reached, and for a check its package
too (:func:`_links_only`).

Anything else, including a failure while comparing, is "not shown": the
caller runs in full.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ctb_files.core import paths as layout
from ctb_files.core.unread import Shape
from ctb_files.errors import Diagnostic
from ctb_files.storage import tree
from ctb_files.storage.cachebase import file_digest, read_keyed, write_answer

if TYPE_CHECKING:
    from decimal import Decimal

    from ctb_files.core.models.inventory import Inventory
    from ctb_files.storage.cache import FileCache

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


def _known(facts: Facts) -> dict[str, frozenset[str]] | None:
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


def changed_files(before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> list[str] | None:
    """The files whose bytes changed since ``before`` (none: the files are as the full run read them, whose
    answer then stands as it is); None when files came or went, ctb.yaml changed, or too many did."""
    if before.keys() != digests.keys():
        return None
    changed = sorted(rel for rel, digest in digests.items() if before[rel] != digest)
    if len(changed) > max(MOST_CHANGED, len(digests) // 4) or layout.SETTINGS in changed:
        return None
    return changed


#: the kinds of files that may come since a full check and keep its answer, each with the code of the message
#: of an unknown id of that kind (a full answer with one is never kept: the new file may be the one it named)
ADDABLE = {"part": "CTB201", "build": "CTB207", "order": "", "bom": "CTB208"}  # nothing names an order by its id


def files_moved(before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> tuple[list[str], list[str]] | None:
    """The part and build files there now that were not at the full run, and the part files that went (either
    maybe none), when no file of another kind came or went and no more than may change; else None."""
    added = sorted(digests.keys() - before.keys())
    removed = sorted(before.keys() - digests.keys())
    if len(added) + len(removed) > max(MOST_CHANGED, len(digests) // 4):
        return None
    if any(_kind(rel) not in ADDABLE for rel in added) or any(_kind(rel) != "part" for rel in removed):
        return None
    return added, removed


def parts_removed(full: Kept, removed: list[str]) -> Kept | None:
    """For a check: the full run's record as if the part files ``removed`` had never been, when no check can
    mind that they went; else None.

    The caller has seen that the full answer has nothing in them, names
    none of them, and names no unknown part (whose hint may be one of
    them).  No other file names their parts (:data:`Added`: a reference
    gone unknown, CTB201, or read through: units, takes, over-reservation),
    and no walk from an open build's reserved part or fallback reaches them
    (their equivalents, CTB304).  What they named themselves goes with them,
    and they held no problem.  The record returned knows their ids no more,
    so a file changed or added since that names one is not taken as clean.
    """
    facts = full.facts
    added = facts.added if facts is not None else None
    known = _known(facts) if facts is not None else None
    if facts is None or added is None or known is None or facts.counts is None or not added.named or not added.reached:
        return None
    ids = {key.id for key in map(layout.classify, removed) if key is not None}
    named, reached = pickle.loads(added.named), pickle.loads(added.reached)  # noqa: S301 - our own file, verified
    parts = pickle.loads(facts.counts.parts) if facts.counts.parts else None  # noqa: S301 - as above
    if type(named) is not frozenset or type(reached) is not frozenset or type(parts) is not frozenset:
        return None
    if ids & named or ids & reached:
        return None
    known = {**known, "part": known["part"] - ids}
    counts = facts.counts._replace(parts=pickle.dumps(parts - ids, protocol=pickle.HIGHEST_PROTOCOL))
    added = added._replace(known=pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))
    return full._replace(facts=facts._replace(counts=counts, added=added))


def added_cleanly(
    root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes], named: set[str]
) -> bool:
    """Whether each new part, build, order or BOM file of ``added`` loads without a problem, and no check can say
    a thing of it (:func:`parts_added_cleanly`, :func:`_builds_added`, :func:`_orders_added`, :func:`_boms_added`).

    The full check's answer must name no unknown id of the kinds added
    (:data:`ADDABLE`; a caller's test).  ``named``: the files its
    diagnostics are in.
    """
    parts = [rel for rel in added if _kind(rel) == "part"]
    builds = [rel for rel in added if _kind(rel) == "build"]
    orders = [rel for rel in added if _kind(rel) == "order"]
    boms = [rel for rel in added if _kind(rel) == "bom"]
    if len(parts) + len(builds) + len(orders) + len(boms) != len(added):
        return False
    return (
        (not parts or parts_added_cleanly(root, parts, full, digests))
        and (not builds or _builds_added(root, builds, full, digests, named))
        and (not orders or _orders_added(root, orders, full, digests))
        and (not boms or _boms_added(root, boms, full, digests, named, {_key_id(rel) for rel in parts}))
    )


def _key_id(rel: str) -> str:
    key = layout.classify(rel)
    return key.id if key is not None else ""


def _kind(rel: str) -> str | None:
    key = layout.classify(rel)
    return key.kind if key is not None else None


def unknown_codes(added: list[str]) -> set[str]:
    """The codes of the messages of unknown ids of the kinds of files ``added`` (:data:`ADDABLE`)."""
    return {ADDABLE[kind] for kind in map(_kind, added) if kind in ADDABLE and ADDABLE[kind]}


def parts_added_cleanly(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    """Whether each new part file of ``added`` loads without a problem, and no check can say a thing of it.

    The full check's answer must name no unknown part (CTB201; a caller's
    test): then nothing refers to a part that was not there, and no hint
    of such a message can change.  Each new part is read as the loader
    reads it, with the full check's limits, and:

    * its id is one by the id rule, of a part no other differs from only
      by case (CTB214);
    * every field it gives is one of a shape its model takes for certain,
      holding a value of that shape (:data:`Added`), or its package (a known
      one, CTB202), its vendor parts (each of a known vendor, CTB203, and
      of fields of a known shape) or no equivalents; it has no assembly
      BOM and no attrition (CTB405 reads it).

    So it loads as cleanly, nothing refers to it, it refers to nothing a
    check would object to, and every check says what it said.
    """
    try:
        return _parts_added(root, added, full, digests)
    except Exception:  # noqa: BLE001 - what cannot be shown is checked in full, never a crash here
        return False


def _new_ids(
    root: Path, added: list[str], digests: Mapping[str, bytes], known: frozenset[str]
) -> list[tuple[str, layout.FileKey, bytes]] | None:
    """Each file of ``added`` with its key and bytes, when each id is one by the id rule and no known id of its
    kind (``known``), nor another added one, differs from it only by case (CTB214); else None."""
    from ctb_files.core.ids import valid_id

    folded = {ident.casefold() for ident in known}
    out = []
    for rel in added:
        key = layout.classify(rel)
        data = _read(root, rel, digests)
        if key is None or data is None or not valid_id(key.id) or key.id.casefold() in folded:
            return None
        folded.add(key.id.casefold())
        out.append((rel, key, data))
    return out


def _parts_added(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    facts = full.facts
    known = _known(facts) if facts is not None else None
    found = _new_ids(root, added, digests, known["part"]) if known is not None else None
    if facts is None or known is None or found is None:
        return False
    for rel, _key, data in found:
        try:
            now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
        except YamlProblem:
            return False
        if isinstance(now, Diagnostic) or not _new_part(now, facts, known["package"], known["vendor"]):
            return False
    return True


def _builds_added(
    root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes], named: set[str]
) -> bool:
    """Whether each new build file loads without a problem, holds nothing, and no check can say a thing of it.

    The full answer names no unknown build (CTB207): no order's line was
    for it, and no hint can change.  Each is validated, of an id by the id
    rule that no known build's differs from only by case (CTB214); it
    holds nothing and lists nothing a clear writes (no reservations,
    shortages or assemblies: no take for CTB301-304 to weigh) and excludes
    no line (CTB210); its project's version has a BOM file the full answer
    says nothing of (so the project is known and lists the version: CTB205,
    CTB206, CTB208).  And every check, run on the build alone with the ids
    the full check knew, says nothing of it (its status, fallbacks).  A
    build as ``ctb build new`` writes it is shown so without a model
    (:func:`_build_written`).
    """
    facts = full.facts
    known = _known(facts) if facts is not None else None
    found = _new_ids(root, added, digests, known["build"]) if known is not None else None
    if facts is None or known is None or found is None:
        return False
    if all(_build_written(rel, data, facts, known["bom"], named) for rel, _key, data in found):
        return True
    from ctb_files.checks import run_checks
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.storage.loader import load_alone

    settings = _read(root, layout.SETTINGS, digests)
    if settings is None:
        return False
    inv = Inventory()
    if load_alone(inv, layout.SETTINGS, layout.FileKey("settings"), settings)[1]:
        return False
    for rel, key, data in found:
        now, problems = load_alone(inv, rel, key, data)
        build = inv.builds.get(key.id)
        if now is None or problems or build is None:
            return False
        if build.reservations or build.shortages or build.assemblies or build.exclude:
            return False
        if f"{build.project}:{build.version}" not in known["bom"] or layout.bom_path(build.project, build.version) in named:
            return False
    alone = Inventory(settings=inv.settings, builds=dict(inv.builds), seen={k: set(v) for k, v in known.items()})
    return not any(d.path in added for d in run_checks(alone))


def _build_written(rel: str, data: bytes, facts: Facts, boms: frozenset[str], named: set[str]) -> bool:
    """Whether a new build file, read without its model, is one no check can say a thing of.

    Read as the loader reads it, with the full check's limits: its project
    and version are ids by the id rule whose BOM a check knew (``boms``:
    ``project:version``) and says nothing of (``named``: the files the full
    answer's diagnostics are in); every other field it gives is one of a
    known shape holding a value of it (:data:`Added`), so it holds nothing a
    clear writes, excludes no line and has no fallbacks; and its status is
    not ``short``, which needs shortages (CTB503).
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    assert facts.added is not None
    shapes = facts.added.builds
    try:
        now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
    except YamlProblem:
        return False
    if isinstance(now, Diagnostic) or not shapes or not now.keys() - {"project", "version"} <= shapes.keys():
        return False
    project, version = now.get("project"), now.get("version")
    if type(project) is not str or type(version) is not str or not valid_id(project) or not valid_id(version):
        return False
    if f"{project}:{version}" not in boms or layout.bom_path(project, version) in named or now.get("status") == "short":
        return False
    return all(takes(shape, name in now, now.get(name)) for name, shape in shapes.items())


def _new_part(data: dict[str, Any], facts: Facts, packages: frozenset[str], vendors: frozenset[str]) -> bool:
    """Whether a new part file's data load as its model would take them, and give a check nothing to say."""
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    assert facts.added is not None
    fields = facts.added.fields
    offers = (facts.items or {}).get("part", {})  # a vendor part's fields but its vendor, by shape
    for name, value in data.items():
        if name == "package":
            ok = value is None or (type(value) is str and valid_id(value) and value in packages)
        elif name == "equivalents":
            ok = value == [] and type(value) is list
        elif name == "vendor_parts":
            ok = type(value) is list and all(
                type(item) is dict
                and type(item.get("vendor")) is str
                and valid_id(item["vendor"])
                and item["vendor"] in vendors
                and item.keys() - {"vendor"} <= offers.keys()
                and all(takes(shape, field in item, item.get(field)) for field, shape in offers.items())
                for item in value
            )
        elif name == "attrition":
            ok = value is None  # a negative one is a check's to report
        else:  # the assembly's bom, a key the model does not take, or a field of no known shape
            ok = name in fields and takes(fields[name], True, value)
        if not ok:
            return False
    return all(name in data or not shape.required for name, shape in fields.items())


def changed_unread(
    root: Path,
    changed: list[str],
    full: Kept,
    digests: Mapping[str, bytes],
    unread: Mapping[str, frozenset[str]],
    items: Mapping[str, tuple[str, frozenset[str]]] | None = None,
) -> bool:
    """Whether each of ``changed`` loaded without a problem before and now, its data differing only where nothing reads.

    ``full``: the full run's record; ``digests``: every file's digest now;
    ``unread``: by kind, the top-level fields the command never reads
    (:func:`~ctb_files.core.unread.unread_by`); ``items``: by kind, the
    fields of listed items it never reads either (a check's:
    :data:`~ctb_files.core.unread.ITEM_UNREAD`).
    """
    try:
        return _only_unread(root, changed, full, digests, unread, items or {})
    except Exception:  # noqa: BLE001 - what cannot be shown unchanged is run in full, never a crash here
        return False


def _only_unread(
    root: Path,
    changed: list[str],
    full: Kept,
    digests: Mapping[str, bytes],
    unread: Mapping[str, frozenset[str]],
    items: Mapping[str, tuple[str, frozenset[str]]],
) -> bool:
    # here: a stored answer found at once imports nothing heavy
    from ctb_files.storage.cache import FileCache

    settings = _read(root, layout.SETTINGS, digests) if layout.SETTINGS in digests else None
    if settings is None and layout.SETTINGS in digests:
        return False
    cache = FileCache.open(root, settings)
    if cache is None:
        return False
    try:
        undecided = changed
        if full.facts is not None:
            undecided = []
            for rel in changed:
                verdict = _text_only(root, rel, full, digests, cache, unread)
                if verdict is False:
                    return False  # a file that does not load now, or changed where something reads
                if verdict is None:
                    undecided.append(rel)
            if not undecided:
                return True  # shown without a model
        return _validated(root, undecided, full.digests, digests, settings, cache, unread, items, full.facts)
    finally:
        cache.close()


def _text_only(
    root: Path, rel: str, full: Kept, digests: Mapping[str, bytes], cache: FileCache, unread: Mapping[str, frozenset[str]]
) -> bool | None:
    """Whether ``rel`` now differs from its clean version only in unread fields, each of a value its model takes.

    Read as the loader reads it, with the full run's limits.  True: every
    other field is as it was (or differs only in counts, :func:`_counts_only`,
    or in fields of its items no check reads, :func:`_items_only`),
    and each unread one that changed holds a value of its field's shape
    (:func:`~ctb_files.core.unread.takes`: text which UTF-8 can write, a
    whole number, a date, …), so the model takes it as it took the clean
    version.  False: it does not parse now, or another field changed; no
    validation could show it unchanged.  None: a changed unread field has
    no known shape, or holds something else (or the clean version is not at
    hand): only validating can tell.
    """
    from ctb_files.core.unread import takes
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    assert full.facts is not None
    key = layout.classify(rel)
    then = cache.kept(rel, full.digests[rel])
    data = _read(root, rel, digests)
    if key is None or then is None or data is None:
        return None
    limits = full.facts.limits
    try:
        now = file_data(load_fast(data, rel, limits), rel, limits.name)
    except YamlProblem:
        return False
    if isinstance(now, Diagnostic):
        return False
    ignored = unread.get(key.kind, frozenset())
    was = pickle.loads(then)  # noqa: S301 - our own cache's entry
    before = {k: v for k, v in was.items() if k not in ignored}
    after = {k: v for k, v in now.items() if k not in ignored}
    if (
        not same(before, after)
        and not _counts_only(rel, key.kind, before, after, full.facts)
        and not _unread_counts(rel, key.kind, before, after, full.facts)
    ):
        verdict = _items_only(key.kind, before, after, full.facts)
        if verdict is False and key.kind == "bom" and full.facts.added is not None and _rows_only(before, after):
            # its rows changed: as a sync writes them, or else validated and read as the checks read rows
            verdict = True if _rows_synced(rel, before.get("rows"), after.get("rows"), full.facts) else None
        if verdict is False and key.kind == "part" and _links_only(key.id, before, after, full.facts):
            verdict = True  # its package or equivalents, where the command cannot mind
        if verdict is False and key.kind == "order" and _order_progress(before, after, full.facts):
            verdict = True  # placed or received, as a check wants it
        if verdict is False and key.kind == "project" and _versions_added(before, after, full.facts):
            verdict = True  # a version listed to sync
        if verdict is not True:
            return verdict  # another field changed (False), or an item's field only validating can tell (None)
    shapes = full.facts.shapes.get(key.kind, {})
    for name in ignored & (was.keys() | now.keys()):
        if name in was and name in now and same(was[name], now[name]):
            continue  # as the model took it then
        shape = shapes.get(name)
        if shape is None or not takes(shape, name in now, now.get(name)):
            return None
    return True


#: the counts a light comparison may find changed, by kind of file: the list holding them and the least
#: count the model takes (a stock line may hold none; a BOM row asks for at least one)
COUNTED = {"stock": ("lines", 0), "bom": ("rows", 1)}


def _counts_only(rel: str, kind: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
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


def _unread_counts(rel: str, kind: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
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

    The same plans come out (:class:`Unconsulted`).
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


def _items_only(kind: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool | None:
    """Whether a file's data differ only in fields of its listed items that neither a check nor a clear reads.

    Such as a vendor part's SKU or price breaks, or a stock line's date of count
    (:data:`~ctb_files.core.unread.ITEM_UNREAD`).  ``before``, ``after``:
    its data (unread fields left out) at the full check and now.  True:
    every item keeps its place and each field a check reads, and each
    changed field holds a value of its shape.  False: anything else changed.
    None: a changed field has no known shape (a currency, an order minimum)
    or holds something else; only validating can tell whether the file still
    loads cleanly.
    """
    from ctb_files.core.unread import ITEM_UNREAD, takes

    spec = ITEM_UNREAD.get(kind)
    if spec is None or facts.items is None or list(before) != list(after):
        return False
    items, names = spec
    if not all(same(before[name], after[name]) for name in before if name != items):
        return False
    old, new = before.get(items), after.get(items)
    if type(old) is not list or type(new) is not list or len(old) != len(new):
        return False
    shapes = facts.items.get(kind, {})
    verdict: bool | None = True
    for was, now in zip(old, new, strict=True):
        if same(was, now):
            continue
        if type(was) is not dict or type(now) is not dict:
            return False
        read = [name for name in was if name not in names]
        if read != [name for name in now if name not in names] or not all(same(was[name], now[name]) for name in read):
            return False
        for name in names & (was.keys() | now.keys()):
            if (name in was) == (name in now) and (name not in now or same(was[name], now[name])):
                continue  # as the record took it then
            shape = shapes.get(name)
            if shape is None or not takes(shape, name in now, now.get(name)):
                verdict = None
    return verdict


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


def _validated(
    root: Path,
    changed: list[str],
    before: Mapping[str, bytes],
    digests: Mapping[str, bytes],
    settings: bytes | None,
    cache: FileCache,
    unread: Mapping[str, frozenset[str]],
    items: Mapping[str, tuple[str, frozenset[str]]],
    facts: Facts | None = None,
) -> bool:
    """:func:`changed_unread` with each changed file loaded and validated as a full load would.

    ``facts``: the full run's; for a check, a BOM whose rows changed is read
    as the checks read rows (:func:`_quiet_rows`)."""
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.storage.loader import load_alone

    inv = Inventory()
    if settings is not None:  # its limits apply to the files read below, as in a full load
        then, problems = load_alone(inv, layout.SETTINGS, layout.FileKey("settings"), settings)
        if then is None or problems:
            return False
    for rel in changed:
        key = layout.classify(rel)
        then = cache.kept(rel, before[rel])
        data = _read(root, rel, digests)
        if key is None or then is None or data is None:
            return False
        now, problems = load_alone(inv, rel, key, data)
        if now is None or problems:
            return False
        ignored = unread.get(key.kind, frozenset())
        listed = items.get(key.kind)
        if not same(_without(then, ignored, listed), _without(now, ignored, listed)) and not (
            facts is not None and _quiet_rows(inv, rel, key, then, now, facts)
        ):
            return False
    return True


def _rows_only(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a BOM's data differ at most in its rows."""
    return list(before) == list(after) and all(same(before[name], after[name]) for name in before if name != "rows")


def _rows_synced(rel: str, old: Any, new: Any, facts: Facts, also: frozenset[str] = frozenset()) -> bool:
    """For a check: whether a BOM's rows, changed as a sync changes them, leave every check as it was; read
    without a model (:func:`_quiet_rows` validates the rows this cannot show).

    ``old``, ``new``: its rows as parsed at the full check (which said
    nothing of the file) and now.  Each row now is one of the old rows
    (maybe elsewhere: the checks said nothing of it, and say it again), or
    one a sync writes: its line, a known part or none, and only fields of
    :data:`~ctb_files.core.unread.ROW_FIELDS`, each of its shape (so its
    record takes it as it is, with a whole count), or other fields at the
    value they hold when left out (``substitute: null``, ``ext: {}``:
    :func:`~ctb_files.core.unread.row_defaults`).  No two rows share a line
    (CTB212), and each line builds exclude is in it or not as before (CTB210).
    The other checks read a row with its part only through a unit, an
    attrition, a setup, extension fields, flags, a substitute or a fraction
    of a count (CTB403, CTB405, CTB406, CTB45x, CTB404, CTB305), which such a
    row does not have; nor does a check read which rows a BOM holds.
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    known, added = _known(facts), facts.added
    if known is None or added is None or not added.rows or type(old) is not list or type(new) is not list:
        return False
    parts, shapes = known["part"] | also, added.rows
    defaults = pickle.loads(added.row_defaults) if added.row_defaults else {}  # noqa: S301 - our own file, verified
    kept = {pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL) for row in old}
    for row in new:
        if pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL) in kept:
            continue
        if type(row) is not dict or type(row.get("line")) is not int or type(defaults) is not dict:
            return False
        if not all(name in shapes or (name in defaults and same(row[name], defaults[name])) for name in row.keys() - {"part"}):
            return False
        part = row.get("part")
        if part is not None and (type(part) is not str or not valid_id(part) or part not in parts):
            return False
        if not all(takes(shape, name in row, row.get(name)) for name, shape in shapes.items()):
            return False
    then, now = _row_lines(old), _row_lines(new)
    if then is None or now is None:
        return False
    own = [line for line, implicit in now if not implicit]  # an implicit row's line is nobody's (CTB212)
    if len(set(own)) != len(own):
        return False
    excluded = pickle.loads(added.excluded).get(rel, frozenset()) if added.excluded else frozenset()  # noqa: S301
    was, lines = {line for line, _ in then}, {line for line, _ in now}
    return not any((number in was) != (number in lines) for number in excluded)


def _order_progress(before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """For a check: whether an order's data differ only in its status and its lines' received counts, where no
    check can mind (as ``ctb order place`` and ``ctb order receive`` change it; their moments no check reads).

    ``before``, ``after``: its data at the full check (which said nothing of
    it) and now, fields no check reads left out.  Each line keeps every other
    field; each received count is a whole number its record takes (CTB305)
    and at most the line's count, itself a whole number (CTB504); the status
    is one the model takes, and ``received`` only when every line is
    (CTB505).  Nothing else a check reads of an order changed: its vendor,
    parts and builds (CTB201, CTB203, CTB207).
    """
    from ctb_files.core.unread import takes

    added = facts.added
    status = added.orders.get("status") if added is not None else None
    received = added.order_lines.get("received") if added is not None else None
    if status is None or received is None:
        return False
    rest = [name for name in before if name not in ("status", "lines")]
    if rest != [name for name in after if name not in ("status", "lines")] or not all(
        same(before[n], after[n]) for n in rest
    ):
        return False
    old, new = before.get("lines", []), after.get("lines", [])
    if not takes(status, "status" in after, after.get("status")) or type(old) is not list or type(new) is not list:
        return False
    if len(old) != len(new):
        return False
    done = True
    for was, now in zip(old, new, strict=True):
        if type(was) is not dict or type(now) is not dict:
            return False
        kept = [name for name in was if name != "received"]
        if kept != [name for name in now if name != "received"] or not all(same(was[n], now[n]) for n in kept):
            return False
        complete = _received(now, received)
        if complete is None:
            return False
        done = done and complete
    return after.get("status") != "received" or done


def _boms_added(
    root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes], named: set[str], parts: set[str]
) -> bool:
    """For a check: whether each new BOM file, read without a model, is one no check can say a thing of.

    As ``ctb project sync`` writes one for a version its project lists: the
    full answer names no version without a BOM file (CTB208; a caller's
    test) and nothing in or of the project's file, whose data now list the
    version (CTB206); the project is known (CTB205) and no known version of
    it differs from this one only by case (CTB214); the file's project and
    version are its folder's and its name (CTB209); its source, if any, has
    fields of a known shape each holding a value of it; and its rows are
    rows as a sync writes them (:func:`_rows_synced`: known parts, or
    ``parts`` added with them that no check minds, as a sync adds a
    placeholder for a row it could not match; lines of their own, fields of
    known shapes).  No build can be of the version yet: it would have been
    told its version had no BOM file.
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    facts = full.facts
    known = _known(facts) if facts is not None else None
    if facts is None or facts.added is None or known is None or not facts.added.bom_source:
        return False
    folded = {bom.casefold() for bom in known["bom"]}
    for rel in added:
        key = layout.classify(rel)
        if key is None or key.version is None or not valid_id(key.id) or not valid_id(key.version):
            return False
        home = layout.project_path(key.id)
        if key.id not in known["project"] or home in named or f"{key.id}:{key.version}".casefold() in folded:
            return False
        folded.add(f"{key.id}:{key.version}".casefold())
        project, data = _parsed(root, home, digests, facts), _parsed(root, rel, digests, facts)
        versions = project.get("versions") if project is not None else None
        if data is None or type(versions) is not list:
            return False
        if not any(type(entry) is dict and entry.get("name") == key.version for entry in versions):
            return False
        if not data.keys() <= {"project", "version", "source", "rows"}:
            return False
        if data.get("project") != key.id or data.get("version") != key.version:
            return False
        source = data.get("source")
        shapes = facts.added.bom_source
        if source is not None and (
            type(source) is not dict
            or not source.keys() <= shapes.keys()
            or not all(takes(shape, name in source, source.get(name)) for name, shape in shapes.items())
        ):
            return False
        if not _rows_synced(rel, [], data.get("rows", []), facts, frozenset(parts)):
            return False
    return True


def _parsed(root: Path, rel: str, digests: Mapping[str, bytes], facts: Facts) -> dict[str, Any] | None:
    """``rel``'s data, read as the loader reads it with the full run's limits; None when it does not parse."""
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    data = _read(root, rel, digests)
    if data is None:
        return None
    try:
        now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
    except YamlProblem:
        return None
    return None if isinstance(now, Diagnostic) else now


def _versions_added(before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """For a check: whether a project's data differ only in versions appended to its list, as a person or a
    command adds one to sync: each an id by the id rule no other version of it has (CTB213), with other
    fields of a known shape.  A version listed can only make a message of one not listed go (CTB206), and
    the full answer names nothing of the project's file."""
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    shapes = facts.added.version_fields if facts.added is not None else {}
    rest = [name for name in before if name != "versions"]
    if not shapes or rest != [name for name in after if name != "versions"]:
        return False
    if not all(same(before[n], after[n]) for n in rest):
        return False
    old, new = before.get("versions", []), after.get("versions", [])
    if type(old) is not list or type(new) is not list or len(new) < len(old) or not same(old, new[: len(old)]):
        return False
    names = {entry.get("name") for entry in old if type(entry) is dict}
    for entry in new[len(old) :]:
        if type(entry) is not dict or not entry.keys() - {"name"} <= shapes.keys():
            return False
        name = entry.get("name")
        if type(name) is not str or not valid_id(name) or name in names:
            return False
        names.add(name)
        if not all(takes(shape, n in entry, entry.get(n)) for n, shape in shapes.items()):
            return False
    return True


def _received(line: dict[str, Any], shape: Shape) -> bool | None:
    """Whether an order line received all it ordered; None when no check can be shown to say nothing of its
    counts: each a whole number (CTB305), the received one of its ``shape`` and at most the count (CTB504)."""
    from ctb_files.core.unread import takes

    count, got = line.get("quantity"), line.get("received", 0)
    if type(count) is not int or type(got) is not int or not takes(shape, "received" in line, line.get("received")):
        return None
    return got == count if got <= count else None


def _orders_added(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    """For a check: whether each new order file, read without a model, is one no check can say a thing of.

    As ``ctb order generate`` writes one: its id is one by the id rule no
    known order's differs from only by case (CTB214); it names a known
    vendor (CTB203); each line a known part (CTB201) and, in ``for``, known
    builds (CTB207) with whole counts; every other field, of the order and of
    its lines, is one of a known shape holding a value of it (:data:`Added`);
    each line's counts are whole, what it received at most what it ordered
    (CTB305, CTB504), and the order is ``received`` only when every line is
    (CTB505).  Nothing refers to an order's id.
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    facts = full.facts
    known = _known(facts) if facts is not None else None
    found = _new_ids(root, added, digests, known["order"]) if known is not None else None
    if facts is None or facts.added is None or known is None or found is None:
        return False
    shapes, line_shapes = facts.added.orders, facts.added.order_lines
    received = line_shapes.get("received")
    if not shapes or received is None:
        return False

    def an_id(value: Any, kind: str) -> bool:
        return type(value) is str and valid_id(value) and value in known[kind]

    for rel, _key, data in found:
        try:
            now = file_data(load_fast(data, rel, facts.limits), rel, facts.limits.name)
        except YamlProblem:
            return False
        if isinstance(now, Diagnostic) or not now.keys() - {"vendor", "lines"} <= shapes.keys():
            return False
        lines = now.get("lines", [])
        if not an_id(now.get("vendor"), "vendor") or type(lines) is not list:
            return False
        if not all(takes(shape, name in now, now.get(name)) for name, shape in shapes.items()):
            return False
        done = True
        for line in lines:
            if type(line) is not dict or not line.keys() - {"part", "for"} <= line_shapes.keys():
                return False
            wanted = line.get("for", {})
            if not an_id(line.get("part"), "part") or type(wanted) is not dict:
                return False
            if not all(an_id(build, "build") and takes(received, True, count) for build, count in wanted.items()):
                return False
            if not all(takes(shape, name in line, line.get(name)) for name, shape in line_shapes.items()):
                return False
            complete = _received(line, received)
            if complete is None:
                return False
            done = done and complete
        if now.get("status") == "received" and not done:
            return False
    return True


#: a part's fields that name other files: a check reads its package only for CTB202, and its equivalents
#: for CTB201 and where an open build's takes may reach (:func:`~ctb_files.checks.stock.take_parts`)
LINKS = ("package", "equivalents")


def _links_only(ident: str, before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
    """Whether a part's data differ only in its package or its equivalents, where the command cannot mind.

    ``before``, ``after``: its data at the full run (which said nothing of
    it) and now, unread fields left out.  Its equivalents are a list of ids
    by the id rule and, if they changed, neither the part nor any equivalent
    it had or has lies where the full run walked the equivalents: for a
    check, within reach of an open build's reserved part or fallback, so
    every take is weighed as before (CTB304); for a clear, among the parts
    whose lines its plans looked up (:class:`Unconsulted`), so each plan
    ranks the same lines.  A walk from inside never reaches such a part
    before or after, within the hops allowed.  For a check the package, if
    any, is a known one by the id rule (CTB202) and the equivalents known
    parts (CTB201); a clear reads a package for attrition and implicit
    parts, so there it is as it was.
    """
    from ctb_files.core.ids import valid_id

    check = facts.added is not None
    walked = facts.added.reached if facts.added is not None else facts.unconsulted.parts if facts.unconsulted else b""
    known = _known(facts)
    if not walked or (check and known is None):
        return False
    rest = [name for name in before if name not in LINKS]
    if rest != [name for name in after if name not in LINKS] or not all(same(before[n], after[n]) for n in rest):
        return False
    package = after.get("package")
    if known is None:
        if ("package" in before) != ("package" in after) or not same(before.get("package"), package):
            return False
    elif package is not None and (type(package) is not str or not valid_id(package) or package not in known["package"]):
        return False
    old, new = before.get("equivalents", []), after.get("equivalents", [])
    if type(old) is not list or type(new) is not list:
        return False
    if not all(type(other) is str and valid_id(other) and (known is None or other in known["part"]) for other in new):
        return False
    if same(old, new):
        return True
    reached = pickle.loads(walked)  # noqa: S301 - our own file, verified
    return type(reached) is frozenset and not any(part in reached for part in (ident, *old, *new))


def _row_lines(rows: list[Any]) -> list[tuple[int, bool]] | None:
    """Each BOM row's line number as parsed, and whether the row is implicit, for the rows that give one; None
    where a line or a mark of implicit is not written plainly (the model could read it otherwise: ``"5"``)."""
    out: list[tuple[int, bool]] = []
    for row in rows:
        if type(row) is not dict:
            return None
        implicit, line = row.get("implicit", False), row.get("line")
        if type(implicit) is not bool or (line is not None and type(line) is not int):
            return None
        if line is not None:
            out.append((line, implicit))
    return out


def _quiet_rows(inv: Inventory, rel: str, key: layout.FileKey, then: bytes, now: bytes, facts: Facts) -> bool:
    """For a check: whether a BOM that changed only in its rows (validated: its model is in ``inv``) leaves every
    check as it was.

    ``then``, ``now``: its data at the full check and now, pickled.  Each row
    now asks for known parts (or none), in its part's own unit (no ``unit``),
    a whole quantity, with no attrition, setup, extension fields or flags:
    then no check that reads a row with its part (CTB403, CTB305, CTB405,
    CTB406, the extensions, CTB404) has anything to say of it.  A row as it
    was in the old rows (maybe elsewhere) is said of what was said: nothing.  The lines
    builds exclude are in it as they were in the old rows (CTB210 of their
    build files).  And every check, run on this BOM alone with the ids the
    full check knew (CTB201, duplicate lines CTB212, its project and version),
    says nothing of it.
    """
    from ctb_files.checks import run_checks
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.core.units import is_whole

    known = _known(facts)
    bom = inv.boms.get((key.id, key.version))
    if key.kind != "bom" or known is None or bom is None or facts.added is None:
        return False
    was, data = pickle.loads(then), pickle.loads(now)  # noqa: S301 - our own cache's entry, data just parsed
    if type(was) is not dict or type(data) is not dict or not _rows_only(was, data):
        return False
    parts = known["part"]
    rows = data.get("rows")
    if type(rows) is not list or len(rows) != len(bom.rows):
        return False
    kept = {pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL) for row in was.get("rows") or ()}
    for raw, row in zip(rows, bom.rows, strict=True):
        if pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL) in kept:
            continue  # a row as it was (maybe elsewhere): the checks said nothing of it, and say it again
        if row.unit is not None or row.attrition is not None or row.setup or row.ext or row.flags:
            return False
        if not is_whole(row.quantity) or any(ident is not None and ident not in parts for ident in (row.part, row.substitute)):
            return False
    excluded = pickle.loads(facts.added.excluded).get(rel, frozenset()) if facts.added.excluded else frozenset()  # noqa: S301
    if excluded:
        old = {row.get("line") for row in was.get("rows", ()) if type(row) is dict}
        new = {row.line for row in bom.rows if row.line is not None}
        if any((number in old) != (number in new) for number in excluded):
            return False
    alone = Inventory(settings=inv.settings, boms={(key.id, key.version): bom}, seen={k: set(v) for k, v in known.items()})
    return not any(d.path == rel for d in run_checks(alone))


def _read(root: Path, rel: str, digests: Mapping[str, bytes]) -> bytes | None:
    """The bytes of ``rel`` when they are a regular file's, not a link's, and still the ones of its digest."""
    full = root / rel
    if os.path.islink(full):
        return None
    found = tree.read_file(os.fspath(full))
    if found is None or file_digest(found[1]) != digests.get(rel):
        return None
    return found[1]


def _without(pickled: bytes, unread: frozenset[str], items: tuple[str, frozenset[str]] | None = None) -> dict[str, Any]:
    """A file's data from its pickle, without the top-level fields ``unread`` nor, in the list ``items`` names,
    its items' fields it names."""
    data = pickle.loads(pickled)  # noqa: S301 - our own cache's entry, or data just parsed
    out = {k: v for k, v in data.items() if k not in unread}
    if items is not None and type(out.get(items[0])) is list:
        names = items[1]
        out[items[0]] = [
            {k: v for k, v in item.items() if k not in names} if type(item) is dict else item for item in out[items[0]]
        ]
    return out


def same(a: Any, b: Any) -> bool:
    """Equal data, written alike: the same types, keys in the same order, ``1.0`` not ``1.00``."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(same, a, b))
    return repr(a) == repr(b)
