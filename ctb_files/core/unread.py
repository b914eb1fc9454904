"""Fields written for people: no check and no clear reads them.

A file that changed only in these (or in comments and layout) cannot change
what ``ctb check`` or ``ctb build clear`` answers, so their last full answer
stands (:mod:`ctb_files.storage.unread`).  Tests run every check, and a clear
of every open build with its table and JSON, with these fields made
unreadable and again with them absent, and hold the answers equal.
"""

from __future__ import annotations

# top-level fields of each kind of file; each is the field's own name in the file (no alias)
UNREAD: dict[str, frozenset[str]] = {
    "part": frozenset({"notes", "description", "datasheet"}),
    "vendor": frozenset({"notes", "url"}),
    "project": frozenset({"description"}),
    "build": frozenset({"note"}),
    "stock": frozenset({"name"}),
}
