"""What pages and the API show of bookings: free places per slot, a resident's bookings, a
merchant's queue. Reads only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from listings.models import Listing, Offering
from listings.types import ListingStatus, Vertical
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.availability import (
    AvailabilitySettings,
    SlotSpec,
    next_offered,
    offered_slots,
)
from marketplace.bookings.models import Booking, Slot, slot_key
from marketplace.bookings.types import ACTIVE, BookingState
from marketplace.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City


@dataclass(frozen=True)
class OpenSlot:
    offering_id: int | None  # None: a table reservation
    starts_at: datetime  # UTC
    ends_at: datetime
    capacity: int
    remaining: int


@dataclass(frozen=True)
class BookableItem:
    """Something on a listing residents can book, with its settings."""

    offering: Offering | None
    settings: AvailabilitySettings


async def bookable_items(listing: Listing) -> list[BookableItem]:
    items: list[BookableItem] = []
    if listing.vertical == Vertical.RESTAURANT and listing.reservations:
        items.append(BookableItem(None, AvailabilitySettings.from_json(listing.reservations)))
    offerings = await Offering.filter(listing_id=listing.id, is_active=True).order_by(
        "sort_order", "id"
    )
    items += [
        BookableItem(o, AvailabilitySettings.from_json(o.availability))
        for o in offerings
        if o.availability
    ]
    return items


async def _with_remaining(
    listing: Listing, offering: Offering | None, specs: list[SlotSpec]
) -> list[OpenSlot]:
    if not specs:
        return []
    rows = await Slot.filter(
        bookable=slot_key(listing.id, offering.id if offering else None),
        starts_at__gte=specs[0].starts_at,
        starts_at__lte=specs[-1].starts_at,
    )
    taken = {row.starts_at.astimezone(UTC): row.taken for row in rows}
    return [
        OpenSlot(
            offering.id if offering else None,
            s.starts_at,
            s.ends_at,
            s.capacity,
            max(0, s.capacity - taken.get(s.starts_at, 0)),
        )
        for s in specs
    ]


async def published_listing(listing_id: int) -> Listing:
    listing = await Listing.get_or_none(id=listing_id, status=ListingStatus.PUBLISHED)
    if listing is None:
        raise NotFound("No such listing.")
    return listing


async def slots_on_date(
    city: City,
    listing: Listing,
    local_date: date,
    *,
    offering_id: int | None = None,
    now: datetime | None = None,
) -> list[OpenSlot]:
    """Every slot residents may book on `local_date`, with the places left (full ones too, so
    a page can show them greyed)."""
    now = now or clock.now()
    tz = ZoneInfo(city.timezone)
    items = await bookable_items(listing)
    if offering_id is not None:
        items = [i for i in items if i.offering and i.offering.id == offering_id]
        if not items:
            raise ValidationFailed.on(
                "offering_id", "this listing has no bookable offering with this id"
            )
    today = now.astimezone(tz).date()
    horizon = max((i.settings.horizon_days for i in items), default=0)
    if items and local_date > today + timedelta(days=horizon):
        raise ValidationFailed.on("date", f"is too far ahead: book at most {horizon} days ahead")
    found: list[OpenSlot] = []
    for item in items:
        specs = offered_slots(item.settings, local_date, tz, now)
        found += await _with_remaining(listing, item.offering, specs)
    return sorted(found, key=lambda s: (s.starts_at, s.offering_id or 0))


async def next_open_slots(
    city: City, listing: Listing, *, limit: int = 6, now: datetime | None = None
) -> list[OpenSlot]:
    """The next slots with places left, across the listing's bookable items."""
    now = now or clock.now()
    tz = ZoneInfo(city.timezone)
    found: list[OpenSlot] = []
    for item in await bookable_items(listing):
        # a few more than asked for, since some may be full
        specs = next_offered(item.settings, tz, now, limit=limit * 4)
        found += [s for s in await _with_remaining(listing, item.offering, specs) if s.remaining]
    return sorted(found, key=lambda s: (s.starts_at, s.offering_id or 0))[:limit]


async def resident_bookings(resident: Account, *, limit: int = 100) -> list[Booking]:
    """Upcoming and active first, then the rest newest first."""
    rows = await Booking.filter(resident_id=resident.id).order_by("-starts_at").limit(limit)
    active = sorted((b for b in rows if b.state in ACTIVE), key=lambda b: b.starts_at)
    return active + [b for b in rows if b.state not in ACTIVE]


async def merchant_bookings(
    city: City,
    merchant_id: int,
    *,
    day: date | None = None,
    states: tuple[BookingState, ...] = (),
    now: datetime | None = None,
    limit: int = 200,
) -> list[Booking]:
    """A merchant's bookings on one local day, or from today on when no day is given."""
    now = now or clock.now()
    tz = ZoneInfo(city.timezone)
    query = Booking.filter(listing__merchant_id=merchant_id)
    if day is not None:
        start = datetime.combine(day, time(0), tz).astimezone(UTC)
        query = query.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
    else:
        today = datetime.combine(now.astimezone(tz).date(), time(0), tz).astimezone(UTC)
        query = query.filter(starts_at__gte=today)
    if states:
        query = query.filter(state__in=list(states))
    else:
        query = query.exclude(state=BookingState.EXPIRED)
    return await query.order_by("starts_at", "id").limit(limit)
