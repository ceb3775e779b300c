"""Bodies and answers of the merchant JSON API, and the rows they are built from.

Inputs are shaped, not judged: the services check every value and name each bad field. Money
goes in as typed (major units, "38.50") and comes out twice: `price` the same way, and
`price_minor` in integer minor units of `currency`.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from shapely.geometry import mapping

from geo.coords import LatLng
from listings.models import Listing, Merchant, MerchantInvite, Offering
from listings.offerings import offering_as_input
from listings.types import Vertical
from listings.verticals import ATTRIBUTES, as_input
from marketplace.city import City
from marketplace.input_bounds import Line, Text
from web.openapi import Operation

PREFIX = "/api/v1"
TAG = "merchants"
READ_ERRORS = (403, 404)
WRITE_ERRORS = (403, 404, 409, 422)

Texts = dict[str, Text]
Names = dict[str, Line]  # one line each: a name never holds a line break
TEXTS = 'texts per locale, e.g. {"zh-CN": "金牌家政", "en": "Golden Housekeeping"}'


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MerchantApplyIn(Body):
    name: Names = Field(description=TEXTS)
    vertical: str = Field(description="restaurant, housekeeping, tutoring or shop")
    category: str = Field(description="a category slug of that vertical in the city's config")
    address: Texts = Field(default_factory=dict, description=TEXTS)
    lat: float
    lng: float
    contact_name: Line
    contact_phone: Line
    contact_email: Line | None = None


class PointOut(BaseModel):
    lat: float
    lng: float


class MerchantOut(BaseModel):
    id: int
    name: Texts
    status: str = Field(description="pending, approved, rejected or suspended")
    vertical: str | None
    category: str | None
    address: Texts
    location: PointOut | None
    district: str | None
    contact_name: str | None
    contact_phone: str | None
    contact_email: str | None
    rejection_reason: str | None = Field(description="why it was rejected or suspended")
    reviewed_at: str | None
    created_at: str | None


class MerchantAnswer(BaseModel):
    merchant: MerchantOut


class MerchantsAnswer(BaseModel):
    merchants: list[MerchantOut]


class OfferingIn(Body):
    """A dish, service, lesson or product; which fields apply depends on the listing's vertical."""

    name: Names = Field(description=TEXTS)
    description: Texts | None = None
    price: str | int | float = Field(description='in major units as typed, e.g. "38.50"')
    duration_min: int | str | None = Field(default=None, description="services and lessons")
    stock: int | str | None = Field(default=None, description="products")
    sku: str | None = Field(default=None, description="products")
    tags: list[Line] | None = Field(default=None, description="dishes: signature, spicy, ...")
    format: str | None = Field(default=None, description="lessons: at_home, at_centre, online")
    grade: str | None = Field(default=None, description="lessons, e.g. primary_3")
    trial: bool | None = Field(default=None, description="lessons: a trial lesson")
    is_active: bool | None = None
    sort_order: int | None = None


class OfferingPatch(OfferingIn):
    name: Names | None = Field(default=None, description=TEXTS)  # type: ignore[assignment]
    price: str | int | float | None = None  # type: ignore[assignment]


class OfferingOut(BaseModel):
    id: int
    listing_id: int
    kind: str
    name: Texts
    description: Texts
    price: str = Field(description="major units, as the merchant types it")
    price_minor: int = Field(description="integer minor units of currency")
    currency: str
    duration_min: int | None
    stock: int | None
    attributes: dict[str, Any]
    is_active: bool
    sort_order: int


class OfferingAnswer(BaseModel):
    offering: OfferingOut


class OfferingsAnswer(BaseModel):
    offerings: list[OfferingOut]


class ListingFields(Body):
    description: Texts | None = Field(default=None, description=TEXTS)
    address: Texts | None = Field(default=None, description=TEXTS)
    attributes: dict[str, Any] | None = Field(
        default=None, description="per vertical; money in major units; replaces the whole object"
    )
    weekly_hours: dict[str, Any] | None = Field(
        default=None, description='{"mon": [["09:00", "21:00"]], ...} in the city\'s timezone'
    )
    hours_exceptions: dict[str, Any] | None = Field(
        default=None, description='{"2026-10-01": [["10:00", "16:00"]]}; [] closes the day'
    )
    closures: list[dict[str, Any]] | None = Field(
        default=None, description='[{"start": ISO 8601, "end": ISO 8601 or null, "reason"}]'
    )
    service_area: dict[str, Any] | None = Field(
        default=None, description="a GeoJSON Polygon, for service_area_mode polygon"
    )
    tags: list[Line] | None = None


class ListingIn(ListingFields):
    vertical: str
    category: str
    name: Names = Field(description=TEXTS)
    lat: float
    lng: float
    offerings: list[OfferingIn] = []


