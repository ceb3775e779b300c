"""Errors the bookings package raises; each has a machine `code` and the HTTP `status`
(422: the request itself cannot be honoured as asked, 409: it conflicts with the current state)."""

from __future__ import annotations

from marketplace.errors import MarketplaceError

# a code belongs to any kind of purchase: its errors are the kernel's, named here too
from marketplace.purchases.errors import CodeAlreadyUsed, CodeNotFound

__all__ = [
    "AddressRequired",
    "BeyondHorizon",
    "BookingNotFound",
    "CodeAlreadyUsed",
    "CodeNotFound",
    "HoldExpired",
    "NoSuchSlot",
    "NotBookable",
    "OutsideServiceArea",
    "PartyTooLarge",
    "SlotFull",
    "SlotInPast",
    "SlotTooSoon",
    "UnknownCancellationPolicy",
]


class SlotInPast(MarketplaceError):
    code = "slot_in_past"
    status = 422


class SlotTooSoon(MarketplaceError):
    code = "slot_too_soon"
    status = 422


class BeyondHorizon(MarketplaceError):
    code = "beyond_horizon"
    status = 422


class NoSuchSlot(MarketplaceError):
    code = "no_such_slot"
    status = 422


class UnknownCancellationPolicy(MarketplaceError):
    code = "unknown_cancellation_policy"
    status = 422


class NotBookable(MarketplaceError):
    code = "not_bookable"
    status = 422


class PartyTooLarge(MarketplaceError):
    code = "party_too_large"
    status = 422


class SlotFull(MarketplaceError):
    code = "slot_full"
    status = 409


class AddressRequired(MarketplaceError):
    code = "address_required"
    status = 422


class OutsideServiceArea(MarketplaceError):
    code = "outside_service_area"
    status = 422


class BookingNotFound(MarketplaceError):
    code = "booking_not_found"
    status = 404


class HoldExpired(MarketplaceError):
    code = "hold_expired"
    status = 409
