"""The width of the terminal the output goes to, set once by the CLI before any command runs.

Kept apart from :mod:`ctb_files.render.table` so that setting it costs no
import of the table renderer (and rich) for commands that print no table.
"""

from __future__ import annotations

# None: a pipe or a file (never wrap)
_width: int | None = None


def set_width(width: int | None) -> None:
    """Tell tables the width of the terminal stdout is (None when it is not one)."""
    global _width
    _width = width if width and width > 0 else None


def width() -> int | None:
    return _width
