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

Paths given to and returned by this module are POSIX paths relative to the
work tree's top directory; pathspecs are literal (no glob magic).  A
:class:`GitRepo` is not thread-safe: use one per thread.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ctb_files.errors import CtbError

if TYPE_CHECKING:
    from git import Repo
    from git.cmd import Git

__all__ = ["CommitInfo", "GitRepo", "PathHistory"]

# Exported by git to hooks (and by users for odd setups); they point git at a
# specific repository, index or object store and must never reach ctb's calls.
HOOK_VARIABLES: tuple[str, ...] = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
)
# Added to every call: paths are file names, never patterns; read-only
# commands such as status must not take the index lock behind a user's back.
_EXTRA_ENV = {"GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0"}

# Stay well below the smallest pipe buffer of any platform, so writing one chunk
# of requests can never block while cat-file waits for us to read its answers.
_CHUNK_BYTES = 4096
_SHAS_PER_CALL = 500  # commit names on one git command line: far below any system's limit
_STREAM_BATCH = 200  # blob names per write to a streaming cat-file (its reader thread keeps the pipes moving)
_REGULAR_FILE_MODES = frozenset({"100644", "100755"})
_FULL_SHA = re.compile(r"[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")
_TRAILER_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_LOG_FIELDS = ("%H", "%h", "%aI", "%an", "%ae", "%P", "%B")
_LOG_FORMAT = "%x00".join(_LOG_FIELDS)

# GitPython builds each child's environment from os.environ plus additions and
# has no way to *remove* a variable, so the hook variables are taken out of
# os.environ for the moment a process is spawned (and for Repo discovery, which
# reads them too).  The lock keeps two of our own spawns from interleaving.
_ENV_LOCK = threading.RLock()
_T = TypeVar("_T")


@contextmanager
def _without_hook_variables() -> Iterator[None]:
    with _ENV_LOCK:
        saved = {key: os.environ.pop(key) for key in HOOK_VARIABLES if key in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)


@functools.cache
def _clean_classes() -> tuple[type[Git], type[Repo]]:
    """GitPython's command wrapper and repository, spawning every process without hook variables.

    GitPython is imported here, when ctb first opens a repository or runs
    git, not with this module: importing it costs tens of milliseconds that a
    command which never runs git (``ctb part list``, ``ctb stock show``) does
    not need to pay.
    """
    from git import Repo
    from git.cmd import Git

    class _CleanGit(Git):
        """GitPython's command wrapper, spawning every process without hook variables."""

        def execute(self, *args: Any, **kwargs: Any) -> Any:
            with _without_hook_variables():
                return super().execute(*args, **kwargs)

    class _CleanRepo(Repo):
        GitCommandWrapperType = _CleanGit

    return _CleanGit, _CleanRepo


def clean_git(working_dir: str) -> Git:
    """A GitPython command wrapper running git in ``working_dir``, its processes never seeing the hook variables."""
    return _clean_classes()[0](working_dir)


