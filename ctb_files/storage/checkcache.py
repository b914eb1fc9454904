"""The answer of ``ctb check`` for a whole repository, kept for the next run.

``ctb check`` run again on files that did not change answers from one file,
``<git dir>/ctb/check``, without importing the models or running a check:
the answer (every diagnostic, before any PATHS filter, and the number of
files) is stored under a key that is a BLAKE2 digest of everything it
depends on — the code (:func:`~ctb_files.storage.cachebase.code_stamp`), the
path and bytes of every file read, and whether git's config lacks the stock
merge driver that ``.gitattributes`` names.  Any other key, or a torn or
foreign file, is a miss; the file is written whole and renamed into place.

A miss where only a few files changed, each only in what no check reads
(comments, layout, the fields of :data:`ctb_files.checks.UNREAD`), takes the
answer of the last full check, ``<git dir>/ctb/check-files``, which keeps it
with the digest of every file it read (:func:`unchanged_for_checks`).
"""

from __future__ import annotations

import io
import os
import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctb_files.core import paths as layout
from ctb_files.errors import Diagnostic
from ctb_files.storage import journal, tree, treestat
from ctb_files.storage.cachebase import answer_path, file_digest, files_key, read_answer, read_keyed, write_answer
from ctb_files.storage.gitattributes import declared_not_installed

MAGIC = b"ctb-check 1\n"
FULL_MAGIC = b"ctb-check-files 1\n"
MOST_CHANGED = 16  # files changed since the last full check beyond which checking them all is as quick
Answer = tuple[int, list[Diagnostic]]  # files checked, every diagnostic in order


def answer_key(digests: Mapping[str, bytes], merge_driver_missing: tuple[str, int] | None) -> bytes:
    """The digest of everything a check answer depends on."""
    return files_key(repr(merge_driver_missing).encode(), digests)


def stored(root: Path) -> Answer | None:
    """The stored answer for the files as they are now, or None (then the repository is loaded and checked).

    Files whose ``stat`` matches the index are not read
    (:func:`~ctb_files.storage.treestat.tree_digests`).  None without an
    index (a first run loads everything anyway) and while a write that a
    killed command left half done waits to be finished by the full path.
    """
    if journal.left_over(root):
        return None
    digests = treestat.tree_digests(root)
    if digests is None:
        return None
    missing = declared_not_installed(root)
    key = answer_key(digests, missing)
    found = lookup(root, key)
    if found is None:
        found = unchanged_for_checks(root, digests, missing)
        if found is not None:
            store(root, key, found)  # asked again, it is one read
    return found


def lookup(root: Path, key: bytes) -> Answer | None:
    """The stored answer for ``key``, or None."""
    payload = read_answer(answer_path(root, "check"), MAGIC, key)
    if payload is None:
        return None
    try:
        count, diags = pickle.loads(payload)  # noqa: S301 - our own file, verified by its digest
    except Exception:  # a payload that passed the digest but does not unpickle: a miss, never trusted
        return None
    if not isinstance(count, int) or not isinstance(diags, list) or not all(isinstance(d, Diagnostic) for d in diags):
        return None
    return count, diags


def store(root: Path, key: bytes, answer: Answer, digests: Mapping[str, bytes] | None = None) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored.

    ``digests``: given by a full check, the digest of every file it read, kept
    with the answer for :func:`unchanged_for_checks`.
    """
    try:
        payload = pickle.dumps((answer[0], list(answer[1])), protocol=pickle.HIGHEST_PROTOCOL)
        full = pickle.dumps(dict(digests), protocol=pickle.HIGHEST_PROTOCOL) if digests is not None else None
    except pickle.PicklingError:
        return
    write_answer(answer_path(root, "check"), MAGIC, key, [payload])
    if full is not None:
        write_answer(answer_path(root, "check-files"), FULL_MAGIC, key, [payload, full])


def unchanged_for_checks(root: Path, digests: Mapping[str, bytes], missing: tuple[str, int] | None) -> Answer | None:
    """The last full check's answer, when the files as they are now cannot change it; else None.

    ``digests``: every file's digest now; ``missing``: the merge driver's
    state now.  The answer stands when the same files are there, git's config
    is as it was, ``ctb.yaml`` did not change and at most :data:`MOST_CHANGED`
    others did; each of those loaded without a problem then (the warm cache
    still holds its data) and does now; its data differ only in the fields of
    :data:`~ctb_files.checks.UNREAD` (comments and layout are not data); and
    no diagnostic is in it or names it.  The checks see the same inventory
    but for fields they never read, so they say the same, at the same lines.
    """
    found = read_keyed(answer_path(root, "check-files"), FULL_MAGIC)
    if found is None:
        return None
    key, payload = found
    stream = io.BytesIO(payload)
    try:  # two pickles one after another: the answer, then the digests
        count, diags = pickle.load(stream)  # noqa: S301 - our own file, verified by its digest
        before = pickle.load(stream)  # noqa: S301 - likewise
    except Exception:  # a payload that passed the digest but does not unpickle: none, never trusted
        return None
    if not (
        isinstance(count, int) and isinstance(diags, list) and all(isinstance(d, Diagnostic) for d in diags)
        and isinstance(before, dict) and all(type(d) is bytes for d in before.values())
    ):  # fmt: skip
        return None
    if before.keys() != digests.keys() or answer_key(before, missing) != key:
        return None
    changed = sorted(rel for rel, digest in digests.items() if before[rel] != digest)
    if not changed or len(changed) > MOST_CHANGED or layout.SETTINGS in changed:
        return None
    edited = set(changed)
    if any(d.path in edited or any(rel in d.message for rel in changed) for d in diags):
        return None
    try:
        proven = _only_unread(root, changed, before, digests)
    except Exception:  # noqa: BLE001 - what cannot be shown unchanged is checked in full, never a crash here
        proven = False
    return (count, diags) if proven else None


def _only_unread(root: Path, changed: list[str], before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> bool:
    """Whether each changed file loaded without a problem before and now, its data differing only where no check reads."""
    from ctb_files.checks import UNREAD  # here: a stored answer found at once imports no check or model
    from ctb_files.core.models.inventory import Inventory
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
            kept, problems = load_alone(inv, layout.SETTINGS, layout.FileKey("settings"), settings)
            if kept is None or problems:
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
            if not _same(_without(then, unread), _without(now, unread)):
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


def _without(kept: bytes, unread: frozenset[str]) -> dict[str, Any]:
    """A file's data from its pickle, without the top-level fields ``unread``."""
    data = pickle.loads(kept)  # noqa: S301 - our own cache's entry, or data just parsed
    return {k: v for k, v in data.items() if k not in unread}


def _same(a: Any, b: Any) -> bool:
    """Equal data, written alike: the same types, keys in the same order, ``1.0`` not ``1.00``."""
    if type(a) is not type(b):
        return False
    if type(a) is dict:
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if type(a) is list:
        return len(a) == len(b) and all(map(_same, a, b))
    return repr(a) == repr(b)
