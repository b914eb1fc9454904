"""CI templates: the workflows that check an inventory, review and merge pull requests.

:func:`write_ci` writes two GitHub Actions workflows at the top of the git
work tree holding the inventory:

* ``.github/workflows/ctb.yml``: on every pull request it checks out the
  full history, installs ctb from the requirement ``ctb init`` was given,
  runs ``ctb check`` and posts ``ctb review origin/<base> HEAD`` as a pull
  request comment (and into the job summary).
* ``.github/workflows/ctb-merge.yml``: forges merge pull requests on the
  server, where git's custom merge drivers do not run, so two pull requests
  changing one stock line conflict there.  On a ``/ctb merge`` comment (by
  someone with write access) or the ``ctb merge`` label it merges the base
  branch into the pull request's branch with the stock merge driver, runs
  ``ctb check`` and pushes the merge.

Both install ctb with ``pip install "$CTB_REQUIREMENT"``.  Without
``--ctb-requirement`` the value is a marked placeholder, and the install
step stops with a message saying where to set it, rather than installing
something that is not what the user runs.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from ctb_files import __version__
from ctb_files.errors import CtbError, UsageError
from ctb_files.storage.git import GitRepo

__all__ = [
    "GITHUB_MERGE_PATH", "GITHUB_PATH", "KINDS", "MERGE_LABEL", "PLACEHOLDER", "REQUIREMENT_PLACEHOLDER",
    "github_merge_workflow", "github_workflow", "write_ci",
]  # fmt: skip

KINDS = ("github",)
GITHUB_PATH = ".github/workflows/ctb.yml"
GITHUB_MERGE_PATH = ".github/workflows/ctb-merge.yml"
MERGE_LABEL = "ctb merge"
PLACEHOLDER = "SET-ME"
REQUIREMENT_PLACEHOLDER = f"ctb-files @ git+https://github.com/ctb-files/ctb-files@{PLACEHOLDER}"

_INSTALL = f"""\
      - name: Install ctb-files
        run: |
          case "$CTB_REQUIREMENT" in *{PLACEHOLDER}*)
            echo "::error::set CTB_REQUIREMENT in $WORKFLOW_FILE to where ctb-files is installed from (a release, or git+URL@tag)"
            exit 1;;
          esac
          python -m pip install "$CTB_REQUIREMENT"
"""


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _head(title: str, requirement: str, file: str) -> tuple[str, str]:
    marked = requirement == REQUIREMENT_PLACEHOLDER
    note = (
        f"  # {PLACEHOLDER}: the pip requirement of the ctb you use, e.g. \"ctb-files=={__version__}\"\n"
        "  # or \"ctb-files @ git+https://example.org/you/ctb-files@v1.0\" (ctb init --ctb-requirement)\n"
        if marked
        else ""
    )
    return f"""\
# {title}
# Written by ctb (ctb-files {__version__}); edit freely.
name: {"ctb" if file == GITHUB_PATH else "ctb merge"}
""", f"""\
env:
{note}  CTB_REQUIREMENT: {_quoted(requirement)}
  WORKFLOW_FILE: {file}
"""


def _repo_option(inventory: str) -> str:
    return "" if inventory in ("", ".") else f" --repo {shlex.quote(inventory)}"


def github_workflow(inventory: str = ".", requirement: str = REQUIREMENT_PLACEHOLDER) -> str:
    """The check-and-review workflow; ``inventory`` is the inventory's folder relative to the repository top."""
    repo = _repo_option(inventory)
    title, env = _head("Checks the inventory and comments what each pull request does to it.", requirement, GITHUB_PATH)
    return f"""{title}
on:
  pull_request:

permissions:
  contents: read
  pull-requests: write        # the review comment

{env}
jobs:
  inventory:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0            # ctb review reads the base branch's commits
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
{_INSTALL}      - name: ctb check
        run: ctb check{repo}
      - name: ctb review
        if: ${{{{ !cancelled() }}}}     # show the review even when check found errors
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          BASE: ${{{{ github.base_ref }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          ctb review "origin/$BASE" HEAD{repo} > "$RUNNER_TEMP/ctb-review.md"
          cat "$RUNNER_TEMP/ctb-review.md" >> "$GITHUB_STEP_SUMMARY"
          gh pr comment "$PR" --body-file "$RUNNER_TEMP/ctb-review.md"
"""


