"""Cancellation: which policy applies, and the one rule that decides a refund.

Policies are the city's (`[cancellation]` in city.toml). Money is integer minor units.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from marketplace.bookings.errors import UnknownCancellationPolicy
from marketplace.city.schema import CancellationPolicy, City

__all__ = ["CancellationPolicy", "policy_for", "refund_amount"]


def policy_for(city: City, slug: str | None) -> CancellationPolicy:
    """The city's policy named `slug`; None means the city's default policy."""
    settings = city.cancellation
    chosen = settings.default_policy if slug is None else slug
    policy = settings.policies.get(chosen)
    if policy is None:
        known = ", ".join(settings.policies)
        raise UnknownCancellationPolicy(
            f"unknown cancellation policy {chosen!r}; this city has {known}"
        )
    return policy


def refund_amount(
    paid_minor: int,
    starts_at: datetime,
    cancelled_at: datetime,
    policy: CancellationPolicy,
    by_merchant: bool,
) -> int:
    """How much of `paid_minor` goes back to the resident when a booking is cancelled.

    - The merchant cancels: everything.
    - The resident cancels at least `free_until_hours` before `starts_at` (exactly that long
      before counts as in time): everything.
    - The resident cancels later, or after the start: everything but the late fee, which is
      `late_fee_percent` of `paid_minor` rounded *down* to the minor unit. So the refund is never
      less than the exact figure: 50 % of 3 fen is a fee of 1 fen and a refund of 2.
    """
    if isinstance(paid_minor, bool) or not isinstance(paid_minor, int) or paid_minor < 0:
        raise ValueError(f"paid_minor must be a non-negative integer, got {paid_minor!r}")
    for name, at in (("starts_at", starts_at), ("cancelled_at", cancelled_at)):
        if at.utcoffset() is None:
            raise ValueError(f"{name} must be timezone-aware")
    if by_merchant or starts_at - cancelled_at >= timedelta(hours=policy.free_until_hours):
        return paid_minor
    # the percent has at most 2 decimals (the city schema checks), so this is exact integer math
    hundredths = int(policy.late_fee_percent * 100)
    fee = paid_minor * hundredths // 10_000
    return paid_minor - fee
