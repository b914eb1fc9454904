"""The one module that imports the YAML libraries.

* Reading for validation uses PyYAML's safe loader on libyaml (C): plain
  data only (no tags that construct objects), floats read as ``Decimal``.
* Line numbers come from a second, round-trip parse of just the files that
  have something to report (:class:`Locator`).
* Writing edits a round-trip document in place (:func:`merge_into`), so
  comments, key order and untouched values stay byte for byte.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from ctb_files.errors import Diagnostic

__all__ = [
    "CommentedMap", "CommentedSeq", "Locator", "YamlProblem", "dump", "load_fast",
    "load_roundtrip", "merge_into", "new_document", "to_roundtrip",
]  # fmt: skip


class YamlProblem(Exception):
    """A file that cannot be parsed; carries the diagnostic to report."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


class _NotANumber(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _FastLoader(pyyaml.CSafeLoader):
    """libyaml's C parser with YAML 1.2 scalars and exact numbers.

    PyYAML's C loader parses several times faster than ruamel's and accepts
    ``[Resistor_SMD:R_0805_2012Metric]`` (ruamel's C parser rejects colons in
    flow scalars).  Its YAML 1.1 habits are switched off so both libraries read
    a file the same way: only true/false are booleans, ``010`` is ten, floats
    are ``Decimal``, and a duplicate key is an error instead of "last wins".
    Only the parser and resolver are used: :class:`_Builder` turns the node
    tree into data.
    """


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_FastLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_BOOL, _INT, _FLOAT)]
    for first, resolvers in pyyaml.CSafeLoader.yaml_implicit_resolvers.items()
}
_FastLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_FastLoader.add_implicit_resolver(_INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789"))
_FastLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)

_IMPLICIT = _FastLoader.yaml_implicit_resolvers


def _resolve(self: _FastLoader, kind: Any, value: Any, implicit: Any) -> str:
    """PyYAML's ``resolve`` without what ctb never uses (path resolvers, wildcard resolvers).

    libyaml calls it back for every node, so it is the hottest Python code of
    a load; the result is the same tag as the inherited method's.
    """
    if kind is pyyaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _STR
    return _SEQ if kind is pyyaml.SequenceNode else _MAP


def _no_path_resolvers(self: _FastLoader, *args: Any) -> None:
    return None


_FastLoader.resolve = _resolve  # type: ignore[method-assign]
_FastLoader.descend_resolver = _no_path_resolvers  # type: ignore[method-assign]
_FastLoader.ascend_resolver = _no_path_resolvers  # type: ignore[method-assign]


