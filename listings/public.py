"""What the public sees of a listing (the listing page and its JSON twin), and the operator
console's reads: read-only views, no verbs.

Only published listings are visible; a draft, a hidden listing and an unknown id all answer the
same ListingNotFound, so the public cannot tell which listings exist behind the scenes.
Texts stay per locale ({"zh-CN": ..., "en": ...}); the web layer picks the reader's language.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shapely.geometry import Polygon, mapping
from shapely.geometry.base import BaseGeometry

from geo.coords import LatLng
from listings import onboarding

# result cards are read a page at a time there; named here with the other public reads
from listings.cards import CardPhoto as PublicPhoto
from listings.cards import ListingCard as ListingCard
from listings.cards import listing_cards as listing_cards
from listings.errors import ListingNotFound
from listings.hours import Schedule
from listings.models import Listing, Merchant, Offering
from listings.permissions import Action, require
from listings.photos.models import Photo
from listings.pricing import PriceKind, headline_price
from listings.types import ListingStatus, MerchantStatus, OfferingKind, Vertical
from marketplace.accounts.models import Account
from marketplace.errors import NotFound, ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger(__name__)

Names = dict[str, str]
# one sentence for every invisible listing, shown to people (the web layer translates it)
NOT_AVAILABLE = "This listing does not exist or is not open to the public."


@dataclass(frozen=True, slots=True)
class PublicOffering:
    id: int
    kind: OfferingKind
    name: Names
    description: Names
    price: int  # minor units
    duration_min: int | None
    stock: int | None  # None: not tracked
    attributes: dict[str, Any]
    photo: PublicPhoto | None = None

    @property
    def sold_out(self) -> bool:
        return self.kind is OfferingKind.PRODUCT and self.stock is not None and self.stock <= 0

    @property
    def is_trial(self) -> bool:
        return bool(self.attributes.get("trial"))

    @property
    def tags(self) -> list[str]:
        tags = self.attributes.get("tags") or []
        return [str(t) for t in tags] if isinstance(tags, list) else []


@dataclass(frozen=True, slots=True)
class PublicListing:
    id: int
    vertical: Vertical
    category: str
    category_name: Names
    name: Names
    description: Names
    address: Names
    merchant_name: Names
    district: str | None
    district_name: Names
    location: LatLng
    service_area: Polygon | None
    # None when the stored hours cannot be read: the page then says nothing about opening
    schedule: Schedule | None
    attributes: dict[str, Any]
    tags: list[str]
    rating_avg: float | None
    rating_count: int
    offerings: tuple[PublicOffering, ...] = ()
    photos: tuple[PublicPhoto, ...] = field(default=())

    @property
    def cover(self) -> PublicPhoto | None:
        return self.photos[0] if self.photos else None

    def headline_price(self) -> tuple[PriceKind, int] | None:
        """The one price a card or page header shows, per vertical; None when nothing is priced."""
        return headline_price(
            self.vertical, self.attributes, ((o.price, o.is_trial) for o in self.offerings)
        )

    def service_area_geojson(self) -> dict[str, Any] | None:
        return dict(mapping(self.service_area)) if self.service_area is not None else None


def _photo(photo: Photo) -> PublicPhoto:
    return PublicPhoto(
        large_key=photo.large_key,
        small_key=photo.small_key,
        width=photo.width,
        height=photo.height,
        caption=dict(photo.caption or {}),
    )


def _offering(offering: Offering, photo: Photo | None) -> PublicOffering:
    return PublicOffering(
        id=offering.id,
        kind=OfferingKind(offering.kind),
        name=dict(offering.name or {}),
        description=dict(offering.description or {}),
        price=offering.price,
        duration_min=offering.duration_min,
        stock=offering.stock,
        attributes=dict(offering.attributes or {}),
        photo=_photo(photo) if photo is not None else None,
    )


def _schedule(listing: Listing) -> Schedule | None:
    try:
        return Schedule.from_json(listing.weekly_hours, listing.hours_exceptions, listing.closures)
    except ValidationFailed as exc:
        # hours written before today's rules (or by hand): show the page without them
        log.warning("listing %s has unreadable hours: %s", listing.id, exc.message)
        return None


def _polygon(value: BaseGeometry | None) -> Polygon | None:
    return value if isinstance(value, Polygon) and not value.is_empty else None


async def _published(listing_id: int) -> Listing:
    listing = (
        await Listing.filter(id=listing_id, status=ListingStatus.PUBLISHED)
        .select_related("merchant")
        .first()
    )
    if listing is None:
        raise ListingNotFound(NOT_AVAILABLE)
    return listing


async def get_public_listing(listing_id: int, city: City) -> PublicListing:
    """The published listing `listing_id` with its active offerings and photos."""
    listing = await _published(listing_id)
    offerings = await Offering.filter(listing_id=listing.id, is_active=True).order_by(
        "sort_order", "id"
    )
    photos = await Photo.filter(listing_id=listing.id).order_by("sort_order", "id")
    listing_photos = [p for p in photos if p.offering_id is None]  # type: ignore[attr-defined]
    by_offering: dict[int, Photo] = {}
    for photo in photos:
        key = photo.offering_id  # type: ignore[attr-defined]
        if key is not None:
            by_offering.setdefault(key, photo)
    vertical = Vertical(listing.vertical)
    category = city.category(vertical, listing.category)
    district = city.area.district(listing.district) if listing.district else None
    return PublicListing(
        id=listing.id,
        vertical=vertical,
        category=listing.category,
        category_name=dict(category.name) if category else {},
        name=dict(listing.name or {}),
        description=dict(listing.description or {}),
        address=dict(listing.address or {}),
        merchant_name=dict(listing.merchant.name or {}),
        district=listing.district,
        district_name=dict(district.name) if district else {},
        location=LatLng.from_point(listing.location),
        service_area=_polygon(listing.service_area),
        schedule=_schedule(listing),
        attributes=dict(listing.attributes or {}),
        tags=[str(t) for t in listing.tags or []],
        rating_avg=listing.rating_avg,
        rating_count=listing.rating_count,
        offerings=tuple(_offering(o, by_offering.get(o.id)) for o in offerings),
        photos=tuple(_photo(p) for p in listing_photos),
    )


async def recent_listings(limit: int = 20) -> list[tuple[int, Names, Vertical]]:
    """Ids, names and verticals of the newest published listings (for checks and links)."""
    if limit <= 0:
        return []  # Tortoise reads limit(0) as "no limit"
    rows = (
        await Listing.filter(status=ListingStatus.PUBLISHED)
        .order_by("-created_at", "-id")
        .limit(limit)
        .values_list("id", "name", "vertical")
    )
    return [(int(i), dict(n or {}), Vertical(v)) for i, n, v in rows]


# --- reads for the operator console -------------------------------------------------------------
# Operators see every listing whatever its state; each read checks the role itself, so a page
# that forgot its guard still shows nothing.


@dataclass(frozen=True, slots=True)
class ConsoleCounts:
    pending_applications: int
    published_listings: int
    hidden_listings: int


@dataclass(frozen=True, slots=True)
class ConsoleListing:
    id: int
    name: Names
    merchant_name: Names
    vertical: Vertical
    status: ListingStatus
    hidden_by_operator: bool
    hidden_reason: str | None
    updated_at: datetime


async def _operator(actor: Account | None) -> None:
    await require(actor, Action.REVIEW_MERCHANT, None)


async def console_counts(actor: Account | None) -> ConsoleCounts:
    await _operator(actor)
    return ConsoleCounts(
        pending_applications=await Merchant.filter(status=MerchantStatus.PENDING).count(),
        published_listings=await Listing.filter(status=ListingStatus.PUBLISHED).count(),
        hidden_listings=await Listing.filter(status=ListingStatus.HIDDEN).count(),
    )


async def applications_with_applicants(actor: Account | None, limit: int = 100) -> list[Merchant]:
    """Pending applications, oldest first, with their applicant (`owner`) loaded."""
    merchants = await onboarding.pending_applications(actor, limit=limit)
    await Merchant.fetch_for_list(merchants, "owner")
    return merchants


async def merchant_for_review(actor: Account | None, merchant_id: int) -> Merchant:
    await _operator(actor)
    merchant = await Merchant.get_or_none(id=merchant_id)
    if merchant is None:
        raise NotFound("No such application.")
    return merchant


async def listing_for_console(actor: Account | None, listing_id: int) -> Listing:
    await _operator(actor)
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        raise ListingNotFound("No such listing.")
    return listing


def _matches(needle: str, *names: Names | None) -> bool:
    return any(needle in text.casefold() for n in names for text in (n or {}).values())


async def search_console_listings(
    actor: Account | None,
    query: str = "",
    status: ListingStatus | None = None,
    *,
    limit: int = 50,
) -> list[ConsoleListing]:
    """Listings whose name or merchant's name contains `query` (any locale, any case), newest
    change first. Names are per-locale JSON, which SQLite stores \\u-escaped, so no one SQL LIKE
    works on both databases: ids and names are read and matched here; then full rows for the
    page. Fine for a city's few thousand listings; the search engine takes over beyond that."""
    await _operator(actor)
    base = Listing.filter(status=status) if status else Listing.all()
    needle = " ".join(query.split()).casefold()
    if needle:
        rows = await base.values_list("id", "name", "merchant__name")
        ids = [i for i, name, merchant in rows if _matches(needle, name, merchant)]
        base = Listing.filter(id__in=ids)
    found = await base.order_by("-updated_at", "-id").limit(limit).select_related("merchant")
    return [
        ConsoleListing(
            id=listing.id,
            name=dict(listing.name or {}),
            merchant_name=dict(listing.merchant.name or {}),
            vertical=Vertical(listing.vertical),
            status=ListingStatus(listing.status),
            hidden_by_operator=listing.hidden_by_operator,
            hidden_reason=listing.hidden_reason,
            updated_at=listing.updated_at,
        )
        for listing in found
    ]
