"""Names the booking and order pages show beside a booking or an order: the place, the
offering, an order's lines and, for the merchant's queues, the resident; fetched for a whole page
at once. Reads only; callers check who may read first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from listings.models import Listing, Offering
from marketplace.accounts.models import Account
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
    residents: dict[int, str] = field(default_factory=dict)  # account id -> display name

    def place_name(self, listing_id: int) -> Names:
        place = self.places.get(listing_id)
        return place.name if place else {}


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
    bookings: Sequence[Booking] = (),
    orders: Sequence[Order] = (),
    *,
    lines: bool = False,
    residents: bool = False,
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
    if residents:
        ids = {b.resident_id for b in bookings} | {o.resident_id for o in orders}  # type: ignore[attr-defined]
        for account in await Account.filter(id__in=list(ids)).only("id", "display_name"):
            found.residents[account.id] = account.display_name
    if lines and orders:
        rows = await OrderLine.filter(order_id__in=[o.id for o in orders]).order_by("id")
        for line in rows:
            found.lines.setdefault(line.order_id, []).append(line)  # type: ignore[attr-defined]
    return found
