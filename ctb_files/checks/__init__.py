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
