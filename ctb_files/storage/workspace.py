"""A repository opened for one command: its root, its inventory, its changes."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ctb_files.core.models.inventory import Inventory
from ctb_files.errors import CtbError
from ctb_files.storage import tree
from ctb_files.storage.gitattributes import declared_not_installed
from ctb_files.storage.journal import JournalError
from ctb_files.storage.loader import LoadResult, load_repo
from ctb_files.storage.lock import recover

if TYPE_CHECKING:
    from ctb_files.storage.changes import ChangeSet


class Workspace:
    """Loads the repository once and hands out one :class:`ChangeSet`."""

    def __init__(self, root: Path, cache: bool = True) -> None:
        self.root = root
        self.cache = cache  # False: read and validate every file again (--no-cache)
        self.journal_problem: JournalError | None = None

    @classmethod
    def open(cls, repo: Path | None, cache: bool = True) -> Workspace:
        """The repository at ``repo`` (else the nearest one above the current folder).

        Before anything is read, a write that a killed command left half done
        is finished or discarded (:func:`changes.recover`); one that cannot be
        is reported by ``ctb check`` (CTB016) and refused by every other command.
        """
        ws = cls(tree.inventory_root(repo), cache)
        try:
            recover(ws.root)
        except JournalError as exc:
            ws.journal_problem = exc
        return ws

    @cached_property
    def loaded(self) -> LoadResult:
        result = load_repo(self.root, cache=self.cache)
        result.inventory.merge_driver_missing = declared_not_installed(self.root)
        # the inventory lives as long as the command: load_repo froze it, so the collector
        # never walks its many small objects again
        return result

    @property
    def inventory(self) -> Inventory:
        """The inventory, refusing to work on data that does not validate."""
        if self.journal_problem is not None:
            raise self.journal_problem
        errors = self.loaded.errors
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise CtbError(f"{errors[0].render()}{more}; fix the data first ('ctb check' lists everything)")
        return self.loaded.inventory

    def readable(self) -> tuple[Inventory, list[str]]:
        """For commands that only read: the inventory of the files that validate, and the others.

        Commands that write use :attr:`inventory` and refuse instead.  A write
        that a killed command left half done is refused here too: the files
        may be half old, half new.
        """
        if self.journal_problem is not None:
            raise self.journal_problem
        loaded = self.loaded
        return loaded.inventory, sorted({d.path for d in loaded.errors})

    @cached_property
    def changes(self) -> ChangeSet:
        # imported here: read-only commands never load the round-trip YAML library
        from ctb_files.storage.changes import ChangeSet

        return ChangeSet(self.root, self.loaded.inventory.files, cache=self.cache)
