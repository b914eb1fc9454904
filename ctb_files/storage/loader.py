"""Read a whole repository into one :class:`Inventory` plus every problem found.

Never stops at the first bad file: each file is parsed and validated on its
own, and problems are collected as :class:`Diagnostic` values.  Line numbers
are filled in afterwards by :func:`locate_all`, which parses only the files
that have something to report a second time (libyaml's composer, positions
without building data).  The cyclic garbage collector is paused while the
objects that stay are made (:func:`bulk`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import difflib
import gc
import os
import pickle
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.models import KINDS, Settings, valid_id
from ctb_files.core.models.inventory import Inventory, share_given_names
from ctb_files.errors import Diagnostic
from ctb_files.storage import tree, treestat
from ctb_files.storage.cache import FileCache, ParseOne, ParseOut
from ctb_files.storage.cachebase import file_digest
from ctb_files.storage.filedata import file_data, parse_file
from ctb_files.storage.journal import JournalError
from ctb_files.storage.lock import recover
from ctb_files.storage.parallel import Parsed, ParsedStream, parse_many
from ctb_files.storage.yaml import Locator, YamlProblem
from ctb_files.storage.yaml.read import default_limits
from ctb_files.storage.yaml.scalars import number_text

#: schema problems listed for one file; a file of thousands of bad keys gets one line for the rest
MAX_PROBLEMS_PER_FILE = 100


@dataclasses.dataclass
class LoadResult:
    inventory: Inventory
    diagnostics: list[Diagnostic]
    #: :func:`~ctb_files.storage.cachebase.file_digest` of the files loaded, when the load digested them
    known_digests: Mapping[str, bytes] | None = None

    @property
    def digests(self) -> dict[str, bytes]:
        """The digest of every file of the inventory (what the stored answers key on), each made once a load."""
        files = self.inventory.files
        known = self.known_digests or {}
        return {rel: known[rel] if rel in known else file_digest(files[rel]) for rel in files}

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


def load_repo(root: Path, cache: bool = True) -> LoadResult:
    """Load the working tree of the repository at ``root`` (through the warm cache unless ``cache`` is False).

    A write that a killed command left half done is finished (or discarded)
    first; one that cannot be is reported as CTB016 and the files are read as
    they are.
    """
    problems: list[Diagnostic] = []
    try:
        recover(root)
    except JournalError as exc:
        problems.append(exc.diagnostic())
    # CTB_CACHE_TEST=warm: load twice and answer from the second, warm load (the test suite runs this way too)
    warm_test = cache and os.environ.get("CTB_CACHE_TEST") == "warm"
    for _ in range(2 if warm_test else 1):
        indexed = _load_indexed(root) if cache else None
        if indexed is not None:
            result, outside = indexed
            continue
        stats: dict[str, tree.Stat] = {}
        links: set[str] = set()
        files = tree.read_tree(root, stats if cache else None, links)
        # what the stored answers of check and clear look up next time without reading
        digests = treestat.remember(root, files, stats) if cache else None
        outside = _outside(root, files, links)
        with bulk(keep=True):  # the inventory lives until the command ends
            store = FileCache.open(root, files.get(layout.SETTINGS)) if cache else None
            result = load_files(files, store, digests=digests)
        if store is not None:
            store.save()
        if digests is not None:  # every file's digest is known: its bytes can go (read again if asked for)
            inv = result.inventory
            inv.files = treestat.ReadAgain(root, files, digests, keep={d.path for d in result.diagnostics})
            inv.line_of = _LazyLines(inv.files).line
    result.diagnostics[:0] = [*problems, *outside]
    return result


def _load_indexed(root: Path) -> tuple[LoadResult, list[Diagnostic]] | None:
    """:func:`load_repo` through the stat index and the warm cache, reading only the files it must.

    A file whose ``stat`` matches its entry in the index has that entry's
    digest (:func:`~ctb_files.storage.treestat.tree_digests`); one the
    cache holds an entry for loads from it without its bytes being read.
    Only the files the cache misses, and those with something to report,
    are read (and held).  None, for a load that reads every file, when
    there is no index or no cache, or when a file read is not the one its
    digest was taken of (it changed meanwhile).
    """
    walk = treestat.taken(root) or treestat.walked(root)  # the walk of a stored answer just missed, if any
    if walk is None:
        return None
    digests, links, read = walk
    outside = _outside(root, digests, links)
    files = treestat.OnDisk(root, digests, read)
    store: FileCache | None = None
    try:
        store = FileCache.open(root, files.get(layout.SETTINGS))
        if store is None:
            return None
        for rel, digest in digests.items():  # the misses are parsed: read now, before any worker starts
            if store.would_miss(rel, digest):
                files[rel]
        with bulk(keep=True):  # the inventory lives until the command ends
            result = load_files(files, store, digests=digests)
        inv = result.inventory
        inv.files = treestat.ReadAgain(root, files, digests, keep={d.path for d in result.diagnostics})
    except treestat.Changed:
        if store is not None:
            store.close()
        return None
    store.save()
    inv.line_of = _LazyLines(inv.files).line
    return result, outside


def _outside(root: Path, files: dict[str, bytes], links: set[str]) -> list[Diagnostic]:
    """Drop files that are symbolic links (or sit in linked folders) leading outside the inventory.

    Their bytes were read but are never used: a repository cannot make ctb
    show, check or copy a file elsewhere on the machine.  ``links``: the
    files the walk saw as links.
    """
    top = os.path.realpath(root)
    inside: dict[str, bool] = {}
    out = []
    for rel in list(files):
        folder = rel.rpartition("/")[0]
        if folder not in inside:
            real = os.path.realpath(os.path.join(root, folder))
            inside[folder] = real == top or real.startswith(top + os.sep)
        if inside[folder] and rel not in links:
            continue
        real = os.path.realpath(os.path.join(root, rel))
        if real == top or real.startswith(top + os.sep):
            continue
        del files[rel]
        out.append(
            Diagnostic(rel, 1, 1, "CTB108", "ignored: a symbolic link to a file outside the inventory", "warning")
        )
    return out


@contextlib.contextmanager
def bulk(keep: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while many objects are made and kept.

    Loading makes hundreds of thousands of dicts, lists and models that all
    live on, and none of them in a reference cycle; the collector would walk
    the growing heap again and again for nothing (about 40% of the loading
    time of a 20,000-file repository).  Reference counting still frees
    everything dropped; the previous state is restored afterwards.

    ``keep``: what was made lives until the command ends, so it is frozen
    on the way out (``gc.freeze``) instead of being walked by the first
    collections after; otherwise re-enabling the collector only moves that
    walk to later (a third of the time of clearing thousands of builds).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if keep:
            gc.freeze()
        if was_enabled:
            gc.enable()


def load_files(
    files: Mapping[str, bytes],
    cache: FileCache | None = None,
    like: LoadResult | None = None,
    digests: Mapping[str, bytes] | None = None,
) -> LoadResult:
    """Load an inventory from ``{relative path: bytes}`` (working tree or a git snapshot).

    ``like``: an inventory loaded before (``review`` compares two); a file
    with the same bytes as one that loaded there, under the same ``ctb.yaml``,
    takes that file's model as it is instead of being validated again.
    ``digests``: :func:`~ctb_files.storage.cachebase.file_digest` of the
    files, when the caller made them already (made here for the cache otherwise).
    """
    inv = Inventory(files=files if isinstance(files, treestat.OnDisk) else dict(files))
    if cache is not None and digests is None:
        digests = treestat.digests_of(files)
    shared = _shared_models(files, like)
    diags: list[Diagnostic] = []
    if layout.SETTINGS not in files:
        diags.append(Diagnostic(layout.SETTINGS, 1, 1, "CTB100", "ctb.yaml is missing"))
    parse: ParseOne = _parse_one
    stream: ParsedStream | None = None  # the workers' answers, once the files after ctb.yaml were handed out
    handed = False
    order = sorted(files, key=lambda rel: (rel != layout.SETTINGS, rel))  # ctb.yaml first: its limits apply to all
    keys = {rel: layout.classify(rel) for rel in order}
    try:
        with bulk():
            for rel in order:
                key = keys[rel]
                if key is None:
                    if rel.endswith(".yml"):
                        diags.append(
                            Diagnostic(rel, 1, 1, "CTB106", "ignored: inventory files end in .yaml", "warning")
                        )
                    else:
                        diags.append(
                            Diagnostic(rel, 1, 1, "CTB107", "ignored: not where any inventory file lives", "warning")
                        )
                    continue
                model = shared.get(rel)
                if model is not None:  # the same bytes loaded before, under the same settings
                    inv.seen.setdefault(key.kind, set()).add(_seen_id(key))
                    _store(inv, key, model)
                    continue
                if not handed and key.kind != "settings":  # the settings are in: parse the rest at once
                    handed = True
                    stream = parse_many(files, _to_parse(keys, cache, digests, shared), inv.settings.limits)
                    parse = _with_parsed(stream)
                if cache is not None:
                    assert digests is not None
                    ok = cache.load_one(inv, rel, key, files, digests[rel], diags, parse, _validate_one)
                else:
                    raw = parse(inv, rel, key, files[rel], diags)[0]
                    ok = raw is not None and _validate_one(inv, rel, key, raw, diags)
                if not ok and key.kind == "settings":
                    inv.settings_valid = False
    finally:
        if stream is not None:
            stream.close()
    inv.line_of = _LazyLines(inv.files).line
    return LoadResult(inv, locate_all(diags, files), digests)


def load_alone(inv: Inventory, rel: str, key: layout.FileKey, data: bytes) -> tuple[bytes | None, list[Diagnostic]]:
    """One file loaded into ``inv`` as :func:`load_files` loads it (``inv``'s settings apply).

    Its data as parsed, pickled before validation as the warm cache keeps it
    (None when it did not load), and its diagnostics.
    """
    diags: list[Diagnostic] = []
    raw, kept = _parse_one(inv, rel, key, data, diags)
    if raw is None:
        return None, diags
    if kept is None:
        kept = pickle.dumps(raw, protocol=pickle.HIGHEST_PROTOCOL)
    return (kept if _validate_one(inv, rel, key, raw, diags) else None), diags


class _LazyLines:
    """Line numbers for messages that name another place ("first at line 3"), parsed on first use."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self._files = files
        self._locator: Locator | None = None

    def line(self, path: str, loc: tuple[str | int, ...]) -> int:
        if self._locator is None:
            self._locator = Locator(self._files)
        return self._locator.locate(path, loc, at_key=True)[0]


def _seen_id(key: layout.FileKey) -> str:
    return f"{key.id}:{key.version}" if key.kind == "bom" else key.id


def _shared_models(files: Mapping[str, bytes], like: LoadResult | None) -> dict[str, Any]:
    """The models of ``like`` that files of the same bytes take as they are (none when the settings differ)."""
    if like is None:
        return {}
    before = like.inventory
    if files.get(layout.SETTINGS) != before.files.get(layout.SETTINGS) or not before.settings_valid:
        return {}  # the settings decide how every file reads
    failed = {d.path for d in like.diagnostics if d.severity == "error"}
    known = like.digests  # compared by digest: the other side's bytes may not be held
    out: dict[str, Any] = {}
    for rel, data in files.items():
        if rel in failed or known.get(rel) != file_digest(data):
            continue
        key = layout.classify(rel)
        if key is not None:
            out[rel] = _stored(before, key)
    return {rel: model for rel, model in out.items() if model is not None}


def _to_parse(
    keys: Mapping[str, layout.FileKey | None],
    cache: FileCache | None,
    digests: Mapping[str, bytes] | None,
    shared: Mapping[str, Any],
) -> list[str]:
    """The files (besides ctb.yaml) whose bytes the loader will parse: every one, or the cache's misses.

    ``keys``: each file's key, in the load order.
    """
    out = []
    for rel, key in keys.items():
        if rel in shared:
            continue
        if key is None or key.kind == "settings" or not all(map(valid_id, filter(None, (key.id, key.version)))):
            continue
        if cache is None or digests is None or cache.would_miss(rel, digests[rel]):
            out.append(rel)
    return out


_NOTHING: ParseOut = (None, None)


def _with_parsed(stream: ParsedStream | None) -> ParseOne:
    """:func:`_parse_one`, taking a file's parsed data (or the reader's problem) from the workers' ``stream``."""
    if stream is None:
        return _parse_one

    def parse(inv: Inventory, rel: str, key: layout.FileKey, data: bytes, diags: list[Diagnostic]) -> ParseOut:
        return _parse_one(inv, rel, key, data, diags, stream.take(rel))

    return parse


def _parse_one(
    inv: Inventory,
    rel: str,
    key: layout.FileKey,
    data: bytes,
    diags: list[Diagnostic],
    parsed: Parsed | None = None,
) -> ParseOut:
    """One file's data as parsed, ready for its model, with its pickle when a worker made it; None (and the
    problem in ``diags``) when it is not.

    ``parsed``: what a worker made of these bytes (:mod:`ctb_files.storage.parallel`), used instead of
    parsing them again.
    """
    for ident in filter(None, (key.id, key.version)):
        if not valid_id(ident):
            diags.append(
                Diagnostic(
                    rel, 1, 1, "CTB105", f"{ident!r} is not a valid id (letters, digits, . _ + -, max 80, no '..')"
                )
            )
            return _NOTHING
    inv.seen.setdefault(key.kind, set()).add(_seen_id(key))
    limits = inv.settings.limits if key.kind != "settings" else default_limits()
    if parsed is not None and parsed[1] is not None:
        diags.append(parsed[1])
        return _NOTHING
    kept = parsed[0] if parsed is not None else None
    try:
        raw = pickle.loads(kept) if kept is not None else parse_file(data, rel, limits)
    except YamlProblem as problem:
        diags.append(problem.diagnostic)
        return _NOTHING
    if raw is None:
        kept = None  # the pickle of None is not that of the empty mapping it becomes
    shaped = file_data(raw, rel, limits.name)
    if isinstance(shaped, Diagnostic):
        diags.append(shaped)
        return _NOTHING
    return shaped, kept


def _validate_one(inv: Inventory, rel: str, key: layout.FileKey, raw: dict[str, Any], diags: list[Diagnostic]) -> bool:
    """Validate parsed data into ``inv``; False when it did not validate."""
    model_cls = KINDS[key.kind]
    try:
        obj = model_cls.model_validate(raw)
    except ValidationError as exc:
        diags.extend(validation_diagnostics(rel, model_cls, exc))
        return False
    share_given_names(obj)  # models kept in memory share their sets of given names
    _store(inv, key, obj)
    return True


def _by_id(inv: Inventory, kind: str) -> dict[str, Any]:
    """The models of one kind of file stored by their id (every kind but settings and BOMs)."""
    found: dict[str, dict[str, Any]] = {
        "part": inv.parts, "package": inv.packages, "vendor": inv.vendors, "stock": inv.stock,
        "project": inv.projects, "build": inv.builds, "order": inv.orders,
    }  # fmt: skip
    return found[kind]


def _store(inv: Inventory, key: layout.FileKey, obj: Any) -> None:
    if key.kind == "settings":
        assert isinstance(obj, Settings)
        inv.settings = obj
    elif key.kind == "bom":
        inv.boms[(key.id, key.version)] = obj
    else:
        _by_id(inv, key.kind)[key.id] = obj


def _stored(inv: Inventory, key: layout.FileKey) -> Any:
    """The model :func:`_store` put in ``inv`` for ``key``; None when none is there."""
    if key.kind == "settings":
        return inv.settings
    if key.kind == "bom":
        return inv.boms.get((key.id, key.version))
    return _by_id(inv, key.kind).get(key.id)


def validation_diagnostics(rel: str, model_cls: type[BaseModel], exc: ValidationError) -> list[Diagnostic]:
    """One diagnostic per pydantic error, with the document path and a hint."""
    out: list[Diagnostic] = []
    errors = exc.errors(include_url=False)
    if len(errors) > MAX_PROBLEMS_PER_FILE:
        more = len(errors) - MAX_PROBLEMS_PER_FILE
        out.append(Diagnostic(rel, 1, 1, "CTB015", f"{more:,} more problems in this file are not listed"))
        errors = errors[:MAX_PROBLEMS_PER_FILE]
    for err in errors:
        loc = tuple(err["loc"])
        kind = err["type"]
        if kind in ("extra_forbidden", "unexpected_keyword_argument"):  # a model's unknown key, a record's
            name = str(loc[-1])
            allowed = _fields_at(model_cls, loc[:-1])
            hint = difflib.get_close_matches(name, allowed, n=1)
            message = f"unknown key {name!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            out.append(Diagnostic(rel, 0, 0, "CTB102", message, loc=loc))
        elif kind == "missing":
            out.append(Diagnostic(rel, 0, 0, "CTB103", "required key is missing", loc=loc))
        elif kind in ("greater_than_equal", "greater_than") and "0" in str(err.get("ctx", {})):
            out.append(Diagnostic(rel, 0, 0, "CTB104", _message(err), loc=loc))
        elif kind == "dataclass_type":  # a record (a build's take, ...) given something else: as for a model
            name = err.get("ctx", {}).get("class_name", "")
            out.append(
                Diagnostic(rel, 0, 0, "CTB101", f"Input should be a valid dictionary or instance of {name}", loc=loc)
            )
        elif kind == "string_type" and (why := _plain_value(err.get("input"))):
            # a plain scalar YAML reads as something else: a package 0805, a value 1.0, a day; or nothing
            out.append(Diagnostic(rel, 0, 0, "CTB101", why, loc=loc))
        else:
            out.append(Diagnostic(rel, 0, 0, "CTB101", _message(err), loc=loc))
    return out


def _plain_value(value: object) -> str:
    """Why text is expected where YAML read a number, a truth value, a date or nothing; "" for anything else.

    Unquoted ``0805`` is the number 805, ``true`` a truth value and
    ``2024-01-02`` a date (YAML 1.2, as every file is read); quotes keep the text.
    """
    if value is None:
        return "text is expected, and the value is empty"
    if isinstance(value, bool):
        what = f"the truth value {str(value).lower()}"
    elif isinstance(value, (int, Decimal)):  # the reader makes no floats
        what = f"the number {number_text(value) if isinstance(value, Decimal) else value}"
    elif isinstance(value, (date, datetime)):
        what = f"the date {value.isoformat()}"
    else:
        return ""
    return f"text is expected, and YAML reads this as {what}: put the value in quotes to keep it as written"


def _message(err: Any) -> str:
    msg = str(err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _fields_at(model_cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys of the model found at ``loc`` inside ``model_cls`` (for hints)."""
    from ctb_files.core.canonical import model_fields, model_in

    current: Any = model_cls
    for key in loc:
        if isinstance(key, int):
            continue
        model = model_in(current)
        if model is None or key not in model_fields(model):
            return []
        current = model_fields(model)[key][1]
    model = model_in(current)
    return [key for key, _annotation in model_fields(model).values()] if model is not None else []


def locate_all(diags: Iterable[Diagnostic], files: Mapping[str, bytes]) -> list[Diagnostic]:
    """Fill in line and column (line 0 means "not yet located") from the document path."""
    diags = list(diags)
    pending = [d for d in diags if d.line == 0]
    if not pending:
        return sorted(diags)
    locator = Locator(files)
    out = [d for d in diags if d.line != 0]
    for diag in pending:
        line, col = locator.locate(diag.path, diag.loc, at_key=diag.code == "CTB102")
        out.append(diag.replace(line=line, col=col))
    return sorted(out)
