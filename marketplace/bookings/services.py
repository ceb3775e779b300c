"""The verbs of a booking after it is held: confirm, cancel, complete by code, no-show, expire,
remind. Each is one transaction that moves the state (through `marketplace.lifecycle`, which
refuses what is not allowed and loses races cleanly), gives capacity back when the new state
releases it, records who did it and tells both parties.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from babel.numbers import format_currency
from tortoise.expressions import F

from listings.models import Listing
from listings.money import minor_units_to_decimal
from listings.permissions import is_staff_of
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings import notices
from marketplace.bookings.cancellation import policy_for, refund_amount
from marketplace.bookings.errors import BookingNotFound, HoldExpired
from marketplace.bookings.holds import hold_booking
from marketplace.bookings.models import Booking, BookingEvent, Slot
from marketplace.bookings.types import (
    BOOKING_MACHINE,
    RELEASING,
    BookingState,
    PaymentMode,
    payment_mode_for,
)
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole, StateChanged, advance
from marketplace.notices.services import atomic

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
    if booking.resident_id == actor.id:  # type: ignore[attr-defined]
        return ActorRole.RESIDENT
    listing = await Listing.get(id=booking.listing_id)  # type: ignore[attr-defined]
    if await is_staff_of(actor, listing.merchant_id):  # type: ignore[attr-defined]
        return ActorRole.MERCHANT
    raise BookingNotFound("No such booking.")


async def get_booking(actor: Account, booking_id: int) -> tuple[Booking, ActorRole]:
    booking = await Booking.get_or_none(id=booking_id)
    if booking is None:
        raise BookingNotFound("No such booking.")
    return booking, await role_of(actor, booking)


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
    refund: str | None = None,
) -> Booking:
    """One transition, with what goes with it, in one transaction."""
    from_state = booking.state
    async with atomic():
        await advance(BOOKING_MACHINE, Booking, booking, target, role, at=now, extra=extra)
        if target in RELEASING:
            await Slot.filter(id=booking.slot_id).update(  # type: ignore[attr-defined]
                taken=F("taken") - booking.party_size
            )
        await BookingEvent.create(
            booking=booking,
            from_state=from_state,
            to_state=target,
            actor=actor,
            actor_role=role,
            reason=reason,
            at=now,
        )
        await notices.booking_changed(booking, city.timezone, refund)
    return booking


def _expired(booking: Booking, now: datetime) -> bool:
    return booking.hold_expires_at is not None and booking.hold_expires_at <= now


async def confirm_booking(
    city: City,
    resident: Account,
    booking_id: int,
    payment_mode: PaymentMode | str,
    *,
    now: datetime | None = None,
) -> Booking:
    """Pay at the store (confirmed now; a free booking too, whatever the mode). Online, the
    booking stays held: paying starts at checkout (`payments.start_payment`), the one path to
    pending payment, which the payments core takes through this kind's adapter."""
    now = now or clock.now()
    booking, role = await get_booking(resident, booking_id)
    if role is not ActorRole.RESIDENT:
        raise BookingNotFound("No such booking.")
    mode = payment_mode_for(payment_mode, city.payments.providers)
    if booking.state == BookingState.HELD and _expired(booking, now):
        await move(city, booking, BookingState.EXPIRED, ActorRole.SYSTEM, None, now)
        raise HoldExpired("this hold has expired and its place was released; book again")
    free = booking.amount == 0
    if mode is PaymentMode.PAY_AT_STORE or free:
        return await move(
            city,
            booking,
            BookingState.CONFIRMED,
            ActorRole.RESIDENT,
            resident,
            now,
            extra={"payment_mode": mode.value, "hold_expires_at": None},
        )
    return booking


def _paid(booking: Booking) -> int:
    """What the resident has paid online for this booking (pay-at-store pays nothing ahead)."""
    if booking.payment_mode == PaymentMode.ONLINE and booking.state == BookingState.CONFIRMED:
        return booking.amount
    return 0


async def cancel_booking(
    city: City,
    actor: Account,
    booking_id: int,
    *,
    reason: str | None = None,
    now: datetime | None = None,
) -> Booking:
    """The resident or the merchant cancels; the refund due follows the agreed policy."""
    now = now or clock.now()
    booking, role = await get_booking(actor, booking_id)
    by_merchant = role is ActorRole.MERCHANT
    target = (
        BookingState.CANCELLED_BY_MERCHANT if by_merchant else BookingState.CANCELLED_BY_RESIDENT
    )
    policy = policy_for(city, booking.cancellation_policy)
    due = refund_amount(_paid(booking), booking.starts_at, now, policy, by_merchant)
    amount = minor_units_to_decimal(due, city.currency)
    shown = format_currency(amount, city.currency, locale="zh_CN") if due else None
    return await move(
        city,
        booking,
        target,
        role,
        actor,
        now,
        reason=(reason or "").strip()[:300] or None,
        extra={"refund_due": due, "hold_expires_at": None},
        refund=shown,
    )


async def mark_no_show(
    city: City, merchant: Account, booking_id: int, *, now: datetime | None = None
) -> Booking:
    now = now or clock.now()
    booking, role = await get_booking(merchant, booking_id)
    if booking.starts_at > now:
        raise ValidationFailed.on("booking", "can be marked a no-show only once it has started")
    return await move(city, booking, BookingState.NO_SHOW, role, merchant, now)


async def complete_booking(
    city: City, merchant: Account, booking: Booking, *, now: datetime | None = None
) -> Booking:
    """Called by `marketplace.redeem` once the resident's code matched."""
    now = now or clock.now()
    return await move(
        city,
        booking,
        BookingState.COMPLETED,
        ActorRole.MERCHANT,
        merchant,
        now,
        extra={"code_used_at": now},
    )


async def expire_holds(city: City, *, now: datetime | None = None) -> int:
    """Release every hold past its time, each exactly once; returns how many expired."""
    now = now or clock.now()
    due = await Booking.filter(
        state__in=[BookingState.HELD, BookingState.PENDING_PAYMENT], hold_expires_at__lte=now
    ).order_by("id")
    expired = 0
    for booking in due:
        try:
            await move(city, booking, BookingState.EXPIRED, ActorRole.SYSTEM, None, now)
        except StateChanged:  # another worker or the resident moved it first
            continue
        expired += 1
    return expired


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
