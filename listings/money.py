"""Prices as people write them (major units) turned into integer minor units, and back.

Only integer and Decimal arithmetic is used: a binary float cannot hold 38.10 exactly, and a
price that drifts by a fen across a round trip is a bug someone pays for.

Accepted: int, Decimal and str amounts in major units ("38", "38.5", "38.50", full-width digits
from a Chinese input method, surrounding spaces). A float is accepted only if the text Python
prints for it (`str(38.5)` == "38.5") is exact at the currency's precision, so 38.5 is 3850 fen
while 0.1 + 0.2 (printed 0.30000000000000004) is refused rather than silently rounded.
Refused: negatives, bools, NaN and infinities, text with exponents ("1e3"), grouping ("1,000")
or currency signs, more decimals than the currency has, and more than MAX_MINOR_UNITS. Zero is a
price (a free trial lesson).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from babel.numbers import get_currency_precision, is_currency

from marketplace.errors import ValidationFailed

MAX_MINOR_UNITS = 10**12
_AMOUNT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)", re.ASCII)


def currency_precision(currency: str) -> int:
    """Decimal places of `currency`'s minor unit (CNY 2, JPY 0, KWD 3), from CLDR via babel."""
    # babel answers 2 for any unknown code; a typo in config must not pass as a currency
    if not is_currency(currency):
        raise ValueError(f"unknown currency {currency!r}")
    return get_currency_precision(currency)


def _decimal(value: object) -> Decimal | None:
    """The exact amount `value` stands for, or None when it is not a plain number."""
    if isinstance(value, bool):
        return None  # True is an int to Python but never a price
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # the shortest text that reads back as this float ("38.5", "1e-07", "nan"), read exactly
        return Decimal(str(value))
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        return Decimal(text) if _AMOUNT.fullmatch(text) else None
    return None


def parse_price(value: object, *, currency: str, field: str = "price") -> int:
    """`value` in major units of `currency` as integer minor units; ValidationFailed on `field`."""
    precision = currency_precision(currency)
    amount = _decimal(value)
    if amount is None:
        raise ValidationFailed.on(field, "is not a number")
    sign, digits, exponent = amount.as_tuple()
    if not isinstance(exponent, int):  # NaN and infinities carry a letter here
        raise ValidationFailed.on(field, "is not a number" if amount.is_nan() else "must be finite")
    coefficient = int("".join(map(str, digits)))
    if sign and coefficient:
        raise ValidationFailed.on(field, "must not be negative")
    if coefficient == 0:
        return 0
    # compare digit counts before scaling, so that 1E+999999 is refused without computing it
    if len(digits) + exponent > len(str(MAX_MINOR_UNITS)) - precision:
        raise ValidationFailed.on(field, _too_large(currency, precision))
    shift = exponent + precision
    if shift >= 0:
        minor = coefficient * 10**shift
    else:
        # more fractional digits than the currency has: fine only if the extra ones are zeros
        # ("38.500" is 3850 fen); a shift longer than the digits always leaves a remainder
        if -shift > len(digits):
            raise ValidationFailed.on(field, _too_precise(currency, precision))
        minor, rest = divmod(coefficient, 10**-shift)
        if rest:
            raise ValidationFailed.on(field, _too_precise(currency, precision))
    if minor > MAX_MINOR_UNITS:
        raise ValidationFailed.on(field, _too_large(currency, precision))
    return minor


def _too_precise(currency: str, precision: int) -> str:
    return f"has more than {precision} decimal places for {currency}"


def _too_large(currency: str, precision: int) -> str:
    return f"must be at most {_as_decimal(MAX_MINOR_UNITS, precision)} {currency}"


def _as_decimal(amount: int, precision: int) -> Decimal:
    sign = 1 if amount < 0 else 0
    digits = tuple(int(d) for d in str(abs(amount)))
    return Decimal((sign, digits, -precision))


def minor_units_to_decimal(amount: int, currency: str) -> Decimal:
    """Integer minor units as a Decimal in major units with the currency's places: 3850 -> 38.50."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amount must be an int of minor units")
    return _as_decimal(amount, currency_precision(currency))
