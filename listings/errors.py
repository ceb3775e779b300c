"""Errors of the listings domain."""

from __future__ import annotations

from marketplace.errors import NotFound, ValidationFailed


class ListingNotFound(NotFound):
    code = "listing_not_found"


class OutsideCity(ValidationFailed):
    code = "outside_city"
