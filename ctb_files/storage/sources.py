"""Fetching a project's BOM file at a version, and writing a synced BOM back.

A project's ``source`` (PRODUCT.md 6.4) is one of

* ``github: owner/name`` — the ref is resolved through the REST API (commit,
  then branch, then tag) and ``bom_path`` is fetched at that commit;
* ``git: URL-or-path`` — any git remote, or a local repository (relative to
  the inventory root).  It is mirrored into a bare repository under
  ``$XDG_CACHE_HOME/ctb-files/git/<hash>`` (``~/.cache`` without it), fetched
  again on each sync, and the blob is read at the resolved commit: nothing is
  ever checked out;
* ``path: FILE`` — a file inside the inventory repository itself: at the
  version's ref (a git revision of the inventory) or, without one, as it is
  in the working tree.

Every failure (network, 404, rate limit, unknown ref, oversized file) is one
:class:`CtbError` line, raised before anything is written.  HTTP clients come
from :data:`http_client_factory`, which tests replace with one over
``httpx.MockTransport``.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import filelock
import httpx

from ctb_files.core.models import Project, ProjectVersion
from ctb_files.errors import CtbError
from ctb_files.storage.git import GitRepo, clean_git
from ctb_files.vendors.github import GitHubClient
from ctb_files.vendors.http import GITHUB_API_URL, make_client

__all__ = [
    "MAX_BOM_BYTES", "Fetched", "Fetcher", "GitCache", "cache_home", "http_client_factory",
]  # fmt: skip

MAX_BOM_BYTES = 10 * 1024 * 1024
_HEX = re.compile(r"[0-9a-fA-F]{4,64}")
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|[^/\\:]+@[^/\\:]+:)")


# the one place HTTP clients come from; tests swap it for one over httpx.MockTransport
http_client_factory: Callable[[str], httpx.Client] = make_client


@dataclass(frozen=True)
class Fetched:
    """A BOM file's bytes, a name for messages, and the ``source`` mapping to record."""

    data: bytes
    name: str
    source: dict[str, Any]


def _too_big(what: str, size: int, limit: int) -> CtbError:
    return CtbError(f"{what} is {size} bytes, more than the {limit} a BOM file may have")


class Fetcher:
    """Fetches BOM files for one command: one HTTP client, one git cache per remote."""

    def __init__(self, root: Path, *, max_bytes: int | None = None) -> None:
        self.root = root
        self.max_bytes = max_bytes if max_bytes is not None else MAX_BOM_BYTES
        self._github: GitHubClient | None = None
        self._http: httpx.Client | None = None
        self._caches: dict[str, GitCache] = {}

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fetch(self, project_id: str, project: Project, version: ProjectVersion) -> Fetched:
        source = project.source
        if source is None:
            raise CtbError(f"project {project_id} has no source; write its BOM files by hand or use 'ctb bom import'")
        if source.path:
            return self._from_path(source.path, project.bom_path, version.ref)
        if not project.bom_path:
            raise CtbError(
                f"project {project_id} has no bom_path: say where the BOM is in {source.github or source.git}"
            )
        if source.github:
            return self._from_github(source.github, project.bom_path, version.ref)
        assert source.git is not None
        return self._from_git(source.git, project.bom_path, version.ref)

    # --- github ---------------------------------------------------------------------------

    def _from_github(self, repo: str, path: str, ref: str | None) -> Fetched:
        if not ref:
            raise CtbError(
                f"a version synced from GitHub needs a ref (commit, branch or tag) to fetch {repo}:{path} at"
            )
        client = self._github_client()
        commit = client.resolve_ref(repo, ref)
        data = client.fetch_file(repo, path, commit, self.max_bytes)
        if len(data) > self.max_bytes:
            raise _too_big(f"{repo}:{path}", len(data), self.max_bytes)
        return Fetched(data, path, _source("github", repo, ref, commit, path))

    def _github_client(self) -> GitHubClient:
        if self._github is None:
            self._http = http_client_factory(GITHUB_API_URL)
            token = os.environ.get("GITHUB_TOKEN") or None
            self._github = GitHubClient(self._http, token=token)
        return self._github

    # --- any git repository ---------------------------------------------------------------

    def _from_git(self, location: str, path: str, ref: str | None) -> Fetched:
        cache = self._caches.get(location)
        if cache is None:
            cache = self._caches[location] = GitCache(location, self.root)
        commit = cache.resolve(ref)
        data = cache.read(commit, path, self.max_bytes)
        return Fetched(data, path, _source("git", location, ref, commit, path))

    # --- a file of the inventory ----------------------------------------------------------

    def _from_path(self, path: str, bom_path: str | None, ref: str | None) -> Fetched:
        base = self.root.resolve()
        target = (base / path).resolve()
        try:
            target.relative_to(base)
        except ValueError:
            raise CtbError(f"source path {path} is outside the inventory repository") from None
        if ref is None:
            if target.is_dir() and bom_path:
                target = target / bom_path
            if not target.is_file():
                raise CtbError(f"source path {path} does not exist in the working tree")
            size = target.stat().st_size
            if size > self.max_bytes:
                raise _too_big(path, size, self.max_bytes)
            return Fetched(target.read_bytes(), path, {"path": path})
        repo = GitRepo.find(base)
        if repo is None:
            raise CtbError(f"version ref {ref} needs the inventory to be a git repository")
        with repo:
            commit = repo.resolve(ref)
            rel = target.relative_to(repo.root.resolve()).as_posix()
            data = repo.read_at(commit, rel)
            if data is None and bom_path:
                data = repo.read_at(commit, f"{rel}/{bom_path}")
        if data is None:
            raise CtbError(f"{path} does not exist at {ref} ({commit[:7]})")
        if len(data) > self.max_bytes:
            raise _too_big(path, len(data), self.max_bytes)
        return Fetched(data, path, _source("path", path, ref, commit, None))


