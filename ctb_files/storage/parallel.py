"""Parsing many inventory files at once on several processors.

Loading a large repository cold spends half its time in the YAML reader, one
file after another.  When thousands of files, or megabytes spread over many
files (the build files a clear has just written), must be parsed, this module
forks worker processes that parse a share each and hand back the parsed data
(plain dicts, lists and scalars), already pickled: the warm cache keeps
those very bytes, so the loading process does not pickle them again.
Validation stays in the loading process, in file order, so answers and
messages are exactly those of the sequential path; it starts on the first
share while the workers still parse the next ones (:class:`ParsedStream`).
Forking is used only where it is safe and cheap (Linux, one thread);
anything that goes wrong in a worker or the pool leaves those files to the
sequential path.  ``CTB_PARSE_WORKERS=1`` turns it off.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from ctb_files.core.models.settings import Limits
from ctb_files.errors import Diagnostic
from ctb_files.storage.filedata import parse_file
from ctb_files.storage.yaml import YamlProblem

__all__ = ["PARALLEL_BYTES", "PARALLEL_FROM", "WORKERS_ENV", "Parsed", "ParsedStream", "parse_many"]

#: files to parse below which one process is faster than starting others
PARALLEL_FROM = 1500
#: or bytes beside the largest file's (the build files a clear has just written weigh as much as
#: thousands of part files; one large file alone would only be parsed by a worker instead of here)
PARALLEL_BYTES = 1 << 20
WORKERS_ENV = "CTB_PARSE_WORKERS"
_MAX_WORKERS = 8
_SHARES_PER_WORKER = 8  # small shares: the loader waits for the first one only

# what one file parsed to: its data pickled, or the reader's problem with it
Parsed = tuple[bytes | None, Diagnostic | None]

# the work of one load, left where forked workers find it (never pickled to them)
_JOB: tuple[Mapping[str, bytes], Sequence[str], Limits] | None = None


def workers(count: int, size: int = 0) -> int:
    """How many processes to parse ``count`` files with (1: parse them here); ``size``: their bytes beside the largest's."""
    wanted = os.environ.get(WORKERS_ENV, "")
    if wanted.isdigit():
        limit = int(wanted)
    else:
        try:
            limit = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            limit = os.cpu_count() or 1
    few = count < PARALLEL_FROM and size < PARALLEL_BYTES
    if few or limit < 2 or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return min(limit, _MAX_WORKERS, max(2, count // (PARALLEL_FROM // 2), size // (PARALLEL_BYTES // 2)))


class ParsedStream:
    """What the workers made of the files, taken in the order they were handed out.

    The shares come back in file order (``Pool.imap``), so the loader
    validates one share while the workers parse the next.  :meth:`take`
    waits only for the share holding the file asked for; a file a worker
    could not handle, or every file left when the pool fails, is None: the
    loader parses it itself.
    """

    def __init__(self, pool: Any, answers: Iterator[list[tuple[str, Parsed | None]]], rels: Sequence[str]) -> None:
        self._pool: Any = pool
        self._answers = answers
        self._wanted = frozenset(rels)
        self._got: dict[str, Parsed | None] = {}
        self.delivered = 0  # files the workers handed back parsed

    def __len__(self) -> int:
        return len(self._wanted)

    def take(self, rel: str) -> Parsed | None:
        """What a worker made of ``rel`` (each file is taken once), None when it is the loader's to parse."""
        if rel not in self._wanted:
            return None
        while rel not in self._got and self._pool is not None:
            try:
                answers = next(self._answers)
            except Exception:  # noqa: BLE001 - all handed back (StopIteration), or the pool failed: the rest parse here
                self.close()
                break
            for name, parsed in answers:
                self._got[name] = parsed
                self.delivered += parsed is not None
        return self._got.pop(rel, None)

    def close(self) -> None:
        """Stop the workers (idempotent); files not yet taken are the loader's to parse."""
        global _JOB
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.terminate()
            pool.join()
            _JOB = None


def parse_many(files: Mapping[str, bytes], rels: Sequence[str], limits: Limits) -> ParsedStream | None:
    """``rels`` (in the order the loader takes them) handed to forked workers; None when one process should parse.

    The caller closes the stream when it is done with it.
    """
    sizes = [len(files[rel]) for rel in rels]
    count = workers(len(rels), sum(sizes) - max(sizes, default=0))
    if count < 2:
        return None
    import multiprocessing  # only here: most commands never parse thousands of files

    global _JOB
    _JOB = (files, rels, limits)
    shares = _shares(files, rels, count * _SHARES_PER_WORKER)
    try:
        pool = multiprocessing.get_context("fork").Pool(count)
        answers = pool.imap(_parse_share, shares)
    except Exception:  # noqa: BLE001 - no pool (resources): parse here instead
        _JOB = None
        return None
    return ParsedStream(pool, answers, rels)


def _shares(files: Mapping[str, bytes], rels: Sequence[str], wanted: int) -> list[tuple[int, int]]:
    """``rels`` cut into about ``wanted`` runs of about equal bytes, in order.

    Parsing costs about in proportion to the bytes, not the files: 200 build
    files can weigh as much as 5,000 part files, and shares of equal counts
    left one worker parsing every build while the others waited.  Several
    small shares each keep every worker busy to the end, and the loader,
    taking them in order, waits only for the first.
    """
    total = sum(len(files[rel]) for rel in rels)
    target = max(1, -(-total // wanted))
    shares: list[tuple[int, int]] = []
    start, size = 0, 0
    for at, rel in enumerate(rels):
        size += len(files[rel])
        if size >= target:
            shares.append((start, at + 1))
            start, size = at + 1, 0
    if start < len(rels):
        shares.append((start, len(rels)))
    return shares


def _parse_share(share: tuple[int, int]) -> list[tuple[str, Parsed | None]]:
    assert _JOB is not None
    files, rels, limits = _JOB
    out: list[tuple[str, Parsed | None]] = []
    for rel in rels[share[0] : share[1]]:
        try:
            out.append((rel, (pickle.dumps(parse_file(files[rel], rel, limits), pickle.HIGHEST_PROTOCOL), None)))
        except YamlProblem as problem:
            out.append((rel, (None, problem.diagnostic)))
        except Exception:  # noqa: BLE001 - None: the loading process parses it and reports
            out.append((rel, None))
    return out
