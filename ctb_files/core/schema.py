"""JSON Schemas of every file kind, generated from the models (never by hand).

Editors validate inventory files as they are typed when a file starts with
``# yaml-language-server: $schema=<path>`` (the YAML extension of VS Code and
other editors).  The schemas are draft-07, the dialect editors support
best: pydantic's ``$defs`` become ``definitions``, a ``$ref`` with siblings is
wrapped in ``allOf`` (draft-07 ignores siblings of ``$ref``), and the bounds
pydantic leaves on decimals (``gt``, ``ge``) become ``exclusiveMinimum`` and
``minimum`` on the number form, with a pattern for the string form.

Pure: :func:`export_schemas` returns file names and texts; writing them is
the caller's business.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from ctb_files.core.models import KINDS

__all__ = ["DRAFT_07", "SCHEMA_DIR", "export_schemas", "kind_schema", "schema_file", "schema_hint"]

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
# where an inventory repository keeps its copies, relative to its root
SCHEMA_DIR = ".ctb/schemas"
HINT_PREFIX = "# yaml-language-server: $schema="

_BOUNDS = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
# a decimal written as a string: "0.45", "12", ".5" (no sign, no exponent)
_DECIMAL_TEXT = r"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"
# keywords whose value maps names to schemas (the names are data, not keywords)
_NAMED = ("properties", "patternProperties", "definitions", "$defs")


def schema_file(kind: str) -> str:
    """``part`` -> ``part.schema.json``."""
    return f"{kind}.schema.json"


def kind_schema(kind: str) -> dict[str, Any]:
    """The draft-07 JSON Schema of one file kind."""
    raw = KINDS[kind].model_json_schema(by_alias=True)
    body = _convert(raw)
    definitions = body.pop("definitions", None)
    out: dict[str, Any] = {"$schema": DRAFT_07}
    out.update(body)
    if definitions:
        out["definitions"] = {name: definitions[name] for name in sorted(definitions)}
    return out


def export_schemas() -> dict[str, str]:
    """``{file name: JSON text}`` for every kind, ready to write (newline at the end)."""
    return {
        schema_file(kind): json.dumps(kind_schema(kind), indent=2, ensure_ascii=False) + "\n" for kind in sorted(KINDS)
    }


def schema_hint(rel: str, kind: str, schema_dir: str = SCHEMA_DIR) -> str:
    """The first line of a file at ``rel`` (repository-relative) pointing editors at its schema."""
    base = posixpath.dirname(rel) or "."
    target = posixpath.relpath(posixpath.join(schema_dir, schema_file(kind)), base)
    return f"{HINT_PREFIX}{target}"


def _convert(node: Any) -> Any:
    if isinstance(node, list):
        return [_convert(item) for item in node]
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    bounds: dict[str, Any] = {}
    for key, value in node.items():
        if key in _BOUNDS:
            bounds[_BOUNDS[key]] = value
        elif key == "$ref" and isinstance(value, str):
            out[key] = value.replace("#/$defs/", "#/definitions/")
        elif key in _NAMED and isinstance(value, dict):
            out["definitions" if key == "$defs" else key] = {name: _convert(sub) for name, sub in value.items()}
        else:
            out[key] = _convert(value)
    if bounds:
        _apply_bounds(out, bounds)
    if out.get("format") == "date-time" and out.get("type") == "string":
        # ctb takes a plain date for a moment (midnight); a YAML 1.1 reader sees either as a timestamp
        fmt = out.pop("format")
        out.pop("type")
        out["anyOf"] = [{"type": "string", "format": fmt}, {"type": "string", "format": "date"}]
    if "$ref" in out and len(out) > 1:
        ref = out.pop("$ref")
        out = {"allOf": [{"$ref": ref}], **out}
    return out


def _apply_bounds(node: dict[str, Any], bounds: dict[str, Any]) -> None:
    """Put decimal bounds where draft-07 validators look for them."""
    branches = node.get("anyOf")
    if isinstance(branches, list):
        for branch in branches:
            if isinstance(branch, dict):
                _bound_branch(branch, bounds)
    else:
        _bound_branch(node, bounds)


def _bound_branch(branch: dict[str, Any], bounds: dict[str, Any]) -> None:
    kind = branch.get("type")
    if kind in ("number", "integer"):
        branch.update(bounds)
    elif kind == "string" and set(bounds) <= {"minimum", "exclusiveMinimum"} and all(v == 0 for v in bounds.values()):
        branch.setdefault("pattern", _DECIMAL_TEXT)
