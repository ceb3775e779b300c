"""Prices in major units to integer minor units and back, for 0-, 2- and 3-decimal currencies."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from listings.money import (
    MAX_MINOR_UNITS,
    currency_precision,
    minor_units_to_decimal,
    parse_price,
)
from marketplace.errors import FieldError, ValidationFailed


def refused(value: object, currency: str = "CNY", field: str = "price") -> FieldError:
    with pytest.raises(ValidationFailed) as caught:
        parse_price(value, currency=currency, field=field)
    assert len(caught.value.errors) == 1
    return caught.value.errors[0]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("38", 3800),
        ("38.5", 3850),
        ("38.50", 3850),
        ("38.500", 3850),  # trailing zeros below the fen are still exact
        ("0.01", 1),
        (".5", 50),
        ("5.", 500),
        ("  12.30 ", 1230),
        ("+7", 700),
        ("３８．５", 3850),  # full-width digits and point from an input method
        (38, 3800),
        (Decimal("38.5"), 3850),
        (Decimal("3.8E+1"), 3800),
        (38.5, 3850),
        (38.0, 3800),
        (0.1, 10),
        (0, 0),
        ("0", 0),
        ("-0", 0),
        ("0.00", 0),
        ("10000000000", MAX_MINOR_UNITS),
        ("10000000000.00", MAX_MINOR_UNITS),
    ],
)
def test_cny_accepts(value: object, expected: int) -> None:
    assert parse_price(value, currency="CNY") == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("-1", "must not be negative"),
        (-38, "must not be negative"),
        (Decimal("-0.01"), "must not be negative"),
        (-0.5, "must not be negative"),
        ("38.005", "has more than 2 decimal places for CNY"),
        ("38.0050", "has more than 2 decimal places for CNY"),
        (Decimal("1E-999999"), "has more than 2 decimal places for CNY"),
        (0.1 + 0.2, "has more than 2 decimal places for CNY"),
        (1e-7, "has more than 2 decimal places for CNY"),
        (38.005, "has more than 2 decimal places for CNY"),
        ("abc", "is not a number"),
        ("", "is not a number"),
        ("  ", "is not a number"),
        ("1,000", "is not a number"),
        ("1e3", "is not a number"),
        ("¥38", "is not a number"),
        ("38 元", "is not a number"),
        ("0x10", "is not a number"),
        ("--1", "is not a number"),
        ("١٢", "is not a number"),  # digits of another script are not read as a price
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        (Decimal("NaN"), "is not a number"),
        (Decimal("sNaN"), "is not a number"),
        (float("nan"), "is not a number"),
        (Decimal("Infinity"), "must be finite"),
        (float("inf"), "must be finite"),
        (float("-inf"), "must be finite"),
        (True, "is not a number"),
        (None, "is not a number"),
        ([38], "is not a number"),
        ("10000000000.01", "must be at most 10000000000.00 CNY"),
        (10**11, "must be at most 10000000000.00 CNY"),
        (1e20, "must be at most 10000000000.00 CNY"),
        (Decimal("1E+999999"), "must be at most 10000000000.00 CNY"),
    ],
)
def test_cny_refuses(value: object, reason: str) -> None:
    assert refused(value) == FieldError("price", reason)


def test_the_field_is_named_by_the_caller() -> None:
    assert refused("x", field="offerings[2].price") == FieldError(
        "offerings[2].price", "is not a number"
    )
    with pytest.raises(ValidationFailed, match=r"^offerings\[2\]\.price: must not be negative$"):
        parse_price("-1", currency="CNY", field="offerings[2].price")


def test_yen_has_no_minor_unit() -> None:
    assert currency_precision("JPY") == 0
    assert parse_price("1500", currency="JPY") == 1500
    assert parse_price("1500.0", currency="JPY") == 1500
    assert parse_price(1500.0, currency="JPY") == 1500
    assert refused("1500.5", "JPY").reason == "has more than 0 decimal places for JPY"
    assert parse_price("1000000000000", currency="JPY") == MAX_MINOR_UNITS
    assert refused("1000000000001", "JPY").reason == "must be at most 1000000000000 JPY"
    assert minor_units_to_decimal(1500, "JPY") == Decimal(1500)
    assert str(minor_units_to_decimal(1500, "JPY")) == "1500"


@pytest.mark.parametrize("currency", ["BHD", "KWD"])
def test_three_decimal_currencies(currency: str) -> None:
    assert currency_precision(currency) == 3
    assert parse_price("1.005", currency=currency) == 1005
    assert parse_price("1.5", currency=currency) == 1500
    assert parse_price("0.001", currency=currency) == 1
    assert refused("1.0005", currency).reason == f"has more than 3 decimal places for {currency}"
    assert refused("1000000000.001", currency).reason == (
        f"must be at most 1000000000.000 {currency}"
    )
    assert str(minor_units_to_decimal(1005, currency)) == "1.005"
    assert str(minor_units_to_decimal(5, currency)) == "0.005"


def test_minor_units_to_decimal_keeps_the_places() -> None:
    assert str(minor_units_to_decimal(3850, "CNY")) == "38.50"
    assert str(minor_units_to_decimal(0, "CNY")) == "0.00"
    assert str(minor_units_to_decimal(7, "CNY")) == "0.07"
    assert str(minor_units_to_decimal(-250, "CNY")) == "-2.50"  # refunds and adjustments
    assert minor_units_to_decimal(MAX_MINOR_UNITS, "CNY") == Decimal("10000000000")
    with pytest.raises(TypeError):
        minor_units_to_decimal(38.5, "CNY")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        minor_units_to_decimal(True, "CNY")


def test_unknown_currency_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown currency"):
        parse_price("1", currency="XYZ")
    with pytest.raises(ValueError, match="unknown currency"):
        minor_units_to_decimal(1, "cny")


@pytest.mark.parametrize("currency", ["CNY", "JPY", "KWD", "USD", "EUR"])
def test_round_trips(currency: str) -> None:
    rng = random.Random(f"money-{currency}")
    amounts = [0, 1, 9, 10, 99, 100, 101, MAX_MINOR_UNITS - 1, MAX_MINOR_UNITS]
    amounts += [rng.randrange(MAX_MINOR_UNITS + 1) for _ in range(500)]
    for amount in amounts:
        major = minor_units_to_decimal(amount, currency)
        assert parse_price(major, currency=currency) == amount
        assert parse_price(str(major), currency=currency) == amount
        assert minor_units_to_decimal(parse_price(str(major), currency=currency), currency) == major


def test_floats_round_trip_when_their_text_is_exact() -> None:
    rng = random.Random("money-floats")
    for _ in range(1000):
        amount = rng.randrange(10**9)  # below 2**53, where every cent value's text is exact
        text = str(minor_units_to_decimal(amount, "CNY"))
        assert parse_price(float(text), currency="CNY") == amount
