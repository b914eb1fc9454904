"""The inventory as it was at a revision or date, and the history of one BOM.

Everything goes through :class:`~ctb_files.storage.git.GitRepo`: a snapshot
is one ``ls-tree`` plus blobs from the persistent ``cat-file`` process, so a
BOM "at a date" is read from exactly one commit.  The BOM log asks git once
for the commits touching the files the BOM is made of, reads only those
files at each commit (lazily, parsing each distinct blob once), and skips a
commit cheaply when none of the files the BOM read there changed in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.models import BomFile, BomRow, Extension, Part, Project, Settings, valid_id
from ctb_files.core.models.common import record_adapter
from ctb_files.errors import CtbError
from ctb_files.ops.bom.diff import BomChange, FlatMemo, FlatRow, Side, flatten, summarize_bom_change
from ctb_files.ops.bom.extensions import visible_names
from ctb_files.ops.bom.tree import Memo, Target, explode
from ctb_files.storage.bomread import BomVersions
from ctb_files.storage.cache import FileCache
from ctb_files.storage.git import CommitInfo, GitRepo
from ctb_files.storage.loader import LoadResult, bulk, load_files
from ctb_files.storage.yaml import YamlProblem, load_fast

M = TypeVar("M", bound=BaseModel)
_AHEAD = 64  # commits of the walk whose folders come with one that must be read


@dataclass(frozen=True)
class Snapshot:
    """An inventory read from one commit."""

    commit: str
    loaded: LoadResult

    @property
    def short(self) -> str:
        return self.commit[:7]


def open_repo(root: Path) -> tuple[GitRepo, str]:
    """The git work tree holding the inventory at ``root``, and the inventory's folder in it."""
    # the real folder: git searches upwards from it, and a symlinked path has other parents
    repo = GitRepo.find(root.resolve())
    if repo is None:
        raise CtbError(f"{root} is not in a git repository; history needs git")
    return repo, _base(root, repo)


def inventory_at(
    root: Path, rev_or_date: str, repo: GitRepo | None = None, cache: bool = True, like: LoadResult | None = None
) -> Snapshot:
    """Every inventory file as it was at one commit (a date means the last commit by then).

    Files whose bytes equal those of a working-tree file validated before
    load from the warm cache (read only: a snapshot never replaces the
    working tree's entries); ``cache=False`` validates every file.  ``like``:
    an inventory already loaded in this command, whose models files of the
    same bytes take as they are (:func:`~ctb_files.storage.loader.load_files`).
    """
    own = repo is None
    git, base = open_repo(root) if repo is None else (repo, _base(root, repo))
    try:
        commit = git.resolve(rev_or_date)
        files = git.snapshot(commit, [base + prefix for prefix in layout.PREFIXES])
    finally:
        if own:
            git.close()
    stripped = {rel[len(base) :]: data for rel, data in files.items()}
    with bulk():  # unpickling makes the many objects that stay
        store = FileCache.open(root, stripped.get(layout.SETTINGS)) if cache else None
    return Snapshot(commit, load_files(stripped, store, like))


def _base(root: Path, repo: GitRepo) -> str:
    base = root.resolve().relative_to(repo.root.resolve()).as_posix()
    return "" if base == "." else base + "/"


class _Parsed:
    """Models parsed from blobs by blob id, shared by every revision (each blob parses once).

    BOM files are read row by row (:class:`~ctb_files.storage.bomread.BomVersions`):
    its versions differ in a row or two, and each distinct row parses once.
    """

    def __init__(self) -> None:
        self._cache: dict[tuple[type[BaseModel], str], Any] = {}
        self._boms = BomVersions()
        # id of a parsed row (shared by the versions that hold it) -> (that row, it validated)
        self._rows: dict[int, tuple[Any, BomRow]] = {}

    def get(self, model: type[M], blob: str | None, data: Callable[[str], bytes]) -> M | None:
        if blob is None:
            return None
        key = (model, blob)
        if key not in self._cache:
            try:
                if model is BomFile:
                    raw = self._boms.load(data(blob), "")
                    self._cache[key] = self._bom(raw) if isinstance(raw, dict) or raw is None else None
                else:
                    raw = load_fast(data(blob), "")
                    self._cache[key] = model.model_validate(raw or {}) if isinstance(raw, dict) or raw is None else None
            except (YamlProblem, ValidationError):
                self._cache[key] = None
        found = self._cache[key]
        return found if isinstance(found, model) else None

    def _bom(self, raw: dict[str, Any] | None) -> BomFile:
        """The BOM file validated with each distinct row validated once.

        Versions of a BOM share most rows (the row reader hands out one parsed
        row for equal lines), so a row met before comes as its record; the file
        then validates as if whole (a record in a list is taken as it is).
        """
        rows = (raw or {}).get("rows")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            return BomFile.model_validate(raw or {})  # the whole-file messages and answers
        records: list[BomRow] = []
        adapter = record_adapter(BomRow)
        for row in rows:
            known = self._rows.get(id(row))
            if known is None:
                known = self._rows[id(row)] = (row, adapter.validate_python(row))  # the row kept: its id stays its own
            records.append(known[1])
        return BomFile.model_validate({**(raw or {}), "rows": records})


