"""A merchant enters or scans a resident's code: the booking is completed, or the order handed
over. A code works once, and only for the merchant whose booking or order it is: another
merchant's code is "not found", the same as a code that does not exist, so codes cannot be probed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from listings.models import Listing
from listings.permissions import is_staff_of
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.errors import CodeAlreadyUsed, CodeNotFound
from marketplace.bookings.models import Booking
from marketplace.bookings.services import complete_booking
from marketplace.bookings.types import BookingState
from marketplace.codes import normalise_code
from marketplace.errors import FieldError, ValidationFailed
from marketplace.lifecycle import ActorRole, StateChanged, TransitionNotAllowed
from marketplace.orders.models import Order
from marketplace.orders.services import hand_over, move
from marketplace.orders.types import OrderState

if TYPE_CHECKING:
    from marketplace.city import City

NOT_FOUND = "no booking or order of yours has this code"


def _not_found() -> CodeNotFound:
    return CodeNotFound(f"code: {NOT_FOUND}", errors=[FieldError("code", NOT_FOUND)])


def _used() -> CodeAlreadyUsed:
    reason = "this code has already been used"
    return CodeAlreadyUsed(f"code: {reason}", errors=[FieldError("code", reason)])


def _not_allowed(reason: str) -> TransitionNotAllowed:
    # the state forbids it (cancelled, still held): a conflict with the state, not bad input
    return TransitionNotAllowed(f"code: {reason}", errors=[FieldError("code", reason)])


async def _mine(merchant: Account, listing_id: int) -> bool:
    listing = await Listing.get(id=listing_id)
    return await is_staff_of(merchant, listing.merchant_id)  # type: ignore[attr-defined]


async def redeem_code(
    city: City, merchant: Account, text: str, *, now: datetime | None = None
) -> Booking | Order:
    now = now or clock.now()
    code = normalise_code(text)
    if code is None:
        raise ValidationFailed.on("code", "is not a code: 8 letters and digits, as XXXX-XXXX")
    booking = await Booking.get_or_none(code=code)
    if booking is not None and await _mine(merchant, booking.listing_id):  # type: ignore[attr-defined]
        if booking.code_used_at is not None:
            raise _used()
        try:
            return await complete_booking(city, merchant, booking, now=now)
        except StateChanged:
            raise _used() from None
        except TransitionNotAllowed:
            raise _not_allowed(f"this booking is {booking.state}, not confirmed") from None
    order = await Order.get_or_none(code=code)
    if order is not None and await _mine(merchant, order.listing_id):  # type: ignore[attr-defined]
        if order.code_used_at is not None:
            raise _used()
        try:
            if order.state in (OrderState.CONFIRMED, OrderState.PREPARING):
                # handed over straight away: it was ready when the resident came
                if order.state == OrderState.CONFIRMED:
                    await move(order, OrderState.PREPARING, ActorRole.MERCHANT, merchant, now)
                await move(order, OrderState.READY, ActorRole.MERCHANT, merchant, now)
            return await hand_over(merchant, order, now=now)
        except StateChanged:
            raise _used() from None
        except TransitionNotAllowed:
            raise _not_allowed(f"this order is {order.state}") from None
    raise _not_found()


__all__ = ["BookingState", "redeem_code"]
