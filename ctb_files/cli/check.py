"""``ctb check``: validate everything and list every problem."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import click

from ctb_files.cli import quick
from ctb_files.cli.app import cli, common, options
from ctb_files.errors import Diagnostic
from ctb_files.storage import checkcache, tree, unread

LARGE = 2000  # files; below this checking is over before a bar could say anything


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@common()
def check_cmd(paths: tuple[Path, ...]) -> None:
    """Validate schemas, references and invariants.

    Prints every problem as ``path:line:col: CODE message``; exits 1 when
    there are errors. PATHS limits the report to those files or folders
    (the whole repository is still read: references cross files).
    """
    root = tree.inventory_root(options().repo)
    wanted = tree.scope(root, paths) if paths else None
    cache = not options().no_cache
    # CTB_CACHE_TEST=warm: compute, store, and answer from what was stored (the test suite runs this way)
    warm_test = cache and os.environ.get("CTB_CACHE_TEST") == "warm"
    answer = None
    if cache and not warm_test and not quick.missed(root):
        # unchanged files answer from one read, without importing the models or running a check
        answer = checkcache.stored(root, hand_over=True)  # a miss: the load below takes over the walk
    if answer is None:
        answer, key, digests, facts = _check(root, cache)
        if cache:
            checkcache.store(root, key, answer, digests, facts)
            if warm_test:
                answer = checkcache.lookup(root, key) or answer
    if quick.report(answer, wanted, options().format, options().quiet):
        raise click.exceptions.Exit(1)


def _check(root: Path, cache: bool) -> tuple[checkcache.Answer, bytes, Mapping[str, bytes], unread.Facts | None]:
    """Load and check the repository: (files, diagnostics), the key of what was read, each file's digest and
    what a later check compares changed files with (:func:`~ctb_files.storage.unread.facts_of`)."""
    from ctb_files.checks import REGISTRY, run_checks
    from ctb_files.render.progress import progress
    from ctb_files.storage.loader import bulk, locate_all
    from ctb_files.storage.workspace import Workspace

    ws = Workspace(root, cache)
    with bulk():  # everything made from here on lives until the command ends
        loaded = ws.loaded
        # a bar only where checking takes a while: a large repository
        large = len(loaded.inventory.files) >= LARGE
        with progress("checking", len(REGISTRY) if large else None) as step:
            found = run_checks(loaded.inventory, step if large else None)
        diags: list[Diagnostic] = locate_all(loaded.diagnostics + found, loaded.inventory.files)
    inv = loaded.inventory
    digests = loaded.digests
    key = checkcache.answer_key(digests, inv.merge_driver_missing)
    return (len(inv.files), diags), key, digests, unread.facts_of(inv, "check")
