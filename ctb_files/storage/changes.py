"""Write-back: the files one command changes, written all or nothing.

Every command that writes collects its edits in one :class:`ChangeSet`:
round-trip documents for YAML it edits (comments and untouched bytes kept),
plain text for files it creates.  :meth:`ChangeSet.apply` then checks each
new file against its model and, under the repository lock, refuses if
another command changed the inventory since it was read, and writes every
file through the write-ahead journal (:mod:`ctb_files.storage.journal`):
all files change or none, even when the process is killed.  ``--dry-run`` prints a unified diff
instead, and ``--commit`` commits exactly the changed files.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.models import KINDS
from ctb_files.core.schema import HINT_PREFIX, schema_hint
from ctb_files.errors import CtbError
from ctb_files.storage import journal, tree, treestat
from ctb_files.storage.cachebase import file_digest
from ctb_files.storage.loader import bulk
from ctb_files.storage.lock import repo_lock
from ctb_files.storage.writeback.flowlines import FlowLines
from ctb_files.storage.yaml import YamlProblem, load_fast

if TYPE_CHECKING:
    from ctb_files.storage.yaml import CommentedMap


class TextEdit(Protocol):
    """A file edited as its lines of text (``writeback.flowlines``, ``writeback.orderlines``): ``read`` takes its
    bytes (None: not a shape it edits), ``text`` gives them back with the edits made."""

    @classmethod
    def read(cls, data: bytes) -> Any: ...

    def text(self) -> str: ...


_Text = TypeVar("_Text", bound=TextEdit)


class InventoryChanged(CtbError):
    """Another command changed the inventory between this command's read and its write; nothing written."""


def _with_schema_hint(rel: str, data: bytes) -> bytes:
    """A new inventory file starts with the line that points editors at its JSON Schema."""
    key = layout.classify(rel)
    if key is None or data.startswith(HINT_PREFIX.encode()):
        return data
    return (schema_hint(rel, key.kind) + "\n").encode("utf-8") + data


