"""``ctb check`` answered before click is imported, when a stored answer settles it.

The pre-commit hook runs ``ctb check`` on every commit, and most runs find
the files as the last run left them: the answer is then one read of
``<git dir>/ctb/check`` (:func:`~ctb_files.storage.checkcache.stored`).
Importing click and building the command group cost more than that read,
so :func:`answer` looks at the command line first.  It takes only the
plain forms — ``check`` with ``--repo``, ``--format``, ``-q``/``--quiet``
and ``--no-progress``, and ``--repo`` before ``check`` — and hands every
other command line, and every miss, to click (:func:`ctb_files.cli.app.run`),
which then skips the lookup already made.  :func:`report` prints an answer
for both ways in, so their output is the same.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctb_files.storage.checkcache import Answer

FORMATS = ("text", "json")
_missed: list[Path] = []  # the inventory whose stored answer :func:`answer` just found missing


def answer(args: list[str]) -> int | None:
    """The exit status of ``ctb <args>`` answered from a stored answer, or None (click runs the command)."""
    _missed.clear()
    handed = sys.modules.get("ctb_files.storage.treestat")  # imported by an earlier command in this process
    if handed is not None:
        handed.drop_handed()
    parsed = _plain_check(args)
    if parsed is None:
        return None
    repo, fmt, quiet = parsed
    from ctb_files.errors import CtbError
    from ctb_files.storage import cachebase, checkcache, tree

    if cachebase.disabled() or os.environ.get("CTB_CACHE_TEST") == "warm":
        return None
    try:
        root = tree.inventory_root(Path(repo) if repo is not None else None)
        found = checkcache.stored(root, hand_over=True)  # a miss: the load that follows takes over the walk
    except (CtbError, OSError):
        return None  # click's way says what is wrong
    if found is None:
        _missed.append(root)
        return None
    try:
        return report(found, None, fmt, quiet)
    except BrokenPipeError:
        return 0  # as the CLI does: a reader that stopped reading is not an error


def missed(root: Path) -> bool:
    """Whether :func:`answer` found no stored answer for ``root`` in this command (asked once)."""
    was = bool(_missed) and _missed[0] == root
    _missed.clear()
    return was


def _plain_check(args: list[str]) -> tuple[str | None, str, bool] | None:
    """``(repo, format, quiet)`` of a ``check`` without paths or other options; None for anything else."""
    repo: str | None = None
    fmt, quiet = "text", False
    at = 0
    while at < len(args) and args[at] != "check":  # the group's own options: only --repo
        taken = _repo_value(args, at)
        if taken is None:
            return None
        repo, at = taken
    if at == len(args):
        return None
    at += 1
    while at < len(args):
        arg = args[at]
        if arg in ("-q", "--quiet"):
            quiet, at = True, at + 1
        elif arg == "--no-progress":
            at += 1
        elif arg == "--format" and at + 1 < len(args) and args[at + 1] in FORMATS:
            fmt, at = args[at + 1], at + 2
        elif arg.startswith("--format=") and arg[len("--format=") :] in FORMATS:
            fmt, at = arg[len("--format=") :], at + 1
        else:
            taken = _repo_value(args, at)
            if taken is None:
                return None
            repo, at = taken
    if repo is not None and (not repo or not os.path.isdir(repo)):
        return None  # click refuses a file and names a missing folder: its words
    return repo, fmt, quiet


def _repo_value(args: list[str], at: int) -> tuple[str, int] | None:
    arg = args[at]
    if arg == "--repo" and at + 1 < len(args):
        return args[at + 1], at + 2
    if arg.startswith("--repo="):
        return arg[len("--repo=") :], at + 1
    return None


def report(answer: Answer, wanted: list[str] | None, fmt: str, quiet: bool) -> int:
    """Print a check's answer (only the diagnostics under ``wanted``, when given); 1 when it has errors."""
    files, diags = answer
    if wanted is not None:
        diags = [d for d in diags if any(not w or d.path == w or d.path.startswith(w + "/") for w in wanted)]
    errors = [d for d in diags if d.severity == "error"]
    warnings = [d for d in diags if d.severity == "warning"]
    out = sys.stdout
    if fmt == "json":
        from ctb_files.render.table import to_json

        out.write(to_json({"errors": [d.to_json() for d in errors], "warnings": [d.to_json() for d in warnings]}) + "\n")
        out.flush()
    else:
        for diag in errors:
            out.write(diag.render() + "\n")
        for diag in warnings:
            out.write(diag.render() + " (warning)\n")
        out.flush()
        if not quiet:
            sys.stderr.write(f"{files} files checked: {_count(len(errors), 'error')}, {_count(len(warnings), 'warning')}\n")
            sys.stderr.flush()
    return 1 if errors else 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
