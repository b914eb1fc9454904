"""Error values and the exceptions that cross layers.

Problems found in data are *values* (:class:`Diagnostic`) collected in lists so
that one run reports all of them.  Exceptions are only for "cannot continue":
:class:`CtbError` is a refusal stated in one line (exit 1), :class:`UsageError`
a bad command line (exit 2).  Anything else reaching the CLI is a bug (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem at one place: renders as ``path:line:col: CODE message``."""

    path: str
    line: int = 1
    col: int = 1
    code: str = "CTB000"
    message: str = ""
    severity: Severity = field(default="error", compare=False)
    # path inside the document, e.g. ("vendor_parts", 0, "min_order"); () for the whole file
    loc: tuple[str | int, ...] = field(default=(), compare=False)

    @property
    def where(self) -> str:
        """The dotted document path: ``vendor_parts[0].min_order``."""
        return dotted(self.loc)

    def render(self) -> str:
        text = f"{self.where}: {self.message}" if self.where else self.message
        return f"{self.path}:{self.line}:{self.col}: {self.code} {text}"

    def to_json(self) -> dict[str, object]:
        message = f"{self.where}: {self.message}" if self.where else self.message
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": message,
        }


def dotted(loc: tuple[str | int, ...]) -> str:
    """Render a document path as ``a.b[0].c``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class CtbError(Exception):
    """A refusal the user can act on: one line, exit status 1."""

    exit_code = 1


class UsageError(CtbError):
    """The command line itself is wrong: exit status 2."""

    exit_code = 2
