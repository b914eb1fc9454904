"""Types shared by every file model: ids, quantities, money, the strict base."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from ctb_files.core.ids import ID_PATTERN, valid_id
from ctb_files.core.units import SharedValues, Unit, normalize

if TYPE_CHECKING:
    from pydantic import TypeAdapter

F = TypeVar("F", bound=Callable[..., Any])


def _check_id(value: str) -> str:
    if ".." in value:
        raise ValueError(f"id {value!r} may not contain '..'")
    return value


#: validators that take every whole number (a Python int, never a bool) as it is or as its Decimal: a
#: field they guard takes any whole number within its bounds, which a light comparison may then tell
#: without the model (``core/unread.light_fields``)
TAKES_WHOLE: set[Callable[..., Any]] = set()
#: validators that pass on every text of a plain decimal number (digits, maybe a point and more digits)
#: as it is: a decimal field they guard takes such text within its bounds (money written as "0.45")
TAKES_DECIMAL_TEXT: set[Callable[..., Any]] = set()


def takes_whole(func: F) -> F:
    """Mark ``func`` as a validator that takes every whole number (:data:`TAKES_WHOLE`)."""
    TAKES_WHOLE.add(func)
    return func


def takes_decimal_text(func: F) -> F:
    """Mark ``func`` as a validator that passes on every plain decimal text (:data:`TAKES_DECIMAL_TEXT`)."""
    TAKES_DECIMAL_TEXT.add(func)
    return func


@takes_whole
@takes_decimal_text
def _no_bool(value: Any) -> Any:
    # YAML ``yes``/``true`` must not sneak in as 1
    if isinstance(value, bool):
        raise ValueError("a number is required, not true/false")
    return value


# the Decimal of each whole number met, one object per value: a loaded stockroom holds hundreds of
# thousands of quantities (one per stock line, BOM row, reservation and take) and few distinct ones
_DECIMALS = SharedValues(Decimal)


@takes_whole
def _number(value: Any) -> Any:
    # quantities are YAML numbers: neither ``true`` (1) nor a quoted "5" passes as one
    if value.__class__ is int:  # what the reader makes of nearly every number
        return _DECIMALS[value]
    if value.__class__ is Decimal:
        return value
    if isinstance(value, str):
        raise ValueError("a quantity is a number: write it without quotes")
    return _no_bool(value)


def _serialize_decimal(value: Decimal | int) -> int | float:
    value = normalize(Decimal(value))
    return int(value) if value == value.to_integral_value() else float(value)


Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, description="file stem: letters, digits, . _ + - (max 80)"),
    AfterValidator(_check_id),
]

# bounds keep every sum and product well inside Decimal's 28 digits
LIMIT = 10**15

# what the schemas say of these types is what the validators above accept: a quantity is a
# YAML number, never a string; money is a decimal number or a string of one ("0.45").
# The bounds come before the validator that refuses strings and booleans, so that pydantic
# checks them in its compiled decimal validator, not in a Python function per value.
_DECIMAL_TEXT = r"^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)$"

Quantity = Annotated[
    Decimal,
    Field(ge=0, lt=LIMIT, allow_inf_nan=False),
    BeforeValidator(_number),
    PlainSerializer(_serialize_decimal, when_used="json"),
    WithJsonSchema({"type": "number", "minimum": 0, "exclusiveMaximum": LIMIT}),
]

# a percent a person writes (attrition); a negative one is a check error (CTB405), not a schema error,
# so that it is reported with its own code
Percent = Annotated[
    Decimal,
    Field(gt=-LIMIT, lt=LIMIT, allow_inf_nan=False),
    BeforeValidator(_number),
    PlainSerializer(_serialize_decimal, when_used="json"),
    WithJsonSchema({"type": "number", "exclusiveMinimum": -LIMIT, "exclusiveMaximum": LIMIT}),
]

PositiveQuantity = Annotated[
    Decimal,
    Field(gt=0, lt=LIMIT, allow_inf_nan=False),
    BeforeValidator(_number),
    PlainSerializer(_serialize_decimal, when_used="json"),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": LIMIT}),
]

Money = Annotated[
    Decimal,
    Field(ge=0, lt=LIMIT, allow_inf_nan=False, description="decimal amount; write it as a string"),
    BeforeValidator(_no_bool),
    PlainSerializer(lambda v: str(v), when_used="json"),
    WithJsonSchema({
        "anyOf": [
            {"type": "number", "minimum": 0, "exclusiveMaximum": LIMIT},
            {"type": "string", "pattern": _DECIMAL_TEXT, "maxLength": 40},
        ],
        "description": "decimal amount; write it as a string",
    }),  # fmt: skip
]

Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 code")]

__all__ = [
    "RECORD", "TAKES_DECIMAL_TEXT", "TAKES_WHOLE", "Currency", "Id", "Money", "PositiveQuantity", "Quantity", "Strict", "Unit", "record_adapter",
    "share_given", "takes_decimal_text", "takes_whole", "valid_id",
]  # fmt: skip


class Strict(BaseModel):
    """Base of every file model: unknown keys are errors, no coercion surprises."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, validate_default=False, defer_build=True)


#: the rules of :class:`Strict` for the slotted dataclasses a file holds by the hundred thousand
#: (``__pydantic_config__ = RECORD``): what pydantic validates them with
RECORD = ConfigDict(extra="forbid", populate_by_name=True, validate_default=False)


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def record_adapter(record: type[Any]) -> TypeAdapter[Any]:
    """What validates and dumps one record (a slotted dataclass, :data:`RECORD`) on its own; made once per type."""
    made = _ADAPTERS.get(record)
    if made is None:
        from pydantic import TypeAdapter  # here: most commands never validate a record on its own

        made = _ADAPTERS[record] = TypeAdapter(record)
    return made


# one set of given names per distinct set: see :func:`share_given`
_GIVEN: dict[frozenset[str], set[str]] = {}


def share_given(models: Iterable[BaseModel]) -> None:
    """Let models given the same names share one set of them.

    pydantic keeps, per instance, the set of field names the input gave
    (about 220 bytes), for ``exclude_unset`` dumps that ctb never makes.  A
    stockroom holds BOM rows and order lines by the thousand, nearly all
    given the same names: one set serves them all, for about 0.2 µs a model
    (less when a model is given the names of the one before it, the common
    case).  What it holds by the hundred thousand are slotted dataclasses
    (:data:`RECORD`), with no such set.  Only for models whose given names
    nothing changes once validated (nothing assigns to them).  The table is
    bounded: its keys are sets of field names.
    """
    table = _GIVEN
    last: set[str] | None = None  # the set the model before was given (or now shares)
    for model in models:
        given = model.__pydantic_fields_set__
        if given is last:
            continue
        if given == last:
            object.__setattr__(model, "__pydantic_fields_set__", last)
            continue
        key = frozenset(given)
        shared = table.get(key)
        if shared is None:
            table[key] = shared = given
        elif shared is not given:
            object.__setattr__(model, "__pydantic_fields_set__", shared)
        last = shared
