"""Errors the bookings package raises; each has a machine `code` and the HTTP `status`
(422: the request itself cannot be honoured as asked, 409: it conflicts with the current state)."""

from __future__ import annotations

from marketplace.errors import MarketplaceError


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

