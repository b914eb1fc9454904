"""Write-back: the files one command changes, written all or nothing.

Every command that writes collects its edits in one :class:`ChangeSet`:
round-trip documents for YAML it edits (comments and untouched bytes kept),
plain text for files it creates.  :meth:`ChangeSet.apply` then, under the
repository lock, checks each new file against its model, writes every file
to a temporary sibling, and renames them into place; if anything fails, the
files already renamed are put back.  ``--dry-run`` prints a unified diff
instead, and ``--commit`` commits exactly the changed files.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import filelock
from pydantic import ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.models import KINDS
from ctb_files.errors import CtbError
from ctb_files.storage.yaml import (
    CommentedMap,
    YamlProblem,
    dump,
    load_fast,
    load_roundtrip,
)


@contextlib.contextmanager
def repo_lock(root: Path) -> Iterator[None]:
    """Hold the repository's write lock; refuse at once if another ctb holds it."""
    lock = filelock.FileLock(_lock_path(root), blocking=False)
    try:
        lock.acquire()
    except filelock.Timeout:
        raise CtbError(f"another ctb process is writing {root}; try again when it is done") from None
    try:
        yield
    finally:
        lock.release()


def _lock_path(root: Path) -> Path:
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


class ChangeSet:
    """The files one command writes, applied together or not at all."""

    def __init__(self, root: Path, files: Mapping[str, bytes] | None = None) -> None:
        self.root = root
        self._known = files if files is not None else {}
        self._docs: dict[str, Any] = {}
        self._new: dict[str, bytes | None] = {}

    # --- collecting -----------------------------------------------------------------------

    def old_bytes(self, rel: str) -> bytes | None:
        if rel in self._known:
            return self._known[rel]
        path = self.root / rel
        return path.read_bytes() if path.is_file() else None

    def edit(self, rel: str) -> CommentedMap:
        """The round-trip document of ``rel`` to change in place (empty if new)."""
        if rel not in self._docs:
            old = self.old_bytes(rel)
            doc = load_roundtrip(old.decode("utf-8-sig")) if old else None
            if doc is None and old and old.strip():
                # comments only: keep them as the header of the new mapping
                doc = load_roundtrip(old.decode("utf-8-sig").rstrip("\n") + "\n{}\n")
            self._docs[rel] = doc if isinstance(doc, CommentedMap) else CommentedMap()
        return self._docs[rel]

    def write_text(self, rel: str, text: str) -> None:
        self._docs.pop(rel, None)
        self._new[rel] = text.encode("utf-8")

    def delete(self, rel: str) -> None:
        self._docs.pop(rel, None)
        self._new[rel] = None

    def pending(self) -> dict[str, bytes | None]:
        """Only the files whose bytes really change."""
        out = dict(self._new)
        for rel, doc in self._docs.items():
            out[rel] = dump(doc).encode("utf-8")
        return {rel: new for rel, new in sorted(out.items()) if new != self.old_bytes(rel)}

    # --- showing and applying -------------------------------------------------------------

    def diff(self) -> str:
        chunks: list[str] = []
        for rel, new in self.pending().items():
            old = self.old_bytes(rel)
            old_lines = old.decode("utf-8-sig").splitlines(keepends=True) if old else []
            new_lines = new.decode("utf-8").splitlines(keepends=True) if new else []
            chunks.extend(
                difflib.unified_diff(
                    old_lines, new_lines, f"a/{rel}" if old else "/dev/null", f"b/{rel}" if new else "/dev/null"
                )
            )
        return "".join(chunks)

    def apply(
        self,
        *,
        dry_run: bool = False,
        commit: str | None = None,
        trailers: dict[str, list[str]] | None = None,
    ) -> list[str]:
        """Write every pending file atomically; return the changed paths."""
        pending = self.pending()
        if dry_run or not pending:
            return list(pending)
        for rel, new in pending.items():
            if new is not None:
                _validate(rel, new)
        if commit is not None:
            from ctb_files.storage.git import GitRepo

            repo = GitRepo.find(self.root)
            if repo is None:
                raise CtbError(f"--commit needs a git repository; {self.root} is not one")
            staged = set(repo.staged_paths()) - {self._git_rel(repo, rel) for rel in pending}
            if staged:
                raise CtbError("--commit refused: other changes are staged: " + ", ".join(sorted(staged)))
        with repo_lock(self.root):
            _write_all(self.root, pending)
        if commit is not None:
            repo.commit_files([self._git_rel(repo, rel) for rel in pending], commit, trailers or {})
        return list(pending)

    def _git_rel(self, repo: Any, rel: str) -> str:
        top = Path(repo.root).resolve()
        return (self.root.resolve() / rel).relative_to(top).as_posix()


def _validate(rel: str, data: bytes) -> None:
    key = layout.classify(rel)
    if key is None:
        return
    try:
        raw = load_fast(data, rel)
        KINDS[key.kind].model_validate(raw or {})
    except (YamlProblem, ValidationError) as exc:
        raise CtbError(f"refusing to write {rel}: the result would not be valid ({str(exc).splitlines()[0]})") from None


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_all(root: Path, pending: dict[str, bytes | None]) -> None:
    temps: dict[str, str] = {}
    done: list[str] = []
    backups: dict[str, bytes | None] = {}
    try:
        for rel, new in pending.items():
            if new is None:
                continue
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            # mkstemp creates 0600; give the file the mode it had, or the usual one
            os.chmod(tmp, target.stat().st_mode & 0o7777 if target.exists() else _default_mode())
            with os.fdopen(fd, "wb") as handle:
                handle.write(new)
                handle.flush()
                os.fsync(handle.fileno())
            temps[rel] = tmp
        for rel, new in pending.items():
            target = root / rel
            backups[rel] = target.read_bytes() if target.is_file() else None
            if new is None:
                if target.exists():
                    target.unlink()
            else:
                os.replace(temps[rel], target)
                del temps[rel]
            done.append(rel)
    except BaseException:
        for rel in reversed(done):
            target = root / rel
            old = backups[rel]
            if old is None:
                with contextlib.suppress(FileNotFoundError):
                    target.unlink()
            else:
                target.write_bytes(old)
        raise
    finally:
        for tmp in temps.values():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
