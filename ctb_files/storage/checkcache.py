"""The answer of ``ctb check`` for a whole repository, kept for the next run.

``ctb check`` run again on files that did not change answers from one file,
``<git dir>/ctb/check``, without importing the models or running a check:
the answer (every diagnostic, before any PATHS filter, and the number of
files) is stored under a key that is a BLAKE2 digest of everything it
depends on — the code (:func:`~ctb_files.storage.cachebase.code_stamp`), the
path and bytes of every file read, and whether git's config lacks the stock
merge driver that ``.gitattributes`` names.  Any other key, or a torn or
foreign file, is a miss; the file is written whole and renamed into place.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from pathlib import Path

from ctb_files.errors import Diagnostic
from ctb_files.storage import journal, treestat
from ctb_files.storage.cachebase import answer_path, files_key, read_answer, write_answer
from ctb_files.storage.gitattributes import declared_not_installed

MAGIC = b"ctb-check 1\n"
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
    return lookup(root, answer_key(digests, declared_not_installed(root)))


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


def store(root: Path, key: bytes, answer: Answer) -> None:
    """Keep ``answer`` under ``key`` (replacing any other); errors are ignored."""
    try:
        payload = pickle.dumps((answer[0], list(answer[1])), protocol=pickle.HIGHEST_PROTOCOL)
    except pickle.PicklingError:
        return
    write_answer(answer_path(root, "check"), MAGIC, key, [payload])
