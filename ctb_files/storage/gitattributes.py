"""Whether ``.gitattributes`` names the stock merge driver while git's config does not define it.

Kept apart from :mod:`ctb_files.storage.mergedriver` (which needs GitPython
and the YAML libraries) so that ``ctb check`` can ask it without importing them.
"""

from __future__ import annotations

import os
from pathlib import Path

DRIVER = "ctb-stock"


def declared_not_installed(root: Path) -> tuple[str, int] | None:
    """Where ``.gitattributes`` sends files to the driver while git's config does not define it.

    Returns (path relative to ``root``, line) of the first ``merge=ctb-stock``
    line in the inventory's or the work tree's ``.gitattributes``, or None
    when none names it, the driver is configured, or ``root`` is not in git.
    """
    declared: tuple[str, int] | None = None
    for place in (root, *root.resolve().parents):
        attributes = place / ".gitattributes"
        if attributes.is_file():
            text = attributes.read_text(encoding="utf-8", errors="replace")
            for number, line in enumerate(text.splitlines(), 1):
                if f"merge={DRIVER}" in line.split("#", 1)[0].split():
                    shown = os.path.relpath(attributes, root).replace(os.sep, "/")
                    declared = (shown, number)
                    break
        if declared or (place / ".git").exists():
            break
    if declared is None:
        return None
    import subprocess  # here: most inventories never get this far

    try:
        done = subprocess.run(
            ["git", "config", "--get", f"merge.{DRIVER}.driver"], cwd=root, capture_output=True, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None  # no git to ask: nothing to say about its config
    if done.returncode == 1:
        return declared
    return None
