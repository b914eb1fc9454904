"""Helpers shared by the cross-file checks: known ids, hints, quantities, lines.

Nothing here is a check.  :class:`Known` answers "does this id exist?" for one
kind of file, counting files that exist but failed validation (their problem
is already reported once by the loader), and words "unknown" messages with a
"did you mean" hint.  Hints are bounded so that a repository with thousands
of dangling references still checks in linear time.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from decimal import Decimal

from ctb_files.core.models.inventory import Inventory
from ctb_files.core.units import normalize
from ctb_files.errors import Diagnostic, Severity

# how many id comparisons difflib may make for one set of known ids (one kind, one check)
HINT_BUDGET = 100_000


class Known:
    """The ids of one kind of file, with "did you mean" for the others."""

    def __init__(self, noun: str, ids: Iterable[str]) -> None:
        self.noun = noun
        self.ids: set[str] = ids if isinstance(ids, set) else set(ids)
        # built on the first hint only: most checks never need one
        self._folded: dict[str, str] | None = None
        self._sorted: list[str] | None = None
        self._hints: dict[str, str | None] = {}
        self._budget = HINT_BUDGET

    def __contains__(self, ident: object) -> bool:
        return ident in self.ids

    def hint(self, ident: str) -> str | None:
        """The closest known id: same letters in another case first, then difflib."""
        if ident not in self._hints:
            self._hints[ident] = self._find(ident)
        return self._hints[ident]

    def _find(self, ident: str) -> str | None:
        if self._sorted is None:
            self._sorted = sorted(self.ids)
            self._folded = {}
            for known_id in self._sorted:
                self._folded.setdefault(known_id.casefold(), known_id)
        assert self._folded is not None
        same = self._folded.get(ident.casefold())
        if same is not None:
            return same
        if len(self._sorted) > self._budget:
            return None
        self._budget -= len(self._sorted)
        close = difflib.get_close_matches(ident, self._sorted, n=1)
        return close[0] if close else None

    def unknown(self, ident: str) -> str:
        """``unknown part 'r1k' (did you mean 'r-1k'?)``."""
        hint = self.hint(ident)
        return f"unknown {self.noun} {ident!r}" + (f" (did you mean {hint!r}?)" if hint else "")


def ids_of(inv: Inventory, kind: str) -> set[str]:
    """Ids of ``kind`` (part, package, vendor, stock, project, build, order) on disk, valid or not."""
    tables: dict[str, Iterable[str]] = {
        "part": inv.parts, "package": inv.packages, "vendor": inv.vendors, "stock": inv.stock,
        "project": inv.projects, "build": inv.builds, "order": inv.orders,
    }  # fmt: skip
    return set(tables[kind]) | inv.seen.get(kind, set())


def known(inv: Inventory, kind: str) -> Known:
    """:class:`Known` ids of ``kind``; a stock file's id is called a location."""
    return Known("location" if kind == "stock" else kind, ids_of(inv, kind))


def known_boms(inv: Inventory) -> set[tuple[str, str]]:
    """(project, version) of every BOM file on disk, valid or not."""
    out = set(inv.boms)
    for key in inv.seen.get("bom", set()):
        project, _, version = key.partition(":")
        out.add((project, version))
    return out


def qty(value: Decimal) -> str:
    """A quantity as written by a person: ``6``, ``1.5``."""
    return format(normalize(value), "f")


def error(path: str, code: str, message: str, loc: tuple[str | int, ...], severity: Severity = "error") -> Diagnostic:
    """A diagnostic whose line the loader fills in from ``loc``."""
    return Diagnostic(path, 0, 0, code, message, severity, loc)


def warning(path: str, code: str, message: str, loc: tuple[str | int, ...]) -> Diagnostic:
    return error(path, code, message, loc, "warning")


class Lines:
    """Line numbers for messages that name another place ("first at line 3").

    The loader gives the inventory a lazy ``line_of``: only the few files
    that have a duplicate are ever parsed for positions, each at most once.
    """

    def __init__(self, inv: Inventory) -> None:
        self._line_of = inv.line_of

    def line(self, path: str, loc: tuple[str | int, ...]) -> int:
        return self._line_of(path, loc)
