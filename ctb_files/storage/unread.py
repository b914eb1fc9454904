"""A full answer that still stands after edits nothing reads: text for people, comments, layout.

``ctb check`` and ``ctb build clear`` keep the answer of their last full run
with the digest of every file it read (``<git dir>/ctb/<name>-files``, under
the answer's key; :func:`keep`).  On a miss, :func:`changed_unread` tells
whether the files as they are now differ from those only where no check
and no clear looks (:data:`~ctb_files.core.unread.UNREAD`): then that answer
is the answer now.  It says so only when it can show it:

* the same files are there, ``ctb.yaml`` did not change, and at most
  :data:`MOST_CHANGED` others did;
* each changed file loaded without a problem at the full run (the warm cache
  still holds its data as parsed then) and loads without one now, parsed and
  validated as a full load would;
* the two versions' data are the same but for the unread fields: same
  types, same keys in the same order, numbers written alike (``60`` and
  ``60.0`` differ: messages print numbers as written).

Anything else, including a failure while comparing, is "not shown": the
caller runs in full.
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ctb_files.core import paths as layout
from ctb_files.storage import tree
from ctb_files.storage.cachebase import file_digest, read_keyed, write_answer

MOST_CHANGED = 16  # files changed since the full run beyond which running in full is as quick
Kept = tuple[bytes, dict[str, bytes], bytes]  # the answer's key, every file's digest then, the answer's payload


def keep(path: Path | None, magic: bytes, key: bytes, pieces: Sequence[bytes], digests: Mapping[str, bytes]) -> None:
    """Keep a full run's answer (``pieces``, as its own file holds them) with every file's digest; errors are ignored."""
    try:
        files = pickle.dumps(dict(digests), protocol=pickle.HIGHEST_PROTOCOL)
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
        digests = pickle.load(io.BytesIO(payload[8 : 8 + size]))  # noqa: S301 - our own file, verified by its digest
    except Exception:  # a payload that passed the digest but does not unpickle: none, never trusted
        return None
    if not (isinstance(digests, dict) and all(type(k) is str and type(d) is bytes for k, d in digests.items())):
        return None
    return key, digests, payload[8 + size :]


def changed_files(before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> list[str] | None:
    """The files whose bytes changed since ``before``; None when files came or went, ctb.yaml changed, or too many did."""
    if before.keys() != digests.keys():
        return None
    changed = sorted(rel for rel, digest in digests.items() if before[rel] != digest)
    if not changed or len(changed) > MOST_CHANGED or layout.SETTINGS in changed:
        return None
    return changed


def changed_unread(root: Path, changed: list[str], before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> bool:
    """Whether each of ``changed`` loaded without a problem before and now, its data differing only where nothing reads."""
    try:
        return _only_unread(root, changed, before, digests)
    except Exception:  # noqa: BLE001 - what cannot be shown unchanged is run in full, never a crash here
        return False


def _only_unread(root: Path, changed: list[str], before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> bool:
    # here: a stored answer found at once imports no model
    from ctb_files.core.models.inventory import Inventory
    from ctb_files.core.unread import UNREAD
    from ctb_files.storage.cache import FileCache
    from ctb_files.storage.loader import load_alone

    settings = _read(root, layout.SETTINGS, digests) if layout.SETTINGS in digests else None
    if settings is None and layout.SETTINGS in digests:
        return False
    cache = FileCache.open(root, settings)
    if cache is None:
        return False
    try:
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
            unread = UNREAD.get(key.kind, frozenset())
            if not same(_without(then, unread), _without(now, unread)):
                return False
        return True
    finally:
        cache.close()


def _read(root: Path, rel: str, digests: Mapping[str, bytes]) -> bytes | None:
    """The bytes of ``rel`` when they are a regular file's, not a link's, and still the ones of its digest."""
    full = root / rel
    if os.path.islink(full):
        return None
    found = tree.read_file(os.fspath(full))
    if found is None or file_digest(found[1]) != digests.get(rel):
        return None
    return found[1]


def _without(pickled: bytes, unread: frozenset[str]) -> dict[str, Any]:
    """A file's data from its pickle, without the top-level fields ``unread``."""
    data = pickle.loads(pickled)  # noqa: S301 - our own cache's entry, or data just parsed
    return {k: v for k, v in data.items() if k not in unread}


def same(a: Any, b: Any) -> bool:
    """Equal data, written alike: the same types, keys in the same order, ``1.0`` not ``1.00``."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(same, a, b))
    return repr(a) == repr(b)
