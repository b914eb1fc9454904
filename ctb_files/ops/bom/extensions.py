"""BOM extension fields (PRODUCT.md 5.3): validating and parsing ``ext`` values.

Declarations in ``ctb.yaml`` are data: a type, optional enum values, typed
object fields or a list item type, visibility, editability and the tags a
field applies to.  Nothing declared is ever executed; values are only
compared against the declared shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from ctb_files.core.models.settings import Extension
from ctb_files.core.text import hint

# (document path below the ``ext`` mapping, message)
Problem = tuple[tuple[str | int, ...], str]

UNKNOWN, WRONG_TYPE, NOT_HERE = "CTB450", "CTB451", "CTB452"

_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def declared(extensions: Iterable[Extension]) -> dict[str, Extension]:
    return {ext.name: ext for ext in extensions}


def visible_names(extensions: Iterable[Extension]) -> list[str]:
    """Names of the extensions shown as columns, in declaration order."""
    return [ext.name for ext in extensions if ext.visible]


def applies(ext: Extension, tags: Iterable[str]) -> bool:
    """Whether ``ext`` may be used in a BOM whose parent carries ``tags``."""
    if ext.applies_to is None or not ext.applies_to.tags:
        return True
    return bool(set(ext.applies_to.tags) & set(tags))


def _scalar_problem(value: Any, kind: str) -> str | None:
    if kind == "string":
        return None if isinstance(value, str) else f"should be a string, not {_show(value)}"
    if kind == "boolean":
        return None if isinstance(value, bool) else f"should be true or false, not {_show(value)}"
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return None if ok else f"should be a whole number, not {_show(value)}"
    if kind == "number":
        ok = isinstance(value, (int, Decimal, float)) and not isinstance(value, bool)
        return None if ok else f"should be a number, not {_show(value)}"
    return f"unknown type {kind!r}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def value_problems(ext: Extension, value: Any) -> list[Problem]:
    """What is wrong with ``value`` for ``ext`` (empty when it fits); ``null`` always fits."""
    if value is None:
        return []
    if ext.type == "enum":
        values = ext.values or []
        if isinstance(value, str) and value in values:
            return []
        return [((), f"should be one of {', '.join(values)}, not {_show(value)}")]
    if ext.type == "object":
        if not isinstance(value, dict):
            return [((), f"should be a mapping of {', '.join(ext.fields or {})}, not {_show(value)}")]
        fields = ext.fields or {}
        out: list[Problem] = []
        for key, item in value.items():
            if key not in fields:
                out.append(((str(key),), f"unknown field {key!r}" + hint(str(key), fields, quoted=True)))
                continue
            problem = _scalar_problem(item, fields[key]) if item is not None else None
            if problem:
                out.append(((str(key),), problem))
        return out
    if ext.type == "list":
        if not isinstance(value, list):
            return [((), f"should be a list, not {_show(value)}")]
        kind = ext.items or "string"
        found: list[Problem] = []
        for index, item in enumerate(value):
            problem = _scalar_problem(item, kind)
            if problem:
                found.append(((index,), problem))
        return found
    problem = _scalar_problem(value, ext.type)
    return [((), problem)] if problem else []


def row_problems(
    ext_values: Mapping[str, Any], decls: Mapping[str, Extension], tags: Sequence[str], owner: str
) -> list[tuple[str, tuple[str | int, ...], str]]:
    """Every problem of one row's ``ext`` mapping: ``(code, path below ext, message)``.

    ``owner`` names the BOM's parent in messages ("part pcb-vco", "project vco").
    """
    out: list[tuple[str, tuple[str | int, ...], str]] = []
    for name, value in ext_values.items():
        ext = decls.get(name)
        if ext is None:
            known = ", ".join(sorted(decls)) or "none are declared"
            suggestion = hint(str(name), decls, quoted=True) or f" (declared in ctb.yaml bom_extensions: {known})"
            out.append((UNKNOWN, (name,), f"unknown extension {name!r}{suggestion}"))
            continue
        if not applies(ext, tags):
            wanted = ", ".join(ext.applies_to.tags) if ext.applies_to else ""
            out.append((NOT_HERE, (name,), f"extension {name!r} applies only to BOMs tagged {wanted}; {owner} is not"))
        for sub, message in value_problems(ext, value):
            out.append((WRONG_TYPE, (name, *sub), message))
    return out


def _parse_scalar(text: str, kind: str) -> Any:
    if kind == "string":
        return text
    if kind == "boolean":
        low = text.strip().lower()
        if low in _TRUE:
            return True
        if low in _FALSE:
            return False
        raise ValueError(f"expected true or false, not {text!r}")
    if kind == "integer":
        try:
            return int(text.strip(), 10)
        except ValueError:
            raise ValueError(f"expected a whole number, not {text!r}") from None
    if kind == "number":
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f"expected a number, not {text!r}") from None
        if not number.is_finite():
            raise ValueError(f"expected a finite number, not {text!r}")
        return number
    raise ValueError(f"unknown type {kind!r}")


def _json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def parse_value(ext: Extension, text: str, structured: Callable[[str], Any] = _json) -> Any:
    """The value ``text`` means for ``ext`` (``ValueError`` with a reason otherwise).

    Scalars are read per type; objects and lists are read with ``structured``
    (JSON by default; the CLI passes a YAML flow reader) and then validated.
    """
    if ext.type in ("string", "integer", "number", "boolean"):
        return _parse_scalar(text, ext.type)
    if ext.type == "enum":
        if text not in (ext.values or []):
            raise ValueError(f"expected one of {', '.join(ext.values or [])}, not {text!r}")
        return text
    try:
        value = structured(text)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a bad value
        raise ValueError(f"cannot read {text!r}: {str(exc).splitlines()[0]}") from None
    problems = value_problems(ext, value)
    if problems:
        sub, message = problems[0]
        where = ".".join(str(s) for s in sub)
        raise ValueError(f"{where}: {message}" if where else message)
    return value


def display(value: Any) -> str:
    """An ext value as one table cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(_plain(value), ensure_ascii=False, separators=(", ", ": "))
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        # for display only: a short decimal prints back exactly
        return int(value) if value == value.to_integral_value() else float(value)
    return value
