"""Errors of the listings domain."""

from __future__ import annotations

from marketplace.errors import Conflict, NotFound, ValidationFailed


class ListingNotFound(NotFound):
    code = "listing_not_found"


class OutsideCity(ValidationFailed):
    code = "outside_city"


class OfferingInUse(Conflict):
    """Bookings and orders keep the offering they were made for: their history names it."""

    code = "offering_in_use"
