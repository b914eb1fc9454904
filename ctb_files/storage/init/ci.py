"""CI templates: the workflow that checks an inventory and reviews every pull request.

:func:`write_ci` writes the GitHub Actions workflow ``.github/workflows/ctb.yml``
at the top of the git work tree holding the inventory: on every pull request
it checks out the full history, installs this version of ctb-files, runs
``ctb check`` and writes ``ctb review origin/<base branch> HEAD`` into the
job summary, so reviewers see the stock, build, BOM and order changes next
to the diff.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

from ctb_files import __version__
from ctb_files.errors import CtbError, UsageError
from ctb_files.storage.git import GitRepo

__all__ = ["KINDS", "github_workflow", "write_ci"]

KINDS = ("github",)
GITHUB_PATH = ".github/workflows/ctb.yml"


def github_workflow(inventory: str = ".", version: str = __version__) -> str:
    """The workflow text; ``inventory`` is the inventory's folder relative to the repository top."""
    repo = "" if inventory in ("", ".") else f" --repo {shlex.quote(inventory)}"
    return f"""\
# Checks the inventory and shows what each pull request does to it.
# Written by ctb (ctb-files {version}); edit freely.
name: ctb

on:
  pull_request:

permissions:
  contents: read

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
      - name: Install ctb-files
        run: python -m pip install "ctb-files=={version}"
      - name: ctb check
        run: ctb check{repo}
      - name: ctb review
        if: ${{{{ !cancelled() }}}}     # show the review even when check found errors
        run: ctb review "origin/${{{{ github.base_ref }}}}" HEAD{repo} >> "$GITHUB_STEP_SUMMARY"
"""


def write_ci(root: Path, kind: str) -> list[str]:
    """Write the CI configuration ``kind`` for the inventory at ``root``; the paths written.

    The workflow goes to the top of the enclosing git work tree (``root``
    itself when it is not in one); paths are returned relative to ``root``.
    An existing different file is refused, never overwritten.
    """
    if kind not in KINDS:
        raise UsageError(f"unknown CI kind {kind!r} (known: {', '.join(KINDS)})")
    root = root.resolve()
    repo = GitRepo.find(root)
    top = root
    if repo is not None:
        top = repo.root.resolve()
        repo.close()
    inventory = root.relative_to(top).as_posix()
    text = github_workflow(inventory)
    target = top / GITHUB_PATH
    shown = Path(os.path.relpath(target, root)).as_posix()
    if target.is_file():
        if target.read_text(encoding="utf-8") == text:
            return []
        raise CtbError(f"{shown} exists already; remove it to write ctb's workflow")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise CtbError(f"cannot write {shown}: {exc.strerror}") from None
    return [shown]
