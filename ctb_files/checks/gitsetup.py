"""The clone's git setup, as far as the inventory depends on it.

Code: CTB601 (warning) ``.gitattributes`` sends stock files to ctb's merge
driver but this clone's git config does not define it: git then falls back,
silently, to a text merge that conflicts where the driver would add up both
branches' changes.  Storage finds this out (it reads git's config) and
leaves the answer on the inventory; the check only words it.
"""

from __future__ import annotations

from ctb_files.checks import check
from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import Diagnostic


@check("merge-driver")
def merge_driver_installed(inv: Inventory) -> list[Diagnostic]:
    if inv.merge_driver_missing is None:
        return []
    path, line = inv.merge_driver_missing
    message = (
        "the ctb-stock merge driver is declared here but not installed in this clone; "
        "stock files would merge as text: run 'ctb merge-driver install'"
    )
    return [Diagnostic(path, line, 1, "CTB601", message, "warning")]
