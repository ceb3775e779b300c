"""What an engine indexes for a listing: a flat, engine-neutral document built from the database.

Only published listings are documents; any other listing is deleted from the index. Opening hours
are the weekly hours compiled to minute ranges of the week (holiday exceptions and temporary
closures are not in the index: a page shows them from the database).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from listings.hours import Schedule, weekly_minute_ranges
from listings.models import Listing, Offering
from listings.pricing import headline_price
from listings.types import ListingStatus, Vertical
from marketplace.errors import ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City


@dataclass(frozen=True)
class ListingDocument:
    id: int
    vertical: Vertical
    category: str
    district: str | None
    tags: tuple[str, ...]
    name: dict[str, str]  # per locale
    description: dict[str, str]
    category_name: dict[str, str]  # from the city's configuration, so 面馆 finds noodle shops
    offering_names: tuple[str, ...]  # every locale's names of the active offerings
    lat: float
    lng: float
    service_area: Polygon | None
    price_from: int | None  # minor units: the headline price
    price_to: int | None  # the dearest active offering
    rating_avg: float | None
    rating_count: int
    open_minutes: tuple[tuple[int, int], ...]  # minutes of the week, Monday 00:00 = 0

    def searchable_texts(self) -> list[str]:
        """Every text the query words may match, most important first."""
        return [
            *self.name.values(),
            *self.category_name.values(),
            *self.offering_names,
            *self.tags,
            *self.description.values(),
        ]


def _open_minutes(listing: Listing) -> tuple[tuple[int, int], ...]:
    try:
        schedule = Schedule.from_json(listing.weekly_hours or {})
    except ValidationFailed:
        return ()  # stored before the rules existed: shown as "hours unknown", never "open"
    return tuple(weekly_minute_ranges(schedule))


def document_for(city: City, listing: Listing, offerings: Sequence[Offering]) -> ListingDocument:
    vertical = Vertical(listing.vertical)
    active = [o for o in offerings if o.is_active]
    category = city.category(vertical, listing.category)
    headline = headline_price(
        vertical,
        listing.attributes or {},
        ((o.price, bool((o.attributes or {}).get("trial"))) for o in active),
    )
    area: BaseGeometry | None = listing.service_area
    return ListingDocument(
        id=listing.id,
        vertical=vertical,
        category=listing.category,
        district=listing.district,
        tags=tuple(listing.tags or ()),
        name=dict(listing.name or {}),
        description=dict(listing.description or {}),
        category_name=dict(category.name) if category is not None else {},
        offering_names=tuple(text for o in active for text in (o.name or {}).values()),
        lat=listing.location.y,
        lng=listing.location.x,
        service_area=area if isinstance(area, Polygon) else None,
        price_from=headline[1] if headline else None,
        price_to=max((o.price for o in active), default=None),
        rating_avg=listing.rating_avg,
        rating_count=listing.rating_count,
        open_minutes=_open_minutes(listing),
    )


async def documents_for(
    city: City, listing_ids: Sequence[int]
) -> tuple[list[ListingDocument], list[int]]:
    """Documents of the published listings among `listing_ids`, and the ids to delete."""
    listings = await Listing.filter(id__in=list(listing_ids), status=ListingStatus.PUBLISHED)
    offerings: dict[int, list[Offering]] = {listing.id: [] for listing in listings}
    for offering in await Offering.filter(listing_id__in=list(offerings)).order_by(
        "sort_order", "id"
    ):
        offerings[offering.listing_id].append(offering)  # type: ignore[attr-defined]
    documents = [document_for(city, listing, offerings[listing.id]) for listing in listings]
    found = {d.id for d in documents}
    return documents, [i for i in listing_ids if i not in found]
