"""Editing YAML: round-trip documents that keep comments, key order and quoting.

Writing edits a round-trip document in place (:func:`merge_into`), so
comments, key order and untouched values stay byte for byte.  A file is
parsed for editing only after the strict reader (:mod:`.read`) accepted
it: :func:`parse_roundtrip` raises nothing but :class:`YamlProblem`.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ctb_files.errors import Diagnostic
from ctb_files.storage.yaml.frame import document_frame, line_break, with_break
from ctb_files.storage.yaml.read import YamlProblem, load_fast
from ctb_files.storage.yaml.scalars import YAML11_WORDS, number_text

__all__ = [
    "CommentedMap", "CommentedSeq", "dump", "flow_items", "load_roundtrip", "merge_into", "new_document",
    "parse_roundtrip", "rebuild_sequence", "sequence_comment", "to_roundtrip",
]  # fmt: skip


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = number_text(value)
    tag = (
        "tag:yaml.org,2002:int" if value == value.to_integral_value() and "." not in text else "tag:yaml.org,2002:float"
    )
    return representer.represent_scalar(tag, text)


def _represent_datetime(representer: RoundTripRepresenter, value: datetime) -> Any:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
        text = value.isoformat(timespec="seconds") + "Z"
    else:
        text = value.isoformat(timespec="seconds")
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", text)


class WrittenNumber(Decimal):
    """A float of a round-trip document, read as a Decimal: its value exact, and written back with its own text.

    ruamel reads ``12345.123456789012`` as a float, which holds 15 to 17
    digits: written back, even untouched, it came out ``…011``.  A value
    computed from it is a plain Decimal, written as such.
    """

    __slots__ = ("text",)
    text: str

    def __new__(cls, text: str) -> WrittenNumber:
        number = super().__new__(cls, text.replace("_", ""))
        number.text = text
        return number


# a float ruamel would read as a number (not .inf or .nan): digits, a point, an exponent
_NUMBER_TEXT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?")


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor that reads a float as a :class:`WrittenNumber`."""

    def construct_written_float(self, node: Any) -> Any:
        text = self.construct_scalar(node)
        if isinstance(text, str) and _NUMBER_TEXT.fullmatch(text):
            return WrittenNumber(text)
        return self.construct_yaml_float(node)


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_written_float)


class _Representer(RoundTripRepresenter):
    """ruamel's round-trip representer that never anchors a number, date or time.

    ruamel writes an object met twice in one document as an anchor and
    aliases (``&id001 2`` ... ``*id001``), and counts only str, int, float
    and bool as values to write out each time.  Decimals and datetimes are
    values too, and one object may well stand in several places (equal
    quantities share one Decimal once loaded; one ``now`` stamps two keys).
    """

    def ignore_aliases(self, data: Any) -> bool:
        if isinstance(data, (Decimal, date)):  # date: datetime too
            return True
        return bool(super().ignore_aliases(data))


