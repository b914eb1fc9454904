"""New part, package, vendor and project files (``ctb part new`` and friends).

The only code that creates these files from options: the text starts with
the editor's schema hint and is in ``ctb fmt`` form (keys in the model's
order).  Before anything is staged, the inventory is checked with the new
file added; a file that would not check is refused with the first message
``ctb check`` would give.
"""

from __future__ import annotations

from typing import Any

from ctb_files.checks import run_checks
from ctb_files.core.canonical import canonical_data, kind_model
from ctb_files.core.models.inventory import Inventory
from ctb_files.core.schema import schema_hint
from ctb_files.errors import CtbError
from ctb_files.storage.changes import ChangeSet
from ctb_files.storage.loader import load_files, locate_all
from ctb_files.storage.yaml import new_document


def new_file_text(rel: str, kind: str, data: dict[str, Any]) -> str:
    """The text of a new file of ``kind`` at ``rel``: schema hint, then the data in canonical key order."""
    return schema_hint(rel, kind) + "\n" + new_document(canonical_data(kind_model(kind), data))


def create_file(changes: ChangeSet, inv: Inventory, rel: str, kind: str, data: dict[str, Any]) -> str:
    """Stage a new file after checking the inventory with it; returns its text."""
    if rel in inv.files or changes.old_bytes(rel):
        raise CtbError(f"{rel} already exists")
    text = new_file_text(rel, kind, data)
    before = inv.files
    after = {**before, rel: text.encode("utf-8")}

    def errors(files: dict[str, bytes]) -> list[str]:
        loaded = load_files(files)
        diags = locate_all(loaded.diagnostics + run_checks(loaded.inventory), files)
        return [d.render() for d in diags if d.severity == "error"]

    old = set(errors(dict(before)))
    new = [message for message in errors(after) if message not in old]
    if new:
        raise CtbError(f"refusing to write {rel}: {new[0]}")
    changes.write_text(rel, text)
    return text
