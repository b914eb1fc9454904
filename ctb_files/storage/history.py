"""The inventory as it was at a revision or date, and the history of one BOM.

Everything goes through :class:`~ctb_files.storage.git.GitRepo`: a snapshot
is one ``ls-tree`` plus blobs from the persistent ``cat-file`` process, so a
BOM "at a date" is read from exactly one commit.  The BOM log asks git once
for the commits touching the files the BOM is made of, reads only those
files at each commit (lazily, parsing each distinct blob once), and skips a
commit cheaply when none of the files the BOM read there changed in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ctb_files.core import paths as layout
from ctb_files.core.models import BomFile, Extension, Part, Project, Settings
from ctb_files.errors import CtbError
from ctb_files.ops.bom.diff import BomChange, FlatRow, flatten, summarize_bom_change
from ctb_files.ops.bom.extensions import visible_names
from ctb_files.ops.bom.tree import Target, explode
from ctb_files.storage.cache import FileCache
from ctb_files.storage.git import GitRepo
from ctb_files.storage.loader import LoadResult, bulk, load_files
from ctb_files.storage.yaml import YamlProblem, load_fast

M = TypeVar("M", bound=BaseModel)


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


def inventory_at(root: Path, rev_or_date: str, repo: GitRepo | None = None, cache: bool = True) -> Snapshot:
    """Every inventory file as it was at one commit (a date means the last commit by then).

    Files whose bytes equal those of a working-tree file validated before
    load from the warm cache (read only: a snapshot never replaces the
    working tree's entries); ``cache=False`` validates every file.
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
    return Snapshot(commit, load_files(stripped, store))


def _base(root: Path, repo: GitRepo) -> str:
    base = root.resolve().relative_to(repo.root.resolve()).as_posix()
    return "" if base == "." else base + "/"


class _Parsed:
    """Models parsed from blobs, shared by every revision (equal bytes parse once)."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type[BaseModel], bytes], Any] = {}

    def get(self, model: type[M], data: bytes | None) -> M | None:
        if data is None:
            return None
        key = (model, data)
        if key not in self._cache:
            try:
                raw = load_fast(data, "")
                self._cache[key] = model.model_validate(raw or {}) if isinstance(raw, dict) or raw is None else None
            except (YamlProblem, ValidationError):
                self._cache[key] = None
        found = self._cache[key]
        return found if isinstance(found, model) else None


class _RevisionCatalog:
    """A :class:`~ctb_files.ops.bom.tree.Catalog` reading files at one commit on demand."""

    def __init__(
        self, repo: GitRepo, commit: str, base: str, parsed: _Parsed, known: Mapping[str, bytes | None]
    ) -> None:
        self.repo, self.commit, self.base, self.parsed = repo, commit, base, parsed
        self.files: dict[str, bytes | None] = dict(known)
        self.read: set[str] = set()  # every path this revision's BOM depended on

    def peek(self, path: str) -> bytes | None:
        """The file at this commit (repository path), without counting it as read."""
        if path not in self.files:
            self.files[path] = self.repo.read_at(self.commit, path)
        return self.files[path]

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read every path not read yet in one request (instead of one at a time)."""
        missing = [path for path in paths if path not in self.files]
        if missing:
            self.files.update(self.repo.read_many_at(self.commit, missing))

    def _file(self, rel: str) -> bytes | None:
        path = self.base + rel
        self.read.add(path)
        return self.peek(path)

    def part(self, part_id: str) -> Part | None:
        return self.parsed.get(Part, self._file(layout.part_path(part_id)))

    def project(self, project_id: str) -> Project | None:
        return self.parsed.get(Project, self._file(layout.project_path(project_id)))

    def project_bom(self, project_id: str, version: str) -> BomFile | None:
        return self.parsed.get(BomFile, self._file(layout.bom_path(project_id, version)))

    def extensions(self) -> list[Extension]:
        settings = self.parsed.get(Settings, self._file(layout.SETTINGS))
        return list(settings.bom_extensions) if settings is not None else []


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


def _rows(cat: _RevisionCatalog, target: Target) -> list[FlatRow]:
    try:
        rows = explode(cat, target)
    except CtbError:
        return []  # a revision whose units did not convert counts as having no readable BOM
    return flatten(rows, visible_names(cat.extensions()))


def bom_log(root: Path, target: Target, max_count: int | None = None) -> list[BomLogEntry]:
    """Commits reachable from HEAD that changed ``target``'s BOM (any level), newest first."""
    repo, base = open_repo(root)
    try:
        return _Log(repo, base, target).run(max_count)
    finally:
        repo.close()


class _Log:
    """One ``bom log`` run.

    A revision's BOM depends only on the files it read; if none of those
    changed between two revisions, their BOMs are equal.  That lets the walk
    skip commits without exploding anything, and reuse the last explosion
    when the next commit listed left its files as they were.
    """

    def __init__(self, repo: GitRepo, base: str, target: Target) -> None:
        self.repo, self.base, self.target = repo, base, target
        self.parsed = _Parsed()
        self.catalogs: dict[str, _RevisionCatalog] = {}
        self.results: dict[str, list[FlatRow]] = {}
        self.query: set[str] = set()
        self.last: _RevisionCatalog | None = None
        self.parents: dict[str, tuple[str, ...]] | None = None

    def _catalog(self, commit: str, known: Mapping[str, bytes | None] | None = None) -> _RevisionCatalog:
        if commit not in self.catalogs:
            if known is None:
                # one ls-tree and one pipelined blob read for every file asked about so far
                files = self.repo.snapshot(commit, sorted(self.query))
                known = {path: files.get(path) for path in self.query}
            self.catalogs[commit] = _RevisionCatalog(self.repo, commit, self.base, self.parsed, known)
        return self.catalogs[commit]

    def _result(self, commit: str) -> list[FlatRow]:
        if commit not in self.results:
            cat = self._catalog(commit)
            last = self.last
            if last is not None:
                cat.prefetch(sorted(last.read))  # what the last BOM read is what this one will likely read
            if last is not None and all(cat.peek(path) == last.files[path] for path in last.read):
                self.results[commit] = self.results[last.commit]
                cat.read = set(last.read)
            else:
                self.results[commit] = _rows(cat, self.target)
            self.last = cat
        return self.results[commit]

    def run(self, max_count: int | None) -> list[BomLogEntry]:
        head = self.repo.head()
        if head is None:
            return []
        self.query = {self.base + layout.SETTINGS, self.base + self.target.path}
        # the newest BOM's files are not known yet: read every part at once
        files = self.repo.snapshot(head, [*sorted(self.query), self.base + "parts/"])
        self._catalog(head, {**{path: None for path in self.query}, **files})
        self._result(head)
        self.query |= self._catalog(head).read
        while True:
            entries, found = self._walk(max_count)
            if found <= self.query:
                return entries
            self.query |= found  # the BOM was made of other files in the past: ask again

    def _walk(self, max_count: int | None) -> tuple[list[BomLogEntry], set[str]]:
        entries: list[BomLogEntry] = []
        found: set[str] = set()
        query = sorted(self.query)
        along = self.repo.changes_along(query)  # one walk and one blob batch for every commit listed
        if self.parents is None:
            self.parents = self.repo.parents_of_all()
        listed = self.repo.history(query)
        names = {info.sha for info in listed}
        below: _RevisionCatalog | None = None  # the first parent of the commit listed before
        for info in listed:
            if below is not None and self._unchanged_between(below.commit, info.sha, names):
                # no commit in between touched the query paths: they read as in that parent
                self._fill(info.sha, {p: data for p, data in below.files.items() if p in self.query})
            after = self._result(info.sha)
            cat = self.catalogs[info.sha]
            found |= cat.read
            changed = {path: old for path, old, _new in along.get(info.sha, [])}
            below = None
            if info.parents:
                parent = info.parents[0]
                # files untouched by this commit are the same in its parent
                known = {p: data for p, data in cat.files.items() if p in self.query and p not in changed}
                known.update(changed)
                below = self._fill(parent, known)
            if not set(changed) & cat.read:
                continue  # nothing this BOM is made of changed in this commit
            if info.parents:
                before = self._result(info.parents[0])
                found |= self.catalogs[info.parents[0]].read
            else:
                before = []
            if before == after:
                own = self.target.path.startswith("projects/") and after
                if not own or self.base + self.target.path not in changed:
                    continue
                # a project BOM file that changed (a re-sync, a hand edit) while no row did: still listed
                change = BomChange(other=[f"{self.target.path} edited; rows unchanged"])
            else:
                change = summarize_bom_change(before, after)
                if not change:  # rows differ in a way no summary names: still never "no change"
                    change.other.append("rows changed")
            entries.append(BomLogEntry(info.sha, info.short, info.date, info.author, info.summary, change))
            if max_count is not None and len(entries) >= max_count:
                break
        return entries, found

    def _fill(self, commit: str, known: Mapping[str, bytes | None]) -> _RevisionCatalog:
        """The catalog of ``commit``, given files known to be as they are there (a later walk asks for more)."""
        cat = self._catalog(commit, known)
        for path, data in known.items():
            cat.files.setdefault(path, data)
        return cat

    def _unchanged_between(self, start: str, end: str, listed: set[str]) -> bool:
        """Whether ``end`` is reached from ``start`` along single-parent commits that were not listed.

        Such commits did not touch the query paths (a one-parent commit that
        did would be listed), so the paths read the same at both ends; a merge
        on the way could have taken them from another parent, so it stops the shortcut.
        """
        assert self.parents is not None
        commit = start
        while commit != end:
            if commit in listed:
                return False
            parents = self.parents.get(commit)
            if parents is None or len(parents) != 1:
                return False
            commit = parents[0]
        return True
