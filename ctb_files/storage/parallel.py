"""Parsing many inventory files at once on several processors.

Loading a large repository cold spends half its time in the YAML reader, one
file after another.  When thousands of files must be parsed, this module
forks worker processes that parse a share each and hand back the parsed data
(plain dicts, lists and scalars: cheap to pickle); validation stays in the
loading process, in file order, so answers and messages are exactly those of
the sequential path.  Forking is used only where it is safe and cheap (Linux,
one thread); anything that goes wrong in a worker or the pool leaves those
files to the sequential path.  ``CTB_PARSE_WORKERS=1`` turns it off.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from ctb_files.core.models.settings import Limits
from ctb_files.errors import Diagnostic
from ctb_files.storage.yaml import YamlProblem, load_fast

__all__ = ["PARALLEL_FROM", "WORKERS_ENV", "Parsed", "parse_many"]

#: files to parse below which one process is faster than starting others
PARALLEL_FROM = 1500
WORKERS_ENV = "CTB_PARSE_WORKERS"
_MAX_WORKERS = 8

# what one file parsed to: its data, or the reader's problem with it
Parsed = tuple[Any, Diagnostic | None]

# the work of one load, left where forked workers find it (never pickled to them)
_JOB: tuple[Mapping[str, bytes], Sequence[str], Limits] | None = None


def workers(count: int) -> int:
    """How many processes to parse ``count`` files with (1: parse them here)."""
    wanted = os.environ.get(WORKERS_ENV, "")
    if wanted.isdigit():
        limit = int(wanted)
    else:
        try:
            limit = len(os.sched_getaffinity(0))
        except (AttributeError, OSError):
            limit = os.cpu_count() or 1
    if count < PARALLEL_FROM or limit < 2 or sys.platform != "linux" or threading.active_count() > 1:
        return 1
    return min(limit, _MAX_WORKERS, max(2, count // (PARALLEL_FROM // 2)))


def parse_many(files: Mapping[str, bytes], rels: Sequence[str], limits: Limits) -> dict[str, Parsed]:
    """``rels`` parsed (data or problem) by forked workers; {} when one process should do it."""
    count = workers(len(rels))
    if count < 2:
        return {}
    import multiprocessing  # only here: most commands never parse thousands of files

    global _JOB
    _JOB = (files, rels, limits)
    shares = _shares(files, rels, count * 4)
    out: dict[str, Parsed] = {}
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            for answers in pool.imap_unordered(_parse_share, shares):
                out.update(answers)
    except Exception:  # noqa: BLE001 - the pool failed (resources, a killed worker): parse here instead
        return {}
    finally:
        _JOB = None
    return out


def _shares(files: Mapping[str, bytes], rels: Sequence[str], wanted: int) -> list[tuple[int, int]]:
    """``rels`` cut into about ``wanted`` runs of about equal bytes, the largest first.

    Parsing costs about in proportion to the bytes, not the files: 200 build
    files can weigh as much as 5,000 part files, and shares of equal counts
    left one worker parsing every build while the others waited.  A few
    shares each, handed out largest first, keep every worker busy to the end.
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
    weight = {share: sum(len(files[rel]) for rel in rels[share[0] : share[1]]) for share in shares}
    return sorted(shares, key=lambda share: -weight[share])


def _parse_share(share: tuple[int, int]) -> list[tuple[str, Parsed]]:
    assert _JOB is not None
    files, rels, limits = _JOB
    out: list[tuple[str, Parsed]] = []
    for rel in rels[share[0] : share[1]]:
        try:
            out.append((rel, (load_fast(files[rel], rel, limits), None)))
        except YamlProblem as problem:
            out.append((rel, (None, problem.diagnostic)))
        except Exception:  # noqa: BLE001, S112 - left out: the loading process parses it and reports
            continue
    return out
