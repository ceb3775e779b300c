"""Errors the favourites package raises."""

from __future__ import annotations

from listings.errors import ListingNotFound

# a favourite names a published listing; anything else is the listings package's 404
__all__ = ["ListingNotFound"]