@dataclass(frozen=True)
class CommitInfo:
    """One commit as ``history`` reports it; ``date`` is the author date."""

    sha: str
    short: str
    date: datetime
    author: str
    email: str
    summary: str
    message: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class PathHistory:
    """What :meth:`GitRepo.path_history` found: the commit graph, the commits that touched the paths, their changes.

    The listed commits' details (author, date, message) are not read: a long
    history has thousands, a log shows a few (:meth:`GitRepo.describe`).
    """

    parents: dict[str, tuple[str, ...]]  # every commit reachable from HEAD
    shorts: dict[str, str]  # every commit reachable from HEAD: its short name, as git abbreviates it
    listed: list[str]  # the commits that touched the paths, newest first
    changes: dict[str, list[tuple[str, bytes | None, bytes | None]]]  # sha -> (path, old, new), sorted by path


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _first_problem(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[0] if lines else "no message"


def _check_rev(rev: str) -> str:
    rev = rev.strip()
    if not rev or rev.startswith("-") or "\n" in rev or "\0" in rev:
        raise CtbError(f"not a revision: {rev!r}")
    return rev


def _check_path(path: str) -> str:
    clean = path.replace("\\", "/")
    while clean.startswith("./"):
        clean = clean[2:]
    parts = clean.split("/")
    if not clean or clean.startswith("/") or ".." in parts or "\n" in clean or "\0" in clean:
        raise CtbError(f"not a path inside the repository: {path!r}")
    return clean


def _under(path: str, prefixes: Sequence[str]) -> bool:
    for prefix in prefixes:
        if prefix.endswith("/"):
            if path.startswith(prefix):
                return True
        elif path == prefix or path.startswith(prefix + "/"):
            return True
    return False


def _call(git: Git, command: str, *args: str, ok: Iterable[int] = (0,)) -> tuple[int, bytes]:
    """Run ``git <command> <args>``; (status, stdout), CtbError on any other status."""
    status, out, _ = _call_full(git, command, *args, ok=ok)
    return status, out


def _commit_problem(stderr: str) -> str:
    """One line on why ``git commit`` failed: the hooks that failed, else git's own reason."""
    failed = [line.split("....")[0].strip(" .") for line in stderr.splitlines() if line.rstrip().endswith("Failed")]
    if failed:
        return "the pre-commit hook refused it (" + ", ".join(f"{name}: Failed" for name in failed) + ")"
    return _first_problem(stderr)


def _call_full(git: Git, command: str, *args: str, ok: Iterable[int] = (0,)) -> tuple[int, bytes, str]:
    """``_call`` that also hands back stderr, for callers that word git's failure themselves."""
    from git.exc import GitError

    try:
        status, out, err = getattr(git, command.replace("-", "_"))(
            *args,
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    except GitError as exc:  # git itself could not be started
        raise CtbError(f"cannot run git {command}: {str(exc).splitlines()[0]}") from None
    if status not in tuple(ok):
        raise CtbError(f"git {command} failed: {_first_problem(err)}")
    return status, out, err if isinstance(err, str) else _decode(err)


def _raw_log(tokens: Iterable[bytes], fields: int) -> Iterator[tuple[list[str], list[tuple[str, str | None, str | None]]]]:
    """Records of ``git log -z --raw --format=%x01<field>%x00...``: the fields, then the changed files sorted by path.

    ``tokens`` is the output split at NUL (it may still be arriving).  Read
    field by field, as a message may hold any character but NUL; a file is
    ``(path, old blob, new blob)`` as :func:`_changed` reads it.
    """
    stream = iter(tokens)
    token = next(stream, None)
    while token is not None:
        if not token.strip(b"\n"):
            token = next(stream, None)  # the terminator after the last record
            continue
        if not token.startswith(b"\x01"):
            raise CtbError("git log gave output ctb cannot read")
        values = [_decode(token[1:])]
        for _ in range(fields - 1):
            values.append(_decode(_next_token(stream)))
        rows: list[tuple[str, str | None, str | None]] = []
        token = next(stream, None)
        # raw records: ":<old mode> <new mode> <old id> <new id> <status>" then the path
        while token is not None and (token[:1] == b":" or token[:2] == b"\n:"):
            row = _changed(token, _next_token(stream))
            if row is not None:
                rows.append(row)
            token = next(stream, None)
        yield values, sorted(rows)


def _changed(meta: bytes, path: bytes) -> tuple[str, str | None, str | None] | None:
    """``(path, old blob, new blob)`` of a raw diff record, None where it is not a regular file; None for no change.

    ``meta`` is ``:<old mode> <new mode> <old id> <new id> <status>`` (after a newline where it
    follows a commit's header); a mode-only change leaves the bytes alone, so it is no change.
    """
    old_mode, new_mode, old_sha, new_sha, _status = _decode(meta).lstrip("\n:").split(" ")
    old = old_sha if old_mode in _REGULAR_FILE_MODES else None
    new = new_sha if new_mode in _REGULAR_FILE_MODES else None
    return None if old == new else (_decode(path), old, new)


def _commits(out: bytes) -> list[CommitInfo]:
    """The commits of ``git log -z --format=_LOG_FORMAT`` (no diff), in output order."""
    fields = out.split(b"\0")
    if len(fields) % len(_LOG_FIELDS) == 1 and fields[-1] == b"":
        fields.pop()  # the terminator after the last record
    if len(fields) % len(_LOG_FIELDS):
        raise CtbError("git log gave output ctb cannot read")
    return [
        _commit_info([_decode(field) for field in fields[start : start + len(_LOG_FIELDS)]])
        for start in range(0, len(fields), len(_LOG_FIELDS))
    ]


def _next_token(stream: Iterator[bytes]) -> bytes:
    token = next(stream, None)
    if token is None:
        raise CtbError("git log gave output ctb cannot read")
    return token


def _tokens(pipe: Any) -> Iterator[bytes]:
    """The NUL-terminated fields of a process's output as they arrive."""
    rest = b""
    while chunk := pipe.read1(1 << 16):
        pieces = (rest + chunk).split(b"\0")
        rest = pieces.pop()
        yield from pieces
    if rest:
        yield rest


class _Background(Generic[_T]):
    """One git command running, and its output read by ``parse``, while the caller does something else."""

    def __init__(self, git: Git, parse: Callable[[bytes], _T], command: str, *args: str) -> None:
        self._command = command
        self._parse = parse
        self._err = b""
        self._status: int | None = None
        self._value: tuple[_T] | None = None  # (what parse made,) once it has run
        self._failure: CtbError | None = None
        self._proc = _spawn(git, command, *args)
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        out, self._err = self._proc.proc.communicate()
        self._status = self._proc.proc.returncode
        if self._status == 0:
            try:
                self._value = (self._parse(out),)
            except CtbError as exc:
                self._failure = exc

    def result(self) -> _T:
        """What ``parse`` made of the output; CtbError when the command failed."""
        self._thread.join()
        _check_status(self._command, self._status, self._err)
        if self._failure is not None:
            raise self._failure
        if self._value is None:
            raise CtbError(f"git {self._command} gave output ctb cannot read")
        return self._value[0]


def _graph(out: bytes) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Parents and short names from ``git log --format=%H %h %P`` lines."""
    parents: dict[str, tuple[str, ...]] = {}
    shorts: dict[str, str] = {}
    for line in _decode(out).splitlines():
        sha, short, *rest = line.split()
        parents[sha] = tuple(rest)
        shorts[sha] = short
    return parents, shorts


def _spawn(git: Git, command: str, *args: str, **kwargs: Any) -> Any:
    """A started ``git <command>`` (GitPython's process wrapper); CtbError when git cannot start."""
    from git.exc import GitError

    try:
        return getattr(git, command.replace("-", "_"))(*args, as_process=True, **kwargs)
    except GitError as exc:
        raise CtbError(f"cannot run git {command}: {str(exc).splitlines()[0]}") from None


def _check_status(command: str, status: int | None, err: bytes | None) -> None:
    if status != 0:
        raise CtbError(f"git {command} failed: {_first_problem(_decode(err or b''))}")


class _BlobStream:
    """A ``git cat-file --batch`` asked for blobs while they are still being found (a thread reads the answers).

    It runs beside the walk that names the blobs, so reading them costs
    little more than the walk; :meth:`finish` hands back every blob by name.
    """

    def __init__(self, git: Git) -> None:
        self._proc = _spawn(git, "cat-file", "--batch", istream=subprocess.PIPE)
        self._asked: list[str] = []
        self._sent = 0  # how many of them were written to the process
        self._known: set[str] = set()
        self._answers: list[tuple[str, bytes] | None] = []
        self._problem = ""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def ask(self, names: Iterable[str]) -> None:
        """Ask for these blobs (each name once); requests go out in batches."""
        for name in names:
            if name not in self._known:
                self._known.add(name)
                self._asked.append(name)
        if len(self._asked) - self._sent >= _STREAM_BATCH:
            self._send()

    def _send(self) -> None:
        batch, self._sent = self._asked[self._sent :], len(self._asked)
        if not batch:
            return
        try:
            self._proc.proc.stdin.write(b"".join(_encode(name) + b"\n" for name in batch))
            self._proc.proc.stdin.flush()
        except (OSError, ValueError) as exc:
            self.close()
            raise CtbError(f"git cat-file failed: {exc}") from None

    def _read(self) -> None:
        # large reads parsed here rather than a few small reads per blob: the walk's
        # thread then rarely waits for the interpreter lock
        pipe = self._proc.proc.stdout
        buf, at = b"", 0
        try:
            while True:
                end_of_header = buf.find(b"\n", at)
                if end_of_header < 0:
                    chunk = pipe.read1(1 << 16)
                    if not chunk:
                        if at < len(buf):
                            raise ValueError("the process stopped answering")
                        return
                    buf, at = buf[at:] + chunk, 0
                    continue
                tokens = buf[at:end_of_header].split()
                # "<sha> <type> <size>" when found; "<name> missing|ambiguous|submodule" otherwise
                if len(tokens) != 3 or not tokens[2].isdigit():
                    self._answers.append(None)
                    at = end_of_header + 1
                    continue
                start = end_of_header + 1
                end = start + int(tokens[2])
                if len(buf) < end + 1:
                    buf += pipe.read(end + 1 - len(buf))
                if len(buf) < end + 1 or buf[end : end + 1] != b"\n":
                    raise ValueError("truncated object data")
                self._answers.append((_decode(tokens[1]), buf[start:end]))
                at = end + 1
        except (OSError, ValueError) as exc:
            self._problem = str(exc)

    def finish(self) -> dict[str, bytes]:
        """Every blob asked for, by name; CtbError when one is missing."""
        self._send()
        self.close()
        if self._problem or len(self._answers) != len(self._asked):
            raise CtbError(f"git cat-file failed: {self._problem or 'it stopped answering'}")
        blobs: dict[str, bytes] = {}
        for name, item in zip(self._asked, self._answers, strict=True):
            if item is None or item[0] != "blob":
                raise CtbError(f"git object {name} is missing from the repository")
            blobs[name] = item[1]
        return blobs

    def close(self) -> None:
        """End the process and the reading thread (after every answer when the process is well)."""
        popen = self._proc.proc
        try:
            if not popen.stdin.closed:
                popen.stdin.close()
        except OSError:
            pass
        self._thread.join(timeout=30)
        try:
            popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
        self._thread.join()


def _commit_info(fields: list[str]) -> CommitInfo:
    """A :class:`CommitInfo` from the fields of ``_LOG_FORMAT``."""
    sha, short, date, author, email, parents, message = fields
    message = message.rstrip("\n")
    return CommitInfo(
        sha=sha,
        short=short,
        date=datetime.fromisoformat(date),
        author=author,
        email=email,
        summary=message.split("\n", 1)[0],
        message=message,
        parents=tuple(parents.split()),
    )


def _tree_files(data: bytes, width: int) -> dict[str, str]:
    """The regular files of a tree object: name → blob id (``width`` bytes per raw id)."""
    files: dict[str, str] = {}
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        end = data.index(b"\0", space)
        if data[at:space] in (b"100644", b"100755"):
            files[_decode(data[space + 1 : end])] = data[end + 1 : end + 1 + width].hex()
        at = end + 1 + width
    return files


def _end_of_day(text: str) -> str:
    """The git ``--before`` value for a date (end of that day, UTC) or an ISO datetime."""
    try:
        if _DATE.fullmatch(text):
            day = datetime.fromisoformat(text)
            moment = day.replace(hour=23, minute=59, second=59, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise CtbError(f"not a valid date: {text}") from None
    # git compares whole seconds, so flooring keeps "at or before" exact
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S +0000")


def _feed(stream: Any, payload: bytes) -> None:
    """Write ``payload`` to a process's input (run in a thread while its output is read)."""
    try:
        stream.write(payload)
        stream.flush()
    except (OSError, ValueError):
        pass  # the reader sees the process stop answering and says so


class _ObjectReader:
    """One persistent ``git cat-file --batch`` process, fed in pipelined chunks."""

    def __init__(self, git: Git) -> None:
        self._git = git
        self._proc: Any = None

    def read(self, names: Sequence[str]) -> list[tuple[str, bytes] | None]:
        """``(type, content)`` per object name, ``None`` where it does not exist."""
        requests = [_encode(name) + b"\n" for name in names]
        results: list[tuple[str, bytes] | None] = []
        if not requests:
            return results
        try:
            proc = self._process()
            start = 0
            while start < len(requests):
                end, size = start, 0
                while end < len(requests) and (end == start or size + len(requests[end]) <= _CHUNK_BYTES):
                    size += len(requests[end])
                    end += 1
                proc.stdin.write(b"".join(requests[start:end]))
                proc.stdin.flush()
                for _ in range(start, end):
                    results.append(self._answer(proc.stdout))
                start = end
        except (OSError, ValueError) as exc:
            self.close()
            raise CtbError(f"git cat-file failed: {exc}") from None
        return results

    def read_named(self, names: Sequence[str]) -> list[tuple[str, str, bytes] | None]:
        """``(object id, type, content)`` per object name (``commit:path`` too), ``None`` where absent.

        Every request is written before any answer is read (a writer thread
        keeps a long request list from filling the pipe while git waits for
        us to read): one round trip for any number of names.
        """
        results: list[tuple[str, str, bytes] | None] = []
        if not names:
            return results
        payload = b"".join(_encode(name) + b"\n" for name in names)
        try:
            proc = self._process()
            writer = None
            if len(payload) <= _CHUNK_BYTES:
                _feed(proc.stdin, payload)
            else:
                writer = threading.Thread(target=_feed, args=(proc.stdin, payload), daemon=True)
                writer.start()
            for _ in names:
                results.append(self._answer_named(proc.stdout))
            if writer is not None:
                writer.join()
        except (OSError, ValueError) as exc:
            self.close()
            raise CtbError(f"git cat-file failed: {exc}") from None
        return results

    @staticmethod
    def _answer_named(stdout: Any) -> tuple[str, str, bytes] | None:
        header: bytes = stdout.readline()
        if not header.endswith(b"\n"):
            raise ValueError("the process stopped answering")
        tokens = header.split()
        if len(tokens) != 3 or not tokens[2].isdigit():
            return None
        size = int(tokens[2])
        data: bytes = stdout.read(size + 1)
        if len(data) != size + 1 or data[-1:] != b"\n":
            raise ValueError("truncated object data")
        return _decode(tokens[0]), _decode(tokens[1]), data[:-1]

    def _process(self) -> Any:
        if self._proc is None:
            from git.exc import GitError

            try:
                self._proc = self._git.cat_file("--batch", as_process=True, istream=subprocess.PIPE)
            except GitError as exc:
                raise CtbError(f"cannot start git cat-file: {exc}") from None
        return self._proc

    @staticmethod
    def _answer(stdout: Any) -> tuple[str, bytes] | None:
        header: bytes = stdout.readline()
        if not header.endswith(b"\n"):
            raise ValueError("the process stopped answering")
        tokens = header.split()
        # "<sha> <type> <size>" when found; "<name> missing|ambiguous|submodule" otherwise
        if len(tokens) != 3 or not tokens[2].isdigit():
            return None
        size = int(tokens[2])
        data: bytes = stdout.read(size)
        if len(data) != size or stdout.read(1) != b"\n":
            raise ValueError("truncated object data")
        return _decode(tokens[1]), data

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        popen = proc.proc
        try:
            popen.stdin.close()
            popen.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            popen.kill()
            popen.wait()
        for stream in (popen.stdout, popen.stderr):
            if stream is not None:
                stream.close()


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
        self._git.update_environment(**_EXTRA_ENV)
        self._objects = _ObjectReader(self._git)
        self._trees: dict[str, dict[str, str]] = {}  # tree id -> its regular files (folders_at)

    @staticmethod
    def _discover(path: str | os.PathLike[str]) -> Repo | None:
        from git.exc import InvalidGitRepositoryError, NoSuchPathError

        start = Path(path).resolve()
        if start.is_file():
            start = start.parent
        with _without_hook_variables():
            try:
                repo = _clean_classes()[1](os.fspath(start), search_parent_directories=True, expand_vars=False)
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
        _call(clean_git(str(target)), "init", "--quiet", f"--initial-branch={initial_branch}")
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
        return _call(self._git, command, *args, ok=ok)

    def _commit(self, rev: str) -> str:
        """Full sha of the commit ``rev`` names; CtbError when there is none."""
        rev = _check_rev(rev)
        if _FULL_SHA.fullmatch(rev):
            # the common case (callers pass shas back in) costs no process start
            item = self._objects.read([rev])[0]
            if item is not None and item[0] == "commit":
                return rev.lower()
        status, out = self._run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", ok=(0, 1, 128))
        if status != 0:
            raise CtbError(f"unknown revision: {rev}")
        return _decode(out).strip()

    def _parents(self, sha: str) -> list[str]:
        item = self._objects.read([sha])[0]
        if item is None or item[0] != "commit":
            raise CtbError(f"unknown revision: {sha}")
        header = item[1].split(b"\n\n", 1)[0]
        return [_decode(line[7:]) for line in header.split(b"\n") if line.startswith(b"parent ")]

    # -- revisions ----------------------------------------------------------------

    def head(self) -> str | None:
        """The sha of HEAD, ``None`` before the first commit."""
        status, out = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1))
        return _decode(out).strip() if status == 0 else None

    def current_branch(self) -> str | None:
        """The checked-out branch (also before its first commit); ``None`` when detached."""
        status, out = self._run("symbolic-ref", "--quiet", "--short", "HEAD", ok=(0, 1))
        return _decode(out).strip() if status == 0 else None

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
        text = _check_rev(rev_or_date)
        try:
            return self._commit(text)
        except CtbError:
            if not (_DATE.fullmatch(text) or _DATETIME.fullmatch(text) or self._git_date(text)):
                raise CtbError(
                    f"unknown revision: {text} (nor a date git knows, such as 2026-11-01, yesterday, '2 weeks ago')"
                ) from None
        before = _end_of_day(text) if _DATE.fullmatch(text) or _DATETIME.fullmatch(text) else self._git_date(text)
        if self.head() is None:
            raise CtbError(f"no commit at or before {text}: the repository has no commits yet")
        _, out = self._run("rev-list", "-1", "--first-parent", f"--before={before}", "HEAD")
        sha = _decode(out).strip()
        if not sha:
            raise CtbError(f"no commit at or before {text} on the current branch")
        return sha

    def _git_date(self, text: str) -> str | None:
        """``@<unix time>`` of a date in git's words, or None when git does not read it as one.

        git reads words it does not know as "now"; only the words that mean
        now are taken as now, so a mistyped revision is not silently HEAD.
        """
        status, out = self._run("rev-parse", f"--since={text}", ok=(0, 128))
        found = re.fullmatch(r"--max-age=(\d+)", _decode(out).strip())
        if status != 0 or found is None:
            return None
        stamp = int(found.group(1))
        _, now_out = self._run("rev-parse", "--since=now")
        now_match = re.fullmatch(r"--max-age=(\d+)", _decode(now_out).strip())
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
        wanted = [_check_path(p.rstrip("/")) + ("/" if p.endswith("/") else "") for p in prefixes]
        if not wanted:
            return {}
        tree = f"{self._commit(commit)}^{{tree}}"
        _, out = self._run("ls-tree", "-r", "-z", "--full-tree", tree, "--", *(p.rstrip("/") for p in wanted))
        entries: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, sha = _decode(meta).split(" ")
            path = _decode(raw_path)
            if kind == "blob" and mode in _REGULAR_FILE_MODES and _under(path, wanted):
                entries[path] = sha
        blobs = self._blobs(entries.values())
        return {path: blobs[sha] for path, sha in entries.items()}

    def tree_ids(self, commit: str, prefixes: Iterable[str]) -> dict[str, str]:
        """The blob id of every regular file at ``commit`` under the prefixes (as :meth:`snapshot`)."""
        wanted = [_check_path(p.rstrip("/")) + ("/" if p.endswith("/") else "") for p in prefixes]
        if not wanted:
            return {}
        tree = f"{self._commit(commit)}^{{tree}}"
        _, out = self._run("ls-tree", "-r", "-z", "--full-tree", tree, "--", *(p.rstrip("/") for p in wanted))
        entries: dict[str, str] = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, sha = _decode(meta).split(" ")
            path = _decode(raw_path)
            if kind == "blob" and mode in _REGULAR_FILE_MODES and _under(path, wanted):
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
        found = self._objects.read_named([f"{sha}:{_check_path(path)}" for path in paths])
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
            f"{sha.lower() if _FULL_SHA.fullmatch(sha) else self._commit(sha)}:{_check_path(f) if f else ''}"
            for sha, f in pairs
        ]
        found = self._objects.read_named(names)
        out: dict[tuple[str, str], dict[str, str] | None] = {}
        for pair, name, item in zip(pairs, names, found, strict=True):
            if item is None or item[1] != "tree":
                out[pair] = None
                continue
            if item[0] not in self._trees:  # a folder that did not change reads once
                self._trees[item[0]] = _tree_files(item[2], len(name.partition(":")[0]) // 2)
            out[pair] = self._trees[item[0]]
        return out

    def read_at(self, commit: str, path: str) -> bytes | None:
        """The file ``path`` at ``commit``; ``None`` if it is absent there (or a folder)."""
        name = f"{self._commit(commit)}:{_check_path(path)}"
        item = self._objects.read([name])[0]
        return item[1] if item is not None and item[0] == "blob" else None

    def read_many_at(self, commit: str, paths: Sequence[str]) -> dict[str, bytes | None]:
        """:meth:`read_at` of several files at one commit, in one pipelined request."""
        sha = self._commit(commit)
        found = self._objects.read([f"{sha}:{_check_path(path)}" for path in paths])
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
        args = ["-z", "--no-follow", "--no-show-signature", "--encoding=UTF-8", f"--format={_LOG_FORMAT}"]
        if max_count is not None:
            args.append(f"--max-count={max_count}")
        _, out = self._run("log", *args, "HEAD", "--", *(_check_path(p) for p in paths))
        return _commits(out)

    def parents_of_all(self) -> dict[str, tuple[str, ...]]:
        """Every commit reachable from HEAD and its parents, in one ``rev-list``."""
        if self.head() is None:
            return {}
        _, out = self._run("rev-list", "--parents", "HEAD")
        found: dict[str, tuple[str, ...]] = {}
        for line in _decode(out).splitlines():
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
        pathspec = ["--", *(_check_path(p) for p in paths)]
        if parents:
            _, out = self._run("diff-tree", "-r", "-z", "--no-renames", parents[0], sha, *pathspec)
        else:
            _, out = self._run("diff-tree", "-r", "-z", "--no-renames", "--root", "--no-commit-id", sha, *pathspec)
        fields = out.split(b"\0")
        rows = [row for row in map(_changed, fields[0::2], fields[1::2]) if row is not None]
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
        _, out = self._run("log", *args, "HEAD", "--", *(_check_path(p) for p in paths))
        listed = {sha: rows for (sha,), rows in _raw_log(out.split(b"\0"), 1)}
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
        pathspec = ["--", *(_check_path(p) for p in paths)]
        graph = _Background(self._git, _graph, "log", "--no-show-signature", "--format=%H %h %P", "HEAD")
        raw = ["-z", "--raw", "--no-renames", "--no-abbrev", "--root", "--no-show-signature", "--format=%x01%H"]
        blobs = _BlobStream(self._git)
        try:
            walk = _spawn(self._git, "log", *raw, "--no-follow", "HEAD", *pathspec)
            listed: list[str] = []
            named: dict[str, list[tuple[str, str | None, str | None]]] = {}
            try:
                for (sha,), rows in _raw_log(_tokens(walk.proc.stdout), 1):
                    listed.append(sha)
                    named[sha] = rows
                    blobs.ask(s for _, old, new in rows for s in (old, new) if s is not None)
            except BaseException:  # output ctb cannot read, or cat-file gone: stop the walk too
                walk.proc.kill()
                walk.proc.wait()
                raise
            _check_status("log", walk.proc.wait(), walk.proc.stderr.read())
            parents, shorts = graph.result()
            merges = [sha for sha in listed if len(parents.get(sha, ())) > 1]
            for start in range(0, len(merges), _SHAS_PER_CALL):  # a few long command lines, never one git per merge
                chunk = merges[start : start + _SHAS_PER_CALL]
                _, out = self._run("log", *raw, "--diff-merges=first-parent", "--no-walk=unsorted", *chunk, *pathspec)
                for (sha,), rows in _raw_log(out.split(b"\0"), 1):
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
        args = ["-z", "--no-walk=unsorted", "--no-show-signature", "--encoding=UTF-8", f"--format={_LOG_FORMAT}"]
        wanted = list(dict.fromkeys(shas))
        for start in range(0, len(wanted), _SHAS_PER_CALL):
            _, out = self._run("log", *args, *(_check_rev(sha) for sha in wanted[start : start + _SHAS_PER_CALL]))
            found.update((info.sha, info) for info in _commits(out))
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
            "--no-follow", "--no-show-signature", "--encoding=UTF-8", f"--format=%x01{_LOG_FORMAT}",
        ]  # fmt: skip
        _, out = self._run("log", *args, "HEAD", "--", *(_check_path(p) for p in paths))
        return [(_commit_info(fields), rows) for fields, rows in _raw_log(out.split(b"\0"), len(_LOG_FIELDS))]

    def short_names(self, shas: Sequence[str]) -> dict[str, str]:
        """git's abbreviation (``%h``) of each commit, from one ``log --no-walk``."""
        names: dict[str, str] = {}
        for start in range(0, len(shas), 1000):  # far below any command line limit
            chunk = [_check_rev(sha) for sha in shas[start : start + 1000]]
            _, out = self._run("log", "--no-walk=unsorted", "--format=%H %h", *chunk, "--")
            for line in _decode(out).splitlines():
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
            for line in _decode(b"".join(chunks)).splitlines():
                sha, *parents = line.split()
                found[sha] = tuple(parents)
            return found

        return wait

    # -- work tree and index ------------------------------------------------------

    def _status(self) -> list[tuple[str, str]]:
        _, out = self._run("status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all")
        return [(_decode(rec[:2]), _decode(rec[3:])) for rec in out.split(b"\0") if rec]

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
        wanted = sorted({_check_path(p) for p in paths})
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
        tracked = {_decode(p) for p in out.split(b"\0") if p}
        present = [p for p in wanted if p in tracked or os.path.lexists(self.root / p)]
        if not present:
            raise CtbError("nothing to commit: none of the files exist or are tracked")
        self._run("add", "--all", "--", *present)
        status, _, err = _call_full(self._git, "commit", "--quiet", "--cleanup=whitespace", "-m", text, ok=(0, 1, 128))
        if status != 0:
            raise CtbError(f"git commit failed: {_commit_problem(err)}; the files are written and staged, not committed")
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
