"""Names the resident's booking and order pages show beside a booking or an order: the place,
the offering and an order's lines, fetched for a whole page at once. Reads only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from listings.models import Listing, Offering
from marketplace.bookings.models import Booking
from marketplace.orders.models import Order, OrderLine

Names = dict[str, str]


@dataclass(frozen=True)
class Place:
    """What a page says about the listing a booking or an order is with."""

    id: int
    name: Names
    address: Names
    vertical: str
    lat: float | None = None
    lng: float | None = None


@dataclass
class PageNames:
    places: dict[int, Place] = field(default_factory=dict)
    offerings: dict[int, Names] = field(default_factory=dict)
    lines: dict[int, list[OrderLine]] = field(default_factory=dict)


def _place(listing: Listing) -> Place:
    point: Any = listing.location
    return Place(
        listing.id,
        dict(listing.name or {}),
        dict(listing.address or {}),
        str(getattr(listing.vertical, "value", listing.vertical)),
        getattr(point, "y", None),
        getattr(point, "x", None),
    )


async def names_for(
    bookings: Sequence[Booking] = (), orders: Sequence[Order] = (), *, lines: bool = False
) -> PageNames:
    listing_ids = {b.listing_id for b in bookings} | {o.listing_id for o in orders}  # type: ignore[attr-defined]
    offering_ids = {b.offering_id for b in bookings if b.offering_id}  # type: ignore[attr-defined]
    found = PageNames()
    if listing_ids:
        for listing in await Listing.filter(id__in=list(listing_ids)):
            found.places[listing.id] = _place(listing)
    if offering_ids:
        for offering in await Offering.filter(id__in=list(offering_ids)).only("id", "name"):
            found.offerings[offering.id] = dict(offering.name or {})
    if lines and orders:
        rows = await OrderLine.filter(order_id__in=[o.id for o in orders]).order_by("id")
        for line in rows:
            found.lines.setdefault(line.order_id, []).append(line)  # type: ignore[attr-defined]
    return found
