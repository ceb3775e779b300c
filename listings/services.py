"""Verbs of the listings domain. Callers pass the loaded City; nothing here reads config files.

The merchant- and operator-facing verbs, with permission checks and full validation, are in
`listings.catalogue` (listings), `listings.offerings` and `listings.onboarding` (merchants).
Here: positions and counts for the home page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.functions import Count

from geo.coords import CoordinateError, LatLng
from listings.errors import OutsideCity
from listings.models import Listing
from listings.types import ListingStatus, Vertical
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
