"""Vocabulary of bookings: states, and which transition each party may ask for."""

from __future__ import annotations

from enum import StrEnum

from marketplace.lifecycle import ActorRole, Machine

# how a resident pays is the kernel's, shared by every kind; named here too for older imports
from marketplace.purchases.payment_mode import PaymentMode, payment_mode_for

__all__ = [
    "ACTIVE",
    "BOOKING_MACHINE",
    "HOLDING",
    "RELEASING",
    "BookingState",
    "PaymentMode",
    "payment_mode_for",
]

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
