"""The write-ahead journal: the files of one command change all together, even across kill -9.

A write goes through four durable steps, under the repository lock:

1. the journal, state ``prepare``, names the temporary files about to be made;
2. every new file is written and fsynced as a temporary sibling of its target
   (many files by several threads at once, so the file system commits them together);
3. the journal, state ``commit``, names every rename and delete with the
   SHA-256 of each new file, and is fsynced: from here the change will happen;
4. the renames and deletes, then the journal is removed.

The journal lives next to the lock, in the git directory (``ctb-journal.json``),
so it is never part of the inventory or of a commit.  Before any command
reads the inventory, :func:`recover` looks for a leftover journal: in state
``prepare`` it removes the temporary files (nothing had changed yet: all
before); in state ``commit`` it does the renames and deletes still to be done
(all after), checking each temporary file against its hash first.  A journal
that cannot be completed (a temporary file missing or damaged while its
target does not hold the new bytes either) is left in place and reported,
and no command works on the inventory until someone looks.

``CTB_TEST_CRASH_AT`` names a step at which the process kills itself (tests
only): ``after-prepare``, ``after-temps``, ``after-commit``,
``after-rename-N`` (1-based), ``before-cleanup``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ctb_files.errors import CtbError, Diagnostic

JOURNAL = "ctb-journal.json"
TEMP_SUFFIX = ".ctb-tmp"
PARALLEL_WRITES = 32  # files; from this many on, temporary files are written by several threads
WRITERS = 8


class JournalError(CtbError):
    """A leftover journal that cannot be completed: one line naming it and why."""

    def __init__(self, journal: Path, problem: str) -> None:
        super().__init__(
            f"an interrupted write cannot be completed ({problem}); check the files it names in {journal}, "
            "then delete it"
        )
        self.journal = journal
        self.problem = problem

    def diagnostic(self) -> Diagnostic:
        return Diagnostic(JOURNAL, 1, 1, "CTB016", f"an interrupted write cannot be completed: {self.problem}")


def crash_point(step: str) -> None:
    """Kill this process at ``step`` when the tests ask for it (``CTB_TEST_CRASH_AT``)."""
    if os.environ.get("CTB_TEST_CRASH_AT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_journal(path: Path, doc: dict[str, Any]) -> None:
    """Replace the journal atomically and durably: a reader sees the old one or the new one."""
    import json  # here, as below: a command that writes nothing never needs them
    import tempfile

    data = json.dumps(doc, indent=1, sort_keys=True).encode("utf-8")
    fd, tmp = tempfile.mkstemp(prefix=f".{JOURNAL}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_all(
    root: Path, journal: Path, pending: dict[str, bytes | None], old: Mapping[str, bytes | None] | None = None
) -> None:
    """Make every file of ``pending`` (``None``: delete it) hold its new bytes, all or none.

    The caller holds the repository lock.  Any failure before the journal
    reaches ``commit`` leaves every file as it was and no temporary file;
    after it, the change is finished here or by the next command.  ``old``:
    the bytes each target holds now (``None``: absent), when the caller knows
    them (it checked them under the lock); else they are read, to put back
    should a rename fail.
    """
    temps: dict[str, str] = {}
    for rel, new in pending.items():
        if new is not None:
            target = root / rel
            temps[rel] = f".{target.name}.{os.urandom(6).hex()}{TEMP_SUFFIX}"
    _write_journal(journal, {"state": "prepare", "root": str(root.resolve()), "temps": _temp_paths(temps)})
    crash_point("after-prepare")
    try:
        folders = {(root / rel).parent for rel in temps}
        for folder in sorted(folders):
            folder.mkdir(parents=True, exist_ok=True)
        mode = _default_mode()
        jobs = [(root / rel, temps[rel], new, mode) for rel, new in pending.items() if new is not None]
        if len(jobs) < PARALLEL_WRITES:
            for job in jobs:
                _write_temp(*job)
        else:
            from concurrent.futures import ThreadPoolExecutor  # here: most commands write a few files

            # each fsync waits for the disk: many at once let the file system commit them together
            # (3,200 build files: about a third of the time of one after the other)
            with ThreadPoolExecutor(WRITERS) as pool:
                list(pool.map(lambda job: _write_temp(*job), jobs))
        for folder in folders:
            _fsync_dir(folder)
        crash_point("after-temps")
        steps = [
            {"target": rel, "temp": _temp_paths({rel: temps[rel]})[0] if new is not None else None,
             "sha256": _digest(new) if new is not None else None}
            for rel, new in pending.items()
        ]  # fmt: skip
        _write_journal(journal, {"state": "commit", "root": str(root.resolve()), "steps": steps})
    except BaseException:
        _discard(root, _temp_paths(temps))
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()
        raise
    crash_point("after-commit")
    if old is None:
        backups = {rel: (root / rel).read_bytes() if (root / rel).is_file() else None for rel in pending}
    else:
        backups = {rel: old[rel] for rel in pending}
    try:
        # the temporary files were written and synced just now: no need to read them back
        _roll_forward(root, journal, steps, verify=False)
    except Exception:
        # still alive (a full disk, a permission): put back what was renamed, all before
        _restore(root, backups)
        _discard(root, [step["temp"] for step in steps if step["temp"] is not None])
        with contextlib.suppress(FileNotFoundError):
            journal.unlink()
        raise


def _write_temp(target: Path, name: str, new: bytes, mode: int) -> None:
    """Write ``new`` durably to the temporary sibling ``name`` of ``target``, with the mode ``target`` has."""
    tmp = target.parent / name
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        # the new file gets the mode the old one had, or the usual one
        try:
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            fd = -1
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
    finally:
        if fd >= 0:
            os.close(fd)


def _restore(root: Path, backups: dict[str, bytes | None]) -> None:
    for rel, old in backups.items():
        target = root / rel
        if old is None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        elif not target.is_file() or target.read_bytes() != old:
            target.write_bytes(old)


def _temp_paths(temps: dict[str, str]) -> list[str]:
    out = []
    for rel, name in temps.items():
        folder = rel.rpartition("/")[0]
        out.append(f"{folder}/{name}" if folder else name)
    return out


def _discard(root: Path, temps: list[str]) -> None:
    for rel in temps:
        with contextlib.suppress(FileNotFoundError):
            (root / rel).unlink()


def _roll_forward(root: Path, journal: Path, steps: list[dict[str, Any]], verify: bool = True) -> None:
    """Do every rename and delete of a committed journal that is not done yet, then drop the journal.

    ``verify``: check each temporary file's digest before renaming it (a
    recovery; the command that wrote them has just synced them).
    """
    for number, step in enumerate(steps, 1):
        target = root / step["target"]
        if step["temp"] is None:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
        elif not verify:
            os.replace(root / step["temp"], target)
        else:
            tmp = root / step["temp"]
            if tmp.exists():
                if _digest(tmp.read_bytes()) != step["sha256"]:
                    raise JournalError(journal, f"{step['temp']} is damaged")
                os.replace(tmp, target)
            elif not (target.is_file() and _digest(target.read_bytes()) == step["sha256"]):
                raise JournalError(
                    journal, f"{step['temp']} is missing and {step['target']} does not hold its new text"
                )
        crash_point(f"after-rename-{number}")
    for folder in {(root / step["target"]).parent for step in steps}:
        _fsync_dir(folder)
    crash_point("before-cleanup")
    journal.unlink()
    _fsync_dir(journal.parent)


def _safe(root: Path, rel: Any) -> bool:
    """A journal names only files inside the inventory (a tampered one must not reach outside)."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel:
        return False
    return ".." not in rel.split("/")


