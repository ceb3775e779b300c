"""Bookings as a kind of purchase payments takes money for (`payments.purchase_kinds`),
registered when `marketplace.bookings` is imported."""

from __future__ import annotations

from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.services import confirm_booking
from marketplace.purchases.paying import PayingKind
from payments.purchase_kinds import register

register(
    PayingKind(
        BOOKINGS,
        link="/me/bookings",
        at_store={"confirmed", "completed", "no_show"},
        confirm_at_store=confirm_booking,
    )
)
