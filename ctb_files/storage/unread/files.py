"""Which files changed, came or went since a full run, and a check's record without part files that went."""

from __future__ import annotations

import pickle
from collections.abc import Mapping

from ctb_files.core import paths as layout
from ctb_files.storage.unread.common import kind_of
from ctb_files.storage.unread.record import MOST_CHANGED, Kept, known_ids


def changed_files(before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> list[str] | None:
    """The files whose bytes changed since ``before`` (none: the files are as the full run read them, whose
    answer then stands as it is); None when files came or went, ctb.yaml changed, or too many did."""
    if before.keys() != digests.keys():
        return None
    changed = sorted(rel for rel, digest in digests.items() if before[rel] != digest)
    if len(changed) > max(MOST_CHANGED, len(digests) // 4) or layout.SETTINGS in changed:
        return None
    return changed


#: the kinds of files that may come since a full check and keep its answer, each with the code of the message
#: of an unknown id of that kind (a full answer with one is never kept: the new file may be the one it named)
ADDABLE = {"part": "CTB201", "build": "CTB207", "order": "", "bom": "CTB208"}  # nothing names an order by its id


def files_moved(before: Mapping[str, bytes], digests: Mapping[str, bytes]) -> tuple[list[str], list[str]] | None:
    """The part and build files there now that were not at the full run, and the part files that went (either
    maybe none), when no file of another kind came or went and no more than may change; else None."""
    added = sorted(digests.keys() - before.keys())
    removed = sorted(before.keys() - digests.keys())
    if len(added) + len(removed) > max(MOST_CHANGED, len(digests) // 4):
        return None
    if any(kind_of(rel) not in ADDABLE for rel in added) or any(kind_of(rel) != "part" for rel in removed):
        return None
    return added, removed


def parts_removed(full: Kept, removed: list[str]) -> Kept | None:
    """For a check: the full run's record as if the part files ``removed`` had never been, when no check can
    mind that they went; else None.

    The caller has seen that the full answer has nothing in them, names
    none of them, and names no unknown part (whose hint may be one of
    them).  No other file names their parts (:class:`~ctb_files.storage.unread.record.Added`: a reference
    gone unknown, CTB201, or read through: units, takes, over-reservation),
    and no walk from an open build's reserved part or fallback reaches them
    (their equivalents, CTB304).  What they named themselves goes with them,
    and they held no problem.  The record returned knows their ids no more,
    so a file changed or added since that names one is not taken as clean.
    """
    facts = full.facts
    added = facts.added if facts is not None else None
    known = known_ids(facts) if facts is not None else None
    if facts is None or added is None or known is None or facts.counts is None or not added.named or not added.reached:
        return None
    ids = {key.id for key in map(layout.classify, removed) if key is not None}
    named, reached = pickle.loads(added.named), pickle.loads(added.reached)  # noqa: S301 - our own file, verified
    parts = pickle.loads(facts.counts.parts) if facts.counts.parts else None  # noqa: S301 - as above
    if type(named) is not frozenset or type(reached) is not frozenset or type(parts) is not frozenset:
        return None
    if ids & named or ids & reached:
        return None
    known = {**known, "part": known["part"] - ids}
    counts = facts.counts._replace(parts=pickle.dumps(parts - ids, protocol=pickle.HIGHEST_PROTOCOL))
    added = added._replace(known=pickle.dumps(known, protocol=pickle.HIGHEST_PROTOCOL))
    return full._replace(facts=facts._replace(counts=counts, added=added))


def unknown_codes(added: list[str]) -> set[str]:
    """The codes of the messages of unknown ids of the kinds of files ``added`` (:data:`ADDABLE`)."""
    return {ADDABLE[kind] for kind in map(kind_of, added) if kind in ADDABLE and ADDABLE[kind]}
