"""``to_json`` writes exactly what ``json.dumps(plain(doc), indent=2, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ctb_files.core.models.build import Reservation, Take
from ctb_files.render.table import plain, to_json


def reference(doc: Any) -> str:
    return json.dumps(plain(doc), indent=2, ensure_ascii=False)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9),
    st.text(),
    st.dates(),
    st.datetimes(timezones=st.just(UTC)),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.one_of(st.text(), st.integers()), inner, max_size=4),
    ),
    max_leaves=30,
)


@settings(max_examples=400, deadline=None)
@given(documents)
def test_the_same_text_as_the_json_module(doc: Any) -> None:
    assert to_json(doc) == reference(doc)


def test_models_sets_and_special_numbers() -> None:
    take = Take(location="shelf", part="r-10k", bin="A3", quantity=Decimal("2.50"))
    doc = {
        "builds": [{"id": "b1", "reservations": [Reservation(part="r-10k", quantity=Decimal(5), lines=[1, 2], take=[take])]}],
        "empty": {}, "none": [], "set": {3}, "when": datetime(2026, 12, 4, 18, 0, tzinfo=UTC), "day": date(2026, 1, 2),
        "nan": float("nan"), "inf": float("-inf"), "unicode": "µF ✓ \"quoted\" \n",
    }  # fmt: skip
    assert to_json(doc) == reference(doc)
    assert '"quantity": 2.5' in to_json(doc)


def test_what_json_refuses_is_refused_the_same_way() -> None:
    for bad in (object(), {"x": [object()]}):
        try:
            reference(bad)
        except TypeError as exc:
            expected = str(exc)
        else:  # pragma: no cover - json refuses these
            raise AssertionError("json accepted it")
        try:
            to_json(bad)
        except TypeError as exc:
            assert str(exc) == expected
        else:
            raise AssertionError("to_json accepted it")
