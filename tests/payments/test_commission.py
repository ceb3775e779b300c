"""The commission in minor units: half up to the minor unit, exact, within 0 and the amount."""

from __future__ import annotations

from decimal import Decimal

import pytest

from listings.types import Vertical
from payments.commission import application_fee, fee_for, fee_refunded


@pytest.mark.parametrize(
    ("amount", "percent", "fee"),
    [
        (12000, "12", 1440),  # 120 yuan of housekeeping at 12 %: exact
        (1500, "5", 75),
        (10, "5", 1),  # 0.5 fen: half rounds up
        (9, "5", 0),  # 0.45 fen: down
        (30, "5", 2),  # 1.5 fen: up (half up, not to even)
        (50, "5", 3),  # 2.5 fen: up (half even would give 2)
        (1, "49.99", 0),  # 0.4999 fen
        (1, "50", 1),  # 0.5 fen
        (3, "33.33", 1),  # 0.9999 fen
        (999_999, "6", 60000),  # 59 999.94
        (1234, "12.5", 154),  # 154.25
        (1236, "12.5", 155),  # 154.5: up
        (0, "12", 0),
        (100, "0", 0),
        (100, "100", 100),
        (10**15 + 1, "10", 10**14),  # large amounts stay exact: 1e14 + 0.1
        (7, "0.01", 0),
    ],
)
def test_rounding_table(amount: int, percent: str, fee: int) -> None:
    assert application_fee(amount, Decimal(percent)) == fee


def test_fee_is_within_zero_and_the_amount() -> None:
    for amount in range(0, 400):
        for percent in ("0", "0.01", "6", "12.5", "33.33", "99.99", "100"):
            fee = application_fee(amount, Decimal(percent))
            assert 0 <= fee <= amount
            exact = Decimal(amount) * Decimal(percent) / 100
            assert abs(Decimal(fee) - exact) <= Decimal("0.5")


@pytest.mark.parametrize(
    ("amount", "percent"),
    [
        (-1, Decimal(5)),
        (1.5, Decimal(5)),
        (True, Decimal(5)),
        (100, 5.0),
        (100, Decimal(101)),
        (100, Decimal(-1)),
        (100, Decimal("NaN")),
    ],
)
def test_refuses_floats_and_out_of_range(amount: object, percent: object) -> None:
    with pytest.raises(ValueError):
        application_fee(amount, percent)  # type: ignore[arg-type]


def test_fee_for_uses_the_citys_commission_per_vertical(city) -> None:
    assert city.commission[Vertical.HOUSEKEEPING] == Decimal("12.0")
    assert fee_for(city, Vertical.HOUSEKEEPING, 12000) == 1440
    assert fee_for(city, "restaurant", 8850) == 531  # 6 % of 88.50 = 5.31
    assert fee_for(city, Vertical.SHOP, 3000) == 150


@pytest.mark.parametrize(
    ("fee", "amount", "refunded", "back"),
    [
        (1440, 12000, 12000, 1440),
        (1440, 12000, 3334, 400),  # 400.08
        (1440, 12000, 0, 0),
        (75, 1500, 10, 1),  # 0.5: half up
        (75, 1500, 9, 0),  # 0.45
        (0, 1500, 1500, 0),
    ],
)
def test_the_commission_share_of_a_refund(fee: int, amount: int, refunded: int, back: int) -> None:
    assert fee_refunded(fee, amount, refunded) == back


def test_refunds_in_parts_return_the_whole_fee() -> None:
    fee, amount = application_fee(9999, Decimal("12.5")), 9999
    before, returned = 0, 0
    for part in (1, 333, 3000, 2, 6663):
        returned += fee_refunded(fee, amount, before + part) - fee_refunded(fee, amount, before)
        before += part
    assert before == amount and returned == fee
