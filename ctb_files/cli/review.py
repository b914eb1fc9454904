"""``ctb review BASE [HEAD]``: what a change does to the inventory, as Markdown for a pull request.

Both sides are read whole from git (one snapshot per commit, no checkout),
or from the working tree when HEAD is left out, so any two commits compare,
merges included.  The comparison is :func:`ctb_files.ops.review.review`;
:mod:`ctb_files.render.review` renders it.
"""

from __future__ import annotations

import click

from ctb_files.cli.app import cli, common, echo_json, options, workspace
from ctb_files.ops.review import review
from ctb_files.render.review import WORKING_TREE, label, markdown
from ctb_files.storage.history import inventory_at, open_repo
from ctb_files.storage.loader import LoadResult


@cli.command("review")
@click.argument("base")
@click.argument("head", required=False)
@common()
def review_cmd(base: str, head: str | None) -> None:
    """Show what the inventory change from BASE to HEAD does, as Markdown.

    BASE and HEAD are commits, branches, tags or dates; HEAD defaults to the
    working tree.  Stock per part and location with signed deltas, builds
    created or changed status with their reservations and shortages, new and
    resolved shortages, BOM changes per project version, orders created,
    placed and received.  Paste the output into a pull request, or write it
    to $GITHUB_STEP_SUMMARY in CI.
    """
    ws = workspace()
    repo, _ = open_repo(ws.root)
    try:
        cache = not options().no_cache
        # the files the two sides share (most of them) are validated once, on the side loaded first
        new = inventory_at(ws.root, head, repo, cache) if head is not None else None
        after: LoadResult = new.loaded if new is not None else ws.loaded
        old = inventory_at(ws.root, base, repo, cache, like=after)
    finally:
        repo.close()
    # files that exist but do not read; a file missing on one side is simply new or removed
    skip = {d.path for side in (old.loaded, after) for d in side.errors if d.path in side.inventory.files}
    result = review(old.loaded.inventory, after.inventory, skip)
    if options().format == "json":
        echo_json(result.to_json())
        if result.skipped:
            click.echo("ctb review: not compared (unreadable on one side): " + ", ".join(result.skipped), err=True)
        return
    head_label = WORKING_TREE if new is None else label(str(head), new.commit)
    click.echo(markdown(result, label(base, old.commit), head_label), nl=False)


# --- Markdown -----------------------------------------------------------------------------


