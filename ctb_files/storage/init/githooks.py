"""The plain git hooks ``ctb init --git-hooks`` installs: their shell text (no click here)."""

from __future__ import annotations

import shlex

GIT_HOOKS = ("pre-commit", "post-merge")

_HOOK_HEADER = """\
#!/bin/sh
# ctb {name} hook: {purpose}
# Installed by `ctb init --git-hooks`; copy it to .git/hooks/{name} and make it
# executable to use it in an existing inventory.  Inside a hook git runs at the
# top of the work tree; set CTB_REPO when the inventory is a folder below it.
inventory={repo}
repo="${{CTB_REPO:-$inventory}}"
if ! command -v ctb >/dev/null 2>&1; then
    echo "ctb {name}: the ctb command is not on PATH (pip install ctb-files)" >&2
    exit {missing}
fi
"""

_HOOK_BODY = {
    "pre-commit": """\
# Checks the working tree, so unstaged edits count too; skip once with --no-verify.
if ! ctb check --repo "$repo" -q; then
    echo "ctb pre-commit: the inventory has errors (above); commit refused" >&2
    exit 1
fi
""",
    "post-merge": """\
# A merge can leave stock over-reserved although every file merged cleanly.
# git ignores this hook's exit status, so it only reports.
if ! ctb check --repo "$repo" -q; then
    echo "ctb post-merge: the merged inventory has errors (above); fix them and commit" >&2
fi
exit 0
""",
}

_PURPOSE = {
    "pre-commit": "refuse a commit while `ctb check` reports errors.",
    "post-merge": "run `ctb check` after every merge or pull.",
}


def git_hook_text(name: str, repo: str = ".") -> str:
    """The shell script of the plain git hook ``name`` (one of :data:`GIT_HOOKS`)."""
    if name not in _HOOK_BODY:
        raise ValueError(f"no git hook named {name!r}")
    header = _HOOK_HEADER.format(
        name=name, purpose=_PURPOSE[name], repo=shlex.quote(repo), missing=1 if name == "pre-commit" else 0
    )
    return header + _HOOK_BODY[name]
