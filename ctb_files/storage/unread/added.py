"""For a check: new part, build, order and BOM files no check can say a thing of."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic
from ctb_files.storage.unread.common import key_id, kind_of, new_ids, read_bytes
from ctb_files.storage.unread.orders import orders_added
from ctb_files.storage.unread.record import Facts, Kept, known_ids
from ctb_files.storage.unread.rows import boms_added


def added_cleanly(
    root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes], named: set[str]
) -> bool:
    """Whether each new part, build, order or BOM file of ``added`` loads without a problem, and no check can say
    a thing of it (:func:`parts_added_cleanly`, :func:`builds_added`, :func:`orders_added`, :func:`boms_added`).

    The full check's answer must name no unknown id of the kinds added
    (:data:`~ctb_files.storage.unread.files.ADDABLE`; a caller's test).  ``named``: the files its
    diagnostics are in.
    """
    parts = [rel for rel in added if kind_of(rel) == "part"]
    builds = [rel for rel in added if kind_of(rel) == "build"]
    orders = [rel for rel in added if kind_of(rel) == "order"]
    boms = [rel for rel in added if kind_of(rel) == "bom"]
    if len(parts) + len(builds) + len(orders) + len(boms) != len(added):
        return False
    return (
        (not parts or parts_added_cleanly(root, parts, full, digests))
        and (not builds or builds_added(root, builds, full, digests, named))
        and (not orders or orders_added(root, orders, full, digests))
        and (not boms or boms_added(root, boms, full, digests, named, {key_id(rel) for rel in parts}))
    )


def parts_added_cleanly(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    """Whether each new part file of ``added`` loads without a problem, and no check can say a thing of it.

    The full check's answer must name no unknown part (CTB201; a caller's
    test): then nothing refers to a part that was not there, and no hint
    of such a message can change.  Each new part is read as the loader
    reads it, with the full check's limits, and:

    * its id is one by the id rule, of a part no other differs from only
      by case (CTB214);
    * every field it gives is one of a shape its model takes for certain,
      holding a value of that shape (:class:`~ctb_files.storage.unread.record.Added`), or its package (a known
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


def _parts_added(root: Path, added: list[str], full: Kept, digests: Mapping[str, bytes]) -> bool:
    from ctb_files.storage.filedata import file_data
    from ctb_files.storage.yaml.read import YamlProblem, load_fast

    facts = full.facts
    known = known_ids(facts) if facts is not None else None
    found = new_ids(root, added, digests, known["part"]) if known is not None else None
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


def builds_added(
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
    known = known_ids(facts) if facts is not None else None
    found = new_ids(root, added, digests, known["build"]) if known is not None else None
    if facts is None or known is None or found is None:
        return False
    if all(_build_written(rel, data, facts, known["bom"], named) for rel, _key, data in found):
        return True
    from ctb_files.checks import run_checks
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.storage.loader import load_alone

    settings = read_bytes(root, layout.SETTINGS, digests)
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
    known shape holding a value of it (:class:`~ctb_files.storage.unread.record.Added`), so it holds nothing a
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