def github_merge_workflow(inventory: str = ".", requirement: str = REQUIREMENT_PLACEHOLDER) -> str:
    """The workflow merging the base branch into a pull request with the stock merge driver."""
    repo = _repo_option(inventory)
    title, env = _head(
        "Merges the base branch into a pull request with ctb's stock merge driver, on a\n"
        f"# '/ctb merge' comment or the '{MERGE_LABEL}' label (GitHub's own merge cannot run the driver).",
        requirement, GITHUB_MERGE_PATH,
    )  # fmt: skip
    return f"""{title}
on:
  issue_comment:
    types: [created]
  pull_request:
    types: [labeled]

permissions:
  contents: write             # push the merge to the pull request's branch
  pull-requests: write        # say what happened

{env}
jobs:
  merge-base:
    if: >-
      (github.event_name == 'issue_comment' && github.event.issue.pull_request &&
       startsWith(github.event.comment.body, '/ctb merge') &&
       contains(fromJSON('["OWNER", "MEMBER", "COLLABORATOR"]'), github.event.comment.author_association)) ||
      (github.event_name == 'pull_request' && github.event.label.name == '{MERGE_LABEL}')
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
{_INSTALL}      - name: Merge the base branch with the stock merge driver
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          PR: ${{{{ github.event.issue.number || github.event.pull_request.number }}}}
        run: |
          head=$(gh pr view "$PR" --json headRefName --jq .headRefName)
          base=$(gh pr view "$PR" --json baseRefName --jq .baseRefName)
          git fetch origin "$head" "$base"
          git checkout -B "$head" "origin/$head"
          git config user.name "github-actions[bot]"
          git config user.email "41898282+github-actions[bot]@users.noreply.github.com"
          ctb merge-driver install -q{repo}
          if ! git merge --no-edit "origin/$base"; then
            files=$(git diff --name-only --diff-filter=U | paste -sd ' ' -)
            git merge --abort
            gh pr comment "$PR" --body "ctb could not merge $base into $head: conflicts in $files; merge by hand."
            exit 1
          fi
          if ! ctb check{repo} > "$RUNNER_TEMP/ctb-check.txt" 2>&1; then
            gh pr comment "$PR" --body "Merging $base into $head gives an inventory with errors; nothing pushed:
          $(cat "$RUNNER_TEMP/ctb-check.txt")"
            exit 1
          fi
          git push origin "HEAD:$head"
          gh pr comment "$PR" --body "Merged $base into $head with ctb's stock merge driver ($(git rev-parse --short HEAD))."
"""


def write_ci(root: Path, kind: str, requirement: str | None = None) -> list[str]:
    """Write the CI configuration ``kind`` for the inventory at ``root``; the paths written.

    The workflows go to the top of the enclosing git work tree (``root``
    itself when it is not in one); paths are returned relative to ``root``.
    An existing different file is refused, never overwritten, and then
    nothing is written.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown CI kind {kind!r} (known: {', '.join(KINDS)})")
    if requirement is not None and (not requirement.strip() or "\n" in requirement):
        raise UsageError("--ctb-requirement must be one pip requirement, e.g. 'ctb-files==0.1.0'")
    requirement = requirement.strip() if requirement else REQUIREMENT_PLACEHOLDER
    root = root.resolve()
    repo = GitRepo.find(root)
    top = root
    if repo is not None:
        top = repo.root.resolve()
        repo.close()
    inventory = root.relative_to(top).as_posix()
    texts = {
        GITHUB_PATH: github_workflow(inventory, requirement),
        GITHUB_MERGE_PATH: github_merge_workflow(inventory, requirement),
    }
    todo: list[tuple[Path, str, str]] = []
    for rel, text in texts.items():
        target = top / rel
        shown = Path(os.path.relpath(target, root)).as_posix()
        if target.is_file():
            if target.read_text(encoding="utf-8") == text:
                continue
            raise CtbError(f"{shown} exists already; remove it to write ctb's workflow")
        todo.append((target, shown, text))
    written: list[str] = []
    for target, shown, text in todo:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
        except OSError as exc:
            raise CtbError(f"cannot write {shown}: {exc.strerror}") from None
        written.append(shown)
    return written
