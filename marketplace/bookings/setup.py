"""How a merchant makes things bookable: availability per offering, table reservations for a
restaurant, and the cancellation policy of a listing. Checked and permission-guarded here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from listings.audit import record
from listings.models import Listing, Offering
from listings.offerings import locked_listing
from listings.permissions import Action, require_for_listing
from listings.types import ListingAction, OfferingKind, Vertical
from marketplace.accounts.models import Account
from marketplace.bookings.availability import AvailabilitySettings
from marketplace.bookings.cancellation import policy_for
from marketplace.errors import NotFound, ValidationFailed
from marketplace.notices.services import atomic

if TYPE_CHECKING:
    from marketplace.city import City

BOOKABLE_KINDS = (OfferingKind.SERVICE, OfferingKind.LESSON)


async def set_offering_availability(
    actor: Account | None, offering_id: int, data: object | None
) -> Offering:
    """Set (or, with None, remove) when residents may book this service or lesson."""
    offering = await Offering.get_or_none(id=offering_id)
    if offering is None:
        raise NotFound("No such offering.")
    listing = await Listing.get(id=offering.listing_id)  # type: ignore[attr-defined]
    await require_for_listing(actor, Action.EDIT, listing)
    if data is not None and offering.kind not in BOOKABLE_KINDS:
        raise ValidationFailed.on("availability", "only services and lessons are booked by slot")
    value = None if data is None else AvailabilitySettings.from_json(data).to_json()
    async with atomic():
        await locked_listing(listing.id)
        old = offering.availability
        offering.availability = value
        await offering.save(update_fields=["availability", "updated_at"])
        changes = {f"offerings.{offering.id}.availability": [old, value]}
        await record(listing, actor, ListingAction.OFFERING_UPDATED, changes)
    return offering


async def set_table_reservations(
    actor: Account | None, listing_id: int, data: object | None
) -> Listing:
    """A restaurant's reservation windows; capacity counts covers per reservation window."""
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    await require_for_listing(actor, Action.EDIT, listing)
    if data is not None and listing.vertical != Vertical.RESTAURANT:
        raise ValidationFailed.on("reservations", "only restaurants take table reservations")
    value = None if data is None else AvailabilitySettings.from_json(data, field="reservations")
    async with atomic():
        locked = await locked_listing(listing.id)
        old = locked.reservations
        locked.reservations = None if value is None else value.to_json()
        await locked.save(update_fields=["reservations", "updated_at"])
        await record(
            locked, actor, ListingAction.UPDATED, {"reservations": [old, locked.reservations]}
        )
    return locked


async def set_cancellation_policy(
    city: City, actor: Account | None, listing_id: int, slug: str | None
) -> Listing:
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        raise NotFound("No such listing.")
    await require_for_listing(actor, Action.EDIT, listing)
    if slug is not None and slug not in city.cancellation.policies:
        known = ", ".join(city.cancellation.policies)
        raise ValidationFailed.on("cancellation_policy", f"must be one of: {known}")
    policy_for(city, slug)
    async with atomic():
        locked = await locked_listing(listing.id)
        old = locked.cancellation_policy
        locked.cancellation_policy = slug
        await locked.save(update_fields=["cancellation_policy", "updated_at"])
        await record(locked, actor, ListingAction.UPDATED, {"cancellation_policy": [old, slug]})
    return locked
