"""The JSON twin of the public listing page: its documented shape and how a listing fills it.

Prices are integer minor units of the city's currency; texts stay objects keyed by locale.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, Field

from listings.hours_display import opening_state
from listings.public import PublicListing, PublicPhoto
from marketplace.city import City


class PhotoOut(BaseModel):
    large: str
    small: str
    caption: dict[str, str] = {}


class OfferingOut(BaseModel):
    id: int
    kind: str
    name: dict[str, str]
    description: dict[str, str]
    price: int = Field(description="integer minor units of the listing's currency")
    duration_min: int | None
    stock: int | None = Field(description="null when the merchant does not track stock")
    sold_out: bool
    attributes: dict[str, Any] = Field(description="tags, format, grade, trial ... per kind")
    photo: PhotoOut | None


class OpeningOut(BaseModel):
    open: bool
    next_change_at: str | None = Field(description="ISO 8601 in the city's timezone")
    next_change_opens: bool | None
    closed_reason: str | None


class PriceOut(BaseModel):
    kind: str = Field(description="per_person, from or per_lesson")
    amount: int


class PublicListingOut(BaseModel):
    id: int
    vertical: str
    category: str
    category_name: dict[str, str]
    name: dict[str, str]
    description: dict[str, str]
    address: dict[str, str]
    merchant_name: dict[str, str]
    district: str | None
    district_name: dict[str, str]
    location: dict[str, float] = Field(description='{"lat": ..., "lng": ...}')
    service_area: dict[str, Any] | None = Field(description="GeoJSON Polygon, [lng, lat]")
    currency: str
    price: PriceOut | None
    rating_avg: float | None
    rating_count: int
    hours: dict[str, Any] | None = Field(description="weekly, exceptions, closures")
    opening: OpeningOut | None
    attributes: dict[str, Any]
    offerings: list[OfferingOut]
    photos: list[PhotoOut]


def media_path(key: str) -> str:
    return "/media/" + quote(key)


def _photo_json(photo: PublicPhoto | None) -> dict[str, Any] | None:
    if photo is None:
        return None
    return {
        "large": media_path(photo.large_key),
        "small": media_path(photo.small_key),
        "caption": photo.caption,
    }


def listing_json(city: City, listing: PublicListing, at: datetime) -> dict[str, Any]:
    """The listing as `PublicListingOut` describes it, opening state judged at `at`."""
    schedule = listing.schedule
    opening = None
    if schedule is not None:
        state = opening_state(schedule, at, city.tz)
        change = state.next_change
        opening = {
            "open": state.open,
            "next_change_at": change.at.isoformat() if change else None,
            "next_change_opens": change.opens if change else None,
            "closed_reason": state.closed_reason,
        }
    price = listing.headline_price()
    body = {
        **{k: getattr(listing, k) for k in PublicListingOut.model_fields if hasattr(listing, k)},
        "vertical": listing.vertical.value,
        "location": {"lat": listing.location.lat, "lng": listing.location.lng},
        "service_area": listing.service_area_geojson(),
        "currency": city.currency,
        "price": {"kind": price[0].value, "amount": price[1]} if price else None,
        "hours": schedule.to_json() if schedule is not None else None,
        "opening": opening,
        "offerings": [
            {
                **{k: getattr(o, k) for k in OfferingOut.model_fields if hasattr(o, k)},
                "kind": o.kind.value,
                "photo": _photo_json(o.photo),
            }
            for o in listing.offerings
        ],
        "photos": [_photo_json(p) for p in listing.photos],
    }
    return PublicListingOut.model_validate(body).model_dump(mode="json")
