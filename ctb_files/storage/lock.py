"""The repository's write lock, and finishing a write a killed command left half done.

Kept apart from :mod:`ctb_files.storage.changes` (which edits YAML) so that
every command, read-only ones included, can recover a journal before it reads
without importing the round-trip YAML library.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from ctb_files.errors import CtbError
from ctb_files.storage import journal

__all__ = ["LOCK_WAIT", "recover", "repo_lock"]

#: seconds a writer waits for another ctb writing the same repository before it gives up
LOCK_WAIT = 10.0


@contextlib.contextmanager
def repo_lock(root: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold the repository's write lock, waiting up to ``timeout`` seconds (default :data:`LOCK_WAIT`).

    Writers queue rather than fail: two commands started together both run,
    one after the other.  A lock held longer than the wait is refused in one
    line.  The lock is the kernel's (flock): a killed process releases it.
    """
    # imported here: a command that only reads (and finds no journal) never takes the lock
    import filelock

    wait = LOCK_WAIT if timeout is None else timeout
    lock = filelock.FileLock(journal.lock_path(root), timeout=wait, blocking=wait > 0)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise CtbError(f"another ctb process is writing {root}; try again when it is done") from None
    try:
        yield
    finally:
        lock.release()


def recover(root: Path) -> None:
    """Finish or discard a write that a killed command left half done; cheap when there is none.

    Called before anything reads the inventory.  :class:`journal.JournalError`
    (a CtbError) when the journal cannot be completed.
    """
    path = journal.journal_path(root)
    # a command killed while writing the journal itself leaves only the journal's temporary file
    pattern = f".{journal.JOURNAL}.*{journal.TEMP_SUFFIX}"
    if not path.exists() and not any(path.parent.glob(pattern)):
        return
    with repo_lock(root):
        journal.recover(root, path)
        for leftover in path.parent.glob(pattern):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
