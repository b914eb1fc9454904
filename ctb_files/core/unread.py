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
:data:`UNCHECKED` lists the fields a clear reads but no check does (a
build's quantity, priority and dates, names); a test runs every check with
those made unreadable and absent.

:func:`light` reads off each model's compiled schema the values such a
field takes for certain (:class:`Shape`), so a comparison can tell a
changed file still loads without importing a model (:func:`takes`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

# top-level fields of each kind of file; each is the field's own name in the file (no alias)
UNREAD: dict[str, frozenset[str]] = {
    "part": frozenset({"notes", "description", "datasheet", "value", "symbol", "min_stock", "placeholder"}),
    "vendor": frozenset({"notes", "url"}),
    "project": frozenset({"description"}),
    "build": frozenset({"note"}),
    "stock": frozenset({"name"}),
}

#: fields no check reads, beyond :data:`UNREAD`; a clear reads them (a build's quantity, priority and
#: due date order and size its plans, names are printed), so only ``ctb check``'s answer stands when
#: they change (a test runs every check with them made unreadable)
UNCHECKED: dict[str, frozenset[str]] = {
    "part": frozenset({"name"}),
    "build": frozenset({"quantity", "priority", "due", "created_at", "cleared_at", "completed_at"}),
    "order": frozenset({"number", "expected", "currency", "created_at", "placed_at", "received_at"}),
    "project": frozenset({"name", "source", "bom_path", "bom_format"}),
    "package": frozenset({"name", "technology", "footprints"}),
    "vendor": frozenset({"api", "currency"}),
}


#: fields of the items a file lists that neither a check nor a clear reads, by kind of file: the list, and
#: the item's fields (a stock line's count is read by two checks, which a changed count cannot trouble when
#: it is whole and holds what builds reserved: ``storage/unread/counts.counts_only``; of a vendor part, a check
#: reads only the vendor, CTB203, and a clear nothing: its SKU, prices and the rest are for orders and
#: costing); tests run every check, and a clear of every open build, with them made unreadable
ITEM_UNREAD: dict[str, tuple[str, frozenset[str]]] = {
    "stock": ("lines", frozenset({"counted_at", "note"})),
    "part": (
        "vendor_parts",
        frozenset({
            "sku", "mpn", "manufacturer", "description", "url", "min_order", "multiple", "currency", "price_breaks",
            "availability", "lead_time", "fetched_at",
        }),
    ),
}  # fmt: skip


def item_light() -> dict[str, dict[str, Shape]]:
    """By kind, the fields of :data:`ITEM_UNREAD` whose values the item's record takes in a known shape."""
    from ctb_files.core.models.part import VendorPart
    from ctb_files.core.models.stock import StockLine

    records: dict[str, type] = {"stock": StockLine, "part": VendorPart}
    return {kind: record_fields(records[kind], names) for kind, (_, names) in ITEM_UNREAD.items()}


def new_line_fields() -> dict[str, Shape]:
    """The shapes of a stock line's fields besides its part and count, read off its record's schema."""
    import dataclasses

    from ctb_files.core.models.stock import StockLine

    names = [field.name for field in dataclasses.fields(StockLine) if field.name not in ("part", "quantity")]
    return record_fields(StockLine, names)


def new_part_fields() -> dict[str, Shape]:
    """Every field of a part file whose values its model takes in a known shape (a new part file whose other
    fields are absent, or hold what ``storage/unread`` reads by the id rule, loads without the model)."""
    from ctb_files.core.models.part import Part

    return light_fields(Part, Part.model_fields)


def new_build_fields() -> dict[str, Shape]:
    """Every field of a build file whose values its model takes in a known shape (a new build file that gives
    these and its project and version, each an id, loads without the model)."""
    from ctb_files.core.models.build import Build

    return light_fields(Build, Build.model_fields)


def new_order_fields() -> tuple[dict[str, Shape], dict[str, Shape]]:
    """Every field of an order file, and of one of its lines, whose values the model and the line's record take
    in a known shape (a status, a number, a currency, moments; a SKU, a count, a price, a received count).
    Its vendor, a line's part and the builds it is ``for`` are ids, read by the id rule."""
    import dataclasses

    from ctb_files.core.models.order import Order, OrderLine

    return light_fields(Order, Order.model_fields), record_fields(OrderLine, [f.name for f in dataclasses.fields(OrderLine)])


def new_bom_fields() -> tuple[dict[str, Shape], dict[str, Shape]]:
    """The shapes of a BOM file's ``source`` (where a sync took it from) and of a project's version entry
    besides its name, read off their models: what ``ctb project sync`` and a new version add."""
    from ctb_files.core.models.project import BomSource, ProjectVersion

    return light_fields(BomSource, BomSource.model_fields), light_fields(ProjectVersion, ProjectVersion.model_fields)


#: the fields of a BOM row that a sync writes and a check reads with no part in mind, or not at all: a row that
#: gives its line and these alone (each of its shape), and a known part or none, asks nothing of a check but
#: that its part be known and its line its own (``storage/unread/rows.rows_synced``); its unit, attrition, setup,
#: extension fields, flags, substitute and the rest each have a check of their own, or a clear's reading
ROW_FIELDS = (
    "line", "implicit", "refs", "quantity", "value", "footprint", "mpn", "manufacturer", "description", "skus",
    "fields", "missing", "optional", "dnp",
)  # fmt: skip


def row_defaults() -> dict[str, Any]:
    """Each other field of a BOM row (but its part) with the value it holds when left out, where that is null,
    false or empty: a row that gives it so is the row without it (a sync writes ``substitute: null`` and
    ``ext: {}``)."""
    import dataclasses

    from ctb_files.core.models.project import BomRow

    out: dict[str, Any] = {}
    for each in dataclasses.fields(BomRow):
        if each.name in ROW_FIELDS or each.name == "part":
            continue
        if each.default is not dataclasses.MISSING:
            value: Any = each.default
        elif each.default_factory is not dataclasses.MISSING:
            value = each.default_factory()
        else:
            continue
        if value is None or value is False or value == [] or value == {}:
            out[each.name] = value
    return out


def new_row_fields() -> dict[str, Shape]:
    """The shapes of a BOM row's :data:`ROW_FIELDS`, read off its record's schema; empty when it is not read so.

    The record's one validator of the whole row (``_needs_line``) leaves a row
    that gives its line, and neither ``vendor`` nor ``partnum``, as it is:
    the fields under it are read as :func:`record_fields` reads them.  Any
    other wrapping, or another validator, gives no shapes (such rows are
    validated).
    """
    from ctb_files.core.models.common import record_adapter
    from ctb_files.core.models.project import BomRow

    schema = record_adapter(BomRow).core_schema
    proxy = BomRow.__dict__.get("_needs_line")
    function = schema.get("function", {})
    if (
        schema.get("type") != "function-after"
        or not set(schema) <= _FUNCTION_KEYS | {"ref"}
        or function.get("type") != "no-info"
        or function.get("function") is not getattr(proxy, "wrapped", None)
    ):
        return {}
    fields = _record_fields(schema.get("schema", {}))
    if fields is None:
        return {}
    out: dict[str, Shape] = {}
    for name in ROW_FIELDS:
        shape = _shape(fields[name].get("schema", {})) if name in fields else None
        if shape is None:
            return {}  # every field a sync writes, or none
        out[name] = shape
    return out


def unread_by(command: str) -> dict[str, frozenset[str]]:
    """By kind, the top-level fields ``command`` (``"check"`` or ``"clear"``) never reads."""
    if command != "check":
        return dict(UNREAD)
    return {
        kind: UNREAD.get(kind, frozenset()) | UNCHECKED.get(kind, frozenset()) for kind in UNREAD.keys() | UNCHECKED.keys()
    }


class Shape(NamedTuple):
    """The values a field takes for certain, as far as they can be told without its model.

    ``type``: ``str`` (text of at least ``least`` characters, matching
    ``pattern`` when one is given), ``int`` (any
    whole number), ``bool``, ``date``, ``datetime``, ``literal`` (one of
    ``choices``), ``from`` (a whole number from ``least`` up), ``count`` (a
    whole number from ``least`` below ``below``),
    ``decimal`` (such a whole number, or the text of a plain decimal number
    from ``least`` below ``below``, as money is written: ``"0.45"``) or
    ``records`` (a list of records, each holding only the ``fields`` named,
    each of its shape) or ``texts`` (a list of texts) or ``textmap`` (a mapping of texts to texts).  ``required``: the field may not be left out;
    ``nullable``: it takes null.
    """

    type: str
    required: bool
    nullable: bool
    least: int = 0
    below: int = 0
    choices: tuple[str, ...] = ()
    fields: tuple[tuple[str, Shape], ...] = ()
    pattern: str = ""  # for ``str``: a pattern of plain letters, digits, classes and counts (:data:`_PLAIN_PATTERN`)


#: the shape of ``str | None = None``: any text, null, or nothing at all
ANY_TEXT = Shape("str", required=False, nullable=True)
# model-field keys that change nothing of how its value is read
_FIELD_KEYS = frozenset({"type", "schema", "metadata", "serialization_exclude"})
# dataclass-field keys that change nothing of how its value is read
_RECORD_FIELD_KEYS = frozenset({"type", "name", "schema", "init", "kw_only", "metadata"})
# keys of a validator function's schema that change nothing of what it takes
_FUNCTION_KEYS = frozenset({"type", "function", "schema", "serialization", "metadata"})


def light(command: str) -> dict[str, dict[str, Shape]]:
    """By kind, the fields ``command`` never reads whose values its model takes for certain in a known shape.

    A changed file whose data differ from their last clean version only in
    such fields, each now of its shape, loads without a problem as surely as
    it did then (:mod:`ctb_files.storage.unread` compares so without
    importing a model).
    """
    from ctb_files.core.models import KINDS

    return {kind: light_fields(KINDS[kind], names) for kind, names in unread_by(command).items()}


def text_fields(model: Any, names: Iterable[str]) -> frozenset[str]:
    """Those of ``names`` that ``model`` (a pydantic model class) takes as any text, null or absent."""
    return frozenset(name for name, shape in light_fields(model, names).items() if shape == ANY_TEXT)


def light_fields(model: Any, names: Iterable[str]) -> dict[str, Shape]:
    """Those of ``names`` whose values ``model`` (a pydantic model class) takes in a known :class:`Shape`.

    Read off the model's compiled schema, so the model stays the one home of
    what a field accepts: a field counts only when its schema is one of the
    plain shapes (text with at most a least length, a whole number, a date,
    a moment, one of some words; a quantity guarded only by validators that
    take whole numbers, :data:`~ctb_files.core.models.common.TAKES_WHOLE`),
    maybe optional or nullable, and its model has no validator of its own,
    no alias for the field and no setting that bounds or changes strings.
    """
    schema = model.__pydantic_core_schema__
    if schema.get("type") != "model":  # a validator of the whole model wraps its schema
        return {}
    config = schema.get("config", {})
    inner = schema.get("schema", {})
    if (
        schema.get("custom_init")
        or schema.get("root_model")
        or "post_init" in schema
        or any(str(key).startswith("str_") for key in config)
        or config.get("strict")
        or inner.get("type") != "model-fields"  # a validator run before the fields wraps them
    ):
        return {}
    fields = inner.get("fields", {})
    out: dict[str, Shape] = {}
    for name in names:
        field = fields.get(name)
        if field is None or not set(field) <= _FIELD_KEYS or field.get("type") != "model-field":
            continue
        shape = _shape(field.get("schema", {}))
        if shape is not None:
            out[name] = shape
    return out


def record_fields(record: type, names: Iterable[str]) -> dict[str, Shape]:
    """:func:`light_fields` of a slotted record (a dataclass a file holds by the thousand), read off its schema.

    Under the same conditions: no validator of the whole record, no
    ``__post_init__``, no alias, no setting that bounds or changes strings.
    """
    from ctb_files.core.models.common import record_adapter

    fields = _record_fields(record_adapter(record).core_schema)
    out: dict[str, Shape] = {}
    for name in names:
        field = fields.get(name) if fields is not None else None
        shape = _shape(field.get("schema", {})) if field is not None else None
        if shape is not None:
            out[name] = shape
    return out


def _record_fields(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]] | None:
    """A record's fields by name, each read the plain way (no alias, given at creation); None when the
    record is not read plainly (a validator of the whole record, a setting that bounds or changes strings)."""
    if schema.get("type") != "dataclass" or schema.get("post_init"):  # a whole-record validator wraps it
        return None
    config = schema.get("config", {})
    inner = schema.get("schema", {})
    if any(str(key).startswith("str_") for key in config) or config.get("strict") or inner.get("type") != "dataclass-args":
        return None
    return {
        field.get("name"): field
        for field in inner.get("fields", [])
        if set(field) <= _RECORD_FIELD_KEYS and field.get("type") == "dataclass-field" and field.get("init") is not False
    }


def _records(schema: dict[str, Any]) -> Shape | None:
    """The shape of a list of records, every field of which has a known shape; else None."""
    if set(schema) != {"type", "items_schema"}:  # a bound on its length
        return None
    record = schema["items_schema"]
    fields = _record_fields(record)
    if fields is None or [field.get("name") for field in record.get("schema", {}).get("fields", [])] != list(fields):
        return None  # a field read otherwise
    shapes = {name: _shape(field.get("schema", {})) for name, field in fields.items()}
    if any(shape is None for shape in shapes.values()):
        return None
    return Shape("records", True, False, fields=tuple((name, shape) for name, shape in shapes.items() if shape is not None))


def _shape(schema: dict[str, Any]) -> Shape | None:
    required, nullable = True, False
    if schema.get("type") == "default":
        plain = set(schema) == {"type", "schema", "default"}
        made = set(schema) == {"type", "schema", "default_factory", "default_factory_takes_data"}
        if not plain and not (made and schema["default_factory_takes_data"] is False):
            return None  # a validated default, a factory reading the data
        required, schema = False, schema["schema"]
    if schema.get("type") == "nullable":
        if set(schema) != {"type", "schema"}:
            return None
        nullable, schema = True, schema["schema"]
    kind, keys = schema.get("type"), set(schema)
    if kind == "str" and keys <= {"type", "min_length", "pattern", "metadata"} and _PLAIN_PATTERN.fullmatch(schema.get("pattern", "")):
        return Shape("str", required, nullable, least=schema.get("min_length", 0), pattern=schema.get("pattern", ""))
    if kind in ("int", "date", "bool") and keys == {"type"}:
        return Shape(kind, required, nullable)
    if kind == "int" and keys == {"type", "ge"} and type(schema["ge"]) is int:
        return Shape("from", required, nullable, least=schema["ge"])
    if kind == "datetime" and keys <= {"type", "microseconds_precision"}:
        return Shape("datetime", required, nullable)
    expected = schema.get("expected", ())
    if kind == "literal" and keys == {"type", "expected"} and all(type(word) is str for word in expected):
        return Shape("literal", required, nullable, choices=tuple(expected))
    if kind == "list" and keys == {"type", "items_schema"} and schema["items_schema"] == {"type": "str"}:
        return Shape("texts", required, nullable)
    text = {"type": "str"}
    if kind == "dict" and keys == {"type", "keys_schema", "values_schema"} and schema["keys_schema"] == text == schema["values_schema"]:
        return Shape("textmap", required, nullable)
    if kind == "list" and schema.get("items_schema", {}).get("type") == "dataclass":
        records = _records(schema)
        return records._replace(required=required, nullable=nullable) if records is not None else None
    bounds = _whole_bounds(schema)
    if bounds is not None:
        return Shape("decimal" if bounds[2] else "count", required, nullable, least=bounds[0], below=bounds[1])
    return None


def _whole_bounds(schema: dict[str, Any]) -> tuple[int, int, bool] | None:
    """For a decimal field guarded only by validators that take whole numbers: the least one it takes, its
    bound, and whether it takes plain decimal text too (every validator passes such text on, and the least
    is inclusive)."""
    from ctb_files.core.models.common import TAKES_DECIMAL_TEXT, TAKES_WHOLE

    text = True
    while schema.get("type") in ("function-before", "function-after"):
        function = schema.get("function", {})
        func = function.get("function")
        if not set(schema) <= _FUNCTION_KEYS or function.get("type") != "no-info":
            return None
        func = getattr(func, "__func__", func)
        if func not in TAKES_WHOLE:
            return None
        text = text and func in TAKES_DECIMAL_TEXT
        schema = schema.get("schema", {})
    if schema.get("type") != "decimal" or not set(schema) <= {"type", "ge", "gt", "lt", "allow_inf_nan", "metadata"}:
        return None
    if schema.get("allow_inf_nan", False) is not False:
        text = False  # "inf" is no plain decimal text, but leave such fields to the model
    low, high = schema.get("ge"), schema.get("lt")
    if "gt" in schema:
        text = False
        low = schema["gt"] + 1 if low is None else None
    if type(low) is not int or type(high) is not int or high <= low:
        return None
    return low, high, text


def takes(shape: Shape, present: bool, value: Any) -> bool:
    """Whether a field of ``shape`` surely takes ``value`` (``present``: given at all, else left out)."""
    if not present:
        return not shape.required
    if value is None:
        return shape.nullable
    kind = shape.type
    if kind == "str":
        if type(value) is not str or len(value) < shape.least or not _utf8(value):
            return False
        # a plain pattern reads alike in Python and in the validator's engine for printable ASCII text
        return not shape.pattern or (value.isascii() and value.isprintable() and re.fullmatch(shape.pattern, value) is not None)
    if kind == "int":
        return type(value) is int
    if kind == "from":
        return type(value) is int and value >= shape.least
    if kind == "bool":
        return type(value) is bool
    if kind == "date":
        return type(value) is date
    if kind == "datetime":
        return type(value) is datetime
    if kind == "literal":
        return type(value) is str and value in shape.choices
    if kind == "count":
        return type(value) is int and shape.least <= value < shape.below
    if kind == "decimal":
        if type(value) is int:
            return shape.least <= value < shape.below
        return type(value) is str and _DECIMAL_TEXT.fullmatch(value) is not None and shape.least <= Decimal(value) < shape.below
    if kind == "texts":
        return type(value) is list and all(type(item) is str and _utf8(item) for item in value)
    if kind == "textmap":
        return type(value) is dict and all(
            type(key) is str and type(item) is str and _utf8(key) and _utf8(item) for key, item in value.items()
        )
    if kind == "records":
        fields = dict(shape.fields)
        return type(value) is list and all(
            type(item) is dict
            and item.keys() <= fields.keys()
            and all(takes(field, name in item, item.get(name)) for name, field in fields.items())
            for item in value
        )
    return False


# a pattern whose meaning no engine reads otherwise: anchors, letters, digits, classes of them and counts
# (``^[A-Z]{3}$``, a currency code); none of ``.``, ``\``, groups, alternatives or flags
_PLAIN_PATTERN = re.compile(r"\^?(?:[A-Za-z0-9]|\[(?:[A-Za-z0-9]-[A-Za-z0-9]|[A-Za-z0-9])+\](?:\{[0-9]{1,3}(?:,[0-9]{0,3})?\})?)*\$?")


# plain decimal text, as money is written ("0.45", "12"): no sign, exponent, space or underscore
_DECIMAL_TEXT = re.compile(r"[0-9]{1,40}(\.[0-9]{1,40})?", re.ASCII)


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, as an escape in quotes can write
        return False
    return True
