"""Progress bars for long work, on a terminal only.

A command wraps long work in :func:`progress` and calls the returned
``step`` as it goes; ``wait`` shows a pause (a vendor's rate limit or a
retry) instead of silence.  The bar goes to stderr and only when stderr is
a terminal and ``--no-progress`` was not given (the CLI calls
:func:`configure`): into a pipe or a log nothing is written at all, not
even a carriage return.  The bar disappears when the work is done.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:  # rich is imported when a bar is shown: a quick command never pays for it
    from rich.progress import Progress, TaskID

__all__ = ["Step", "configure", "enabled", "progress"]

_enabled = False


def configure(*, wanted: bool, terminal: bool | None = None) -> None:
    """Show bars when ``wanted`` and stderr is a terminal (``terminal`` overrides the test)."""
    global _enabled
    _enabled = wanted and (sys.stderr.isatty() if terminal is None else terminal)


def enabled() -> bool:
    return _enabled


class Step(Protocol):
    def __call__(self, advance: int = 1, note: str | None = None) -> None: ...


class _Bar:
    def __init__(self, bar: Progress | None, task: TaskID | None, description: str) -> None:
        self._bar, self._task, self._description = bar, task, description

    def __call__(self, advance: int = 1, note: str | None = None) -> None:
        if self._bar is None or self._task is None:
            return
        text = f"{self._description} ({note})" if note else self._description
        self._bar.update(self._task, advance=advance, description=text)
        if note:
            self._bar.refresh()  # a wait shows at once, not at the next tick


@contextmanager
def progress(description: str, total: int | None) -> Iterator[Step]:
    """A bar of ``total`` steps (None: unknown) labelled ``description``; a no-op when disabled."""
    if not _enabled or (total is not None and total <= 1):
        yield _Bar(None, None, description)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=sys.stderr, force_terminal=True)
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True,
    )  # fmt: skip
    with bar:
        task = bar.add_task(description, total=total)
        yield _Bar(bar, task, description)
