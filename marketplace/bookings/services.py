"""The verbs of a booking after it is held: confirm, cancel, no-show, expire, remind (completing
by the resident's code, with the money due at the store, is `marketplace.redeem`'s). Each is
one transaction that moves the state through the purchase kernel (`marketplace.purchases`,
which refuses what is not allowed, loses races cleanly, gives capacity back when the new state
releases it, records who did it and tells both parties); what is particular to bookings is
declared in `kind`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings import notices
from marketplace.bookings.holds import hold_booking
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState, PaymentMode
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole
from marketplace.notices.services import atomic
from marketplace.purchases import access, engine, verbs

if TYPE_CHECKING:
    from marketplace.city import City

__all__ = [
    "cancel_booking",
    "confirm_booking",
    "expire_holds",
    "hold_booking",
    "mark_no_show",
    "role_of",
    "send_reminders",
]


async def role_of(actor: Account, booking: Booking) -> ActorRole:
    """How `actor` relates to `booking`; somebody else's booking is simply not found."""
    return await access.role_of(BOOKINGS, actor, booking)


async def get_booking(actor: Account, booking_id: int) -> tuple[Booking, ActorRole]:
    return await access.get_purchase(BOOKINGS, actor, booking_id)


async def move(
    city: City,
    booking: Booking,
    target: BookingState,
    role: ActorRole,
    actor: Account | None,
    now: datetime,
    *,
    reason: str | None = None,
    extra: dict[str, object] | None = None,
    **notice: object,
) -> Booking:
    """One transition, with what goes with it, in one transaction (`marketplace.purchases`);
    `notice` adds to what the parties are told (`refund`: the amount as shown)."""
    return await engine.move(
        BOOKINGS,
        booking,
        target,
        role,
        actor,
        now,
        reason=reason,
        extra=extra,
        notice={"timezone": city.timezone, **notice},
    )


async def confirm_booking(
    city: City,
    resident: Account,
    booking_id: int,
    payment_mode: PaymentMode | str,
    *,
    now: datetime | None = None,
) -> Booking:
    """Pay at the store (confirmed now; a free booking too, whatever the mode), or online: held
    until checkout starts the payment (`marketplace.purchases.verbs.confirm`)."""
    booking: Booking = await verbs.confirm(
        BOOKINGS, city, resident, booking_id, payment_mode, now=now
    )
    return booking


async def cancel_booking(
    city: City,
    actor: Account,
    booking_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """The resident or the merchant cancels; the refund due follows the agreed policy."""
    cancelled, _role = await verbs.cancel(BOOKINGS, city, actor, booking_id, reason=reason, now=now)
    return cancelled


async def mark_no_show(
    city: City, merchant: Account, booking_id: int, *, now: datetime | None = None
) -> Booking:
    now = now or clock.now()
    booking, role = await get_booking(merchant, booking_id)
    if booking.starts_at > now:
        raise ValidationFailed.on("booking", "can be marked a no-show only once it has started")
    return await move(city, booking, BookingState.NO_SHOW, role, merchant, now)


async def expire_holds(city: City, *, now: datetime | None = None) -> int:
    """Release every hold past its time, each exactly once; returns how many expired."""
    return await verbs.expire(BOOKINGS, city, now=now)


async def send_reminders(city: City, *, now: datetime | None = None) -> int:
    """Remind residents of confirmed bookings starting within the city's reminder window, once."""
    now = now or clock.now()
    horizon = now + timedelta(hours=city.cancellation.reminder_hours)
    due = await Booking.filter(
        state=BookingState.CONFIRMED, reminded_at=None, starts_at__gt=now, starts_at__lte=horizon
    )
    sent = 0
    for booking in due:
        async with atomic():
            claimed = await Booking.filter(id=booking.id, reminded_at=None).update(reminded_at=now)
            if claimed:
                await notices.reminder(booking, city.timezone)
                sent += 1
    return sent