def _decode(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(
            Diagnostic(path, 1, 1, "CTB001", f"not UTF-8 text (byte {exc.start})")
        ) from None


def load_fast(data: bytes, path: str) -> Any:
    """Parse ``data`` as plain YAML data; :class:`YamlProblem` on any error."""
    text = _decode(data, path)
    try:
        node = pyyaml.compose(text, Loader=_FastLoader)  # noqa: S506 - composing builds no objects
        return None if node is None else _Builder().build(node)
    except _NotANumber as exc:
        raise YamlProblem(
            Diagnostic(path, exc.mark.line + 1, exc.mark.column + 1, "CTB104", "infinity and NaN are not quantities")
        ) from None
    except pyyaml.MarkedYAMLError as exc:
        raise YamlProblem(_marked(exc, path)) from None
    except pyyaml.YAMLError as exc:
        raise YamlProblem(Diagnostic(path, 1, 1, "CTB002", f"YAML error: {exc}")) from None


_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TIMESTAMPS = pyyaml.constructor.SafeConstructor()
_MAX_NODES = 1_000_000  # aliases can multiply a small file into a huge document


class _Builder:
    """Plain data from a composed node tree: str, int, Decimal, bool, None, dates, lists, dicts.

    Quicker than PyYAML's generic constructor (no generators, no state
    machine) and strict: any tag outside the core schema is refused, so
    nothing in a file can build an object, and an alias bomb or a recursive
    alias stops with an error instead of eating memory.
    """

    def __init__(self) -> None:
        self.count = 0

    def _fail(self, node: Any, problem: str) -> pyyaml.constructor.ConstructorError:
        return pyyaml.constructor.ConstructorError(None, None, problem, node.start_mark)

    def build(self, node: Any, depth: int = 0) -> Any:
        self.count += 1
        if self.count > _MAX_NODES or depth > 100:
            raise self._fail(node, "the document is nested or aliased too deeply")
        tag = node.tag
        kind = node.__class__
        if kind is pyyaml.ScalarNode:
            value = node.value
            if tag == _STR:
                return value
            if tag == _INT:
                return _to_int(value)
            if tag == _FLOAT:
                text = value.replace("_", "").lower()
                if "inf" in text or "nan" in text:
                    raise _NotANumber(node.start_mark)
                return Decimal(text)
            if tag == _BOOL:
                return value in ("true", "True", "TRUE")
            if tag == _NULL:
                return None
            if tag == _TIMESTAMP:
                return _TIMESTAMPS.construct_yaml_timestamp(node)
        elif kind is pyyaml.SequenceNode and tag == _SEQ:
            depth += 1
            return [self.build(item, depth) for item in node.value]
        elif kind is pyyaml.MappingNode and tag == _MAP:
            depth += 1
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STR and key_node.__class__ is pyyaml.ScalarNode:
                    self.count += 1  # the usual key: a plain string, no need to recurse
                    key = key_node.value
                else:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        raise self._fail(key_node, "merge keys (<<) are not supported")
                    key = self.build(key_node, depth)
                if isinstance(key, (list, dict)):
                    raise self._fail(key_node, "a mapping key must be a plain value")
                if key in out:
                    raise self._fail(key_node, f"found duplicate key {key!r}")
                out[key] = self.build(value_node, depth)
            return out
        raise self._fail(node, f"could not determine a constructor for the tag {tag!r}")


def _to_int(value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith("0o"):
        return sign * int(digits[2:], 8)
    if digits.startswith("0x"):
        return sign * int(digits[2:], 16)
    return sign * int(digits, 10)


def _marked(exc: pyyaml.MarkedYAMLError, path: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = (exc.problem or exc.context or "YAML error").strip()
    start = exc.context_mark
    if exc.problem and exc.context and start is not None and mark is not None and start.line != mark.line:
        # an unclosed [ { or quote is noticed lines later: say where it was opened
        problem += f" ({exc.context.strip()} that starts at line {start.line + 1}, column {start.column + 1})"
    if "constructor" in problem and "tag" in problem:
        return Diagnostic(path, line, col, "CTB003", f"YAML tags that build objects are not allowed ({problem})")
    if "duplicate key" in problem:
        return Diagnostic(path, line, col, "CTB004", problem)
    return Diagnostic(path, line, col, "CTB002", f"YAML syntax: {problem}")


# --- round trip ---------------------------------------------------------------------------


def _represent_decimal(representer: RoundTripRepresenter, value: Decimal) -> Any:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if value == value.to_integral_value() and "." not in text else "tag:yaml.org,2002:float"
    return representer.represent_scalar(tag, text)


def _represent_datetime(representer: RoundTripRepresenter, value: datetime) -> Any:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
        text = value.isoformat(timespec="seconds") + "Z"
    else:
        text = value.isoformat(timespec="seconds")
    return representer.represent_scalar("tag:yaml.org,2002:timestamp", text)


def _rt_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.Representer.add_representer(Decimal, _represent_decimal)
    yaml.Representer.add_representer(datetime, _represent_datetime)
    # an explicit ``null`` stays ``null`` (ruamel would write an empty value)
    yaml.Representer.add_representer(type(None), lambda r, _v: r.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


_RT = _rt_yaml()


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


def dump(doc: Any) -> str:
    """Render a round-trip document (or plain data) as YAML text."""
    out = io.StringIO()
    _RT.dump(doc, out)
    return out.getvalue()


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


_LINE_BREAKS = frozenset("\x85\u2028\u2029")
_YAML11_WORDS = frozenset({"yes", "no", "on", "off", "y", "n", "true", "false", "null", "~"})


def _quote_if_needed(value: str) -> Any:
    # a string that would read back as a number, bool, null or date keeps quotes;
    # so do YAML 1.1 booleans (yes/no/on/off), which other tools still read as such
    if value.lower() in _YAML11_WORDS or any(ch in _LINE_BREAKS or not ch.isprintable() for ch in value):
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


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in new)
    if isinstance(old, list) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new))
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
            if _same(old, value):
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
        if _same(item, value):
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


class Locator:
    """Finds the line and column of a document path, parsing each file once.

    Uses libyaml's composer (node tree with positions, no construction): far
    quicker than a round-trip parse when thousands of files have something to
    report.
    """

    def __init__(self, texts: dict[str, bytes]) -> None:
        self._texts = texts
        self._docs: dict[str, Any] = {}

    def locate(self, path: str, loc: tuple[str | int, ...], at_key: bool = False) -> tuple[int, int]:
        node = self._doc(path)
        if node is None:
            return 1, 1
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        for depth, key in enumerate(loc):
            last = depth == len(loc) - 1
            found = None
            if isinstance(node, pyyaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, pyyaml.ScalarNode) and key_node.value == str(key):
                        scalar = isinstance(value_node, pyyaml.ScalarNode)
                        mark = value_node.start_mark if last and not at_key and scalar else key_node.start_mark
                        found = (value_node, mark)
                        break
            elif isinstance(node, pyyaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                item = node.value[key]
                found = (item, item.start_mark)
            if found is None:
                break
            node, mark = found
            line, col = mark.line + 1, mark.column + 1
        return line, col

    def _doc(self, path: str) -> Any:
        if path not in self._docs:
            data = self._texts.get(path)
            try:
                text = data.decode("utf-8-sig") if data is not None else None
                self._docs[path] = pyyaml.compose(text, Loader=_FastLoader) if text is not None else None
            except (pyyaml.YAMLError, UnicodeDecodeError):
                self._docs[path] = None
        return self._docs[path]


def parse_roundtrip(data: bytes, path: str) -> Any:
    """Parse a file's bytes for editing; :class:`YamlProblem` (with its line) when it cannot be."""
    text = _decode(data, path)
    try:
        return load_roundtrip(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = (getattr(exc, "problem", None) or getattr(exc, "context", None) or str(exc)).strip()
        raise YamlProblem(Diagnostic(path, line, col, "CTB002", f"YAML syntax: {problem}")) from None


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
        for (node, _), comment in zip(items, comments):
            if node is old_last and comment is not None and comment[0] is token:
                comment[0] = CommentToken(first + "\n", CommentMark(token.column))
    del seq[:]
    seq.ca.items.clear()
    for index, ((node, _), comment) in enumerate(zip(items, comments)):
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


def set_in_order(doc: CommentedMap, key: str, value: Any, model: type[Any]) -> None:
    """Set ``doc[key]``; a new key goes where the model's field order puts it (the one such rule)."""
    from ctb_files.core.canonical import field_positions

    if key in doc:
        doc[key] = to_roundtrip(value)
        return
    positions = field_positions(model)
    mine = positions.get(key, len(positions))
    following = next((k for k in doc if isinstance(k, str) and positions.get(k, len(positions)) > mine), None)
    doc.insert(list(doc).index(following) if following is not None else len(doc), key, to_roundtrip(value))
