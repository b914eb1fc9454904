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
(comments, layout, the fields of :data:`ctb_files.core.unread.UNREAD`), takes
the answer of the last full check, ``<git dir>/ctb/check-files``, which keeps
it with the digest of every file it read (:func:`unchanged_for_checks`).
So does a stock count changed where no check can object: a whole number, at
least what open builds held of its line at that check; a stock line no open
build held taken out; a BOM's rows changed where no check can mind; and a
part or build file added of which no check can say a thing
(:mod:`ctb_files.storage.unread`).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ctb_files.errors import Diagnostic
from ctb_files.storage import journal, treestat
from ctb_files.storage.cachebase import answer_path, files_key, read_answer, write_answer
from ctb_files.storage.gitattributes import declared_not_installed

if TYPE_CHECKING:
    from ctb_files.storage import unread

MAGIC = b"ctb-check 1\n"
FULL_MAGIC = b"ctb-check-files 4\n"
Answer = tuple[int, list[Diagnostic]]  # files checked, every diagnostic in order


def answer_key(digests: Mapping[str, bytes], merge_driver_missing: tuple[str, int] | None) -> bytes:
    """The digest of everything a check answer depends on."""
    return files_key(repr(merge_driver_missing).encode(), digests)


def stored(root: Path, hand_over: bool = False) -> Answer | None:
    """The stored answer for the files as they are now, or None (then the repository is loaded and checked).

    Files whose ``stat`` matches the index are not read
    (:func:`~ctb_files.storage.treestat.tree_digests`).  None without an
    index (a first run loads everything anyway) and while a write that a
    killed command left half done waits to be finished by the full path.
    ``hand_over``: on a miss, leave the walk for the load that follows in
    this command (:func:`~ctb_files.storage.treestat.hand_over`).
    """
    if journal.left_over(root):
        return None
    walk = treestat.walked(root)
    if walk is None:
        return None
    digests = walk.digests
    missing = declared_not_installed(root)
    key = answer_key(digests, missing)
    found = lookup(root, key)
    if found is None:
        try:
            found = unchanged_for_checks(root, digests, missing)
        except Exception:  # noqa: BLE001 - a comparison that fails shows nothing: the check runs in full
            found = None
        if found is not None:
            store(root, key, found)  # asked again, it is one read
    if found is None and hand_over:
        treestat.hand_over(root, walk)
    return found


def lookup(root: Path, key: bytes) -> Answer | None:
    """The stored answer for ``key``, or None."""
    payload = read_answer(answer_path(root, "check"), MAGIC, key)
    return _answer(payload) if payload is not None else None


def _answer(payload: bytes) -> Answer | None:
    try:
        count, diags = pickle.loads(payload)  # noqa: S301 - our own file, verified by its digest
    except Exception:  # a payload that passed the digest but does not unpickle: a miss, never trusted
        return None
    if not isinstance(count, int) or not isinstance(diags, list) or not all(isinstance(d, Diagnostic) for d in diags):
        return None
    return count, diags


def store(
    root: Path,
    key: bytes,
    answer: Answer,
    digests: Mapping[str, bytes] | None = None,
    facts: unread.Facts | None = None,
) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored.

    ``digests``: given by a full check, the digest of every file it read, kept
    with the answer for :func:`unchanged_for_checks`.
    """
    try:
        payload = pickle.dumps((answer[0], list(answer[1])), protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    write_answer(answer_path(root, "check"), MAGIC, key, [payload])
    if digests is not None:
        from ctb_files.storage import unread  # here: a stored answer found at once needs none of it

        unread.keep(answer_path(root, "check-files"), FULL_MAGIC, key, [payload], digests, facts)


def unchanged_for_checks(root: Path, digests: Mapping[str, bytes], missing: tuple[str, int] | None) -> Answer | None:
    """The last full check's answer, when the files as they are now cannot change it; else None.

    ``digests``: every file's digest now; ``missing``: the merge driver's
    state now.  The answer stands when git's config is as it was, the
    changed files differ only where nothing reads
    (:func:`~ctb_files.storage.unread.changed_unread`), and no diagnostic
    is in one of them or names one.  The checks then see the same inventory
    but for fields they never read, so they say the same, at the same lines.
    """
    from ctb_files.storage import unread

    found = unread.kept(answer_path(root, "check-files"), FULL_MAGIC)
    if found is None:
        return None
    answer = _answer(found.payload)
    before = found.digests
    if answer is None or answer_key(before, missing) != found.key:
        return None
    moved = unread.files_moved(before, digests)
    if moved is None:
        return None
    added, removed = moved
    if removed:  # part files gone: nothing may have named them, nor a message of a part unknown have hinted at one
        if any(d.code == "CTB201" or d.path in removed or any(rel in d.message for rel in removed) for d in answer[1]):
            return None
        kept = unread.parts_removed(found, removed)
        if kept is None:
            return None
        found, before = kept, {rel: digest for rel, digest in before.items() if rel not in removed}
        answer = (answer[0] - len(removed), answer[1])
    if added:  # new part or build files: no other file may refer to an id of their kinds the full check did not know
        unknown = unread.unknown_codes(added)
        if any(d.code in unknown for d in answer[1]):
            return None
        if not unread.added_cleanly(root, added, found, digests, {d.path for d in answer[1]}):
            return None
        answer = (answer[0] + len(added), answer[1])
    changed = unread.changed_files(before, {rel: digests[rel] for rel in before} if added else digests)
    if changed is None:
        return None
    if not changed:
        return answer  # the files are as the full check read them (its answer was replaced since), maybe new parts too
    edited = set(changed)
    if any(d.path in edited or any(rel in d.message for rel in changed) for d in answer[1]):
        return None
    from ctb_files.core.unread import ITEM_UNREAD, unread_by

    return answer if unread.changed_unread(root, changed, found, digests, unread_by("check"), ITEM_UNREAD) else None
