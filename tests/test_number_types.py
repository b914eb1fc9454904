"""The number types of every file model: what they accept and the exact message for what they refuse.

The bounds are checked by pydantic's compiled decimal validator (they stand
before the validator that refuses strings and booleans); the messages are
the ones a user has always read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from ctb_files.core.models.common import Money, Percent, PositiveQuantity, Quantity

GE0 = "Input should be greater than or equal to 0"
BELOW = "Input should be less than 1000000000000000"
FINITE = "Input should be a finite number"
QUOTED = "Value error, a quantity is a number: write it without quotes"
BOOL = "Value error, a number is required, not true/false"


def _messages(kind: Any, value: object) -> list[str] | Decimal:
    try:
        return TypeAdapter(kind).validate_python(value)  # type: ignore[no-any-return]
    except ValidationError as exc:
        return [err["msg"] for err in exc.errors()]


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        (Quantity, 0, Decimal(0)),
        (Quantity, Decimal("2.5"), Decimal("2.5")),
        (Quantity, -1, [GE0]),
        (Quantity, Decimal("-1E-30"), [GE0]),
        (Quantity, 10**15, [BELOW]),
        (Quantity, 10**15 - 1, Decimal(10**15 - 1)),
        (Quantity, float("nan"), [FINITE]),
        (Quantity, Decimal("Infinity"), [FINITE]),
        (Quantity, "5", [QUOTED]),
        (Quantity, True, [BOOL]),
        (PositiveQuantity, 0, ["Input should be greater than 0"]),
        (PositiveQuantity, "1", [QUOTED]),
        (Percent, -5, Decimal(-5)),
        (Percent, -(10**15), ["Input should be greater than -1000000000000000"]),
        (Percent, Decimal("NaN"), [FINITE]),
        (Money, "0.45", Decimal("0.45")),
        (Money, -1, [GE0]),
        (Money, "inf", [FINITE]),
        (Money, False, [BOOL]),
    ],
)
def test_number_types(kind: Any, value: object, expected: object) -> None:
    assert _messages(kind, value) == expected


def test_whole_quantities_share_one_decimal_up_to_a_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal whole numbers validate to one Decimal object; the table of them never grows past its cap."""
    from ctb_files.core.models import common

    monkeypatch.setattr(common, "_DECIMALS", common.SharedValues(Decimal, cap=3))
    adapter = TypeAdapter(Quantity)
    first = [adapter.validate_python(n) for n in (5, 6, 7, 8, 9)]
    again = [adapter.validate_python(n) for n in (5, 6, 7, 8, 9)]
    assert first == again == [Decimal(n) for n in (5, 6, 7, 8, 9)]
    assert [a is b for a, b in zip(first, again, strict=True)] == [True, True, True, False, False]
    assert sorted(common._DECIMALS) == [5, 6, 7]
    # a refused number is refused with the same message as before
    assert _messages(PositiveQuantity, 0) == ["Input should be greater than 0"]
    assert _messages(Quantity, -1) == [GE0]
