"""Reading git objects in bulk: one ``git cat-file --batch`` kept running and fed in pipelined chunks, one fed
while a walk still names the blobs, and the files of a tree object."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ctb_files.errors import CtbError
from ctb_files.storage.gitproc import CHUNK_BYTES, STREAM_BATCH, decode, encode, feed, spawn

if TYPE_CHECKING:
    from git.cmd import Git

class BlobStream:
    """A ``git cat-file --batch`` asked for blobs while they are still being found (a thread reads the answers).

    It runs beside the walk that names the blobs, so reading them costs
    little more than the walk; :meth:`finish` hands back every blob by name.
    """

    def __init__(self, git: Git) -> None:
        self._proc = spawn(git, "cat-file", "--batch", istream=subprocess.PIPE)
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
        if len(self._asked) - self._sent >= STREAM_BATCH:
            self._send()

    def _send(self) -> None:
        batch, self._sent = self._asked[self._sent :], len(self._asked)
        if not batch:
            return
        try:
            self._proc.proc.stdin.write(b"".join(encode(name) + b"\n" for name in batch))
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
                self._answers.append((decode(tokens[1]), buf[start:end]))
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


class ObjectReader:
    """One persistent ``git cat-file --batch`` process, fed in pipelined chunks."""

    def __init__(self, git: Git) -> None:
        self._git = git
        self._proc: Any = None

    def read(self, names: Sequence[str]) -> list[tuple[str, bytes] | None]:
        """``(type, content)`` per object name, ``None`` where it does not exist."""
        requests = [encode(name) + b"\n" for name in names]
        results: list[tuple[str, bytes] | None] = []
        if not requests:
            return results
        try:
            proc = self._process()
            start = 0
            while start < len(requests):
                end, size = start, 0
                while end < len(requests) and (end == start or size + len(requests[end]) <= CHUNK_BYTES):
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
        payload = b"".join(encode(name) + b"\n" for name in names)
        try:
            proc = self._process()
            writer = None
            if len(payload) <= CHUNK_BYTES:
                feed(proc.stdin, payload)
            else:
                writer = threading.Thread(target=feed, args=(proc.stdin, payload), daemon=True)
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
        found = _object(stdout)
        return None if found is None else (decode(found[0][0]), decode(found[0][1]), found[1])

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
        found = _object(stdout)
        return None if found is None else (decode(found[0][1]), found[1])

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


def _object(stdout: Any) -> tuple[list[bytes], bytes] | None:
    """One answer of ``git cat-file --batch``: its header's words and the object's bytes; None when not found.

    The header is ``<sha> <type> <size>`` when found, ``<name> missing|ambiguous|submodule`` otherwise.
    """
    header: bytes = stdout.readline()
    if not header.endswith(b"\n"):
        raise ValueError("the process stopped answering")
    tokens = header.split()
    if len(tokens) != 3 or not tokens[2].isdigit():
        return None
    size = int(tokens[2])
    data: bytes = stdout.read(size)
    if len(data) != size or stdout.read(1) != b"\n":
        raise ValueError("truncated object data")
    return tokens, data


def tree_files(data: bytes, width: int) -> dict[str, str]:
    """The regular files of a tree object: name → blob id (``width`` bytes per raw id)."""
    files: dict[str, str] = {}
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        end = data.index(b"\0", space)
        if data[at:space] in (b"100644", b"100755"):
            files[decode(data[space + 1 : end])] = data[end + 1 : end + 1 + width].hex()
        at = end + 1 + width
    return files
