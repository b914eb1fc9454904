"""``ctb build clear``: reserve stock for builds, or repeat the stored answer when nothing changed.

A clear stores what it printed under the bytes of the files as it left
them (:mod:`ctb_files.storage.clearcache`): as read when it changed
nothing, as written otherwise (clearing again with unchanged data writes
byte-identical files, PRODUCT.md 4).  The same clear on the same bytes
prints that again after reading the files once, without importing the
models or running the engine.  ``--no-cache``, ``CTB_NO_CACHE=1`` or a write
a killed command left half done take the full path.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ctb_files.cli.app import Options, cli, common, options, workspace, writes
from ctb_files.cli.buildgroup import build_group
from ctb_files.errors import UsageError
from ctb_files.storage import clearcache, journal, tree, treestat, unread
from ctb_files.storage.cachebase import disabled

if TYPE_CHECKING:
    from ctb_files.ops.builds.allocate import Plan

__all__ = ["build_group", "cli", "clear_cmd"]


@build_group.command("clear")
@click.argument("build_ids", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Re-plan every open build in order of priority, due, id.")
@click.option("--fail-on-shortage", is_flag=True, help="Exit 1 when any build is short.")
@common()
@writes
def clear_cmd(build_ids: tuple[str, ...], all_: bool, fail_on_shortage: bool) -> None:
    """Reserve stock for builds and record their shortages.

    Clearing respects what other open builds hold; --all first releases every
    open build and clears them again so that earlier ones get first pick.
    """
    if all_ == bool(build_ids):
        raise UsageError("give build ids or --all (not both)")
    ids = None if all_ else list(dict.fromkeys(build_ids))
    opts = options()
    root = tree.inventory_root(opts.repo)
    cache = not opts.no_cache and not disabled()
    # CTB_CACHE_TEST=warm: compute, store, and answer from what was stored (the test suite runs this way)
    warm_test = cache and os.environ.get("CTB_CACHE_TEST") == "warm"
    answer = None
    walk = None
    if cache and not warm_test and not journal.left_over(root):
        walk = treestat.walked(root)  # None: no stat index yet, a first run
        if walk is not None:
            digests = walk.digests
            key = clearcache.answer_key(digests, ids)
            answer = clearcache.lookup(root, key)
            if answer is None:
                answer = clearcache.unchanged_for_clear(root, digests, ids)
                if answer is not None:
                    clearcache.store(root, key, answer)  # asked again, it is one read
        if answer is not None and opts.format == "json" and answer.json is None:
            answer = None  # stored by a clear that printed text: the JSON was never made
        if answer is not None and opts.dry_run:  # what finish says of an empty change
            click.echo("nothing would change", err=opts.format == "json")
    if answer is None:
        if walk is not None:
            treestat.hand_over(root, walk)  # the load takes over the walk just made
        try:
            answer = _clear(root, ids, opts, cache, warm_test)
        finally:
            treestat.drop_handed()
    if opts.format == "json":
        click.echo(answer.json or "")
    elif answer.table is None:
        click.echo("no open builds")
    elif not opts.dry_run and not opts.quiet:
        click.echo(answer.table)
    if fail_on_shortage and answer.short:
        click.echo(f"ctb: short: {', '.join(answer.short)} (--fail-on-shortage)", err=True)
        raise click.exceptions.Exit(1)


def _clear(root: Path, ids: list[str] | None, opts: Options, cache: bool, warm_test: bool) -> clearcache.Answer:
    """Clear, write and (when nothing changed) store: what the command prints."""
    from ctb_files.cli.app import finish
    from ctb_files.cli.build import clear_and_write_each
    from ctb_files.ops.builds.clearing import Consulted
    from ctb_files.render.bom import shortage_summary
    from ctb_files.render.table import table

    ws = workspace()
    want_json = opts.format == "json"
    # the table is printed, or stored as the answer when nothing changed (known at the end)
    table_wanted = cache or not (opts.dry_run or opts.quiet or want_json)
    # of each plan only what is printed is kept (its shortages as the table's cell, not as
    # models: thousands of builds' shortages are tens of MiB): the plan goes once its file is staged
    kept: dict[str, tuple[str, int, str]] = {}
    texts: list[str] = []
    consulted = Consulted()  # what the plans read of the stock
    for bid, plan in clear_and_write_each(ws, ids, consulted):
        summary = shortage_summary(plan.shortages, f"ctb build show {bid}") if table_wanted else ""
        kept[bid] = (plan.status, len(plan.reservations), summary)
        if want_json:
            texts.append(build_json_text(bid, plan))
    rendered = ws.changes.pending()
    what = "clear all builds" if ids is None else f"clear build{'s' if len(kept) > 1 else ''} {', '.join(kept)}"
    finish(ws, what, {"Ctb-Build": list(kept)}, rendered=rendered)
    # kept for the files as they are now: as read, or as just written. Clearing again with unchanged
    # data writes byte-identical files (PRODUCT.md 4, "Idempotent"; tests/test_allocate_props.py and
    # tests/test_clear_after_clear.py hold it), so a clear of the files just written plans the same,
    # writes nothing and prints this. A dry run that would write keeps nothing: the files are as read.
    keep = cache and not (opts.dry_run and rendered)
    digests = _written(ws.loaded.digests, rendered) if keep else None
    facts = unread.facts_of(ws.loaded.inventory, "clear", consulted.lines, consulted.parts) if keep else None
    key = clearcache.answer_key(digests, ids) if digests is not None else None
    del ws  # the answer needs only what was kept: the inventory may go before the answer's text is made
    rows = [
        (bid, status, reserved, summary) for bid, (status, reserved, summary) in kept.items()
    ] if kept and (keep or not (opts.dry_run or opts.quiet or want_json)) else []  # fmt: skip
    answer = clearcache.Answer(
        table=table(["build", "status", "reserved", "short"], rows, right=(2,)) if kept else None,
        json=json_text(texts) if want_json else None,
        short=[bid for bid, (status, _, _) in kept.items() if status != "cleared"],
    )
    if key is not None:  # the files are as they were read: the same clear on them answers the same
        clearcache.store(root, key, answer, digests, facts)
        if warm_test:
            answer = clearcache.lookup(root, key) or answer
    return answer


def _written(digests: Mapping[str, bytes], rendered: Mapping[str, bytes | None]) -> dict[str, bytes]:
    """Every file's digest once ``rendered`` (path → new bytes, None: deleted) is written over ``digests``."""
    from ctb_files.storage.cachebase import file_digest

    out = dict(digests)
    for rel, new in rendered.items():
        if new is None:
            out.pop(rel, None)
        else:
            out[rel] = file_digest(new)
    return out


def build_json_text(build_id: str, plan: Plan) -> str:
    """One build of the ``--format json`` answer, as ``to_json`` writes it."""
    from ctb_files.render.build import build_json
    from ctb_files.render.table import to_json

    return to_json(build_json(build_id, plan.status, plan))


def json_text(builds: list[str]) -> str:
    """``{"builds": [...]}`` as ``to_json`` writes it, from each build's text (:func:`build_json_text`).

    At 2,000 builds the whole document at once (and its plain copy) holds
    hundreds of MiB; each build's text indented into the list is the same text.
    """
    from ctb_files.render.table import to_json

    if not builds:
        return to_json({"builds": []})
    out = io.StringIO()
    out.write('{\n  "builds": [\n')
    for i, text in enumerate(builds):
        out.write(",\n" if i else "")
        out.write("\n".join("    " + line for line in text.split("\n")))
    out.write("\n  ]\n}")
    return out.getvalue()