def recover(root: Path, journal: Path) -> None:
    """Finish or discard a leftover journal; :class:`JournalError` when it can be neither.

    The caller holds the repository lock (a journal of a write still running
    is never touched).
    """
    import json

    try:
        doc = json.loads(journal.read_bytes())
    except FileNotFoundError:
        return
    except (OSError, ValueError) as exc:
        raise JournalError(journal, f"the journal cannot be read: {exc}") from None
    if not isinstance(doc, dict):
        raise JournalError(journal, "the journal is not a JSON object")
    state = doc.get("state")
    if state == "prepare":
        temps = doc.get("temps")
        if not isinstance(temps, list) or not all(_safe(root, rel) for rel in temps):
            raise JournalError(journal, "the journal names files outside the inventory")
        _discard(root, temps)
        journal.unlink()
        return
    steps = doc.get("steps")
    if state != "commit" or not isinstance(steps, list):
        raise JournalError(journal, f"unknown journal state {state!r}")
    for step in steps:
        if not (
            isinstance(step, dict)
            and _safe(root, step.get("target"))
            and (step.get("temp") is None or _safe(root, step.get("temp")))
            and (step.get("temp") is None or isinstance(step.get("sha256"), str))
        ):
            raise JournalError(journal, "the journal names files outside the inventory")
    _roll_forward(root, journal, steps)


def lock_path(root: Path) -> Path:
    """The lock file: in the git directory holding ``root`` (an inventory may sit in a subfolder
    of the work tree, or in a linked worktree), else ``.ctb.lock`` in the inventory."""
    for folder in (root, *root.resolve().parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git / "ctb.lock"
        if dot_git.is_file():  # a linked worktree or a submodule: ".git" says where the git directory is
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                git_dir = folder / text.removeprefix("gitdir:").strip()
                if git_dir.is_dir():
                    return git_dir / "ctb.lock"
            break
    return root / ".ctb.lock"


def journal_path(root: Path) -> Path:
    """Where the write-ahead journal of ``root`` lives: beside the lock, in the git directory."""
    lock = lock_path(root)
    return lock.parent / (JOURNAL if lock.name == "ctb.lock" else "." + JOURNAL)


def left_over(root: Path) -> bool:
    """True when a killed command left a journal (or the journal's own temporary file) to finish."""
    path = journal_path(root)
    return path.exists() or any(path.parent.glob(f".{JOURNAL}.*{TEMP_SUFFIX}"))
