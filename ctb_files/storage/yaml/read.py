"""Reading YAML for validation: libyaml's parser, plain data, every odd shape a located problem.

PyYAML's safe loader on libyaml (C) composes a node tree; :class:`_Builder`
turns it into plain data (str, int, Decimal, bool, None, dates, lists,
dicts) and refuses, with a :class:`YamlProblem` naming line and column,
everything else a file can hold: tags outside the core schema, values their
tag cannot read (``!!int abc``, ``2025-02-30``), numbers out of range,
non-text keys, merge keys, and input past the limits of ``ctb.yaml``
(:class:`~ctb_files.core.models.settings.Limits`: file size, keys per
mapping, items per list, nesting depth, string length, alias expansion).
Reading imports no model: the limits are anything with those numbers
(:class:`Bounds`), so a command that only compares parsed data stays light.
Nothing read here can raise anything but :class:`YamlProblem`.
:class:`Locator` finds the line of a document path for messages.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

import yaml as pyyaml

from ctb_files.errors import CtbError, Diagnostic

if TYPE_CHECKING:
    from ctb_files.core.models.settings import Limits


class Bounds(Protocol):
    """The limits a read counts against (those of :class:`~ctb_files.core.models.settings.Limits`)."""

    @property
    def file_size(self) -> int: ...
    @property
    def keys(self) -> int: ...
    @property
    def items(self) -> int: ...
    @property
    def depth(self) -> int: ...
    @property
    def string(self) -> int: ...
    @property
    def aliases(self) -> int: ...


@functools.cache
def default_limits() -> Limits:
    """The limits of a ``ctb.yaml`` that sets none (and of ``ctb.yaml`` itself); made on first use, as the models'
    import is what a light read avoids."""
    from ctb_files.core.models.settings import Limits

    return Limits()



class YamlProblem(CtbError):
    """A file that cannot be parsed; carries the diagnostic to report.

    A refusal (exit 1) wherever it is not caught: one line naming file, line and problem.
    """

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.render())
        self.diagnostic = diagnostic


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
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
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
                    return str(tag)
        return _STR
    return _SEQ if kind is pyyaml.SequenceNode else _MAP


def plain_is_text(value: str) -> bool:
    """Whether the parser reads ``value``, written as a plain scalar, as text (no implicit tag takes it: not a
    number, boolean, null, date or time, nor ``<<``, ``=``, ``!``, ``&``, ``*``): the parser's own rule."""
    return not any(regexp.match(value) for _tag, regexp in _IMPLICIT.get(value[:1], ()))


def _no_path_resolvers(self: _FastLoader, *args: Any) -> None:
    return None


_FastLoader.resolve = _resolve  # type: ignore[method-assign,assignment]
_FastLoader.descend_resolver = _no_path_resolvers  # type: ignore[method-assign,assignment]
_FastLoader.ascend_resolver = _no_path_resolvers  # type: ignore[method-assign,assignment]


