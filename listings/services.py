"""Verbs of the listings domain. Callers pass the loaded City; nothing here reads config files.

The merchant- and operator-facing verbs, with permission checks and full validation, are in
`listings.catalogue` (listings), `listings.offerings` and `listings.onboarding` (merchants).
Here: positions, the system's own low-level `create_listing`, and counts for the home page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise.functions import Count
from tortoise.transactions import in_transaction

from geo.coords import CoordinateError, LatLng
from listings import audit
from listings.errors import OutsideCity
from listings.models import Listing, Merchant
from listings.types import ListingAction, ListingStatus, Vertical
from marketplace.errors import FieldError, ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City


def locate(city: City, lat: object, lng: object, *, field: str = "location") -> tuple[LatLng, str]:
    """Check a listing's position: a WGS84 point inside the city. Returns it and its district."""
    try:
        point = LatLng(lat, lng)  # type: ignore[arg-type]
    except CoordinateError as exc:
        raise ValidationFailed(
            f"{field}.{exc.field}: {exc.reason}",
            errors=[FieldError(f"{field}.{exc.field}", exc.reason)],
        ) from None
    if not city.area.contains(point):
        reason = f"({point.lat:g}, {point.lng:g}) is outside {city.display_name('en')}"
        raise OutsideCity(f"{field}: {reason}", errors=[FieldError(field, reason)])
    district = city.area.district_at(point)
    return point, district.slug if district else ""


async def create_listing(
    city: City,
    merchant: Merchant,
    *,
    vertical: Vertical | str,
    category: str,
    name: dict[str, str],
    lat: object,
    lng: object,
    **details: Any,
) -> Listing:
    """A draft listing of `merchant` at a checked position; refused whole on any bad field.

    The system's path (no actor, no permission check, `details` written as given): people's
    edits go through `listings.catalogue.create_listing`, which checks every field.
    """
    errors: list[FieldError] = []
    try:
        vertical = Vertical(vertical)
    except ValueError:
        errors.append(FieldError("vertical", f"unknown vertical {vertical!r}"))
    else:
        if city.category(vertical, category) is None:
            errors.append(FieldError("category", f"unknown {vertical.value} category {category!r}"))
    for locale in city.locales:
        if not str(name.get(locale, "")).strip():
            errors.append(FieldError(f"name.{locale}", "is required"))
    try:
        point, district = locate(city, lat, lng)
    except ValidationFailed as exc:
        if not errors:
            raise  # keep the precise error type (e.g. OutsideCity) when it is the only problem
        errors.extend(exc.errors)
    if errors:
        raise ValidationFailed("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
    async with in_transaction():
        listing = await Listing.create(
            merchant=merchant,
            vertical=vertical,
            category=category,
            name=name,
            location=point.to_point(),
            district=district or None,
            status=ListingStatus.DRAFT,
            **details,
        )
        changes = audit.diff({}, audit.listing_snapshot(listing))
        await audit.record(listing, None, ListingAction.CREATED, changes)
    return listing


async def count_published_listings() -> int:
    return await Listing.filter(status=ListingStatus.PUBLISHED).count()


async def count_by_vertical() -> dict[Vertical, int]:
    rows = (
        await Listing.filter(status=ListingStatus.PUBLISHED)
        .annotate(n=Count("id"))
        .group_by("vertical")
        .values("vertical", "n")
    )
    counts = {v: 0 for v in Vertical}
    for row in rows:
        counts[Vertical(row["vertical"])] = row["n"]
    return counts
