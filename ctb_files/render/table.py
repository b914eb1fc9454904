"""Renderers shared by commands: aligned text tables and JSON (no click here).

Widths are terminal cells (rich's ``cell_len``): a CJK character or an emoji
takes two, a combining accent none, so columns line up on screen.  Into a
pipe or a file a table is plain aligned text, never wrapped; on a terminal
(:func:`set_terminal_width`, called by the CLI) a table wider than the
terminal is laid out by rich, which folds the widest cells to fit.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sys
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.cells import cell_len

from ctb_files.core.text import number
from ctb_files.core.units import normalize
from ctb_files.render import terminal

__all__ = ["number", "plain", "set_terminal_width", "table", "to_json"]

# the width of the terminal the output goes to (ctb_files.render.terminal); None: never wrap
set_terminal_width = terminal.set_width


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[int] = ()) -> str:
    """An aligned plain-text table; columns listed in ``right`` are right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [cell_len(h) for h in headers]
    for row in cells:
        for i, text in enumerate(row):
            widths[i] = max(widths[i], cell_len(text))

    def pad(text: str, i: int) -> str:
        fill = " " * (widths[i] - cell_len(text))
        return fill + text if i in right else text + fill

    def line(values: Sequence[str]) -> str:
        return "  ".join(pad(v, i) for i, v in enumerate(values)).rstrip()

    total = sum(widths) + 2 * (len(widths) - 1)
    fits = terminal.width()
    if fits is not None and total > fits:
        return _fitted(headers, cells, right, widths, fits)
    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


def _fitted(headers: Sequence[str], cells: list[list[str]], right: Sequence[int], widths: list[int], width: int) -> str:
    """The table laid out by rich within ``width`` cells, wide cells folded."""
    from rich.console import Console  # only for tables wider than the terminal: a quick start otherwise
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=None, show_edge=False, pad_edge=False, padding=(0, 2, 0, 0),
                 header_style="", show_header=True)  # fmt: skip
    for i, head in enumerate(headers):
        # headers and numbers stay whole; long text columns fold
        keep = widths[i] if i in right else max(cell_len(head), min(widths[i], 12))
        grid.add_column(head, justify="right" if i in right else "left", overflow="fold", min_width=keep)
    for row in cells:
        grid.add_row(*(Text(text) for text in row))
    console = Console(width=width, file=io.StringIO(), color_system=None, highlight=False, soft_wrap=False)
    with console.capture() as captured:
        console.print(grid)
    return "\n".join(line.rstrip() for line in captured.get().rstrip("\n").splitlines())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        return number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    return str(value)


_KEYS: dict[type[Any], tuple[tuple[str, str], ...]] = {}


def _keys(kind: type[Any]) -> tuple[tuple[str, str], ...]:
    """(field name, key in data) of a dataclass: a record's alias (``for``) where it has one."""
    found = _KEYS.get(kind)
    if found is None:
        if hasattr(kind, "__pydantic_config__"):  # a record of a file: its fields were read by pydantic
            from ctb_files.core.canonical import model_fields

            record: Any = kind  # a class, hashable whatever its instances are
            found = tuple((name, key) for name, (key, _annotation) in model_fields(record).items())
        else:
            found = tuple((field.name, field.name) for field in dataclasses.fields(kind))
        _KEYS[kind] = found
    return found


def plain(value: Any) -> Any:
    """Data ready for ``json.dumps``: Decimals as numbers (integers when whole)."""
    pydantic = sys.modules.get("pydantic")  # not imported: no model can exist (a cached check never imports it)
    if pydantic is not None and isinstance(value, pydantic.BaseModel):
        return plain(value.model_dump(mode="python", by_alias=True))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # a build's reservation, take, ...
        return {key: plain(getattr(value, name)) for name, key in _keys(type(value))}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, Decimal):
        value = normalize(value)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_json(doc: Any) -> str:
    """``json.dumps(plain(doc), indent=2, ensure_ascii=False)``, made in one pass.

    With an indent, the json module encodes in Python, value by value, after
    :func:`plain` has copied the whole document once; a clear's JSON of 200
    builds is a hundred thousand values.  This writes the same text directly
    (a test compares both on generated documents); anything else json would
    refuse is handed to it, so its error is the same.
    """
    out: list[str] = []
    _emit(doc, "\n", out)
    return "".join(out)


def _emit(value: Any, newline: str, out: list[str]) -> None:
    """Append ``value``'s JSON text at the indentation ``newline`` (a newline and the spaces before it)."""
    kind = type(value)
    if kind is str:
        out.append(_encode_text(value))
    elif kind is dict:
        _emit_items(((_encode_text(str(key)) + ": ", item) for key, item in value.items()), "{}", newline, out)
    elif kind is list or kind is tuple:
        _emit_items((("", item) for item in value), "[]", newline, out)
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is Decimal:
        number = normalize(value)
        out.append(int.__repr__(int(number)) if number == number.to_integral_value() else _float_text(float(number)))
    elif kind is float:
        out.append(_float_text(value))
    else:
        converted = plain(value)
        if type(converted) is kind:  # plain leaves it as it is: json decides
            out.append(json.dumps(converted, indent=2, ensure_ascii=False).replace("\n", newline))
        else:
            _emit(converted, newline, out)


def _emit_items(items: Iterator[tuple[str, Any]], brackets: str, newline: str, out: list[str]) -> None:
    """A JSON object or array: ``items`` are (the key's text and ": ", or "" in an array; the value)."""
    inner = newline + "  "
    start = len(out)
    for lead, item in items:
        out.append(inner if len(out) == start else "," + inner)
        out.append(lead)
        _emit(item, inner, out)
    if len(out) == start:
        out.append(brackets)
    else:
        out[start] = brackets[0] + out[start]
        out.append(newline + brackets[1])


def _float_text(value: float) -> str:
    return json.dumps(value) if value != value or value in (float("inf"), float("-inf")) else float.__repr__(value)


_encode_text = json.encoder.encode_basestring  # what json.dumps(..., ensure_ascii=False) writes a string as
