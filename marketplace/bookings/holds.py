"""Holding a slot: the one step where capacity is taken, so the one place it can be oversold.

Capacity is taken by a single conditional UPDATE (`taken = taken + n WHERE taken + n <= cap`) in
the same transaction that inserts the booking. Two residents racing for the last place both run
it; the database lets exactly one change the row.

The booking row is inserted *before* capacity is taken: the insert claims the idempotency key
(unique per resident). Copies of one request racing each other therefore meet at the key, not at
the capacity: on PostgreSQL a copy's insert waits for the first copy's transaction and fails once
it commits, on SQLite transactions run one at a time and the later copy's insert fails at once;
either way the copy finds the first booking and replays it, even when that booking took the
last place. If the first copy fails instead (the slot was full), its rollback frees the key and
the waiting copy carries on as a request of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from shapely.geometry import Point
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from geo.coords import LatLng
from listings.models import Listing, Offering
from listings.services import locate
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.availability import AvailabilitySettings, SlotSpec, check_bookable
from marketplace.bookings.errors import (
    AddressRequired,
    NotBookable,
    OutsideServiceArea,
    PartyTooLarge,
    SlotFull,
)
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking, Slot, slot_key
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.types import BookingState
from marketplace.errors import FieldError
from marketplace.idempotency import request_hash
from marketplace.notices.services import atomic
from marketplace.purchases.creation import create_once, existing, opened
from payments.payables import open_payable
from payments.pricing import Item, Priced, price

if TYPE_CHECKING:
    from marketplace.city import City


@dataclass(frozen=True)
class Bookable:
    """What a request books: an offering with availability, or a restaurant's tables."""

    listing: Listing
    offering: Offering | None
    settings: AvailabilitySettings
    key: str  # Slot.bookable
    unit_price: int
    travels: bool  # the merchant comes to the resident: an address inside the area is needed


def _travels(listing: Listing, offering: Offering | None) -> bool:
    if offering is None or listing.service_area is None:
        return False
    if offering.kind == OfferingKind.SERVICE:
        return True
    return (
        offering.kind == OfferingKind.LESSON
        and (offering.attributes or {}).get("format") == "at_home"
    )


async def find_bookable(listing_id: int, offering_id: int | None) -> Bookable:
    listing = await Listing.get_or_none(id=listing_id, status=ListingStatus.PUBLISHED)
    if listing is None:
        raise NotBookable(
            "listing_id: no published listing has this id",
            errors=[FieldError("listing_id", "no published listing has this id")],
        )
    if offering_id is None:
        if listing.vertical != Vertical.RESTAURANT or not listing.reservations:
            raise NotBookable(
                "offering_id: is required (this listing takes no table reservations)",
                errors=[FieldError("offering_id", "is required for this listing")],
            )
        settings = AvailabilitySettings.from_json(listing.reservations)
        return Bookable(listing, None, settings, slot_key(listing.id, None), 0, False)
    offering = await Offering.get_or_none(id=offering_id, listing_id=listing.id, is_active=True)
    if offering is None or not offering.availability:
        reason = "this listing has no bookable offering with this id"
        raise NotBookable(f"offering_id: {reason}", errors=[FieldError("offering_id", reason)])
    settings = AvailabilitySettings.from_json(offering.availability)
    travels = _travels(listing, offering)
    key = slot_key(listing.id, offering.id)
    return Bookable(listing, offering, settings, key, offering.price, travels)


def _check_address(city: City, bookable: Bookable, request: BookingRequest) -> LatLng | None:
    if not bookable.travels:
        return None
    if request.address is None:
        reason = "is required: the merchant comes to you, so say where"
        raise AddressRequired(f"address: {reason}", errors=[FieldError("address", reason)])
    point, _ = locate(city, request.address.lat, request.address.lng, field="address")
    area = bookable.listing.service_area
    if area is None or not area.covers(Point(point.lng, point.lat)):
        reason = "lies outside the area this merchant serves"
        raise OutsideServiceArea(f"address: {reason}", errors=[FieldError("address", reason)])
    return point


