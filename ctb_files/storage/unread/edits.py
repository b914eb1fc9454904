"""Whether changed files differ from the versions a full run read only where it never looks.

:func:`changed_unread` weighs each changed file against its clean version
in the warm cache: first as parsed, without a model (:func:`_text_only`,
which hands counts, BOM rows, orders and projects to their modules), then,
for what that cannot show, validated as a full load would (:func:`_validated`).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic
from ctb_files.storage.unread.common import read_bytes, same
from ctb_files.storage.unread.counts import counts_only, unread_counts
from ctb_files.storage.unread.orders import order_progress
from ctb_files.storage.unread.record import Facts, Kept, known_ids
from ctb_files.storage.unread.rows import quiet_rows, rows_only, rows_synced, versions_added

if TYPE_CHECKING:
    from ctb_files.storage.cache import FileCache


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

    settings = read_bytes(root, layout.SETTINGS, digests) if layout.SETTINGS in digests else None
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
    other field is as it was (or differs only in counts, :func:`counts_only`,
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
    data = read_bytes(root, rel, digests)
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
        and not counts_only(rel, key.kind, before, after, full.facts)
        and not unread_counts(rel, key.kind, before, after, full.facts)
    ):
        verdict = _items_only(key.kind, before, after, full.facts)
        if verdict is False and key.kind == "bom" and full.facts.added is not None and rows_only(before, after):
            # its rows changed: as a sync writes them, or else validated and read as the checks read rows
            verdict = True if rows_synced(rel, before.get("rows"), after.get("rows"), full.facts) else None
        if verdict is False and key.kind == "part" and _links_only(key.id, before, after, full.facts):
            verdict = True  # its package or equivalents, where the command cannot mind
        if verdict is False and key.kind == "order" and order_progress(before, after, full.facts):
            verdict = True  # placed or received, as a check wants it
        if verdict is False and key.kind == "project" and versions_added(before, after, full.facts):
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
    whose lines its plans looked up (:class:`~ctb_files.storage.unread.record.Unconsulted`), so each plan
    ranks the same lines.  A walk from inside never reaches such a part
    before or after, within the hops allowed.  For a check the package, if
    any, is a known one by the id rule (CTB202) and the equivalents known
    parts (CTB201); a clear reads a package for attrition and implicit
    parts, so there it is as it was.
    """
    from ctb_files.core.ids import valid_id

    check = facts.added is not None
    walked = facts.added.reached if facts.added is not None else facts.unconsulted.parts if facts.unconsulted else b""
    known = known_ids(facts)
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
    as the checks read rows (:func:`quiet_rows`)."""
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
        data = read_bytes(root, rel, digests)
        if key is None or then is None or data is None:
            return False
        now, problems = load_alone(inv, rel, key, data)
        if now is None or problems:
            return False
        ignored = unread.get(key.kind, frozenset())
        listed = items.get(key.kind)
        if not same(_without(then, ignored, listed), _without(now, ignored, listed)) and not (
            facts is not None and quiet_rows(inv, rel, key, then, now, facts)
        ):
            return False
    return True


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
