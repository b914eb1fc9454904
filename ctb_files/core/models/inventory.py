"""The in-memory inventory: every file of a repository, validated, by id."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from ctb_files.core.models.build import Build
from ctb_files.core.models.common import share_given
from ctb_files.core.models.order import Order
from ctb_files.core.models.package import Package
from ctb_files.core.models.part import Part
from ctb_files.core.models.project import BomFile, Project
from ctb_files.core.models.settings import Settings
from ctb_files.core.models.stock import Stock
from ctb_files.core.models.vendor import Vendor


@dataclass
class Inventory:
    """One repository's data. Objects whose files failed validation are absent."""

    settings: Settings = field(default_factory=lambda: Settings(ctb=1))
    parts: dict[str, Part] = field(default_factory=dict)
    packages: dict[str, Package] = field(default_factory=dict)
    vendors: dict[str, Vendor] = field(default_factory=dict)
    stock: dict[str, Stock] = field(default_factory=dict)
    projects: dict[str, Project] = field(default_factory=dict)
    boms: dict[tuple[str, str], BomFile] = field(default_factory=dict)
    builds: dict[str, Build] = field(default_factory=dict)
    orders: dict[str, Order] = field(default_factory=dict)
    # raw bytes of every inventory file read, by repository-relative path
    files: Mapping[str, bytes] = field(default_factory=dict)
    # ids seen on disk even when their file did not validate, by kind
    seen: dict[str, set[str]] = field(default_factory=dict)
    # False when ctb.yaml exists but did not validate (settings are then the defaults)
    settings_valid: bool = True
    # the line of a document path in a file, for messages that name another place;
    # the loader sets it (reading YAML positions is storage's business)
    line_of: Callable[[str, tuple[str | int, ...]], int] = field(default=lambda path, loc: 1, repr=False)
    # (.gitattributes path, line) when it names ctb's stock merge driver but this clone's git
    # config does not define it; storage sets it (reading git config is not the checks' business)
    merge_driver_missing: tuple[str, int] | None = None

    def currency(self) -> str:
        return self.settings.currency


def share_given_names(model: BaseModel) -> None:
    """Let loaded files' models given the same names share one set of them (:func:`share_given`).

    What a stockroom holds by the thousand inside its files (a build's
    results, BOM rows, order lines, stock lines, vendor parts and price
    breaks) are slotted dataclasses, with no such set.  For models kept in
    memory (the loader's); a model validated to check a file before writing
    it is dropped at once and need not pay for it.
    """
    share_given((model,))