class _RevisionCatalog:
    """A :class:`~ctb_files.ops.bom.tree.Catalog` reading files at one commit, by blob id."""

    def __init__(self, log: _Log, commit: str) -> None:
        self.log, self.commit = log, commit
        self.read: dict[str, str | None] = {}  # every path this revision's BOM depended on: its blob id
        self.parts: dict[str, Part | None] = {}  # the tree asks for a part more than once per row

    def _blob(self, rel: str) -> str | None:
        path = self.log.base + rel
        blob = self.read[path] = self.log.blob_at(self.commit, path)
        return blob

    def part(self, part_id: str) -> Part | None:
        if part_id not in self.parts:
            self.parts[part_id] = self.log.parsed.get(Part, self._blob(layout.part_path(part_id)), self.log.data)
        return self.parts[part_id]

    def project(self, project_id: str) -> Project | None:
        return self.log.parsed.get(Project, self._blob(layout.project_path(project_id)), self.log.data)

    def project_bom(self, project_id: str, version: str) -> BomFile | None:
        bom = self.log.parsed.get(BomFile, self._blob(layout.bom_path(project_id, version)), self.log.data)
        if bom is not None and self.log.last is None:
            # the first version exploded: the parts its rows ask for, in one request (later ones
            # fetch what the version before them read)
            wanted = sorted({row.wanted for row in bom.rows if row.wanted and valid_id(row.wanted)})
            self.log.prefetch(self.commit, [self.log.base + layout.part_path(part) for part in wanted])
        return bom

    def extensions(self) -> list[Extension]:
        settings = self.log.parsed.get(Settings, self._blob(layout.SETTINGS), self.log.data)
        return list(settings.bom_extensions) if settings is not None else []


@dataclass(frozen=True)
class _Result:
    """The flattened BOM of a revision, and the blob id of every file it read (``None``: absent)."""

    rows: list[FlatRow]
    read: Mapping[str, str | None]

    @cached_property
    def side(self) -> Side:
        """The rows as the summary compares them, shared by the comparisons with both neighbours."""
        return Side(self.rows)


@dataclass(frozen=True)
class BomLogEntry:
    commit: str
    short: str
    date: datetime
    author: str
    message: str
    change: BomChange

    @property
    def summary(self) -> str:
        return self.change.text()


_Change = tuple[str, str | None, str | None]  # path, blob id before, blob id after (None: absent)


class _Within:
    """Whether a path is one of ``prefixes`` or under one ending in ``/`` (asked for every file a BOM reads)."""

    def __init__(self, prefixes: Iterable[str]) -> None:
        listed = list(prefixes)
        self.folders = tuple(prefix for prefix in listed if prefix.endswith("/"))
        self.files = frozenset(prefix for prefix in listed if not prefix.endswith("/"))

    def __call__(self, path: str) -> bool:
        return path in self.files or path.startswith(self.folders)


def _rows(cat: _RevisionCatalog, target: Target) -> list[FlatRow]:
    try:
        rows = explode(cat, target, memo=cat.log.tree_memo)
    except CtbError:
        return []  # a revision whose units did not convert counts as having no readable BOM
    return flatten(rows, visible_names(cat.extensions()), cat.log.flat_memo)


def bom_log(root: Path, target: Target, max_count: int | None = None) -> list[BomLogEntry]:
    """Commits reachable from HEAD that changed ``target``'s BOM (any level), newest first."""
    repo, base = open_repo(root)
    try:
        return _Log(repo, base, target).run(max_count)
    finally:
        repo.close()


