"""The one package that imports the YAML libraries: :mod:`.read` (strict, fast) and :mod:`.edit` (round trip)."""

from __future__ import annotations

from ctb_files.storage.yaml.edit import (
    CommentedMap,
    CommentedSeq,
    dump,
    flow_items,
    load_roundtrip,
    merge_into,
    new_document,
    parse_roundtrip,
    rebuild_sequence,
    sequence_comment,
    set_in_order,
    to_roundtrip,
)
from ctb_files.storage.yaml.read import DEFAULT_LIMITS, Locator, YamlProblem, load_fast

__all__ = [
    "DEFAULT_LIMITS", "CommentedMap", "CommentedSeq", "Locator", "YamlProblem", "dump", "flow_items", "load_fast",
    "load_roundtrip", "merge_into", "new_document", "parse_roundtrip", "rebuild_sequence", "sequence_comment",
    "set_in_order", "to_roundtrip",
]  # fmt: skip
