"""The check registry: small functions, inventory in, diagnostics out.

Cross-file rules of PRODUCT.md 3 live here, never in model validators.  A
check that raises becomes one CTB999 error naming it, so one broken rule
cannot hide the others.  Checks leave ``line`` at 0 and give the document
path in ``loc``; :func:`ctb_files.storage.loader.locate_all` fills lines in.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic

Check = Callable[[Inventory], list[Diagnostic]]

REGISTRY: dict[str, Check] = {}

# Top-level fields no check reads, by kind of file: text for people.  A file that changed only in these
# (or in comments and layout) cannot change what ``ctb check`` answers, so the last answer stands
# (:func:`ctb_files.storage.checkcache.stored`).  A test runs every check with these fields made
# unreadable, and again with them absent, and holds the answers equal.
UNREAD: dict[str, frozenset[str]] = {
    "part": frozenset({"notes", "description", "datasheet"}),
    "vendor": frozenset({"notes", "url"}),
    "project": frozenset({"description"}),
    "build": frozenset({"note"}),
    "stock": frozenset({"name"}),
}


def check(name: str) -> Callable[[Check], Check]:
    """Register a check function under ``name``."""

    def register(func: Check) -> Check:
        REGISTRY[name] = func
        return func

    return register


def _discover() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def run_checks(inv: Inventory, step: Callable[[], object] | None = None) -> list[Diagnostic]:
    """Run every registered check; a crash is reported, not raised.  ``step`` is called after each one."""
    _discover()
    out: list[Diagnostic] = []
    for name in sorted(REGISTRY):
        if step is not None:
            step()
        try:
            out.extend(REGISTRY[name](inv))
        except Exception as exc:  # noqa: BLE001 - a broken check must not hide the rest
            out.append(Diagnostic("ctb.yaml", 1, 1, "CTB999", f"check {name!r} crashed: {type(exc).__name__}: {exc}"))
    return out