class ListingPatch(ListingFields):
    category: str | None = None
    name: Names | None = Field(default=None, description=TEXTS)
    lat: float | None = None
    lng: float | None = None


class ListingOut(BaseModel):
    id: int
    merchant_id: int
    vertical: str
    category: str
    status: str = Field(description="draft, published or hidden")
    hidden_by_operator: bool
    hidden_reason: str | None
    name: Texts
    description: Texts
    address: Texts
    location: PointOut
    district: str | None
    service_area: dict[str, Any] | None = Field(description="GeoJSON Polygon")
    weekly_hours: dict[str, Any]
    hours_exceptions: dict[str, Any]
    closures: list[Any]
    attributes: dict[str, Any] = Field(description="money in major units, as sent")
    tags: list[str]
    created_at: str | None
    updated_at: str | None


class ListingAnswer(BaseModel):
    listing: ListingOut


class ListingsAnswer(BaseModel):
    listings: list[ListingOut]


class HideIn(Body):
    reason: Text | None = Field(default=None, description="required when an operator hides")


class InviteIn(Body):
    identifier: Line = Field(description="the invitee's phone number or e-mail")


class InviteOut(BaseModel):
    id: int
    email: str | None
    phone: str | None
    expires_at: str


class InviteAnswer(BaseModel):
    invite: InviteOut
    token: str = Field(description="shown once: the invitee accepts with it")
    accept_url: str


class AcceptIn(Body):
    token: str


class AcceptAnswer(BaseModel):
    merchant_id: int


def op(method: str, path: str, summary: str, **extra: object) -> Operation:
    """A signed-in operation of the merchant API, as the OpenAPI document lists it."""
    return Operation(method, path, summary, TAG, signed_in=True, **extra)  # type: ignore[arg-type]


# --- rows to answers ---------------------------------------------------------------------------


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _point(value: Any) -> dict[str, float] | None:
    if value is None:
        return None
    point = LatLng.from_point(value)
    return {"lat": point.lat, "lng": point.lng}


def merchant_json(merchant: Merchant) -> dict[str, Any]:
    return {
        "id": merchant.id,
        "name": dict(merchant.name or {}),
        "status": str(merchant.status),
        "vertical": str(merchant.vertical) if merchant.vertical else None,
        "category": merchant.category,
        "address": dict(merchant.address or {}),
        "location": _point(merchant.location),
        "district": merchant.district,
        "contact_name": merchant.contact_name,
        "contact_phone": merchant.contact_phone,
        "contact_email": merchant.contact_email,
        "rejection_reason": merchant.rejection_reason,
        "reviewed_at": _when(merchant.reviewed_at),
        "created_at": _when(merchant.created_at),
    }


def listing_json(city: City, listing: Listing) -> dict[str, Any]:
    vertical = Vertical(listing.vertical)
    area = listing.service_area
    return {
        "id": listing.id,
        "merchant_id": listing.merchant_id,  # type: ignore[attr-defined]
        "vertical": vertical.value,
        "category": listing.category,
        "status": str(listing.status),
        "hidden_by_operator": listing.hidden_by_operator,
        "hidden_reason": listing.hidden_reason,
        "name": dict(listing.name or {}),
        "description": dict(listing.description or {}),
        "address": dict(listing.address or {}),
        "location": _point(listing.location),
        "district": listing.district,
        "service_area": dict(mapping(area)) if area is not None else None,
        "weekly_hours": dict(listing.weekly_hours or {}),
        "hours_exceptions": dict(listing.hours_exceptions or {}),
        "closures": list(listing.closures or []),
        "attributes": as_input(ATTRIBUTES[vertical], listing.attributes or {}, city.minor_units),
        "tags": list(listing.tags or []),
        "created_at": _when(listing.created_at),
        "updated_at": _when(listing.updated_at),
    }


def offering_json(city: City, offering: Offering) -> dict[str, Any]:
    typed = offering_as_input(offering, city.minor_units)
    return {
        "id": offering.id,
        "listing_id": offering.listing_id,  # type: ignore[attr-defined]
        "kind": str(offering.kind),
        "name": dict(offering.name or {}),
        "description": dict(offering.description or {}),
        "price": typed["price"],
        "price_minor": offering.price,
        "currency": city.currency,
        "duration_min": offering.duration_min,
        "stock": offering.stock,
        "attributes": dict(offering.attributes or {}),
        "is_active": offering.is_active,
        "sort_order": offering.sort_order,
    }


def invite_json(invite: MerchantInvite) -> dict[str, Any]:
    return {
        "id": invite.id,
        "email": invite.email,
        "phone": invite.phone,
        "expires_at": invite.expires_at.isoformat(),
    }
