"""For a check: a BOM whose rows changed, a new BOM file, and versions appended to a project's list."""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctb_files.core import paths as layout
from ctb_files.storage.unread.common import parsed, same
from ctb_files.storage.unread.record import Facts, Kept, known_ids

if TYPE_CHECKING:
    from ctb_files.core.models.inventory import Inventory


def rows_only(before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Whether a BOM's data differ at most in its rows."""
    return list(before) == list(after) and all(same(before[name], after[name]) for name in before if name != "rows")


def rows_synced(rel: str, old: Any, new: Any, facts: Facts, also: frozenset[str] = frozenset()) -> bool:
    """For a check: whether a BOM's rows, changed as a sync changes them, leave every check as it was; read
    without a model (:func:`quiet_rows` validates the rows this cannot show).

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

    known, added = known_ids(facts), facts.added
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


def quiet_rows(inv: Inventory, rel: str, key: layout.FileKey, then: bytes, now: bytes, facts: Facts) -> bool:
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

    known = known_ids(facts)
    bom = inv.boms.get((key.id, key.version))
    if key.kind != "bom" or known is None or bom is None or facts.added is None:
        return False
    was, data = pickle.loads(then), pickle.loads(now)  # noqa: S301 - our own cache's entry, data just parsed
    if type(was) is not dict or type(data) is not dict or not rows_only(was, data):
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


def boms_added(
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
    rows as a sync writes them (:func:`rows_synced`: known parts, or
    ``parts`` added with them that no check minds, as a sync adds a
    placeholder for a row it could not match; lines of their own, fields of
    known shapes).  No build can be of the version yet: it would have been
    told its version had no BOM file.
    """
    from ctb_files.core.ids import valid_id
    from ctb_files.core.unread import takes

    facts = full.facts
    known = known_ids(facts) if facts is not None else None
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
        project, data = parsed(root, home, digests, facts), parsed(root, rel, digests, facts)
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
        if not rows_synced(rel, [], data.get("rows", []), facts, frozenset(parts)):
            return False
    return True


def versions_added(before: dict[str, Any], after: dict[str, Any], facts: Facts) -> bool:
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