def _rt_yaml(sequence: int = 4, offset: int = 2) -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.Constructor = _Constructor
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    yaml.width = 4096
    yaml.preserve_quotes = True
    _Representer.add_representer(Decimal, _represent_decimal)
    _Representer.add_representer(
        WrittenNumber, lambda r, v: r.represent_scalar("tag:yaml.org,2002:float", v.text)
    )
    _Representer.add_representer(datetime, _represent_datetime)
    # an explicit ``null`` stays ``null`` (ruamel would write an empty value)
    _Representer.add_representer(type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


_RT = _rt_yaml()
_RT_AT_KEY = _rt_yaml(sequence=2, offset=0)  # lists at their key's own column, as PyYAML writes them


def load_roundtrip(text: str) -> Any:
    """Parse for editing: comments, order and quoting are kept.

    CR LF and CR line endings become LF: comments keep the text up to the
    line end, so a CR LF file would otherwise come back with mixed endings.
    """
    doc = _RT.load(text.replace("\r\n", "\n").replace("\r", "\n"))
    _hoist_first_item_comments(doc)
    return doc


def _hoist_first_item_comments(node: Any) -> None:
    """Give comment lines above a block sequence's first item to that item.

    ruamel keeps them on the key holding the sequence, and when the first
    item is a one-line mapping with an end-of-line comment and a block item
    follows, writes that item's keys on one line (``- part: r2 quantity: 5``,
    not YAML).  Held by the first item they are written in the same place,
    and the output is valid.
    """
    if isinstance(node, CommentedMap):
        for key, value in node.items():
            if isinstance(value, CommentedSeq) and len(value) and not value.fa.flow_style():
                slots = node.ca.items.get(key)
                if slots is not None and len(slots) > 3 and slots[3]:
                    first = value.ca.items.setdefault(0, [None, None, None, None])
                    first[1] = [*slots[3], *(first[1] or [])]
                    slots[3] = None
                    value.ca.comment = None
            _hoist_first_item_comments(value)
    elif isinstance(node, CommentedSeq):
        for item in node:
            _hoist_first_item_comments(item)


def dump(doc: Any, like: str | None = None, *, column: bool = True) -> str:
    """Render a round-trip document (or plain data) as YAML text.

    ``like``: the text the document was read from.  Where its lists stand at
    their key's own column (``lines:`` then ``- part: p1``, as PyYAML writes
    them), every list is written so (unless ``column`` is False); else ctb's
    house style (``  - part: p1``).  An edit of one line of such a file then
    changes that line, not the indent of every other.  The text's frame — a
    ``---`` line opening it, a ``...`` line closing it, with the comments
    before and after them (:func:`~ctb_files.storage.yaml.frame.document_frame`),
    which the round trip does not read — is written around the document again,
    and its lines end as the text's do (``\\r\\n`` where every line did).
    """
    out = io.StringIO()
    if like is None:
        _RT.dump(doc, out)
        return out.getvalue()
    brk = line_break(like)
    like = like.replace("\r\n", "\n")
    head, tail = document_frame(like)
    (_RT_AT_KEY if column and lists_at_key_column(like) else _RT).dump(doc, out)
    return with_break(head + out.getvalue() + tail, brk)


_KEY_ALONE = re.compile(r"[^\s#:{}\[\],'\"|>&*!%@`][^#:{}\[\],]*:")  # a plain key whose value starts below


def lists_at_key_column(text: str) -> bool:
    """Whether the first block list below a key in ``text`` stands at the key's own column."""
    below: int | None = None  # the column of a key whose value starts on a line below
    for line in text.split("\n"):
        body = line.lstrip(" ")
        if not body or body[0] == "#":
            continue
        if below is not None and (body == "-" or body.startswith("- ")):
            return len(line) - len(body) == below
        while body.startswith("- "):  # an item whose first key stands after its dash
            body = body[2:].lstrip(" ")
        below = len(line) - len(body) if _KEY_ALONE.fullmatch(body.rstrip(" ")) else None
    return False


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


_LINE_BREAKS = frozenset("\x85\u2028\u2029")


def _quote_if_needed(value: str) -> Any:
    # a string that would read back as a number, bool, null or date keeps quotes;
    # so do YAML 1.1 booleans (yes/no/on/off), which other tools still read as such
    if value.lower() in YAML11_WORDS or any(ch in _LINE_BREAKS or not ch.isprintable() for ch in value):
        return DoubleQuotedScalarString(value)
    try:
        parsed = load_fast(value.encode("utf-8"), "") if value else None
    except YamlProblem:
        return value
    if value == "" or not isinstance(parsed, str):
        return DoubleQuotedScalarString(value)
    return value


def to_roundtrip(value: Any, *, in_list: bool = False) -> Any:
    """Turn plain data into round-trip nodes in ctb's house style.

    Mappings of scalars inside lists, and lists of scalars, are written in flow
    style (``- {part: r1, quantity: 6}``, ``lines: [21, 31]``), as in PRODUCT.md.
    """
    if isinstance(value, dict):
        node = CommentedMap()
        for key, item in value.items():
            node[key] = to_roundtrip(item)
        if in_list and all(_is_scalar(v) for v in value.values()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(to_roundtrip(item, in_list=True) for item in value)
        if all(_is_scalar(v) for v in value):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, str):
        return _quote_if_needed(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def same_value(old: Any, new: Any) -> bool:
    """Whether ``new`` equals ``old`` as the round trip reads it (then the old node and its text are kept)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(same_value(old[k], new[k]) for k in new)
    if isinstance(old, list) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(same_value(a, b) for a, b in zip(old, new, strict=True))
    if isinstance(old, bool) or isinstance(new, bool):
        return old is new or (isinstance(old, bool) and isinstance(new, bool) and old == new)
    if isinstance(old, (int, float, Decimal)) and isinstance(new, (int, float, Decimal)):
        return Decimal(str(old)) == Decimal(str(new))
    if isinstance(old, datetime) and isinstance(new, datetime):
        return _utc(old) == _utc(new)
    if isinstance(old, date) and isinstance(new, date):
        return old == new
    return type(old) is type(new) and old == new or (isinstance(old, str) and isinstance(new, str) and old == new)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def merge_into(doc: CommentedMap, new: dict[str, Any], *, drop_missing: bool = True) -> None:
    """Make ``doc`` hold ``new`` with as few changes as possible.

    Keys whose values are equal are left alone (comments, quoting and layout
    kept); nested mappings and equal-length lists are merged item by item;
    new keys are inserted where ``new``'s key order puts them.
    """
    if drop_missing:
        for key in [k for k in doc if k not in new]:
            del doc[key]
    keys = list(new)
    for index, key in enumerate(keys):
        value = new[key]
        if key in doc:
            old = doc[key]
            if same_value(old, value):
                continue
            if isinstance(old, CommentedMap) and isinstance(value, dict):
                merge_into(old, value)
                continue
            if isinstance(old, CommentedSeq) and isinstance(value, (list, tuple)) and len(old) == len(value):
                _merge_list(old, value)
                continue
            doc[key] = to_roundtrip(value)
            continue
        following = next((k for k in keys[index + 1 :] if k in doc), None)
        position = list(doc).index(following) if following is not None else len(doc)
        last = next(reversed(doc), None) if position == len(doc) else None
        doc.insert(position, key, to_roundtrip(value))
        if last is not None:
            _carry_block_comment(doc, last, key)


def _carry_block_comment(doc: CommentedMap, old_last: Any, new_last: Any) -> None:
    """Comment lines written after a nested mapping, less indented than its keys, stay after it.

    The round-trip parser hangs such lines (which belong to an outer level:
    the end of a list, of the file) on the mapping's last key, so a key
    appended to the mapping would land below them.  The old key keeps its
    end-of-line comment; the lines below move to the new key.  Comment lines
    at the mapping's own indentation may introduce what follows and stay.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if isinstance(doc[new_last], (CommentedMap, CommentedSeq)):
        return  # a collection keeps its comments inside; leave such files as they were
    entry = doc.ca.items.get(old_last)
    token = entry[2] if entry is not None and len(entry) > 2 else None
    if not isinstance(token, CommentToken) or "\n" not in token.value.rstrip("\n"):
        return
    first, _, rest = token.value.partition("\n")
    column = getattr(doc.lc, "col", None)
    indents = [len(line) - len(line.lstrip()) for line in rest.splitlines() if line.strip()]
    if not column or not indents or max(indents) >= column:
        return
    entry[2] = CommentToken(first + "\n", CommentMark(token.column)) if first.strip() else None
    doc.ca.items[new_last] = [None, None, CommentToken("\n" + rest, CommentMark(0)), None]


def _merge_list(old: CommentedSeq, new: list[Any] | tuple[Any, ...]) -> None:
    for index, value in enumerate(new):
        item = old[index]
        if same_value(item, value):
            continue
        if isinstance(item, CommentedMap) and isinstance(value, dict):
            merge_into(item, value)
        else:
            old[index] = to_roundtrip(value, in_list=True)


def new_document(data: dict[str, Any], header: str | None = None) -> str:
    """Text of a fresh file holding ``data``; ``header`` becomes leading comment lines."""
    text = dump(to_roundtrip(data))
    if header:
        lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
        text = lines + text
    return text


def parse_roundtrip(data: bytes, path: str) -> Any:
    """Parse a file's bytes for editing; :class:`YamlProblem` (with its line) when it cannot be.

    The strict reader goes first, so every shape it refuses (tags, aliases
    past the limit, odd numbers, non-text keys) is refused here with the
    same message; whatever the round-trip parser still trips on becomes a
    CTB002 at line 1 instead of an exception.
    """
    load_fast(data, path)
    text = data.decode("utf-8-sig")
    try:
        return load_roundtrip(text)
    except Exception as exc:  # noqa: BLE001 - ruamel raises many types on odd input; all are "cannot parse"
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc) or type(exc).__name__
        first = str(problem).strip().splitlines()[0] if str(problem).strip() else type(exc).__name__
        raise YamlProblem(Diagnostic(path, line, col, "CTB002", f"YAML syntax: {first}")) from None


def sequence_comment(seq: Any, index: int, *, own_line_only: bool = False) -> Any:
    """The comment written after item ``index`` of a round-trip sequence (opaque; None when none).

    Pass it back to :func:`rebuild_sequence` to keep it with its item when
    items are added, removed or moved.  ``own_line_only`` leaves out the
    comment lines that follow the item (the end of a block after the last item).
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if not isinstance(seq, CommentedSeq):
        return None
    entry = seq.ca.items.get(index)
    if entry is None:
        return None
    entry = list(entry)
    token = entry[0]
    if own_line_only and isinstance(token, CommentToken) and "\n" in token.value.rstrip("\n"):
        first = token.value.partition("\n")[0]
        entry[0] = CommentToken(first + "\n", CommentMark(token.column)) if first.strip() else None
    return entry


def rebuild_sequence(seq: CommentedSeq, items: list[tuple[Any, Any]]) -> None:
    """Make ``seq`` hold ``items`` — ``(node, comment from sequence_comment)`` — in this order.

    Each kept item takes its own end-of-line comment along.  Comment lines
    that followed the old last item (the end of a block) move to the new
    last item, so they stay at the end of the list.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    old_last = seq[-1] if len(seq) else None
    old_entry = seq.ca.items.get(len(seq) - 1)
    token = old_entry[0] if old_entry else None
    comments = [list(comment) if comment is not None else None for _, comment in items]
    trailer = ""
    moved = not items or items[-1][0] is not old_last
    if isinstance(token, CommentToken) and "\n" in token.value.rstrip("\n") and moved:
        first, _, trailer = token.value.partition("\n")
        for (node, _), comment in zip(items, comments, strict=True):
            if node is old_last and comment is not None and comment[0] is token:
                comment[0] = CommentToken(first + "\n", CommentMark(token.column))
    del seq[:]
    seq.ca.items.clear()
    for index, ((node, _), comment) in enumerate(zip(items, comments, strict=True)):
        seq.append(node)
        if comment is not None:
            seq.ca.items[index] = comment
    if trailer and items:
        entry = seq.ca.items.setdefault(len(items) - 1, [None, None, None, None])
        last = entry[0]
        if isinstance(last, CommentToken):
            entry[0] = CommentToken(last.value.rstrip("\n") + "\n" + trailer, CommentMark(last.column))
        else:
            entry[0] = CommentToken("\n" + trailer, CommentMark(0))


def flow_items(seq: CommentedSeq) -> None:
    """Write every mapping item of ``seq`` on one line (``- {part: r1, quantity: 3}``).

    Comments inside an item move to the end of its line, where a one-line
    mapping can hold them.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    for index, item in enumerate(seq):
        if not isinstance(item, CommentedMap) or item.fa.flow_style():
            continue
        texts = [
            token.value.strip()
            for slots in item.ca.items.values()
            for token in slots
            if isinstance(token, CommentToken) and token.value.strip()
        ]
        item.ca.items.clear()
        item.fa.set_flow_style()
        if not texts:
            continue
        entry = seq.ca.items.setdefault(index, [None, None, None, None])
        if isinstance(entry[0], CommentToken) and entry[0].value.strip():
            texts.append(entry[0].value.strip())
        text = " ".join(line.strip() for chunk in texts for line in chunk.splitlines())
        entry[0] = CommentToken("  " + text + "\n", CommentMark(0))


def set_in_order(doc: CommentedMap, key: str, value: Any, model: type) -> None:
    """Set ``doc[key]``; a new key goes where the model's field order puts it (the one such rule).

    ``model``: a pydantic model, or a dataclass pydantic validates (:func:`~ctb_files.core.canonical.model_fields`).
    """
    from ctb_files.core.canonical import key_position

    if key in doc:
        doc[key] = to_roundtrip(value)
        return
    doc.insert(key_position(model, list(doc), key), key, to_roundtrip(value))