class _Log:
    """One ``bom log`` run, working on blob ids.

    A revision's BOM depends only on the files it read; if each of those has
    the same blob id at two revisions, their BOMs are equal.  The walk knows
    the blob id of every queried path at each listed commit without asking
    git: the newest from one ``ls-tree``, its first parent's from the ids the
    commit changed (``git log --raw``), and the next listed commit's equal to
    that parent's when only unlisted single-parent commits lie between.  So a
    commit is skipped without reading anything when none of the ids its BOM
    read changed, a BOM is exploded only for a set of ids not exploded
    before, and each blob is read and parsed once.
    """

    def __init__(self, repo: GitRepo, base: str, target: Target) -> None:
        self.repo, self.base, self.target = repo, base, target
        self.top = base + target.path
        self.parsed = _Parsed()
        # the rows of this target's versions made once (versions share rows and parts, each parsed once)
        self.tree_memo = Memo()
        self.flat_memo: FlatMemo = {}
        self.ids: dict[str, dict[str, str | None]] = {}  # commit -> path -> blob id known there
        self.folders: dict[str, dict[str, dict[str, str] | None]] = {}  # commit -> folder -> its files' ids
        self.bytes: dict[str, bytes] = {}
        self.results: dict[str, _Result] = {}
        self.by_top: dict[str | None, list[_Result]] = {}  # results by the blob id of the BOM's own file
        self.summaries: dict[tuple[int, int], BomChange] = {}
        self.order: list[str] = []
        self.position: dict[str, int] = {}
        self.query: set[str] = set()
        self.last: _Result | None = None
        self.parents: dict[str, tuple[str, ...]] | None = None
        self.parents_wait: Callable[[], dict[str, tuple[str, ...]]] = dict
        # every file a BOM can read (settings, its own file, the parts) and, during a linear
        # scan, the commit being looked at with the blob id of each of those files there
        self.broad = [base + layout.SETTINGS, self.top, base + "parts/"]
        self.in_broad = _Within(self.broad)
        self.live: tuple[str, dict[str, str]] | None = None

    # -- blob ids and bytes ---------------------------------------------------------

    def blob_at(self, commit: str, path: str) -> str | None:
        if self.live is not None and self.live[0] == commit:
            found = self.live[1].get(path)
            if found is not None or self.in_broad(path):
                return found  # every file of the broad paths is in the live ids
        known = self.ids.setdefault(commit, {})
        if path in known:
            return known[path]
        folder, _, name = path.rpartition("/")
        trees = self.folders.setdefault(commit, {})
        if folder not in trees:
            self._look_up(commit, [path])
        files = trees[folder]
        return files.get(name) if files is not None else None

    def _look_up(self, commit: str, paths: Iterable[str]) -> None:
        """Read the folders holding paths not known at ``commit``, in one request.

        A folder's tree names every file in it, so one answer covers all the
        parts at that commit, however many the BOM reads.  The same folders
        at the next commits of the walk come in the same request: a walk
        that needs them at one commit needs them at the next ones too.
        """
        if self.live is not None and self.live[0] == commit:
            paths = [path for path in paths if not self.in_broad(path)]
        known = self.ids.setdefault(commit, {})
        folders = sorted({path.rpartition("/")[0] for path in paths if path not in known})
        if not folders:
            return
        at = self.position.get(commit)
        later = self.order[at + 1 : at + 1 + _AHEAD] if at is not None else []
        pairs = [
            (each, folder)
            for each in (commit, *later)
            for folder in folders
            if folder not in self.folders.setdefault(each, {})
        ]
        for (each, folder), files in self.repo.folders_at(pairs).items():
            self.folders[each][folder] = files

    def data(self, blob: str) -> bytes:
        if blob not in self.bytes:
            self.bytes.update(self.repo.blobs([blob]))
        return self.bytes[blob]

    def prefetch(self, commit: str, paths: Iterable[str]) -> None:
        """Blob ids and bytes of ``paths`` at ``commit`` in at most two requests (instead of one per file)."""
        wanted = list(paths)
        self._look_up(commit, wanted)
        blobs = {self.blob_at(commit, path) for path in wanted} - {None} - self.bytes.keys()
        if blobs:
            self.bytes.update(self.repo.blobs(blob for blob in blobs if blob is not None))

    # -- results --------------------------------------------------------------------

    def _result(self, commit: str) -> _Result:
        if commit in self.results:
            return self.results[commit]
        top = self.blob_at(commit, self.top)
        for earlier in self.by_top.get(top, ()):
            self._look_up(commit, earlier.read)
            if all(self.blob_at(commit, path) == blob for path, blob in earlier.read.items()):
                self.results[commit] = earlier
                return earlier
        if self.last is not None:
            self.prefetch(commit, self.last.read)  # what the last BOM read is what this one will likely read
        cat = _RevisionCatalog(self, commit)
        result = _Result(_rows(cat, self.target), cat.read)
        self.results[commit] = self.last = result
        self.by_top.setdefault(top, []).insert(0, result)
        return result

    def _summary(self, before: _Result, after: _Result) -> BomChange:
        key = (id(before), id(after))
        if key not in self.summaries:
            self.summaries[key] = summarize_bom_change(before.side, after.side)
        return self.summaries[key]

    # -- the walk -------------------------------------------------------------------

    def run(self, max_count: int | None) -> list[BomLogEntry]:
        head = self.repo.head()
        if head is None:
            return []
        self.parents_wait = self.repo.parents_later()
        self.query = {self.base + layout.SETTINGS, self.top}
        # the newest BOM's files are not known yet: the ids of every part at once
        found = self.repo.tree_ids(head, self.broad)
        self.ids[head] = {**{path: None for path in self.query}, **found}
        self.query |= self._result(head).read.keys()
        entries = self._linear(head, found, max_count) if self._broad(self.query) else None
        while entries is None:
            entries, read = self._walk(max_count)
            if not read <= self.query:
                self.query |= read  # the BOM was made of other files in the past: ask again
                entries = None
        short = self.repo.short_names([entry.commit for entry in entries])
        return [replace(entry, short=short.get(entry.commit, entry.short)) for entry in entries]

    def _broad(self, paths: Iterable[str]) -> bool:
        return all(self.in_broad(path) for path in paths)

    def _linear(self, head: str, at_head: Mapping[str, str], max_count: int | None) -> list[BomLogEntry] | None:
        """The log from one walk of every file a BOM can read, when no merge is reachable; else None.

        Without merges git lists a commit for some paths exactly when it
        changed one of them, so the walk for the files the BOM read is the
        broad walk's commits that changed one of those: asking again when
        older versions read other files costs no git process.  The broad
        walk names every change to those files, so their blob ids at each
        commit follow from HEAD's without asking git.
        """
        walked = self.repo.walk_changes([path.rstrip("/") for path in self.broad])
        self.parents = self.parents_wait()
        if any(len(parents) > 1 for parents in self.parents.values()):
            return None  # git's history simplification decides which commits a merge brings: the exact walk
        while True:
            entries, read = self._scan(at_head, walked, max_count)
            if not self._broad(read):
                return None
            if read <= self.query:
                return entries
            self.query |= read

    def _scan(
        self, at_head: Mapping[str, str], walked: list[tuple[CommitInfo, list[_Change]]], max_count: int | None
    ) -> tuple[list[BomLogEntry], set[str]]:
        """One pass of :meth:`_walk` over the broad walk: the commits that changed a queried file."""
        entries: list[BomLogEntry] = []
        found: set[str] = set()
        # the versions of the queried files, in one request: mostly the BOM's own, all read
        blobs = {blob for _, changes in walked for path, old, new in changes if path in self.query for blob in (old, new)}
        self.bytes.update(self.repo.blobs(blob for blob in blobs - self.bytes.keys() if blob is not None))
        ids = dict(at_head)  # the blob ids at the commit looked at: between two walked commits none changes
        try:
            for info, changes in walked:
                rows = [row for row in changes if row[0] in self.query]
                after = None
                if rows:
                    self.live = (info.sha, ids)
                    after = self._result(info.sha)
                    found |= after.read.keys()
                for path, old, _new in changes:  # now the ids of its parent
                    if old is None:
                        ids.pop(path, None)
                    else:
                        ids[path] = old
                if after is None:
                    continue
                changed = {path for path, _old, _new in rows}
                if not changed & after.read.keys():
                    continue  # nothing this BOM is made of changed in this commit
                before = _Result([], {})
                if info.parents:
                    self.live = (info.parents[0], ids)
                    before = self._result(info.parents[0])
                    found |= before.read.keys()
                entry = self._entry(info, changed, before, after)
                if entry is not None:
                    entries.append(entry)
                    if max_count is not None and len(entries) >= max_count:
                        break
        finally:
            self.live = None
        return entries, found

    def _entry(self, info: CommitInfo, changed: set[str], before: _Result, after: _Result) -> BomLogEntry | None:
        """The log line of a commit that changed files the BOM read; None when its rows did not change."""
        if before.rows == after.rows:
            own = self.target.path.startswith("projects/") and after.rows
            if not own or self.top not in changed:
                return None
            # a project BOM file that changed (a re-sync, a hand edit) while no row did: still listed
            change = BomChange(other=[f"{self.target.path} edited; rows unchanged"])
        else:
            change = self._summary(before, after)
            if not change:  # rows differ in a way no summary names: still never "no change"
                change.other.append("rows changed")
        return BomLogEntry(info.sha, info.short, info.date, info.author, info.summary, change)

    def _walk(self, max_count: int | None) -> tuple[list[BomLogEntry], set[str]]:
        entries: list[BomLogEntry] = []
        found: set[str] = set()
        listed = self.repo.walk_changes(sorted(self.query))
        names = {info.sha for info, _ in listed}
        # the commits in the order the walk reads them (each listed one, then its first parent)
        self.order = [sha for info, _ in listed for sha in (info.sha, *info.parents[:1])]
        self.position = {sha: at for at, sha in reversed(list(enumerate(self.order)))}
        # every blob the walk saw change, in one request: most are the BOM's versions, all read
        blobs = {blob for _, changes in listed for _, old, new in changes for blob in (old, new) if blob is not None}
        self.bytes.update(self.repo.blobs(blobs - self.bytes.keys()))
        below: str | None = None  # the first parent of the commit listed before
        for info, changes in listed:
            if below is not None and self._unchanged_between(below, info.sha, names):
                # no commit in between touched the query paths: they read as in that parent
                self._fill(info.sha, self.ids[below])
            elif info.sha not in self.ids:
                self.ids[info.sha] = {}
            after = self._result(info.sha)
            found |= after.read.keys()
            changed = {path for path, _old, _new in changes}
            below = None
            if len(info.parents) > 1:
                # a merge listed: what it changed against its first parent, asked for once; that
                # parent's ids are learnt when read (a merge is rare, a walk lists few)
                below = info.parents[0]
                changed = {path for path, _old, _new in self.repo.changes(info.sha, sorted(self.query))}
                self.ids.setdefault(below, {})
            elif info.parents:
                below = info.parents[0]
                # files untouched by this commit are the same in its parent
                here = self.ids[info.sha]
                known = {path: blob for path, blob in here.items() if path in self.query and path not in changed}
                known.update((path, old) for path, old, _new in changes)
                self._fill(below, known)
            if not changed & after.read.keys():
                continue  # nothing this BOM is made of changed in this commit
            if below is not None:
                before = self._result(below)
                found |= before.read.keys()
            else:
                before = _Result([], {})
            entry = self._entry(info, changed, before, after)
            if entry is None:
                continue
            entries.append(entry)
            if max_count is not None and len(entries) >= max_count:
                break
        return entries, found

    def _fill(self, commit: str, known: Mapping[str, str | None]) -> None:
        """Record blob ids known to be those of ``commit`` (only paths of the current query)."""
        ids = self.ids.setdefault(commit, {})
        for path, blob in known.items():
            if path in self.query:
                ids.setdefault(path, blob)

    def _unchanged_between(self, start: str, end: str, listed: set[str]) -> bool:
        """Whether ``end`` is reached from ``start`` along single-parent commits that were not listed.

        Such commits did not touch the query paths (a one-parent commit that
        did would be listed), so the paths read the same at both ends; a merge
        on the way could have taken them from another parent, so it stops the shortcut.
        """
        if start == end:
            return True
        if self.parents is None:
            self.parents = self.parents_wait()
        commit = start
        while commit != end:
            if commit in listed:
                return False
            parents = self.parents.get(commit)
            if parents is None or len(parents) != 1:
                return False
            commit = parents[0]
        return True
