"""Running git for :class:`~ctb_files.storage.git.GitRepo`: hygiene of the environment, one-line errors,
and the processes that stay running while their output is read.

Inside a git hook, git exports ``GIT_DIR``, ``GIT_INDEX_FILE`` and friends
for the repository being committed to; every process started here runs
without them (:func:`without_hook_variables`), everything else (``HOME``,
author variables, ...) passed through.  Any failure of git becomes a
one-line :class:`~ctb_files.errors.CtbError`.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ctb_files.errors import CtbError

if TYPE_CHECKING:
    from git import Repo
    from git.cmd import Git

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
EXTRA_ENV = {"GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0"}
# Stay well below the smallest pipe buffer of any platform, so writing one chunk
# of requests can never block while cat-file waits for us to read its answers.
CHUNK_BYTES = 4096
STREAM_BATCH = 200  # blob names per write to a streaming cat-file (its reader thread keeps the pipes moving)
# GitPython builds each child's environment from os.environ plus additions and
# has no way to *remove* a variable, so the hook variables are taken out of
# os.environ for the moment a process is spawned (and for Repo discovery, which
# reads them too).  The lock keeps two of our own spawns from interleaving.
_ENV_LOCK = threading.RLock()
_T = TypeVar("_T")


@contextmanager
def without_hook_variables() -> Iterator[None]:
    with _ENV_LOCK:
        saved = {key: os.environ.pop(key) for key in HOOK_VARIABLES if key in os.environ}
        try:
            yield
        finally:
            os.environ.update(saved)


@functools.cache
def clean_classes() -> tuple[type[Git], type[Repo]]:
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
            with without_hook_variables():
                return super().execute(*args, **kwargs)

    class _CleanRepo(Repo):
        GitCommandWrapperType = _CleanGit

    return _CleanGit, _CleanRepo


def clean_git(working_dir: str) -> Git:
    """A GitPython command wrapper running git in ``working_dir``, its processes never seeing the hook variables."""
    return clean_classes()[0](working_dir)


def decode(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def first_problem(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                return line[len(prefix) :]
    return lines[0] if lines else "no message"


def check_rev(rev: str) -> str:
    rev = rev.strip()
    if not rev or rev.startswith("-") or "\n" in rev or "\0" in rev:
        raise CtbError(f"not a revision: {rev!r}")
    return rev


def check_path(path: str) -> str:
    clean = path.replace("\\", "/")
    while clean.startswith("./"):
        clean = clean[2:]
    parts = clean.split("/")
    if not clean or clean.startswith("/") or ".." in parts or "\n" in clean or "\0" in clean:
        raise CtbError(f"not a path inside the repository: {path!r}")
    return clean


def call(git: Git, command: str, *args: str, ok: Iterable[int] = (0,)) -> tuple[int, bytes]:
    """Run ``git <command> <args>``; (status, stdout), CtbError on any other status."""
    status, out, _ = call_full(git, command, *args, ok=ok)
    return status, out


def commit_problem(stderr: str) -> str:
    """One line on why ``git commit`` failed: the hooks that failed, else git's own reason."""
    failed = [line.split("....")[0].strip(" .") for line in stderr.splitlines() if line.rstrip().endswith("Failed")]
    if failed:
        return "the pre-commit hook refused it (" + ", ".join(f"{name}: Failed" for name in failed) + ")"
    return first_problem(stderr)


def call_full(git: Git, command: str, *args: str, ok: Iterable[int] = (0,)) -> tuple[int, bytes, str]:
    """``call`` that also hands back stderr, for callers that word git's failure themselves."""
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
        raise CtbError(f"git {command} failed: {first_problem(err)}")
    return status, out, err if isinstance(err, str) else decode(err)


def next_token(stream: Iterator[bytes]) -> bytes:
    token = next(stream, None)
    if token is None:
        raise CtbError("git log gave output ctb cannot read")
    return token


def nul_tokens(pipe: Any) -> Iterator[bytes]:
    """The NUL-terminated fields of a process's output as they arrive."""
    rest = b""
    while chunk := pipe.read1(1 << 16):
        pieces = (rest + chunk).split(b"\0")
        rest = pieces.pop()
        yield from pieces
    if rest:
        yield rest


class Background(Generic[_T]):
    """One git command running, and its output read by ``parse``, while the caller does something else."""

    def __init__(self, git: Git, parse: Callable[[bytes], _T], command: str, *args: str) -> None:
        self._command = command
        self._parse = parse
        self._err = b""
        self._status: int | None = None
        self._value: tuple[_T] | None = None  # (what parse made,) once it has run
        self._failure: CtbError | None = None
        self._proc = spawn(git, command, *args)
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
        check_status(self._command, self._status, self._err)
        if self._failure is not None:
            raise self._failure
        if self._value is None:
            raise CtbError(f"git {self._command} gave output ctb cannot read")
        return self._value[0]


def spawn(git: Git, command: str, *args: str, **kwargs: Any) -> Any:
    """A started ``git <command>`` (GitPython's process wrapper); CtbError when git cannot start."""
    from git.exc import GitError

    try:
        return getattr(git, command.replace("-", "_"))(*args, as_process=True, **kwargs)
    except GitError as exc:
        raise CtbError(f"cannot run git {command}: {str(exc).splitlines()[0]}") from None


def check_status(command: str, status: int | None, err: bytes | None) -> None:
    if status != 0:
        raise CtbError(f"git {command} failed: {first_problem(decode(err or b''))}")


def feed(stream: Any, payload: bytes) -> None:
    """Write ``payload`` to a process's input (run in a thread while its output is read)."""
    try:
        stream.write(payload)
        stream.flush()
    except (OSError, ValueError):
        pass  # the reader sees the process stop answering and says so
