"""Hook entry points and hook texts: what pre-commit and plain git hooks run.

* ``ctb-check-hook`` (:func:`check_main`): ``ctb check`` on the whole
  inventory; arguments are passed on (``--repo inventory`` when the
  inventory is a folder of a larger repository).
* ``ctb-fmt-hook`` (:func:`fmt_main`): formats the files pre-commit passes,
  prints ``Fixing <path>`` for each one it rewrites and returns 1 when it
  changed anything, as pre-commit expects of a fixer.
* :func:`git_hook_text`: the plain git hooks (``pre-commit``,
  ``post-merge``) that ``ctb init --git-hooks`` installs, for teams that do
  not use the pre-commit framework.  The project's ``hooks/`` folder holds
  copies of these texts.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ctb_files.storage.init.githooks import GIT_HOOKS, git_hook_text

__all__ = ["GIT_HOOKS", "check_main", "fmt_main", "git_hook_text"]


def check_main(argv: list[str] | None = None) -> int:
    """``ctb-check-hook [ctb check options]``: check the whole inventory.

    The hook runs on every commit, mostly on files a run before it checked:
    :func:`ctb_files.cli.main` answers those from the stored answer before
    importing click, so nothing heavy is imported here.
    """
    from ctb_files.cli import main

    return main(["check", *(sys.argv[1:] if argv is None else argv)])


def fmt_main(argv: list[str] | None = None) -> int:
    """``ctb-fmt-hook FILE...``: format the files; 1 when any was rewritten or could not be read."""
    import argparse
    from collections import defaultdict

    from ctb_files.core import paths as layout
    from ctb_files.errors import CtbError
    from ctb_files.storage import tree
    from ctb_files.storage.changes import ChangeSet
    from ctb_files.storage.fmt import plan_format

    parser = argparse.ArgumentParser(prog="ctb-fmt-hook", description="Put inventory files in canonical form.")
    parser.add_argument("--check", action="store_true", help="only list the files that would change")
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    status = 0
    by_root: dict[Path, list[tuple[Path, str]]] = defaultdict(list)
    for path in args.files:
        try:
            root = tree.find_root(path.parent)
        except CtbError:
            print(f"{path}: not inside an inventory (no ctb.yaml above it); skipped", file=sys.stderr)
            continue
        rel = path.resolve().relative_to(root).as_posix()
        if layout.classify(rel) is not None and path.is_file():
            by_root[root].append((path, rel))
    for root, items in by_root.items():
        shown = dict((rel, str(path)) for path, rel in items)
        plan = plan_format(root, shown)
        for problem in plan.problems:
            print(problem.render().replace(problem.path, shown.get(problem.path, problem.path), 1), file=sys.stderr)
            status = 1 if problem.severity == "error" else status
        if not plan.changed:
            continue
        status = 1
        if args.check:
            for rel in plan.changed:
                print(f"Would fix {shown[rel]}")
            continue
        changes = ChangeSet(root)
        for rel, data in plan.changed.items():
            changes.write_text(rel, data.decode("utf-8"))
        try:
            changes.apply()
        except CtbError as exc:
            print(f"ctb-fmt-hook: {exc}", file=sys.stderr)
            continue
        for rel in plan.changed:
            print(f"Fixing {shown[rel]}")
    return status