_INT_RX = re.compile(r"^(?:[-+]?[0-9][0-9_]*|[-+]?0o[0-7_]+|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT_RX = re.compile(r"^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?$")
_SPECIAL_RX = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
_BOOL_RX = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_TIMESTAMPS = pyyaml.constructor.SafeConstructor()
#: digits a number may have before and after the point: far beyond any quantity or price,
#: and small enough that no arithmetic on it overflows or takes long
MAX_INTEGER_DIGITS = 15
MAX_FRACTION_DIGITS = 12


class _Refusal(Exception):
    """A node the builder refuses: where it is, the code and the message."""

    def __init__(self, node: Any, code: str, message: str) -> None:
        super().__init__(message)
        self.mark = node.start_mark
        self.code = code
        self.message = message


def _decode(data: bytes, path: str) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise YamlProblem(Diagnostic(path, 1, 1, "CTB001", "UTF-16 text; save the file as UTF-8"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(Diagnostic(path, 1, 1, "CTB001", f"not UTF-8 text (byte {exc.start})")) from None


def load_fast(data: bytes, path: str, limits: Bounds | None = None) -> Any:
    """Parse ``data`` as plain YAML data; :class:`YamlProblem` on any error, never another exception.

    ``limits``: those of ``ctb.yaml``; None: :func:`default_limits`.
    """
    if limits is None:
        limits = default_limits()
    if len(data) > limits.file_size:
        raise YamlProblem(
            Diagnostic(
                path, 1, 1, "CTB006", f"the file has {len(data):,} bytes, more than the limit of {limits.file_size:,}"
            )
        )
    text = _decode(data, path)
    try:
        node = pyyaml.compose(text, Loader=_FastLoader)  # noqa: S506 - composing builds no objects
        return None if node is None else _Builder(limits).build(node)
    except _Refusal as exc:
        raise YamlProblem(Diagnostic(path, exc.mark.line + 1, exc.mark.column + 1, exc.code, exc.message)) from None
    except pyyaml.MarkedYAMLError as exc:
        raise YamlProblem(_marked(exc, path)) from None
    except pyyaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        char = exc.character if isinstance(exc.character, str) else chr(exc.character)
        raise YamlProblem(
            Diagnostic(
                path, line, col, "CTB002", f"YAML syntax: the control character U+{ord(char):04X} is not allowed"
            )
        ) from None
    except pyyaml.YAMLError as exc:
        raise YamlProblem(Diagnostic(path, 1, 1, "CTB002", f"YAML error: {exc}")) from None
    except RecursionError:
        raise YamlProblem(Diagnostic(path, 1, 1, "CTB009", "the document is nested too deeply")) from None


class _Builder:
    """Plain data from a composed node tree: str, int, Decimal, bool, None, dates, lists, dicts.

    Quicker than PyYAML's generic constructor (no generators, no state
    machine) and strict: any tag outside the core schema is refused, so
    nothing in a file can build an object; every scalar is checked against
    its tag before it is converted, so a conversion never fails; and the
    limits are counted as the tree is walked, so an alias bomb, a deep
    nest or a huge mapping stops early with an error.
    """

    def __init__(self, limits: Bounds) -> None:
        self.limits = limits
        self.seen: set[int] = set()  # collections built once: a second visit is an alias
        self.open: set[int] = set()  # collections being built: met again inside, an alias loops
        self.expanding = 0  # > 0 while an alias is being expanded
        self.expanded = 0
        # one object per distinct text: a build file names its location and parts hundreds of times, and
        # equal texts that are one object are pickled once and stay one object in the models made of them
        self.texts: dict[str, str] = {}

    def build(self, node: Any, depth: int = 0) -> Any:
        if self.expanding:
            self.expanded += 1
            if self.expanded > self.limits.aliases:
                raise _Refusal(node, "CTB014", f"aliases expand to more than {self.limits.aliases:,} values")
        kind = node.__class__
        if kind is pyyaml.ScalarNode:
            return self._scalar(node)
        if depth >= self.limits.depth:
            raise _Refusal(node, "CTB009", f"nested deeper than {self.limits.depth} levels")
        ident = id(node)
        if ident in self.open:
            raise _Refusal(node, "CTB002", "YAML syntax: an alias inside the value it names (a recursive alias)")
        self.open.add(ident)
        try:
            if ident not in self.seen:
                self.seen.add(ident)
                return self._collection(node, depth)
            self.expanding += 1
            try:
                return self._collection(node, depth)
            finally:
                self.expanding -= 1
        finally:
            self.open.discard(ident)

    def _collection(self, node: Any, depth: int) -> Any:
        tag = node.tag
        kind = node.__class__
        if kind is pyyaml.SequenceNode and tag == _SEQ:
            if len(node.value) > self.limits.items:
                raise _Refusal(
                    node, "CTB008", f"a list of {len(node.value):,} items, more than the limit of {self.limits.items:,}"
                )
            return [self.build(item, depth + 1) for item in node.value]
        if kind is pyyaml.MappingNode and tag == _MAP:
            if len(node.value) > self.limits.keys:
                raise _Refusal(
                    node,
                    "CTB007",
                    f"a mapping of {len(node.value):,} keys, more than the limit of {self.limits.keys:,}",
                )
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not pyyaml.ScalarNode or key_node.tag != _STR:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        raise _Refusal(key_node, "CTB002", "YAML syntax: merge keys (<<) are not supported")
                    raise _Refusal(
                        key_node, "CTB005", "a mapping key must be plain text (not a number, date, list or mapping)"
                    )
                key = key_node.value
                if len(key) > self.limits.string:
                    raise _Refusal(
                        key_node,
                        "CTB013",
                        f"a key of {len(key):,} characters, more than the limit of {self.limits.string:,}",
                    )
                if key in out:
                    raise _Refusal(key_node, "CTB004", f"found duplicate key {key!r}")
                out[self.texts.setdefault(key, key)] = self.build(value_node, depth + 1)
            return out
        raise _Refusal(
            node,
            "CTB003",
            f"YAML tags that build objects are not allowed (could not determine a constructor for the tag {tag!r})",
        )

    def _scalar(self, node: Any) -> Any:
        tag = node.tag
        value = node.value
        if len(value) > self.limits.string:
            raise _Refusal(
                node, "CTB013", f"a value of {len(value):,} characters, more than the limit of {self.limits.string:,}"
            )
        if tag == _STR:
            return self.texts.setdefault(value, value)
        if tag == "tag:yaml.org,2002:int":
            if not _INT_RX.match(value):
                raise _Refusal(node, "CTB005", f"{_short(value)} is not an integer")
            return _number(node, _to_int(node, value))
        if tag == "tag:yaml.org,2002:float":
            if _SPECIAL_RX.match(value):
                raise _Refusal(node, "CTB104", "infinity and NaN are not quantities")
            if _INT_RX.match(value):
                return _number(node, Decimal(_to_int(node, value)))
            if not _FLOAT_RX.match(value):
                raise _Refusal(node, "CTB005", f"{_short(value)} is not a number")
            return _number(node, _to_decimal(node, value))
        if tag == "tag:yaml.org,2002:bool":
            if not _BOOL_RX.match(value):
                raise _Refusal(node, "CTB005", f"{_short(value)} is not true or false")
            return value in ("true", "True", "TRUE")
        if tag == _NULL:
            if value not in _NULLS:
                raise _Refusal(node, "CTB005", f"{_short(value)} is not null")
            return None
        if tag == _TIMESTAMP:
            try:
                return _TIMESTAMPS.construct_yaml_timestamp(node)
            except (ValueError, TypeError, AttributeError, OverflowError):
                raise _Refusal(node, "CTB005", f"{_short(value)} is not a valid date or time") from None
        raise _Refusal(
            node,
            "CTB003",
            f"YAML tags that build objects are not allowed (could not determine a constructor for the tag {tag!r})",
        )


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _to_int(node: Any, value: str) -> int:
    text = value.replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    base = 8 if digits.startswith("0o") else 16 if digits.startswith("0x") else 10
    digits = digits[2:] if base != 10 else digits
    if not digits or len(digits) > MAX_INTEGER_DIGITS:
        raise _Refusal(node, "CTB005", f"{_short(value)} is out of range (at most {MAX_INTEGER_DIGITS} digits)")
    return sign * int(digits, base)


def _to_decimal(node: Any, value: str) -> Decimal:
    text = value.replace("_", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Refusal(node, "CTB005", f"{_short(value)} is not a number") from None
    return number


def _number(node: Any, number: int | Decimal) -> int | Decimal:
    """``number`` if it is within what ctb computes with, else a refusal naming the range."""
    as_decimal = Decimal(number)
    if not as_decimal:
        exponent = as_decimal.as_tuple().exponent
        return number if isinstance(exponent, int) and -MAX_FRACTION_DIGITS <= exponent <= 0 else Decimal(0)
    adjusted = as_decimal.adjusted()
    if -MAX_FRACTION_DIGITS <= adjusted < MAX_INTEGER_DIGITS:
        exponent = as_decimal.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent >= -MAX_FRACTION_DIGITS:
            return number
    raise _Refusal(
        node, "CTB005",
        f"{_short(node.value)} is out of range (at most {MAX_INTEGER_DIGITS} digits before the point, "
        f"{MAX_FRACTION_DIGITS} after)",
    )  # fmt: skip


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


class Locator:
    """Finds the line and column of a document path, parsing each file once.

    Uses libyaml's composer (node tree with positions, no construction): far
    quicker than a round-trip parse when thousands of files have something to
    report.
    """

    def __init__(self, texts: Mapping[str, bytes]) -> None:
        self._texts = texts  # read only for the files asked about
        self._docs: dict[str, Any] = {}
        self._index: dict[int, dict[str, tuple[Any, Any]]] = {}

    def _keys(self, node: Any) -> dict[str, tuple[Any, Any]]:
        """A mapping node's ``{key: (key node, value node)}``, built once: thousands of
        messages about one big mapping must not scan it thousands of times."""
        index = self._index.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, pyyaml.ScalarNode):
                    index.setdefault(key_node.value, (key_node, value_node))
            self._index[id(node)] = index
        return index

    def locate(self, path: str, loc: tuple[str | int, ...], at_key: bool = False) -> tuple[int, int]:
        node = self._doc(path)
        if node is None:
            return 1, 1
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        for depth, key in enumerate(loc):
            last = depth == len(loc) - 1
            found = None
            if isinstance(node, pyyaml.MappingNode):
                pair = self._keys(node).get(str(key))
                if pair is not None:
                    key_node, value_node = pair
                    scalar = isinstance(value_node, pyyaml.ScalarNode)
                    mark = value_node.start_mark if last and not at_key and scalar else key_node.start_mark
                    found = (value_node, mark)
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
            except (pyyaml.YAMLError, UnicodeDecodeError, RecursionError):
                self._docs[path] = None
        return self._docs[path]
