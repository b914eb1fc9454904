"""Error values and the exceptions that cross layers.

Problems found in data are *values* (:class:`Diagnostic`) collected in lists so
that one run reports all of them.  Exceptions are only for "cannot continue":
:class:`CtbError` is a refusal stated in one line (exit 1), :class:`UsageError`
a bad command line (exit 2).  Anything else reaching the CLI is a bug (exit 3).
"""

from __future__ import annotations

from typing import Any, Literal

Severity = Literal["error", "warning"]

# What a frozen, ordered dataclass would be, written out: a command answered from a stored answer
# unpickles diagnostics and imports this module, and ``dataclasses`` (with ``inspect``, ``ast`` and
# ``dis``) was the largest import on that path.
_FIELDS = ("path", "line", "col", "code", "message", "severity", "loc")


class Diagnostic:
    """One problem at one place: renders as ``path:line:col: CODE message``.

    A frozen value.  Equality, order and hash go by path, line, column, code
    and message; ``severity`` and ``loc`` (the path inside the document, e.g.
    ``("vendor_parts", 0, "min_order")``; ``()`` for the whole file) ride along.
    """

    __slots__ = _FIELDS
    path: str
    line: int
    col: int
    code: str
    message: str
    severity: Severity
    loc: tuple[str | int, ...]

    def __init__(
        self,
        path: str,
        line: int = 1,
        col: int = 1,
        code: str = "CTB000",
        message: str = "",
        severity: Severity = "error",
        loc: tuple[str | int, ...] = (),
    ) -> None:
        put = object.__setattr__  # frozen: __setattr__ refuses
        put(self, "path", path)
        put(self, "line", line)
        put(self, "col", col)
        put(self, "code", code)
        put(self, "message", message)
        put(self, "severity", severity)
        put(self, "loc", loc)

    def replace(self, **changes: Any) -> Diagnostic:
        """A copy with ``changes`` (field name → value)."""
        values = {name: getattr(self, name) for name in _FIELDS}
        unknown = changes.keys() - values.keys()
        if unknown:
            raise TypeError(f"Diagnostic has no field {sorted(unknown)[0]!r}")
        values.update(changes)
        return Diagnostic(**values)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: a Diagnostic is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: a Diagnostic is frozen")

    def __reduce__(self) -> tuple[type[Diagnostic], tuple[Any, ...]]:
        return Diagnostic, tuple(getattr(self, name) for name in _FIELDS)

    def _key(self) -> tuple[str, int, int, str, str]:
        return self.path, self.line, self.col, self.code, self.message

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not Diagnostic:
            return NotImplemented
        assert isinstance(other, Diagnostic)
        return self._key() == other._key()

    def __lt__(self, other: Diagnostic) -> bool:
        if other.__class__ is not Diagnostic:
            return NotImplemented
        return self._key() < other._key()

    def __le__(self, other: Diagnostic) -> bool:
        if other.__class__ is not Diagnostic:
            return NotImplemented
        return self._key() <= other._key()

    def __gt__(self, other: Diagnostic) -> bool:
        if other.__class__ is not Diagnostic:
            return NotImplemented
        return self._key() > other._key()

    def __ge__(self, other: Diagnostic) -> bool:
        if other.__class__ is not Diagnostic:
            return NotImplemented
        return self._key() >= other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"Diagnostic({inner})"

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
