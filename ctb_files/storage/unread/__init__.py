"""A full answer that still stands after edits nothing reads: text for people, comments, layout.

``ctb check`` and ``ctb build clear`` keep the answer of their last full run
with the digest of every file it read (``<git dir>/ctb/<name>-files``, under
the answer's key; :func:`~ctb_files.storage.unread.record.keep`).  On a miss, :func:`~ctb_files.storage.unread.edits.changed_unread` tells
whether the files as they are now differ from those only where the command
never looks (:func:`~ctb_files.core.unread.unread_by`: for both, the fields
of :data:`~ctb_files.core.unread.UNREAD`; for a check also those of
:data:`~ctb_files.core.unread.UNCHECKED`, such as a build's quantity): then
that answer is the answer now.  It says so only when it can show it:

* the same files are there, ``ctb.yaml`` did not change, and at most
  :data:`~ctb_files.storage.unread.record.MOST_CHANGED` others did (or a quarter of the files, if more);
* each changed file loaded without a problem at the full run (the warm cache
  still holds its data as parsed then) and loads without one now, parsed and
  validated as a full load would;
* the two versions' data are the same but for the unread fields: same
  types, same keys in the same order, numbers written alike (``60`` and
  ``60.0`` differ: messages print numbers as written).

Most such edits are shown without importing a model: the full run keeps,
with the digests, the limits its files were read with and the values its
models take for certain in each unread field (a :class:`~ctb_files.core.
unread.Shape`, read off the compiled schemas: any text, a whole number, a
date, …; :func:`~ctb_files.core.unread.light`).  A changed file parsed with
those limits whose changed unread fields each hold a value of their shape
loads as cleanly as its clean version did, and needs no model to say so;
one that does not parse, or changed elsewhere, cannot.  Only an unread
field now holding something else, or one of no known shape, is validated
as a full load would.

For ``ctb check``, a stock file or a BOM may also differ in its counts
(:data:`~ctb_files.storage.unread.counts.COUNTED`): each line or row in its place with every other value as
it was (but a stock line's ``counted_at`` and ``note``, which no check
reads), each changed ``quantity`` a whole number the model takes and, for a
stock line, at least what open builds held of it at the full check (which
kept those amounts, :class:`~ctb_files.storage.unread.record.Counts`).  Lines appended to a stock file
(as ``ctb stock add`` appends a new bin) pass too when no check can object
to them (:func:`~ctb_files.storage.unread.counts._appended`), and so do lines taken out that no open build
held (a bin emptied and dropped; the others found by part and bin,
:func:`~ctb_files.storage.unread.counts._aligned`).  Only whole pieces reads a BOM row's
count, and it and over-reservation a stock count; neither can then object
(:func:`~ctb_files.storage.unread.counts.counts_only`).  A clear's answer stands after counts of lines no
plan read, and after lines of parts no plan looked up came or went
(:func:`~ctb_files.storage.unread.counts.unread_counts`).

A part may also differ in its vendor parts' fields but the vendor (a SKU,
prices), and a stock line in its ``counted_at`` and ``note``, which
neither command reads (:func:`~ctb_files.storage.unread.edits._items_only`): each item in its place with
every field either reads as it was, each changed value of its shape, or
else the file validated as a full load would.

For ``ctb check`` only, a BOM may differ in its rows where no check can
mind (rows as a sync writes them read without a model, :func:`~ctb_files.storage.unread.rows.rows_synced`;
any others after validating the BOM, :func:`~ctb_files.storage.unread.rows.quiet_rows`); part, build, order
and BOM files may have come that no check can say a thing of, and part files
no other file names may have gone (:func:`~ctb_files.storage.unread.files.files_moved`, :func:`~ctb_files.storage.unread.added.added_cleanly`,
:func:`~ctb_files.storage.unread.files.parts_removed`); an order may differ in its status and received counts
(:func:`~ctb_files.storage.unread.orders.order_progress`), and a project in versions appended to its list
(:func:`~ctb_files.storage.unread.rows.versions_added`).  For both commands a part's equivalents may differ
between parts no walk of the full run reached, and for a check its package
too (:func:`~ctb_files.storage.unread.edits._links_only`).

Anything else, including a failure while comparing, is "not shown": the
caller runs in full.

The record a full run keeps is :mod:`~ctb_files.storage.unread.record`; which files changed, came or
went, :mod:`~ctb_files.storage.unread.files`; the comparisons, one module per kind of edit.
"""


from ctb_files.storage.unread.added import added_cleanly, parts_added_cleanly
from ctb_files.storage.unread.common import same
from ctb_files.storage.unread.edits import changed_unread
from ctb_files.storage.unread.files import ADDABLE, changed_files, files_moved, parts_removed, unknown_codes
from ctb_files.storage.unread.record import (
    KNOWN_KINDS,
    MOST_CHANGED,
    Added,
    Counts,
    Facts,
    Kept,
    Limits,
    Unconsulted,
    facts_of,
    keep,
    kept,
)

__all__ = [
    "ADDABLE",
    "KNOWN_KINDS",
    "MOST_CHANGED",
    "Added",
    "Counts",
    "Facts",
    "Kept",
    "Limits",
    "Unconsulted",
    "added_cleanly",
    "changed_files",
    "changed_unread",
    "facts_of",
    "files_moved",
    "keep",
    "kept",
    "parts_added_cleanly",
    "parts_removed",
    "same",
    "unknown_codes",
]
