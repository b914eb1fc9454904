"""The canonical key order of every file kind, read from the models.

A file's keys are canonical when they follow the field order of the model
that validates them, at every level: a part's ``name`` before its
``vendor_parts``, each vendor part's ``vendor`` before its ``sku``.  A field
is found under its alias too (an order line's ``for``).  Keys the model does
not know keep their relative order after the known ones, so formatting never
loses anything it does not understand.

Mappings whose keys are data rather than fields (``ext``, ``fallbacks``,
``for``) have no model and keep the order the user wrote.  A model is a
pydantic model or one of the slotted dataclasses pydantic validates (stock
lines, vendor parts, price breaks, a build's reservations, takes and
shortages): :func:`model_fields` reads both.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ctb_files.core.models import KINDS

Model = type  # a pydantic model, or a dataclass pydantic validates

__all__ = [
    "Model", "canonical_data", "canonical_order", "field_positions", "kind_model", "model_fields", "model_in",
    "nested_model",
]  # fmt: skip


def kind_model(kind: str) -> type[BaseModel]:
    """The model of a file kind (``part``, ``bom``, ...)."""
    return KINDS[kind]


@cache
def model_fields(model: Model) -> dict[str, tuple[str, Any]]:
    """Field name -> (the key it is written under: its alias or name, its annotation), in field order."""
    if issubclass(model, BaseModel):
        return {name: (field.alias or name, field.annotation) for name, field in model.model_fields.items()}
    assert dataclasses.is_dataclass(model), f"{model!r} is neither a model nor a dataclass"
    hints = typing.get_type_hints(model, include_extras=True)
    return {field.name: (_alias(hints[field.name]) or field.name, hints[field.name]) for field in dataclasses.fields(model)}


def _alias(annotation: Any) -> str | None:
    """The key a record's field is written under when it is not its name (``Annotated[..., Field(alias=...)]``)."""
    for mark in getattr(annotation, "__metadata__", ()):
        if isinstance(mark, FieldInfo) and mark.alias is not None:
            return mark.alias
    return None


@cache
def field_positions(model: Model) -> dict[str, int]:
    """Key -> position in the model, under the field name and under its alias."""
    out: dict[str, int] = {}
    for index, (name, (key, _annotation)) in enumerate(model_fields(model).items()):
        out.setdefault(key, index)
        out.setdefault(name, index)
    return out


def key_position(model: Model, keys: Sequence[Any], key: str) -> int:
    """Where a new ``key`` goes among ``keys`` (a mapping's, in order): before the first the model puts after it."""
    positions = field_positions(model)
    mine = positions.get(key, len(positions))
    return next(
        (at for at, k in enumerate(keys) if isinstance(k, str) and positions.get(k, len(positions)) > mine), len(keys)
    )


def canonical_order(model: Model, keys: Iterable[Any]) -> list[Any]:
    """``keys`` in the model's field order; unknown keys last, as they came."""
    positions = field_positions(model)
    given = list(keys)
    known = sorted((k for k in given if isinstance(k, str) and k in positions), key=lambda k: positions[k])
    return known + [k for k in given if not (isinstance(k, str) and k in positions)]


@cache
def _by_key(model: Model) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, (key, annotation) in model_fields(model).items():
        out.setdefault(key, annotation)
        out.setdefault(name, annotation)
    return out


def nested_model(model: Model, key: Any) -> Model | None:
    """The model of the mapping(s) held under ``key``: the field's own model,
    or its items' model for a list; None for scalars and free-form mappings."""
    if not isinstance(key, str):
        return None
    annotation = _by_key(model).get(key)
    return model_in(annotation) if annotation is not None else None


def model_in(annotation: Any) -> Model | None:
    """The model an annotation holds: itself, or the items' model of a list, or the one model of a union."""
    if isinstance(annotation, type) and (issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation)):
        return annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return model_in(args[0])
    if origin in (typing.Union, types.UnionType):
        found = [m for m in (model_in(a) for a in args if a is not type(None)) if m is not None]
        return found[0] if len(found) == 1 else None
    if origin in (list, tuple, set, frozenset):
        return model_in(args[0]) if args else None
    return None


def canonical_data(model: Model | None, data: Any) -> Any:
    """Plain data with every mapping's keys in canonical order (for code that writes files)."""
    if isinstance(data, dict):
        keys = canonical_order(model, data) if model is not None else list(data)
        return {k: canonical_data(nested_model(model, k) if model is not None else None, data[k]) for k in keys}
    if isinstance(data, (list, tuple)):
        return [canonical_data(model, item) for item in data]
    return data
