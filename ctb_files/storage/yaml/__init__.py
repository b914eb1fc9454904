"""The one package that imports the YAML libraries: :mod:`.read` (strict, fast) and :mod:`.edit` (round trip).

The round-trip half is imported on first use: commands that only read never
load its library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ctb_files.storage.yaml.frame import document_frame
from ctb_files.storage.yaml.read import Bounds, Locator, YamlProblem, default_limits, load_fast

if TYPE_CHECKING:
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
        same_value,
        sequence_comment,
        set_in_order,
        to_roundtrip,
    )

__all__ = [
    "Bounds", "CommentedMap", "CommentedSeq", "Locator", "YamlProblem", "default_limits", "document_frame", "dump",
    "flow_items",
    "load_fast",
    "load_roundtrip", "merge_into", "new_document", "parse_roundtrip", "rebuild_sequence", "same_value",
    "sequence_comment", "set_in_order", "to_roundtrip",
]  # fmt: skip
_READ = frozenset({"Bounds", "Locator", "YamlProblem", "default_limits", "document_frame", "load_fast"})
_EDIT = frozenset(__all__) - _READ


def __getattr__(name: str) -> Any:
    if name in _EDIT:
        from ctb_files.storage.yaml import edit

        return getattr(edit, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
