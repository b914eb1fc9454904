"""Localized price strings become exact Decimals and ISO currency codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctb_files.vendors.prices import parse_price


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$0.106", "0.106", "USD"),
        ("0,106 €", "0.106", "EUR"),
        ("1.234,56 €", "1234.56", "EUR"),
        ("€1,234.56", "1234.56", "EUR"),
        ("£0.10", "0.10", "GBP"),
        ("¥12", "12", "JPY"),
        ("¥32.8", "32.8", "JPY"),
        ("12,50 kr", "12.50", None),
        ("0.106 USD", "0.106", "USD"),
        ("USD 0.106", "0.106", "USD"),
        ("CHF 1'234.50", "1234.50", "CHF"),
        ("1 234,56 €", "1234.56", "EUR"),  # no-break space grouping
        ("1\u202f234,56 €", "1234.56", "EUR"),  # narrow no-break space (fr-FR)
        ("$1,234,567.89", "1234567.89", "USD"),
        ("1.234.567 €", "1234567", "EUR"),
        ("₹1,23,456.00", "123456.00", "INR"),
        ("0,10 zł", "0.10", "PLN"),
        ("  $0.00455  ", "0.00455", "USD"),
        ("0.1065", "0.1065", None),
        ("1,23 $", "1.23", "USD"),  # fr-CA style: not three digits, so a decimal
    ],
)
def test_localized_prices(text: str, amount: str, currency: str | None) -> None:
    value, code = parse_price(text)
    assert isinstance(value, Decimal)
    assert str(value) == amount  # exact digits, trailing zeros kept
    assert code == currency


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # a lone mark before exactly three digits: the currency decides
        ("$1,234", "1234"),  # comma is not the dollar's decimal mark: thousands
        ("$1.234", "1.234"),  # point is: a decimal
        ("1,234 €", "1.234"),  # comma is the euro's decimal mark
        ("1.234 €", "1234"),  # point is not: thousands
        ("1,234", "1.234"),  # no currency: a decimal
        ("1.234", "1.234"),
        ("$0,106", "0.106"),  # a zero integer part never has thousands after it
    ],
)
def test_lone_separator_before_three_digits(text: str, amount: str) -> None:
    assert str(parse_price(text)[0]) == amount


def test_default_currency_fills_in_and_sets_the_convention() -> None:
    assert parse_price("1,234", default_currency="USD") == (Decimal("1234"), "USD")
    assert parse_price("1,234", default_currency="EUR") == (Decimal("1.234"), "EUR")
    # a currency written in the text wins over the default
    assert parse_price("£2.50", default_currency="USD") == (Decimal("2.50"), "GBP")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "€",
        "see website",
        "1,2,3",
        "1,2345,678",
        "1.234,567,8",
        "$ 1 €",
        "12 widgets",
        "-$1.00",
    ],
)
def test_unreadable_prices_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        parse_price(text)


def test_never_float() -> None:
    value, _ = parse_price("$0.1")
    assert value + value + value == Decimal("0.3")
