"""Models: ids, quantities, units, money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from ctb_files.core.models import Build, Order, Part, StockLine
from ctb_files.core.units import convert, family

stock_line = TypeAdapter(StockLine).validate_python  # a slotted dataclass: validated as the loader does


@pytest.mark.parametrize("bad", ["..", "a..b", "a/b", "a\\b", "-x", "", "x" * 81, "a b"])
def test_ids_that_could_escape_are_rejected(bad: str) -> None:
    with pytest.raises(ValidationError):
        stock_line({"part": bad, "quantity": 1})


@pytest.mark.parametrize("good", ["r-0805-10k", "TL074.dip", "a+b_c", "9"])
def test_ids_accepted(good: str) -> None:
    assert stock_line({"part": good, "quantity": 1}).part == good


def test_quantities_are_decimal_and_not_negative_or_bool() -> None:
    assert stock_line({"part": "a", "quantity": Decimal("2.5")}).quantity == Decimal("2.5")
    for bad in (-1, True, "nan", float("inf"), 10**15):
        with pytest.raises(ValidationError):
            stock_line({"part": "a", "quantity": bad})


def test_build_quantity_whole_units() -> None:
    with pytest.raises(ValidationError, match="whole number"):
        Build.model_validate({"project": "p", "version": "v", "quantity": Decimal("1.5")})


def test_order_for_alias_round_trips() -> None:
    order = Order.model_validate({"vendor": "m", "lines": [{"part": "p", "quantity": 10, "for": {"b1": 2}}]})
    assert order.lines[0].for_ == {"b1": Decimal(2)}
    assert order.model_dump(mode="json", by_alias=True, exclude_defaults=True) == {
        "vendor": "m",
        "lines": [{"part": "p", "quantity": 10, "for": {"b1": 2}}],
    }


def test_unknown_unit_rejected() -> None:
    with pytest.raises(ValidationError):
        Part.model_validate({"name": "x", "unit": "inch"})


@pytest.mark.parametrize(
    ("qty", "src", "dst", "expected"),
    [("500", "mm", "m", "0.5"), ("3", "km", "m", "3000"), ("250", "mL", "L", "0.25"), ("1.5", "kg", "g", "1500"), ("1", "m3", "L", "1000")],
)
def test_unit_conversion_is_exact(qty: str, src: str, dst: str, expected: str) -> None:
    assert convert(Decimal(qty), src, dst) == Decimal(expected)
    assert str(convert(Decimal(qty), src, dst)) == expected


def test_conversion_across_families_refused() -> None:
    assert family("mL") == "volume"
    with pytest.raises(ValueError, match="cannot convert m"):
        convert(Decimal(1), "m", "g")


def test_every_cli_module_is_reachable_from_a_command() -> None:
    import pkgutil

    import ctb_files.cli as cli_pkg

    # app: the group itself; quick: the stored answer of a plain check, asked before click
    modules = {info.name for info in pkgutil.iter_modules(cli_pkg.__path__)} - {"app", "quick"}
    from ctb_files.cli.bom import MODULES as BOM_MODULES  # ctb build and ctb bom load their subcommands lazily
    from ctb_files.cli.buildgroup import MODULES as BUILD_MODULES

    listed = {module for modules_ in cli_pkg.COMMANDS.values() for module in modules_}
    listed |= set(BUILD_MODULES) | set(BOM_MODULES)
    assert modules == listed


def test_normalize_keeps_one_normal_form_per_value_and_a_zero_its_sign(monkeypatch: pytest.MonkeyPatch) -> None:
    """Equal values share one normal form, asked once each; zeros are not kept; the table stops at its cap."""
    from ctb_files.core import units

    monkeypatch.setattr(units, "_NORMAL", units.SharedValues(units._normal_form, cap=4))
    texts = ["6.0", "6", "2.50", "2.5", "-0", "0", "0.000", "1E+2", "-3.10", "100", "7", "8.00"]
    first = [units.normalize(Decimal(t)) for t in texts]
    again = [units.normalize(Decimal(t)) for t in texts]
    expected = ["6", "6", "2.5", "2.5", "-0", "0", "0", "100", "-3.1", "100", "7", "8"]
    assert [str(v) for v in first] == [str(v) for v in again] == expected
    assert first[0] is first[1] is again[0]  # 6.0 and 6: one entry
    assert first[7] is first[9]  # 1E+2 and 100
    assert sorted(map(str, units._NORMAL)) == ["-3.10", "1E+2", "2.50", "6.0"]  # the first four values met
    assert units._NORMAL[Decimal("6")] is first[0]