def _source(kind: str, where: str, ref: str | None, commit: str, path: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {kind: where}
    if ref is not None:
        out["ref"] = ref
    out["commit"] = commit
    if path is not None:
        out["path"] = path
    return out


# --- the cache of fetched repositories --------------------------------------------------------


def cache_home() -> Path:
    """``$XDG_CACHE_HOME/ctb-files/git`` (an absolute XDG_CACHE_HOME only), else ``~/.cache/…``."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    return base / "ctb-files" / "git"


# "<transport>::<address>" makes git run a helper (ext:: runs any command, fd:: reads a descriptor)
_TRANSPORT = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*::")


def _refuse_unsafe(location: str) -> None:
    """Refuse, before git ever runs, a git source that could make git run something or read an option."""
    if location.startswith("-"):
        raise CtbError(f"git source {location!r} looks like a git option; refused")
    if _TRANSPORT.match(location):
        raise CtbError(f"git source {location!r} names a transport helper ({location.split('::')[0]}::); refused")
    if any(ch in location for ch in "\0\n\r") or not location.strip():
        raise CtbError(f"git source {location!r} is not a URL or a path; refused")


def _is_url(location: str) -> bool:
    return bool(_URL.match(location))


class GitCache:
    """A bare mirror of one remote, fetched on first use in each command."""

    def __init__(self, location: str, root: Path) -> None:
        _refuse_unsafe(location)
        if _is_url(location):
            self.remote = location
        else:
            local = (root / location).resolve()
            if not local.exists():
                raise CtbError(f"git source {location} does not exist (looked in {local})")
            self.remote = str(local)
        self.location = location
        key = hashlib.sha256(self.remote.encode("utf-8")).hexdigest()[:24]
        self.dir = cache_home() / key
        self._fetched = False

    def _git(self, *args: str, ok: tuple[int, ...] = (0,), cwd: Path | None = None) -> tuple[int, bytes, str]:
        runner = clean_git(str(cwd or self.dir))
        # never sit waiting for a password on a terminal nobody watches
        runner.update_environment(GIT_TERMINAL_PROMPT="0", GIT_LITERAL_PATHSPECS="1")
        if "GIT_SSH_COMMAND" not in os.environ and "GIT_SSH" not in os.environ:
            runner.update_environment(GIT_SSH_COMMAND="ssh -o BatchMode=yes")
        status, out, err = runner.execute(
            ["git", *args],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
        if status not in ok:
            lines = [line.strip() for line in str(err).splitlines() if line.strip()]
            problem = next((line.split(": ", 1)[1] for line in lines if line.startswith(("fatal:", "error:"))), None)
            raise CtbError(f"git {args[0]} of {self.location} failed: {problem or (lines[0] if lines else status)}")
        return status, out, str(err)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.parent.mkdir(parents=True, exist_ok=True)
        with filelock.FileLock(f"{self.dir}.lock"):
            yield

    def update(self) -> None:
        """Clone the remote (bare) into the cache, or fetch its branches and tags again."""
        if self._fetched:
            return
        with self._locked():
            if not (self.dir / "HEAD").is_file():
                tmp = Path(tempfile.mkdtemp(prefix=f".{self.dir.name}.", dir=self.dir.parent))
                try:
                    self._git("clone", "--bare", "--quiet", "--", self.remote, str(tmp), cwd=self.dir.parent)
                    shutil.rmtree(self.dir, ignore_errors=True)
                    os.replace(tmp, self.dir)
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)
            else:
                self._git(
                    "fetch", "--quiet", "--prune", "--prune-tags", "--force", "--", self.remote,
                    "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*",
                )  # fmt: skip
        self._fetched = True

    def _commit_of(self, name: str) -> str | None:
        status, out, _ = self._git(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}", ok=(0, 1, 128)
        )
        return out.decode().strip() if status == 0 else None

    def _by_sha(self, ref: str) -> str | None:
        if not _HEX.fullmatch(ref):
            return None
        _, out, _ = self._git("rev-parse", "--disambiguate=" + ref.lower(), ok=(0, 1, 128))
        shas = sorted({s for s in out.decode().split() if self._is_commit(s)})
        if len(shas) > 1:
            raise CtbError(f"ref {ref} is ambiguous in {self.location}: {', '.join(s[:12] for s in shas)}")
        return shas[0] if shas else None

    def _is_commit(self, sha: str) -> bool:
        status, out, _ = self._git("cat-file", "-t", sha, ok=(0, 1, 128))
        return status == 0 and out.strip() == b"commit"

    def resolve(self, ref: str | None) -> str:
        """The commit a ref names: a sha (or unique prefix), then a branch, then a tag."""
        if ref is not None and (not ref.strip() or ref.startswith("-") or any(c in ref for c in "\n\0")):
            raise CtbError(f"not a git ref: {ref!r}")
        if ref is not None and len(ref) >= 40 and (self.dir / "HEAD").is_file():
            found = self._by_sha(ref)  # a full sha already fetched: no need to ask the remote
            if found:
                return found
        self.update()
        if ref is None:
            found = self._commit_of("HEAD")
            if found is None:
                raise CtbError(f"{self.location} has no default branch; give the version a ref")
            return found
        found = self._by_sha(ref) or self._commit_of(f"refs/heads/{ref}") or self._commit_of(f"refs/tags/{ref}")
        if found is None:
            raise CtbError(f"ref {ref} is not a commit, branch or tag of {self.location}")
        return found

    def read(self, commit: str, path: str, max_bytes: int) -> bytes:
        """The bytes of ``path`` at ``commit``; CtbError when absent or too big."""
        clean = path.strip().lstrip("/")
        if not clean or ".." in clean.split("/"):
            raise CtbError(f"bom_path {path!r} is not a path inside the repository")
        name = f"{commit}:{clean}"
        status, out, _ = self._git("cat-file", "-t", name, ok=(0, 1, 128))
        if status != 0 or out.strip() != b"blob":
            raise CtbError(f"{clean} does not exist in {self.location} at {commit[:7]}")
        _, size, _ = self._git("cat-file", "-s", name)
        if int(size) > max_bytes:
            raise _too_big(f"{self.location}:{clean}", int(size), max_bytes)
        _, data, _ = self._git("cat-file", "blob", name)
        return bytes(data)