class ChangeSet:
    """The files one command writes, applied together or not at all."""

    def __init__(self, root: Path, files: Mapping[str, bytes] | None = None, cache: bool = True) -> None:
        self.root = root
        self._known = files if files is not None else {}
        self._cache = cache  # False (--no-cache): the stat index in .git/ctb is not used either
        self._docs: dict[str, Any] = {}
        self._lines: dict[str, TextEdit] = {}  # files edited as lines of text (stock files, orders)
        self._new: dict[str, bytes | None] = {}
        self._old: dict[str, bytes | None] = {}  # the files' bytes before, once asked for
        # files whose staged text was validated when staged, from the data its writer knew it holds
        # (the data is not kept: at 2,000 builds it is hundreds of MiB)
        self._checked: set[str] = set()

    # --- collecting -----------------------------------------------------------------------

    def old_bytes(self, rel: str) -> bytes | None:
        if rel in self._old:
            return self._old[rel]
        found: bytes | None
        if rel in self._known:
            found = self._known[rel]
            # a load that did not keep the bytes: read again, they must be what was loaded, or an
            # edit would start from another command's write and could undo it unseen
            if isinstance(self._known, treestat.ReadAgain) and file_digest(found) != self._known.loaded_digest(rel):
                raise _changed([rel])
        else:
            path = self.root / rel
            found = path.read_bytes() if path.is_file() else None
        self._old[rel] = found
        return found

    def edit_lines(self, rel: str) -> FlowLines | None:
        """The lines of the stock file ``rel`` to change as text, with the edits made so far; None when it is
        not in the shape ctb writes, is new, or is being edited otherwise: then :meth:`edit` it."""
        return self.edit_as_text(rel, FlowLines)

    def edit_as_text(self, rel: str, kind: type[_Text]) -> _Text | None:
        """``rel`` to change as text (``kind.read`` of its bytes), with the edits made so far; None when ``kind``
        does not take it, the file is new, or it is being edited otherwise: then :meth:`edit` it."""
        if rel in self._lines:
            found = self._lines[rel]
            return found if isinstance(found, kind) else None
        if rel in self._docs or rel in self._new:
            return None
        old = self.old_bytes(rel)
        made = kind.read(old) if old else None
        if made is not None:
            self._checked.discard(rel)
            self._lines[rel] = made
        return made

    def edit(self, rel: str) -> CommentedMap:
        """The round-trip document of ``rel`` to change in place (empty if new); edits made to its lines as text
        (:meth:`edit_lines`) are in it."""
        from ctb_files.storage.yaml import CommentedMap, load_roundtrip  # the round trip: here, where it is used

        if rel in self._lines:
            self._docs[rel] = load_roundtrip(self._lines.pop(rel).text())
        if rel not in self._docs:
            self._checked.discard(rel)
            old = self.old_bytes(rel)
            doc = load_roundtrip(old.decode("utf-8-sig")) if old else None
            if doc is None and old and old.strip():
                # comments only: keep them as the header of the new mapping
                doc = load_roundtrip(old.decode("utf-8-sig").rstrip("\n") + "\n{}\n")
            self._docs[rel] = doc if isinstance(doc, CommentedMap) else CommentedMap()
        found: CommentedMap = self._docs[rel]
        return found

    def write_text(self, rel: str, text: str, data: Any = None) -> None:
        """Stage ``text`` for ``rel``.

        ``data``, when given, is what the text parses to: it is validated now
        (a refusal is raised here) and the text is not parsed again to be
        validated when written.
        """
        self._docs.pop(rel, None)
        self._lines.pop(rel, None)
        encoded = text.encode("utf-8")
        if data is None:
            self._checked.discard(rel)
        else:
            _validate(rel, encoded, data)
            self._checked.add(rel)
        self._new[rel] = encoded

    def delete(self, rel: str) -> None:
        self._docs.pop(rel, None)
        self._lines.pop(rel, None)
        self._checked.discard(rel)
        self._new[rel] = None

    def pending(self) -> dict[str, bytes | None]:
        """Only the files whose bytes really change."""
        out = dict(self._new)
        for rel, lines in self._lines.items():
            out[rel] = lines.text().encode("utf-8")
        if self._docs:
            from ctb_files.storage.yaml import dump

            for rel, doc in self._docs.items():
                old = self.old_bytes(rel)  # its lists keep their column (PyYAML's or ctb's)
                out[rel] = dump(doc, old.decode("utf-8-sig") if old else None).encode("utf-8")
        for rel, new in out.items():
            if new is not None and self.old_bytes(rel) is None:
                out[rel] = _with_schema_hint(rel, new)
        return {rel: new for rel, new in sorted(out.items()) if new != self.old_bytes(rel)}

    # --- showing and applying -------------------------------------------------------------

    def diff(self, rendered: Mapping[str, bytes | None] | None = None) -> str:
        """The unified diff of the pending files (``rendered``: :meth:`pending` as the caller took it, nothing changed since)."""
        chunks: list[str] = []
        for rel, new in (self.pending() if rendered is None else rendered).items():
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
        rendered: Mapping[str, bytes | None] | None = None,
    ) -> list[str]:
        """Write every pending file atomically; return the changed paths.

        ``rendered``: what :meth:`pending` returned to a caller that has changed
        nothing since (each call renders every edited document again).
        """
        pending = self.pending() if rendered is None else dict(rendered)
        if dry_run or not pending:
            return list(pending)
        with bulk():  # thousands of files validated: their models are dropped as they go
            for rel, new in pending.items():
                if new is not None and rel not in self._checked:
                    _validate(rel, new)
        repo = None
        if commit is not None:
            from ctb_files.storage.git import GitRepo

            repo = GitRepo.find(self.root)
            if repo is None:
                raise CtbError(f"--commit needs a git repository; {self.root} is not one")
            who = repo.identity_problem()
            if who is not None:
                raise CtbError(f"--commit refused, nothing written: {who}")
            others = set(repo.staged_paths()) - {self._git_rel(repo, rel) for rel in pending}
            if others:
                raise CtbError("--commit refused: other changes are staged: " + ", ".join(sorted(others)))
        with repo_lock(self.root):
            journal.recover(self.root, journal.journal_path(self.root))
            self._refuse_if_changed(pending)
            # what the files hold now is what was loaded (just checked): the backups should a rename fail
            old = {rel: self.old_bytes(rel) for rel in pending}
            journal.write_all(self.root, journal.journal_path(self.root), pending, old)
        if commit is not None and repo is not None:
            repo.commit_files([self._git_rel(repo, rel) for rel in pending], commit, trailers or {})
        return list(pending)

    def _refuse_if_changed(self, pending: dict[str, bytes | None]) -> None:
        """Refuse when another command changed the inventory since this one read it.

        Checked under the lock, so a command's result always rests on the files
        it writes over: six builds cleared at once never reserve the same stock
        twice, and two stock changes to one line never lose either.
        """
        if not self._known:
            return
        # the stat index reads again only files whose size or times moved (as git's index does)
        now = treestat.tree_digests(self.root) if self._cache else None
        if now is None:  # no index (the caches are off): every file read and compared
            now = treestat.digests_of(tree.read_tree(self.root))
        known = treestat.digests_of(self._known)
        changed = sorted(
            rel
            for rel in set(now) | set(known)
            if now.get(rel) != known.get(rel)
            # the loader leaves out links to files outside the inventory (CTB108): not a change
            and not (rel not in self._known and (self.root / rel).is_symlink())
        )
        if changed:
            raise _changed(changed)

    def _git_rel(self, repo: Any, rel: str) -> str:
        top = Path(repo.root).resolve()
        return (self.root.resolve() / rel).relative_to(top).as_posix()


def _changed(paths: list[str]) -> InventoryChanged:
    """The refusal of a write whose files another command changed since they were read."""
    more = f" (and {len(paths) - 1} more)" if len(paths) > 1 else ""
    return InventoryChanged(f"{paths[0]}{more} changed while this command ran; nothing written, run it again")


def _validate(rel: str, data: bytes, parsed: Any = None) -> None:
    """Refuse ``data`` unless its model accepts it (``parsed``: what it is known to parse to)."""
    key = layout.classify(rel)
    if key is None:
        return
    try:
        raw = load_fast(data, rel) if parsed is None else parsed
        KINDS[key.kind].model_validate(raw or {})
    except (YamlProblem, ValidationError) as exc:
        raise CtbError(f"refusing to write {rel}: the result would not be valid ({str(exc).splitlines()[0]})") from None