async def _slot_row(bookable: Bookable, spec: SlotSpec) -> Slot:
    """The slot's row, made on first use. Outside the hold's transaction: on PostgreSQL a
    duplicate insert would abort it. Two first users race; the loser reads the winner's row."""
    slot = await Slot.get_or_none(bookable=bookable.key, starts_at=spec.starts_at)
    if slot is not None:
        return slot
    try:
        return await Slot.create(
            listing=bookable.listing,
            offering=bookable.offering,
            bookable=bookable.key,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
            capacity=spec.capacity,
        )
    except IntegrityError:
        return await Slot.get(bookable=bookable.key, starts_at=spec.starts_at)


async def _existing(resident: Account, key: str, digest: str) -> Booking | None:
    return await existing(BOOKINGS, resident, key, digest)


async def hold_booking(
    city: City,
    resident: Account,
    request: BookingRequest,
    idempotency_key: str,
    *,
    now: datetime | None = None,
) -> tuple[Booking, bool]:
    """Hold a place for `city.cancellation.hold_minutes`; (booking, whether it is new).

    The same key with the same request returns the first booking, whatever its state now.
    """
    now = now or clock.now()
    digest = request_hash(request.hash_body())
    found = await _existing(resident, idempotency_key, digest)
    if found is not None:
        return found, False
    bookable = await find_bookable(request.listing_id, request.offering_id)
    spec = check_bookable(bookable.settings, request.starts_at, ZoneInfo(city.timezone), now)
    if request.party_size > spec.capacity:
        reason = f"must be at most {spec.capacity} for this slot"
        raise PartyTooLarge(f"party_size: {reason}", errors=[FieldError("party_size", reason)])
    point = _check_address(city, bookable, request)
    slot = await _slot_row(bookable, spec)

    async def take(code: str) -> Booking:
        return await _take(
            city, resident, request, bookable, spec, slot, point, now, idempotency_key, digest, code
        )

    # a unique violation is a copy of this request that committed first (replayed), or, very
    # rarely, a code another purchase has (drawn again)
    return await create_once(BOOKINGS, resident, idempotency_key, digest, take)


def price_booking(bookable: Bookable, party: int) -> Priced:
    """One item line: the offering (or, for a restaurant's tables, the listing) per person."""
    named = bookable.offering if bookable.offering is not None else bookable.listing
    ref = None if bookable.offering is None else f"offering:{bookable.offering.id}"
    return price([Item(dict(named.name or {}), party, bookable.unit_price, ref)])


async def _take(
    city: City,
    resident: Account,
    request: BookingRequest,
    bookable: Bookable,
    spec: SlotSpec,
    slot: Slot,
    point: LatLng | None,
    now: datetime,
    key: str,
    digest: str,
    code: str,
) -> Booking:
    party = request.party_size
    listing = bookable.listing
    priced = price_booking(bookable, party)
    async with atomic():
        booking = await Booking.create(
            code=code,
            resident=resident,
            listing=listing,
            offering=bookable.offering,
            slot=slot,
            starts_at=spec.starts_at,
            ends_at=spec.ends_at,
            party_size=party,
            address_point=None if point is None else point.to_point(),
            address_text=(request.address.text.strip() or None) if request.address else None,
            note=request.note.strip() or None,
            state=BookingState.HELD,
            unit_price=bookable.unit_price,
            amount=priced.amount_due,  # a copy of the payable's amount due
            currency=city.currency,
            cancellation_policy=listing.cancellation_policy or city.cancellation.default_policy,
            hold_expires_at=now + timedelta(minutes=city.cancellation.hold_minutes),
            idempotency_key=key,
            request_hash=digest,
        )
        await open_payable(
            BOOKINGS.name,
            booking.id,
            resident_id=resident.id,
            merchant_id=listing.merchant_id,  # type: ignore[attr-defined]
            vertical=str(listing.vertical),
            currency=city.currency,
            priced=priced,
        )
        taken = await Slot.filter(id=slot.id, taken__lte=spec.capacity - party).update(
            taken=F("taken") + party, capacity=spec.capacity
        )
        if not taken:
            raise SlotFull(
                "starts_at: this slot has no room left for this party; pick another time",
                errors=[FieldError("starts_at", "no room left in this slot")],
            )
        await opened(BOOKINGS, booking, BookingState.HELD, resident, now)
    return booking
