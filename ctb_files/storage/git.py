"""The one git adapter: every git command ctb runs goes through :class:`GitRepo`.

It owns three things the rest of ctb must not care about:

* **Environment hygiene.**  Inside a git hook, git exports ``GIT_DIR``,
  ``GIT_INDEX_FILE`` and friends for the repository being committed to.  Those
  would silently redirect ctb's own git calls (possibly to another repository
  or to a temporary index), so every command this module starts runs without
  them; everything else (``HOME``, author variables, ...) is passed through.
* **Speed.**  Blobs are read through one persistent ``git cat-file --batch``
  process, requests pipelined in small chunks; trees are listed with one
  ``ls-tree`` and histories with one ``log``: no process per file or commit.
* **Errors.**  Any failure of git becomes a one-line :class:`CtbError`.

Running git and its environment are :mod:`~ctb_files.storage.gitproc`,
reading objects in bulk :mod:`~ctb_files.storage.gitobjects`, and reading
what ``git log`` prints :mod:`~ctb_files.storage.gitlog`.

Paths given to and returned by this module are POSIX paths relative to the
work tree's top directory; pathspecs are literal (no glob magic).  A
:class:`GitRepo` is not thread-safe: use one per thread.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from ctb_files.errors import CtbError
from ctb_files.storage.gitlog import (
    DATE,
    LOG_FIELDS,
    LOG_FORMAT,
    REGULAR_FILE_MODES,
    CommitInfo,
    PathHistory,
    commit_info,
    end_of_day,
    log_commits,
    parse_graph,
    raw_change,
    raw_log,
    under,
)
from ctb_files.storage.gitobjects import BlobStream, ObjectReader, tree_files
from ctb_files.storage.gitproc import (
    EXTRA_ENV,
    HOOK_VARIABLES,
    Background,
    call,
    call_full,
    check_path,
    check_rev,
    check_status,
    clean_classes,
    clean_git,
    commit_problem,
    decode,
    nul_tokens,
    spawn,
    without_hook_variables,
)

if TYPE_CHECKING:
    from git import Repo
    from git.cmd import Git

__all__ = ["HOOK_VARIABLES", "CommitInfo", "GitRepo", "PathHistory", "clean_git"]
_SHAS_PER_CALL = 500  # commit names on one git command line: far below any system's limit
_FULL_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


class GitRepo:
    """A git work tree, and everything ctb asks of git about it."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        """Open the work tree that contains ``path``; CtbError when there is none."""
        repo = self._discover(path)
        if repo is None:
            raise CtbError(f"not inside a git work tree: {path}")
        self._repo: Repo = repo
        self.root = Path(str(repo.working_tree_dir))
        self._git: Git = self._repo.git
        self._git.update_environment(**EXTRA_ENV)
        self._objects = ObjectReader(self._git)
        self._trees: dict[str, dict[str, str]] = {}  # tree id -> its regular files (folders_at)

    @staticmethod
    def _discover(path: str | os.PathLike[str]) -> Repo | None:
        from git.exc import InvalidGitRepositoryError, NoSuchPathError

        start = Path(path).resolve()
        if start.is_file():
            start = start.parent
        with without_hook_variables():
            try:
                repo = clean_classes()[1](os.fspath(start), search_parent_directories=True, expand_vars=False)
            except (InvalidGitRepositoryError, NoSuchPathError):
                return None
        if repo.bare or repo.working_tree_dir is None:
            repo.close()
            return None
        return repo

    @classmethod
    def find(cls, path: str | os.PathLike[str]) -> GitRepo | None:
        """The work tree enclosing ``path``, or ``None`` outside any."""
        try:
            return cls(path)
        except CtbError:
            return None

    @classmethod
    def init(cls, path: str | os.PathLike[str], initial_branch: str = "main") -> GitRepo:
        """``git init`` a new (or existing) directory and open it."""
        target = Path(path)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CtbError(f"cannot create {target}: {exc.strerror}") from None
        call(clean_git(str(target)), "init", "--quiet", f"--initial-branch={initial_branch}")
        return cls(target)

    # -- plumbing -----------------------------------------------------------------

    def close(self) -> None:
        """Stop the persistent git processes; the object stays usable."""
        self._objects.close()
        self._repo.close()

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GitRepo({str(self.root)!r})"

    def _run(self, command: str, *args: str, ok: Iterable[int] = (0,)) -> tuple[int, bytes]:
        return call(self._git, command, *args, ok=ok)

    def _commit(self, rev: str) -> str:
        """Full sha of the commit ``rev`` names; CtbError when there is none."""
        rev = check_rev(rev)
        if _FULL_SHA.fullmatch(rev):
            # the common case (callers pass shas back in) costs no process start
            item = self._objects.read([rev])[0]
            if item is not None and item[0] == "commit":
                return rev.lower()
        status, out = self._run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", ok=(0, 1, 128))
        if status != 0:
            raise CtbError(f"unknown revision: {rev}")
        return decode(out).strip()

    def _parents(self, sha: str) -> list[str]:
        item = self._objects.read([sha])[0]
        if item is None or item[0] != "commit":
            raise CtbError(f"unknown revision: {sha}")
        header = item[1].split(b"\n\n", 1)[0]
        return [decode(line[7:]) for line in header.split(b"\n") if line.startswith(b"parent ")]

    # -- revisions ----------------------------------------------------------------

    def head(self) -> str | None:
        """The sha of HEAD, ``None`` before the first commit."""
        status, out = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1))
        return decode(out).strip() if status == 0 else None

    def current_branch(self) -> str | None:
        """The checked-out branch (also before its first commit); ``None`` when detached."""
        status, out = self._run("symbolic-ref", "--quiet", "--short", "HEAD", ok=(0, 1))
        return decode(out).strip() if status == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        """Whether commit ``a`` is ``b`` or one of its ancestors."""
        status, _ = self._run("merge-base", "--is-ancestor", self._commit(a), self._commit(b), ok=(0, 1))
        return status == 0

    def resolve(self, rev_or_date: str) -> str:
        """Full sha of a revision, or of the last first-parent commit at a date.

        ``YYYY-MM-DD`` means the end of that day (UTC); an ISO datetime without
        a zone is UTC too.  Anything else that is not a revision is a date as
        git reads one (``yesterday``, ``2 weeks ago``, ``last friday``).  A
        branch or tag spelled like a date wins over the date.
        """
        text = check_rev(rev_or_date)
        try:
            return self._commit(text)
        except CtbError:
            if not (DATE.fullmatch(text) or _DATETIME.fullmatch(text) or self._git_date(text)):
                raise CtbError(
                    f"unknown revision: {text} (nor a date git knows, such as 2026-11-01, yesterday, '2 weeks ago')"
                ) from None
        before = end_of_day(text) if DATE.fullmatch(text) or _DATETIME.fullmatch(text) else self._git_date(text)
        if self.head() is None:
            raise CtbError(f"no commit at or before {text}: the repository has no commits yet")
        _, out = self._run("rev-list", "-1", "--first-parent", f"--before={before}", "HEAD")
        sha = decode(out).strip()
        if not sha:
            raise CtbError(f"no commit at or before {text} on the current branch")
        return sha

    def _git_date(self, text: str) -> str | None:
        """``@<unix time>`` of a date in git's words, or None when git does not read it as one.

        git reads words it does not know as "now"; only the words that mean
        now are taken as now, so a mistyped revision is not silently HEAD.
        """
        status, out = self._run("rev-parse", f"--since={text}", ok=(0, 128))
        found = re.fullmatch(r"--max-age=(\d+)", decode(out).strip())
        if status != 0 or found is None:
            return None
        stamp = int(found.group(1))
        _, now_out = self._run("rev-parse", "--since=now")
        now_match = re.fullmatch(r"--max-age=(\d+)", decode(now_out).strip())
        if now_match and abs(int(now_match.group(1)) - stamp) <= 2 and text.lower() not in ("now", "today"):
            return None
        return f"@{stamp}"

    # -- reading ------------------------------------------------------------------

    def _blobs(self, shas: Iterable[str]) -> dict[str, bytes]:
        wanted = sorted(set(shas))
        found = self._objects.read(wanted)
        blobs: dict[str, bytes] = {}
        for sha, item in zip(wanted, found, strict=False):
            if item is None or item[0] != "blob":
                raise CtbError(f"git object {sha} is missing from the repository")
            blobs[sha] = item[1]
        return blobs

    def snapshot(self, commit: str, prefixes: Iterable[str]) -> dict[str, bytes]:
        """Every regular file at ``commit`` under the prefixes: path → bytes.

        A prefix ending in ``/`` is a folder; any other names a file (or a
        folder of that name).  Symlinks and submodules are left out.
        """
        wanted = [check_path(p.rstrip("/")) + ("/" if p.endswith("/") else "") for p in prefixes]
        if not wanted:
            return {}
        tree = f"{self._commit(commit)}^{{tree}}"
        _, out = self._run("ls-tree", "-r", "-z", "--full-tree", tree, "--", *(p.rstrip("/") for p in wanted))
        entries: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, sha = decode(meta).split(" ")
            path = decode(raw_path)
            if kind == "blob" and mode in REGULAR_FILE_MODES and under(path, wanted):
                entries[path] = sha
        blobs = self._blobs(entries.values())
        return {path: blobs[sha] for path, sha in entries.items()}

    def tree_ids(self, commit: str, prefixes: Iterable[str]) -> dict[str, str]:
        """The blob id of every regular file at ``commit`` under the prefixes (as :meth:`snapshot`)."""
        wanted = [check_path(p.rstrip("/")) + ("/" if p.endswith("/") else "") for p in prefixes]
        if not wanted:
            return {}
        tree = f"{self._commit(commit)}^{{tree}}"
        _, out = self._run("ls-tree", "-r", "-z", "--full-tree", tree, "--", *(p.rstrip("/") for p in wanted))
        entries: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, sha = decode(meta).split(" ")
            path = decode(raw_path)
            if kind == "blob" and mode in REGULAR_FILE_MODES and under(path, wanted):
                entries[path] = sha
        return entries

    def blobs(self, ids: Iterable[str]) -> dict[str, bytes]:
        """The bytes of blobs by id, in one pipelined request; CtbError when one is missing."""
        wanted = sorted(set(ids))
        found = self._objects.read_named(wanted)
        blobs: dict[str, bytes] = {}
        for sha, item in zip(wanted, found, strict=True):
            if item is None or item[1] != "blob":
                raise CtbError(f"git object {sha} is missing from the repository")
            blobs[sha] = item[2]
        return blobs

    def files_at(self, commit: str, paths: Sequence[str]) -> dict[str, tuple[str, bytes] | None]:
        """(blob id, bytes) of each file at ``commit``, ``None`` where absent (or a folder); one request."""
        sha = self._commit(commit)
        found = self._objects.read_named([f"{sha}:{check_path(path)}" for path in paths])
        return {
            path: (item[0], item[2]) if item is not None and item[1] == "blob" else None
            for path, item in zip(paths, found, strict=True)
        }

    def folders_at(self, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], dict[str, str] | None]:
        """The regular files directly in folders at commits: name → blob id; ``None`` where no folder.

        ``pairs`` are (commit, folder); ``""`` is the top folder.  One
        pipelined request of tree objects, read here instead of asking git
        for one path at a time; a tree read before is parsed once.
        """
        # a full id as the walks hand it over needs no check: an unknown one finds no folder
        names = [
            f"{sha.lower() if _FULL_SHA.fullmatch(sha) else self._commit(sha)}:{check_path(f) if f else ''}"
            for sha, f in pairs
        ]
        found = self._objects.read_named(names)
        out: dict[tuple[str, str], dict[str, str] | None] = {}
        for pair, name, item in zip(pairs, names, found, strict=True):
            if item is None or item[1] != "tree":
                out[pair] = None
                continue
            if item[0] not in self._trees:  # a folder that did not change reads once
                self._trees[item[0]] = tree_files(item[2], len(name.partition(":")[0]) // 2)
            out[pair] = self._trees[item[0]]
        return out

    def read_at(self, commit: str, path: str) -> bytes | None:
        """The file ``path`` at ``commit``; ``None`` if it is absent there (or a folder)."""
        name = f"{self._commit(commit)}:{check_path(path)}"
        item = self._objects.read([name])[0]
        return item[1] if item is not None and item[0] == "blob" else None

    def read_many_at(self, commit: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """:meth:`read_at` of several files at one commit, in one pipelined request."""
        sha = self._commit(commit)
        found = self._objects.read([f"{sha}:{check_path(path)}" for path in paths])
        return {
            path: item[1] if item is not None and item[0] == "blob" else None
            for path, item in zip(paths, found, strict=True)
        }

    def history(self, paths: list[str], *, max_count: int | None = None) -> list[CommitInfo]:
        """Commits reachable from HEAD that touched any of ``paths``, newest first.

        Merged branches are followed with git's default history simplification
        (a merge that took a path unchanged from one parent is skipped, and so is
        a side branch whose changes it dropped); an empty ``paths`` means every
        commit.  ``message`` is the full message without trailing newlines.
        """
        if self.head() is None:
            return []
        # pin what user config could change: rename following, signatures, encoding
        args = ["-z", "--no-follow", "--no-show-signature", "--encoding=UTF-8", f"--format={LOG_FORMAT}"]
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        _, out = self._run("log", *args, "HEAD", "--", *(check_path(p) for p in paths))
        return log_commits(out)

    def parents_of_all(self) -> dict[str, tuple[str, ...]]:
        """Every commit reachable from HEAD and its parents, in one ``rev-list``."""
        if self.head() is None:
            return {}
        _, out = self._run("rev-list", "--parents", "HEAD")
        found: dict[str, tuple[str, ...]] = {}
        for line in decode(out).splitlines():
            sha, *parents = line.split()
            found[sha] = tuple(parents)
        return found

    def changes(self, commit: str, paths: Iterable[str]) -> list[tuple[str, bytes | None, bytes | None]]:
        """Files under ``paths`` whose content ``commit`` changed against its first parent.

        Each is ``(path, old bytes, new bytes)``, ``None`` where the file did not
        exist (a root commit is compared with the empty tree); sorted by path.
        """
        sha = self._commit(commit)
        parents = self._parents(sha)
        pathspec = ["--", *(check_path(p) for p in paths)]
        if parents:
            _, out = self._run("diff-tree", "-r", "-z", "--no-renames", parents[0], sha, *pathspec)
        else:
            _, out = self._run("diff-tree", "-r", "-z", "--no-renames", "--root", "--no-commit-id", sha, *pathspec)
        fields = out.split(b"\0")
        rows = [row for row in map(raw_change, fields[0::2], fields[1::2]) if row is not None]
        blobs = self._blobs(s for _, old, new in rows for s in (old, new) if s is not None)
        return [(path, blobs[old] if old else None, blobs[new] if new else None) for path, old, new in sorted(rows)]

    def changes_along(self, paths: Iterable[str]) -> dict[str, list[tuple[str, bytes | None, bytes | None]]]:
        """:meth:`changes` of every commit reachable from HEAD that touched ``paths``, by sha.

        One ``git log --raw`` walks only those commits (history simplified as in
        :meth:`history`, each compared with its first parent) and one batch
        reads every blob they name: two processes for any length of history.
        """
        if self.head() is None:
            return {}
        args = ["-z", "--raw", "--no-renames", "--no-abbrev", "--diff-merges=first-parent", "--root", "--format=%x01%H"]
        _, out = self._run("log", *args, "HEAD", "--", *(check_path(p) for p in paths))
        listed = {sha: rows for (sha,), rows in raw_log(out.split(b"\0"), 1)}
        blobs = self._blobs(s for rows in listed.values() for _, old, new in rows for s in (old, new) if s is not None)
        return {
            sha: [(path, blobs[old] if old else None, blobs[new] if new else None) for path, old, new in rows]
            for sha, rows in listed.items()
        }

    def path_history(self, paths: Iterable[str]) -> PathHistory:
        """:meth:`history` and :meth:`changes_along` of ``paths`` and the parents of every commit, in one walk.

        One ``git log --raw`` walks only the commits that touched ``paths``
        (simplified as in :meth:`history`) with their changes against the
        first parent (the merges among them asked for again together, as a
        plain walk leaves a merge's changes out), while one ``git log`` of
        every commit reachable from HEAD gives the parents (and short names)
        and one ``cat-file`` batch reads the blobs as the walk names them.
        """
        if self.head() is None:
            return PathHistory({}, {}, [], {})
        pathspec = ["--", *(check_path(p) for p in paths)]
        graph = Background(self._git, parse_graph, "log", "--no-show-signature", "--format=%H %h %P", "HEAD")
        raw = ["-z", "--raw", "--no-renames", "--no-abbrev", "--root", "--no-show-signature", "--format=%x01%H"]
        blobs = BlobStream(self._git)
        try:
            walk = spawn(self._git, "log", *raw, "--no-follow", "HEAD", *pathspec)
            listed: list[str] = []
            named: dict[str, list[tuple[str, str | None, str | None]]] = {}
            try:
                for (sha,), rows in raw_log(nul_tokens(walk.proc.stdout), 1):
                    listed.append(sha)
                    named[sha] = rows
                    blobs.ask(s for _, old, new in rows for s in (old, new) if s is not None)
            except BaseException:  # output ctb cannot read, or cat-file gone: stop the walk too
                walk.proc.kill()
                walk.proc.wait()
                raise
            check_status("log", walk.proc.wait(), walk.proc.stderr.read())
            parents, shorts = graph.result()
            merges = [sha for sha in listed if len(parents.get(sha, ())) > 1]
            for start in range(0, len(merges), _SHAS_PER_CALL):  # a few long command lines, never one git per merge
                chunk = merges[start : start + _SHAS_PER_CALL]
                _, out = self._run("log", *raw, "--diff-merges=first-parent", "--no-walk=unsorted", *chunk, *pathspec)
                for (sha,), rows in raw_log(out.split(b"\0"), 1):
                    named[sha] = rows
                    blobs.ask(s for _, old, new in rows for s in (old, new) if s is not None)
            read = blobs.finish()
        finally:
            blobs.close()
        changes = {
            sha: [(path, read[old] if old else None, read[new] if new else None) for path, old, new in rows]
            for sha, rows in named.items()
        }
        return PathHistory(parents, shorts, listed, changes)

    def describe(self, shas: Sequence[str]) -> dict[str, CommitInfo]:
        """The commits ``shas`` as :meth:`history` reports them, by sha; a few processes for any number."""
        found: dict[str, CommitInfo] = {}
        args = ["-z", "--no-walk=unsorted", "--no-show-signature", "--encoding=UTF-8", f"--format={LOG_FORMAT}"]
        wanted = list(dict.fromkeys(shas))
        for start in range(0, len(wanted), _SHAS_PER_CALL):
            _, out = self._run("log", *args, *(check_rev(sha) for sha in wanted[start : start + _SHAS_PER_CALL]))
            found.update((info.sha, info) for info in log_commits(out))
        return found

    def walk_changes(self, paths: Iterable[str]) -> list[tuple[CommitInfo, list[tuple[str, str | None, str | None]]]]:
        """:meth:`history` of ``paths``, each commit with the blob ids it changed there.

        One ``git log --raw`` (the commits of :meth:`history`, each compared
        with its parent, a root commit with the empty tree): ``(path, old id,
        new id)`` per changed regular file, ``None`` where the file is absent
        (or not a regular file), sorted by path.  A merge comes with no
        changes (asking for them would change which commits git lists):
        :meth:`changes` has them.
        ``short`` is the full id too (the ids must not be abbreviated):
        :meth:`short_names` gives git's abbreviations of the commits shown.
        """
        if self.head() is None:
            return []
        args = [
            "-z", "--raw", "--no-renames", "--no-abbrev", "--diff-merges=off", "--root",
            "--no-follow", "--no-show-signature", "--encoding=UTF-8", f"--format=%x01{LOG_FORMAT}",
        ]  # fmt: skip
        _, out = self._run("log", *args, "HEAD", "--", *(check_path(p) for p in paths))
        return [(commit_info(fields), rows) for fields, rows in raw_log(out.split(b"\0"), len(LOG_FIELDS))]

    def short_names(self, shas: Sequence[str]) -> dict[str, str]:
        """git's abbreviation (``%h``) of each commit, from one ``log --no-walk``."""
        names: dict[str, str] = {}
        for start in range(0, len(shas), 1000):  # far below any command line limit
            chunk = [check_rev(sha) for sha in shas[start : start + 1000]]
            _, out = self._run("log", "--no-walk=unsorted", "--format=%H %h", *chunk, "--")
            for line in decode(out).splitlines():
                full, _, short = line.partition(" ")
                names[full] = short
        return names

    def parents_later(self) -> Callable[[], dict[str, tuple[str, ...]]]:
        """:meth:`parents_of_all`, started now in the background; call the answer to wait for it."""
        if self.head() is None:
            return dict
        from git.exc import GitError

        try:
            proc = self._git.rev_list("--parents", "HEAD", as_process=True)
        except GitError as exc:
            raise CtbError(f"cannot run git rev-list: {str(exc).splitlines()[0]}") from None
        popen = proc.proc
        chunks: list[bytes] = []
        reader = threading.Thread(target=lambda: chunks.append(popen.stdout.read()), daemon=True)
        reader.start()

        def wait() -> dict[str, tuple[str, ...]]:
            reader.join()
            # ``proc`` stays referenced until here: GitPython stops the process when its handle goes
            if proc.proc.wait() != 0:
                raise CtbError("git rev-list failed")
            for stream in (popen.stdout, popen.stderr):
                if stream is not None:
                    stream.close()
            found: dict[str, tuple[str, ...]] = {}
            for line in decode(b"".join(chunks)).splitlines():
                sha, *parents = line.split()
                found[sha] = tuple(parents)
            return found

        return wait

    # -- work tree and index ------------------------------------------------------

    def _status(self) -> list[tuple[str, str]]:
        _, out = self._run("status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all")
        return [(decode(rec[:2]), decode(rec[3:])) for rec in out.split(b"\0") if rec]

    def status_paths(self) -> set[str]:
        """Files that differ from HEAD in the index or work tree, plus untracked ones."""
        return {path for _, path in self._status()}

    def staged_paths(self) -> set[str]:
        """Files whose staged content differs from HEAD."""
        return {path for xy, path in self._status() if xy[0] not in " ?!"}

    def commit_files(self, paths: list[str], message: str, trailers: dict[str, list[str]] | None = None) -> str:
        """Commit exactly ``paths`` (new, changed or deleted) and return the new sha.

        ``trailers`` become ``Key: value`` lines after a blank line.  Refuses when
        anything else is already staged.  Commit hooks run as usual.
        """
        wanted = sorted({check_path(p) for p in paths})
        text = message.strip()
        if not text:
            raise ValueError("a commit needs a message")
        lines: list[str] = []
        for key, values in (trailers or {}).items():
            if not _TRAILER_KEY.fullmatch(key):
                raise ValueError(f"not a trailer key: {key!r}")
            for value in values:
                if not value.strip() or "\n" in value:
                    raise ValueError(f"not a one-line trailer value for {key}: {value!r}")
                lines.append(f"{key}: {value.strip()}")
        if lines:
            text += "\n\n" + "\n".join(lines)
        others = sorted(self.staged_paths() - set(wanted))
        if others:
            raise CtbError("refusing to commit: other changes are already staged: " + ", ".join(others))
        _, out = self._run("ls-files", "-z", "--", *wanted) if wanted else (0, b"")
        tracked = {decode(p) for p in out.split(b"\0") if p}
        present = [p for p in wanted if p in tracked or os.path.lexists(self.root / p)]
        if not present:
            raise CtbError("nothing to commit: none of the files exist or are tracked")
        self._run("add", "--all", "--", *present)
        status, _, err = call_full(self._git, "commit", "--quiet", "--cleanup=whitespace", "-m", text, ok=(0, 1, 128))
        if status != 0:
            raise CtbError(f"git commit failed: {commit_problem(err)}; the files are written and staged, not committed")
        head = self.head()
        if head is None:
            raise CtbError("git commit did not create a commit")
        return head

    def identity_problem(self) -> str | None:
        """Why git could not commit here for want of a name or email, or None when it can."""
        for who in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            status, _ = self._run("var", who, ok=(0, 128))
            if status != 0:
                return (
                    "git does not know who you are; set it once with "
                    'git config --global user.name "Your Name" and '
                    "git config --global user.email you@example.com (without --global: this repository only)"
                )
        return None

    def config_set(self, key: str, value: str) -> None:
        """Set ``key`` in the repository's own (local) git config."""
        if not key or key.startswith("-"):
            raise CtbError(f"not a git config key: {key!r}")
        self._run("config", "--local", key, value)
