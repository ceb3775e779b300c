"""Vocabulary of bookings: states, and which transition each party may ask for."""

from __future__ import annotations

from enum import StrEnum

from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole, Machine

R, M, S = ActorRole.RESIDENT, ActorRole.MERCHANT, ActorRole.SYSTEM


class BookingState(StrEnum):
    HELD = "held"  # capacity taken for a few minutes while the resident decides
    PENDING_PAYMENT = "pending_payment"  # still held, an online payment under way
    CONFIRMED = "confirmed"  # paid, or to be paid at the store
    COMPLETED = "completed"  # the merchant entered the resident's code
    CANCELLED_BY_RESIDENT = "cancelled_by_resident"
    CANCELLED_BY_MERCHANT = "cancelled_by_merchant"
    EXPIRED = "expired"  # the hold ran out unpaid
    NO_SHOW = "no_show"


# Leaving one of these for a state in RELEASING gives the capacity back.
HOLDING = frozenset({BookingState.HELD, BookingState.PENDING_PAYMENT, BookingState.CONFIRMED})
RELEASING = frozenset(
    {
        BookingState.CANCELLED_BY_RESIDENT,
        BookingState.CANCELLED_BY_MERCHANT,
        BookingState.EXPIRED,
    }
)
ACTIVE = frozenset({BookingState.HELD, BookingState.PENDING_PAYMENT, BookingState.CONFIRMED})


class PaymentMode(StrEnum):
    PAY_AT_STORE = "pay_at_store"
    ONLINE = "online"


def payment_mode_for(value: object, providers: tuple[str, ...] | list[str]) -> PaymentMode:
    """How a resident chose to pay, checked against the city's providers (a 422 on
    `payment_mode` otherwise). Shared by bookings and orders."""
    try:
        mode = PaymentMode(str(value))
    except ValueError:
        choices = ", ".join(m.value for m in PaymentMode)
        raise ValidationFailed.on("payment_mode", f"must be one of: {choices}") from None
    if mode is PaymentMode.PAY_AT_STORE and "pay_at_store" not in providers:
        raise ValidationFailed.on("payment_mode", "this city does not take payment at the store")
    return mode


B = BookingState
BOOKING_MACHINE: Machine[BookingState] = Machine(
    "booking",
    {
        (B.HELD, B.CONFIRMED): frozenset({R}),  # pay at store
        (B.HELD, B.PENDING_PAYMENT): frozenset({R}),
        (B.HELD, B.CANCELLED_BY_RESIDENT): frozenset({R}),
        (B.HELD, B.EXPIRED): frozenset({S}),
        (B.PENDING_PAYMENT, B.CONFIRMED): frozenset({S}),  # the provider says it is paid
        (B.PENDING_PAYMENT, B.HELD): frozenset({S}),  # the payment failed: try again in time
        (B.PENDING_PAYMENT, B.CANCELLED_BY_RESIDENT): frozenset({R}),
        (B.PENDING_PAYMENT, B.EXPIRED): frozenset({S}),
        (B.CONFIRMED, B.COMPLETED): frozenset({M}),
        (B.CONFIRMED, B.NO_SHOW): frozenset({M}),
        (B.CONFIRMED, B.CANCELLED_BY_RESIDENT): frozenset({R}),
        (B.CONFIRMED, B.CANCELLED_BY_MERCHANT): frozenset({M}),
    },
)
