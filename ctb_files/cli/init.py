"""``ctb init``: make a directory a new inventory repository."""

from __future__ import annotations

from pathlib import Path

import click

from ctb_files.cli.app import cli
from ctb_files.core.schema import SCHEMA_DIR
from ctb_files.storage.init.ci import GITHUB_MERGE_PATH, GITHUB_PATH, PLACEHOLDER, write_ci
from ctb_files.storage.init.scaffold import InitResult, init_repository


@cli.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--example", is_flag=True, help="Add the example inventory and commit it as the first commit.")
@click.option(
    "--git-hooks", is_flag=True, help="Install plain git pre-commit and post-merge hooks running 'ctb check'."
)
@click.option("--ci", type=click.Choice(["github"]), default=None, help="Also write a CI workflow (GitHub Actions).")
@click.option(
    "--ctb-requirement", metavar="REQ", default=None,
    help="pip requirement the CI workflows install ctb from (default: a marked placeholder to set).",
)
@click.option(
    "--pre-commit-repo", metavar="URL", default=None,
    help="Write pre-commit's remote form (this repository at --rev) instead of local hooks running the installed ctb.",
)  # fmt: skip
@click.option("--rev", "pre_commit_rev", metavar="REV", default=None, help="The tag or commit of --pre-commit-repo.")
@click.option("-q", "--quiet", is_flag=True, help="Say nothing unless something goes wrong.")
def init_cmd(
    directory: str, example: bool, git_hooks: bool, ci: str | None, ctb_requirement: str | None,
    pre_commit_repo: str | None, pre_commit_rev: str | None, quiet: bool,
) -> None:  # fmt: skip
    """Create a new inventory repository in DIRECTORY (default: here).

    Runs 'git init' unless DIRECTORY is inside a git work tree already, and
    writes ctb.yaml, the folders, .gitattributes (the stock merge driver, also
    registered in .git/config), .gitignore, .pre-commit-config.yaml and the
    JSON Schemas editors use (.ctb/schemas/).  Refuses when DIRECTORY already
    holds a ctb.yaml.
    """
    if not directory:  # `ctb init "$UNSET"` must not mean "here"
        raise click.UsageError("DIRECTORY must not be empty (use '.' for the current folder)")
    if ctb_requirement is not None and not ci:
        raise click.UsageError("--ctb-requirement needs --ci")
    result = init_repository(
        Path(directory), example=example, git_hooks=git_hooks,
        pre_commit_repo=pre_commit_repo, pre_commit_rev=pre_commit_rev,
    )  # fmt: skip
    if ci:
        result.written += write_ci(result.root, ci, ctb_requirement)
    if not quiet:
        click.echo(render_init(result, Path(directory), example, ctb_placeholder=ctb_requirement is None))


def render_init(result: InitResult, shown: Path, example: bool, *, ctb_placeholder: bool = True) -> str:
    """What ``ctb init`` says it did, and what to do next."""
    what = "the example inventory" if example else "an empty inventory"
    lines = [f"Initialized {what} in {result.root}"]
    schemas = sum(1 for rel in result.written if rel.startswith(f"{SCHEMA_DIR}/"))
    others = [rel for rel in result.written if not rel.startswith(f"{SCHEMA_DIR}/") and not rel.endswith(".gitkeep")]
    top = [rel for rel in others if "/" not in rel]
    lines.append(
        f"  wrote {', '.join(top)}"
        + (f" and {len(others) - len(top)} inventory files" if len(others) > len(top) else "")
    )
    lines.append(f"  wrote {schemas} JSON Schemas to {SCHEMA_DIR}/ (editors validate as you type)")
    if result.commit:
        lines.append(f'  committed {result.commit[:7]} "ctb: example inventory"')
    if result.merge_driver:
        lines.append(f"  registered the {result.merge_driver} merge driver for stock files in .git/config")
    if result.hooks:
        lines.append(f"  installed git hooks: {', '.join(result.hooks)}")
    lines.extend(f"  note: {note}" for note in result.notes)
    lines.append("Next:")
    if str(shown) not in ("", "."):
        lines.append(f"  cd {shown}")
    if not result.hooks:
        lines.append("  pip install 'ctb-files[hooks]' # the pre-commit framework, if you do not have it")
        lines.append("  pre-commit install            # run ctb check and ctb fmt before each commit")
    if any(rel.endswith(GITHUB_PATH) for rel in result.written) and ctb_placeholder:
        lines.append(f"  set CTB_REQUIREMENT in {GITHUB_PATH} and {GITHUB_MERGE_PATH} (marked {PLACEHOLDER})")
    lines.append("  ctb check")
    return "\n".join(lines)
