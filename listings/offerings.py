"""What a listing sells: dishes, services, lessons or products, one kind per vertical.

Prices are typed in major units and stored in integer minor units. Each verb checks the actor
through `listings.permissions`, writes the offering and its audit entry in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from listings import audit
from listings.errors import OfferingInUse
from listings.input_checks import (
    DESCRIPTION_MAX,
    NAME_MAX,
    clean_names,
    failed,
    major_units,
    names_errors,
)
from listings.models import Listing, Offering
from listings.permissions import Action, require_for_listing
from listings.types import KIND_FOR_VERTICAL, ListingAction, OfferingKind, Vertical
from listings.verticals import DETAILS, as_input, validate_details
from marketplace.accounts.models import Account
from marketplace.errors import Conflict, FieldError, NotFound, ValidationFailed
from marketplace.notices.services import atomic

if TYPE_CHECKING:
    from marketplace.city import City

MAX_OFFERINGS = 500  # per listing: a long menu, yet a bound on what one page must show
TEXT_KEYS = ("name", "description")


def kind_for(vertical: Vertical | str) -> OfferingKind:
    return KIND_FOR_VERTICAL[Vertical(vertical)]


def prepare_offering(
    city: City,
    vertical: Vertical,
    data: object,
    *,
    field: str = "offering",
    listing_attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Column values for an Offering of a `vertical` listing, or ValidationFailed naming every
    bad field under `field`."""
    if not isinstance(data, Mapping):
        raise ValidationFailed.on(field, "must be an object")
    kind = kind_for(vertical)
    errors: list[FieldError] = []
    if data.get("kind") not in (None, kind.value):
        errors.append(
            FieldError(f"{field}.kind", f"a {vertical.value} listing offers {kind.value}s")
        )
    errors += names_errors(
        data.get("name"),
        city.locales,
        f"{field}.name",
        required=[city.default_locale],
        limit=NAME_MAX,
    )
    errors += names_errors(
        data.get("description") or {},
        city.locales,
        f"{field}.description",
        required=(),
        limit=DESCRIPTION_MAX,
    )
    rest = {k: v for k, v in data.items() if k not in (*TEXT_KEYS, "kind")}
    columns: dict[str, Any] = {}
    try:
        details = validate_details(kind, rest, currency=city.currency, field=field)
        columns = details.columns()
    except ValidationFailed as exc:
        errors += exc.errors
    formats = (listing_attributes or {}).get("formats")
    chosen = columns.get("attributes", {}).get("format")
    if kind is OfferingKind.LESSON and formats and chosen and chosen not in formats:
        errors.append(
            FieldError(
                f"{field}.format", f"not one of the listing's formats ({', '.join(formats)})"
            )
        )
    if errors:
        raise failed(errors)
    return {
        "kind": kind,
        "name": clean_names(data["name"]),
        "description": clean_names(data.get("description") or {}),
        **columns,
    }


def offering_as_input(offering: Offering, minor_units: int) -> dict[str, Any]:
    """An offering as a form would send it back (price in major units)."""
    values: dict[str, Any] = {
        "name": dict(offering.name),
        "description": dict(offering.description or {}),
        "price": major_units(offering.price, minor_units),
        "is_active": offering.is_active,
        "sort_order": offering.sort_order,
    }
    schema = DETAILS[OfferingKind(offering.kind)]
    if "duration_min" in schema.COLUMNS:
        values["duration_min"] = offering.duration_min
    if "stock" in schema.COLUMNS:
        values["stock"] = offering.stock
    values.update(as_input(schema, offering.attributes or {}, minor_units))
    return values


async def locked_listing(listing_id: int) -> Listing:
    """The listing, row-locked for the rest of the transaction."""
    listing = await Listing.filter(id=listing_id).select_for_update().first()
    if listing is None:
        raise NotFound("No such listing.")
    return listing


async def _locked_offering(offering_id: int) -> Offering:
    offering = await Offering.filter(id=offering_id).select_for_update().first()
    if offering is None:
        raise NotFound("No such offering.")
    return offering


async def _listing_of(offering: Offering) -> Listing:
    listing = await Listing.get_or_none(id=offering.listing_id)  # type: ignore[attr-defined]
    if listing is None:
        raise NotFound("No such listing.")
    return listing


async def add_offering(
    city: City, actor: Account | None, listing: Listing, data: object
) -> Offering:
    await require_for_listing(actor, Action.EDIT, listing)
    columns = prepare_offering(
        city, Vertical(listing.vertical), data, listing_attributes=listing.attributes
    )
    async with atomic():
        locked = await locked_listing(listing.id)
        if await Offering.filter(listing_id=locked.id).count() >= MAX_OFFERINGS:
            raise Conflict(f"a listing holds at most {MAX_OFFERINGS} offerings")
        offering = await write_offering(locked, actor, columns)
    return offering


async def write_offering(
    listing: Listing, actor: Account | None, columns: dict[str, Any]
) -> Offering:
    """Create an offering from prepared columns and record it in the listing's history; the
    caller holds the transaction."""
    offering = await Offering.create(listing_id=listing.id, **columns)
    changes = audit.diff({}, audit.offering_snapshot(offering), prefix=f"offering.{offering.id}.")
    await audit.record(listing, actor, ListingAction.OFFERING_ADDED, changes)
    return offering


async def update_offering(
    city: City, actor: Account | None, offering: Offering, changes: Mapping[str, Any]
) -> Offering:
    """Apply `changes` (any input field) to an offering; the result is checked as a whole."""
    listing = await _listing_of(offering)
    await require_for_listing(actor, Action.EDIT, listing)
    async with atomic():
        locked = await locked_listing(listing.id)
        current = await _locked_offering(offering.id)
        merged = {**offering_as_input(current, city.minor_units), **changes}
        columns = prepare_offering(
            city, Vertical(locked.vertical), merged, listing_attributes=locked.attributes
        )
        before = audit.offering_snapshot(current)
        await current.update_from_dict(columns).save()
        diff = audit.diff(
            before, audit.offering_snapshot(current), prefix=f"offering.{current.id}."
        )
        if diff:
            await audit.record(locked, actor, ListingAction.OFFERING_UPDATED, diff)
    return current


async def remove_offering(actor: Account | None, offering: Offering) -> None:
    listing = await _listing_of(offering)
    await require_for_listing(actor, Action.EDIT, listing)
    async with atomic():
        locked = await locked_listing(listing.id)
        current = await _locked_offering(offering.id)
        if await current.bookings.all().exists() or await current.order_lines.all().exists():
            raise OfferingInUse("it has bookings or orders: set is_active to false instead")
        before = audit.offering_snapshot(current)
        await current.delete()
        changes = audit.diff(before, {}, prefix=f"offering.{offering.id}.")
        await audit.record(locked, actor, ListingAction.OFFERING_REMOVED, changes)
