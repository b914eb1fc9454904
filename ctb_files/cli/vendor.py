"""``ctb vendor populate``: fill vendor parts from the Mouser Search API.

The HTTP client comes from :func:`http_client` and pauses go through
:data:`sleep`; tests replace both (an ``httpx.MockTransport`` with recorded
answers and a no-op) so nothing touches the network or waits.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

import click

from ctb_files.cli.app import cli, common, echo_json, finish, options, workspace, writes
from ctb_files.core.text import now
from ctb_files.ops.orders.populate import (
    targets,
)
from ctb_files.render.progress import progress
from ctb_files.storage.writeback.part import write_found
from ctb_files.vendors.http import MOUSER_API_URL, HttpClient, make_client
from ctb_files.vendors.mouser import LookupFailure, MouserClient, MouserPart

# replaced by tests: where requests go, and how the client waits between them
sleep: Callable[[float], None] = time.sleep


def http_client() -> HttpClient:
    """The HTTP client populate talks to Mouser through."""
    return make_client(MOUSER_API_URL)


@cli.group("vendor")
def vendor_group() -> None:
    """Vendors: fill vendor parts from their APIs."""


def lookup(skus: list[str]) -> dict[str, MouserPart | LookupFailure]:
    """Ask Mouser about ``skus``; refuses in one line when ``MOUSER_API_KEY`` is not set.

    On a terminal a bar counts the part numbers and names every wait (rate
    limit, retry) while it lasts; into a pipe nothing is shown.
    """
    with http_client() as client, progress("Mouser", len(skus)) as step:
        done = 0

        def advance(now_done: int, total: int) -> None:
            nonlocal done
            step(now_done - done)
            done = now_done

        def wait(seconds: float) -> None:
            if seconds >= 1:
                step(0, f"waiting {seconds:.0f} s")
            sleep(seconds)
            step(0)

        mouser = MouserClient.with_key(client, os.environ.get("MOUSER_API_KEY"), sleep=wait)
        return mouser.lookup(skus, progress=advance)


@vendor_group.command("populate")
@click.argument("part_ids", nargs=-1)
@common()
@writes
def populate_cmd(part_ids: tuple[str, ...]) -> None:
    """Fill vendor parts at vendors with 'api: mouser' from the Mouser Search API.

    Writes price breaks, minimum and multiple, URL, description,
    manufacturer, MPN, availability, lead time, currency and fetched_at into
    the part files, keeping comments.  Placeholder parts get a name and a
    description.  Needs MOUSER_API_KEY in the environment.
    """
    ws = workspace()
    inv = ws.inventory
    wanted, missing = targets(inv, list(part_ids) if part_ids else None)
    for message in missing:
        click.echo(f"ctb: {message}", err=True)
    if not wanted:
        if missing:
            raise click.exceptions.Exit(1)
        click.echo("no vendor parts at a vendor with 'api: mouser'", err=True)
        return
    results = lookup(list(dict.fromkeys(t.sku for t in wanted)))
    moment = now()
    failed: dict[str, list[str]] = {}
    for target in wanted:
        outcome = results[target.sku]
        if isinstance(outcome, LookupFailure):
            failed.setdefault(target.part, []).append(f"{target.sku}: {outcome.message}")
        else:
            write_found(ws.changes, target, outcome, moment)
    parts = list(dict.fromkeys(t.part for t in wanted))
    done = [p for p in parts if p not in failed]
    for part_id in parts:
        for message in failed.get(part_id, []):
            click.echo(f"ctb: parts/{part_id}.yaml: {message}", err=True)
    finish(ws, "populate vendor parts", {"Ctb-Part": done})
    total = len(parts) + len(missing)
    if options().format == "json":
        echo_json({"populated": done, "failed": [{"part": p, "messages": m} for p, m in failed.items()]})
    elif not options().quiet:
        click.echo(f"populated {len(done)} of {total} part{'s' if total != 1 else ''}", err=bool(failed or missing))
    if failed or missing:
        raise click.exceptions.Exit(1)
