"""A merchant enters or scans a resident's code: whatever purchase has it (a booking is
completed, an order handed over) is found by one look-up, codes being unique across kinds. A code
works once, and only for the merchant whose purchase it is: another merchant's code is "not
found", the same as a code that does not exist, so codes cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from marketplace import clock
from marketplace.accounts.models import Account

# importing the kinds registers them, so a code's row finds its kind
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.codes import normalise_code
from marketplace.errors import FieldError, ValidationFailed
from marketplace.lifecycle import StateChanged, TransitionNotAllowed
from marketplace.orders.kind import ORDERS
from marketplace.orders.models import Order
from marketplace.purchases import codes
from marketplace.purchases.access import is_merchants
from marketplace.purchases.errors import CodeAlreadyUsed, CodeNotFound

if TYPE_CHECKING:
    from marketplace.city import City

NOT_FOUND = "no booking or order of yours has this code"
KINDS = (BOOKINGS, ORDERS)


def _not_found() -> CodeNotFound:
    return CodeNotFound(f"code: {NOT_FOUND}", errors=[FieldError("code", NOT_FOUND)])


def _used() -> CodeAlreadyUsed:
    reason = "this code has already been used"
    return CodeAlreadyUsed(f"code: {reason}", errors=[FieldError("code", reason)])


def _not_allowed(reason: str) -> TransitionNotAllowed:
    # the state forbids it (cancelled, still held): a conflict with the state, not bad input
    return TransitionNotAllowed(f"code: {reason}", errors=[FieldError("code", reason)])


async def redeem_code(
    city: City, merchant: Account, text: str, *, now: datetime | None = None
) -> Booking | Order:
    now = now or clock.now()
    code = normalise_code(text)
    if code is None:
        raise ValidationFailed.on("code", "is not a code: 8 letters and digits, as XXXX-XXXX")
    found = await codes.find(code)
    if found is None:
        raise _not_found()
    kind, purchase = found
    if kind.redeem is None or not await is_merchants(merchant, purchase):
        raise _not_found()
    if purchase.code_used_at is not None:
        raise _used()
    try:
        redeemed: Any = await kind.redeem(city, merchant, purchase, now)
    except StateChanged:
        raise _used() from None
    except TransitionNotAllowed:
        raise _not_allowed(kind.not_redeemable(purchase)) from None
    return redeemed


__all__ = ["BookingState", "redeem_code"]
