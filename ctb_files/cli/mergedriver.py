"""``ctb merge-driver``: register and run the git merge driver for stock files."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import cli, common, options
from ctb_files.storage.mergedriver import DRIVER, DRIVER_COMMAND, install, merge_files


@cli.group("merge-driver")
def merge_driver_group() -> None:
    """The git merge driver that merges stock files line by line.

    Two branches that change the same stock line merge without a conflict:
    merged quantity = base + (ours - base) + (theirs - base).  Anything it
    cannot merge safely is left as a normal conflict.
    """


@merge_driver_group.command("install")
@common()
def install_cmd() -> None:
    """Register the driver in this repository's git config (.git/config).

    .gitattributes (written by 'ctb init') sends stock files to it with the
    line 'stock/*.yaml merge=ctb-stock'.  git runs the 'ctb' command it finds
    on PATH.
    """
    start = options().repo or Path.cwd()
    repo = install(start)
    try:
        # the inventory may be a folder of the repository, with its own .gitattributes
        places = {repo.root / ".gitattributes", start.resolve() / ".gitattributes"}
        text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in places if p.is_file())
    finally:
        repo.close()
    if not options().quiet:
        click.echo(f"registered the {DRIVER} merge driver in {repo.root}: merge.{DRIVER}.driver = {DRIVER_COMMAND}")
        if f"merge={DRIVER}" not in text:
            click.echo(f"note: .gitattributes does not name the driver; add: stock/*.yaml merge={DRIVER}", err=True)


@merge_driver_group.command("run")
@click.argument("base", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("ours", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("theirs", type=click.Path(path_type=Path, dir_okay=False))
@click.argument("path", required=False, default="")
def run_cmd(base: Path, ours: Path, theirs: Path, path: str) -> None:
    """Merge BASE, OURS and THEIRS into OURS (git passes %O %A %B %P).

    Exits 0 when merged; 1 with conflict markers written into OURS when not.
    """
    result = merge_files(base, ours, theirs, path)
    shown = path or str(ours)
    for note in result.notes:
        click.echo(f"ctb merge-driver: {note}", err=True)
    if result.clean:
        return
    for reason in result.conflicts:
        click.echo(f"ctb merge-driver: {shown}: {reason}", err=True)
    raise click.exceptions.Exit(1)
