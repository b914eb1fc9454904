"""Fields no check and no clear reads: text written for people, and a few a part keeps for other commands.

A part's ``value`` and ``symbol`` are what BOM imports match rows on and
part listings show, its ``min_stock`` is what ``stock low`` and restocking
orders keep, and its ``placeholder`` flag marks a part a sync made for a
person to fill in; neither ``ctb check`` nor ``ctb build clear`` looks at
any of them.

A file that changed only in these (or in comments and layout) cannot change
what ``ctb check`` or ``ctb build clear`` answers, so their last full answer
stands (:mod:`ctb_files.storage.unread`).  Tests run every check, and a clear
of every open build with its table and JSON, with these fields made
unreadable and again with them absent, and hold the answers equal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# top-level fields of each kind of file; each is the field's own name in the file (no alias)
UNREAD: dict[str, frozenset[str]] = {
    "part": frozenset({"notes", "description", "datasheet", "value", "symbol", "min_stock", "placeholder"}),
    "vendor": frozenset({"notes", "url"}),
    "project": frozenset({"description"}),
    "build": frozenset({"note"}),
    "stock": frozenset({"name"}),
}

# a field's schema when it takes any text, null, or nothing at all (``str | None = None``)
_PLAIN_TEXT = {"type": "default", "schema": {"type": "nullable", "schema": {"type": "str"}}, "default": None}
# model-field keys that change nothing of how its value is read
_FIELD_KEYS = frozenset({"type", "schema", "metadata", "serialization_exclude"})


def plain_text() -> dict[str, frozenset[str]]:
    """By kind, the fields of :data:`UNREAD` that the kind's model takes as any text, null or absent.

    A changed file whose data differ from their last clean version only in
    such fields, each now text, null or gone, loads without a problem as
    surely as it did then (:mod:`ctb_files.storage.unread` compares so
    without importing a model).
    """
    from ctb_files.core.models import KINDS

    return {kind: text_fields(KINDS[kind], names) for kind, names in UNREAD.items()}


def text_fields(model: Any, names: Iterable[str]) -> frozenset[str]:
    """Those of ``names`` that ``model`` (a pydantic model class) takes as any text, null or absent.

    Read off the model's compiled schema, so the model stays the one home of
    what a field accepts: a field counts only when its schema is exactly an
    optional string with no bound, and its model has no validator of its
    own, no alias for the field and no setting that bounds strings.
    """
    schema = model.__pydantic_core_schema__
    if schema.get("type") != "model":  # a validator of the whole model wraps its schema
        return frozenset()
    config = schema.get("config", {})
    inner = schema.get("schema", {})
    if (
        schema.get("custom_init")
        or schema.get("root_model")
        or "post_init" in schema
        or any(str(key).startswith("str_") for key in config)
        or inner.get("type") != "model-fields"  # a validator run before the fields wraps them
    ):
        return frozenset()
    fields = inner.get("fields", {})
    return frozenset(
        name
        for name in names
        if name in fields
        and set(fields[name]) <= _FIELD_KEYS
        and fields[name].get("type") == "model-field"
        and fields[name].get("schema") == _PLAIN_TEXT
    )
