"""The four verticals a city offers: the kernel's vocabulary for what a listing is.

It lives here, below both, because a city's configuration (commission and categories per
vertical) and the listings that belong to a vertical both name it.
"""

from __future__ import annotations

from enum import StrEnum


class Vertical(StrEnum):
    RESTAURANT = "restaurant"
    HOUSEKEEPING = "housekeeping"
    TUTORING = "tutoring"
    SHOP = "shop"
