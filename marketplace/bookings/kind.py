"""Bookings as a kind of purchase: what the kernel (`marketplace.purchases`) needs to move,
cancel, expire and redeem a booking. Its verbs are in `services`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from babel.numbers import format_currency
from tortoise.expressions import F

from listings.money import minor_units_to_decimal
from marketplace.bookings import notices
from marketplace.bookings.cancellation import policy_for, refund_amount
from marketplace.bookings.errors import BookingNotFound, HoldExpired
from marketplace.bookings.models import Booking, BookingEvent, Slot
from marketplace.bookings.types import BOOKING_MACHINE, RELEASING, BookingState
from marketplace.lifecycle import ActorRole
from marketplace.purchases import engine
from marketplace.purchases.kinds import Notice, PurchaseKind, Refund, register
from marketplace.purchases.payment_mode import PaymentMode
from payments.payables import payable_of

if TYPE_CHECKING:
    from marketplace.accounts.models import Account
    from marketplace.city import City


BOOKING = "booking"  # the kind's name, in its codes and payables


async def _release(booking: Booking) -> None:
    """Give the booking's places in its slot back."""
    await Slot.filter(id=booking.slot_id).update(  # type: ignore[attr-defined]
        taken=F("taken") - booking.party_size
    )


async def _notify(booking: Booking, notice: Notice) -> None:
    refund = notice.get("refund")
    await notices.booking_changed(
        booking, str(notice["timezone"]), None if refund is None else str(refund)
    )


async def paid_ahead(booking: Booking) -> int:
    """What the resident has paid online for this booking: once confirmed online, its
    payable's amount due (pay-at-store pays nothing ahead)."""
    if booking.payment_mode == PaymentMode.ONLINE and booking.state == BookingState.CONFIRMED:
        return (await payable_of(BOOKING, booking.id)).amount_due
    return 0


async def cancellation_refund(
    city: City, booking: Booking, role: ActorRole, now: datetime
) -> Refund:
    """The refund the agreed policy gives if `role` cancels at `now`, and the amount as the
    notice shows it."""
    by_merchant = role is ActorRole.MERCHANT
    policy = policy_for(city, booking.cancellation_policy)
    due = refund_amount(await paid_ahead(booking), booking.starts_at, now, policy, by_merchant)
    amount = minor_units_to_decimal(due, city.currency)
    shown = format_currency(amount, city.currency, locale="zh_CN") if due else None
    return Refund(due, {"refund": shown})


def _context(city: City) -> Notice:
    return {"timezone": city.timezone}


async def complete(
    city: City, merchant: Account, booking: Booking, now: datetime, note: str | None = None
) -> Booking:
    """The resident's code matched: the booking is completed; `note` (how it was settled at
    the store) goes on the history row."""
    return await engine.move(
        BOOKINGS,
        booking,
        BookingState.COMPLETED,
        ActorRole.MERCHANT,
        merchant,
        now,
        reason=note,
        extra={"code_used_at": now},
        notice=_context(city),
    )


def completion_window(city: City, booking: Booking) -> tuple[datetime, datetime]:
    """From the city's lead time before the start until its limit after the end: a code
    shown two days ahead does not complete the booking today."""
    rule = city.completion
    return (
        booking.starts_at - timedelta(minutes=rule.before_start_minutes),
        booking.ends_at + timedelta(minutes=rule.after_end_minutes),
    )


BOOKINGS = register(
    PurchaseKind(
        name=BOOKING,
        model=Booking,
        event_model=BookingEvent,
        event_field="booking",
        machine=BOOKING_MACHINE,
        states=BookingState,
        not_found=BookingNotFound,
        expiring=frozenset({BookingState.HELD, BookingState.PENDING_PAYMENT}),
        expired=BookingState.EXPIRED,
        hold_expired=lambda: HoldExpired(
            "this hold has expired and its place was released; book again"
        ),
        cancelled_by={
            ActorRole.RESIDENT: BookingState.CANCELLED_BY_RESIDENT,
            ActorRole.MERCHANT: BookingState.CANCELLED_BY_MERCHANT,
        },
        releasing=RELEASING,
        release=_release,
        notify=_notify,
        refund=cancellation_refund,
        notice_context=_context,
        redeem=complete,
        redeem_from=frozenset({BookingState.CONFIRMED.value}),
        completion_window=completion_window,
        not_redeemable=lambda booking: f"this booking is {booking.state}, not confirmed",
        free_confirms=True,
    )
)
