"""The platform's commission on a payment: the one function that turns a city's percent into
minor units, so Stripe's `application_fee_amount`, the ledger and the pages always agree.

Rounding: half up to the minor unit (1.5 fen -> 2 fen, 1.49 fen -> 1 fen). It is the rounding a
merchant gets when checking the fee with a calculator (四舍五入), it is symmetric around the
exact figure, so over many payments neither side gains, and it never depends on float
representation because the arithmetic is exact: the amount is an integer and the percent a
Decimal. The fee is always within 0 and the amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

from listings.types import Vertical

if TYPE_CHECKING:
    from marketplace.city import City

HUNDRED = Decimal(100)


def application_fee(amount_minor: int, percent: Decimal | int) -> int:
    """`percent` % of `amount_minor`, rounded half up to a whole minor unit."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int) or amount_minor < 0:
        raise ValueError(f"amount_minor must be a non-negative integer, got {amount_minor!r}")
    if isinstance(percent, bool) or not isinstance(percent, Decimal | int):
        raise ValueError(f"percent must be a Decimal (never a float), got {percent!r}")
    rate = Decimal(percent)
    if not rate.is_finite() or rate < 0 or rate > HUNDRED:
        raise ValueError(f"percent must be between 0 and 100, got {percent!r}")
    with localcontext() as exact_math:
        exact_math.prec = 60  # enough digits that no product of these inputs is ever rounded
        exact = Decimal(amount_minor) * rate / HUNDRED
        fee = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(max(fee, 0), amount_minor)


def fee_for(city: City, vertical: Vertical | str, amount_minor: int) -> int:
    """The city's commission for `vertical` on `amount_minor`."""
    return application_fee(amount_minor, city.commission[Vertical(vertical)])


def fee_refunded(fee: int, amount: int, refunded: int) -> int:
    """How much of `fee` goes back once `refunded` of `amount` has been refunded: the same
    share, rounded half up. Each refund returns the difference between this figure after and
    before it, so however a payment is refunded in parts, a full refund returns the whole fee
    and the parts always add up to this figure."""
    return share_refunded(fee, amount, refunded)


def share_refunded(share: int, amount: int, refunded: int) -> int:
    """`fee_refunded` for any party's share of a payment, a negative one (a platform subsidy)
    included: the share's part of `refunded`, rounded half away from zero, the whole share once
    everything is refunded. The merchant's share is not computed this way but takes the rest,
    so the shares given back always add up to the refund exactly."""
    if amount <= 0 or refunded <= 0:
        return 0
    if refunded >= amount:
        return share
    with localcontext() as exact_math:
        exact_math.prec = 60
        part = Decimal(share) * Decimal(refunded) / Decimal(amount)
        return int(part.quantize(Decimal(1), rounding=ROUND_HALF_UP))
