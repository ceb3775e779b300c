"""Cancellation policies from the city configuration, and the refund rule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from marketplace.bookings.cancellation import CancellationPolicy, policy_for, refund_amount
from marketplace.bookings.errors import UnknownCancellationPolicy
from marketplace.city import City, load_city

REFERENCE = Path(__file__).resolve().parents[2] / "cities" / "changzhou"
START = datetime(2026, 6, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(scope="module")
def city() -> City:
    return load_city(REFERENCE)


def policy(free_until_hours: int, late_fee_percent: str) -> CancellationPolicy:
    return CancellationPolicy(
        name={"en": "Test"},
        free_until_hours=free_until_hours,
        late_fee_percent=Decimal(late_fee_percent),
    )


class TestPolicyFor:
    def test_the_reference_city_policies(self, city: City) -> None:
        assert city.cancellation.hold_minutes == 10
        assert city.cancellation.reminder_hours == 24
        assert list(city.cancellation.policies) == ["flexible", "moderate", "strict"]
        strict = policy_for(city, "strict")
        assert (strict.free_until_hours, strict.late_fee_percent) == (48, Decimal(100))
        assert strict.display_name("zh-CN") == "严格"
        assert strict.display_name("en") == "Strict"

    def test_none_is_the_city_default(self, city: City) -> None:
        assert city.cancellation.default_policy == "moderate"
        assert policy_for(city, None) == policy_for(city, "moderate")

    def test_unknown_slug(self, city: City) -> None:
        with pytest.raises(UnknownCancellationPolicy) as caught:
            policy_for(city, "lenient")
        assert caught.value.code == "unknown_cancellation_policy"
        assert caught.value.status == 422
        assert caught.value.message == (
            "unknown cancellation policy 'lenient'; this city has flexible, moderate, strict"
        )


class TestRefund:
    moderate = policy(24, "50")

    def test_merchant_cancellation_refunds_everything_even_late(self) -> None:
        after_start = START + timedelta(hours=1)
        assert refund_amount(12_345, START, after_start, self.moderate, by_merchant=True) == 12_345
        strict = policy(48, "100")
        assert refund_amount(999, START, START, strict, by_merchant=True) == 999

    def test_exactly_at_the_boundary_is_free(self) -> None:
        at = START - timedelta(hours=24)
        assert refund_amount(10_000, START, at, self.moderate, by_merchant=False) == 10_000
        a_second_late = at + timedelta(seconds=1)
        assert refund_amount(10_000, START, a_second_late, self.moderate, False) == 5_000

    def test_early_is_free(self) -> None:
        assert refund_amount(10_000, START, START - timedelta(days=5), self.moderate, False) == (
            10_000
        )

    def test_after_the_start_pays_the_fee(self) -> None:
        later = START + timedelta(hours=3)
        assert refund_amount(10_000, START, later, self.moderate, False) == 5_000
        assert refund_amount(10_000, START, later, policy(48, "100"), False) == 0

    def test_zero_hours_free_until_the_start(self) -> None:
        lenient = policy(0, "30")
        assert refund_amount(1_000, START, START, lenient, False) == 1_000
        assert refund_amount(1_000, START, START + timedelta(seconds=1), lenient, False) == 700

    def test_instants_in_different_zones(self) -> None:
        at = (START - timedelta(hours=24)).astimezone(UTC)
        assert refund_amount(10_000, START, at, self.moderate, False) == 10_000

    @pytest.mark.parametrize(
        ("paid", "percent", "refund"),
        [
            (0, "50", 0),
            (1, "50", 1),  # fee 0.5 rounds down to 0
            (1, "100", 0),
            (3, "50", 2),  # fee 1.5 -> 1
            (999, "33.33", 667),  # fee 332.9667 -> 332
            (1_001, "12.5", 876),  # fee 125.125 -> 125
            (10_000, "0", 10_000),
            (10_000, "0.01", 9_999),
            (12_345, "100", 0),
            (7, "99.99", 1),  # fee 6.9993 -> 6
        ],
    )
    def test_late_fee_is_rounded_down(self, paid: int, percent: str, refund: int) -> None:
        late = START - timedelta(minutes=1)
        assert refund_amount(paid, START, late, policy(24, percent), by_merchant=False) == refund

    def test_fee_never_exceeds_the_exact_figure(self) -> None:
        late = START - timedelta(hours=1)
        for percent in ("1", "7.5", "33.33", "50", "66.67", "99.99"):
            rule = policy(24, percent)
            for paid in range(0, 2_000, 7):
                got = refund_amount(paid, START, late, rule, False)
                exact_refund = Decimal(paid) * (1 - Decimal(percent) / 100)
                assert exact_refund <= got < exact_refund + 1
                assert 0 <= got <= paid

    @pytest.mark.parametrize("paid", [-1, 1.5, True, "100"])
    def test_paid_must_be_minor_units(self, paid: object) -> None:
        with pytest.raises(ValueError, match="paid_minor"):
            refund_amount(paid, START, START, self.moderate, False)  # type: ignore[arg-type]

    def test_naive_times_are_refused(self) -> None:
        with pytest.raises(ValueError, match="cancelled_at must be timezone-aware"):
            refund_amount(100, START, datetime(2026, 6, 6, 9), self.moderate, False)
