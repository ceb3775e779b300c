"""Listings residents can book or order from, for the bookings and orders tests."""

from __future__ import annotations

from datetime import UTC, datetime

from geo.coords import LatLng
from geo.service_areas import geodesic_circle
from listings.models import Listing, Offering
from listings.types import OfferingKind, Vertical
from tests.support.factories import make_listing

# A Wednesday, 08:00 in Changzhou: "tomorrow 09:00" is bookable with a day's notice to spare.
NOW = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
THURSDAY_9 = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # 09:00 +08:00
HOME = LatLng(31.7787, 119.9740)
NEAR_HOME = LatLng(31.7830, 119.9790)  # about 650 m away: inside a 3 km area
FAR_AWAY = LatLng(31.6500, 119.6000)  # in the city, far outside the area


def every_day(start: str, end: str, slot: int, capacity: int, **extra: object) -> dict[str, object]:
    return {
        "windows": [
            {"weekday": d, "start": start, "end": end, "slot_minutes": slot, "capacity": capacity}
            for d in range(7)
        ],
        **extra,
    }


async def cleaning_service(capacity: int = 1, price: int = 12000) -> tuple[Listing, Offering]:
    """A housekeeping listing that travels 3 km around HOME; 3-hour cleans from 09:00."""
    listing = await make_listing(
        HOME,
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        name={"zh-CN": "好帮手保洁", "en": "Helping Hands Cleaning"},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.SERVICE,
        name={"zh-CN": "日常保洁 3 小时", "en": "Regular clean, 3 hours"},
        price=price,
        duration_min=180,
        availability=every_day("09:00", "18:00", 180, capacity, buffer_minutes=0),
    )
    return listing, offering


async def shop_with_stock(stock: int | None = 10, price: int = 1500) -> tuple[Listing, Offering]:
    listing = await make_listing(
        HOME,
        vertical=Vertical.SHOP,
        category="grocery",
        name={"zh-CN": "街角小超市", "en": "Corner Grocery"},
        attributes={"pickup": True, "delivery": True, "delivery_fee": 500},
        service_area=geodesic_circle(HOME, 3000),
    )
    offering = await Offering.create(
        listing=listing,
        kind=OfferingKind.PRODUCT,
        name={"zh-CN": "阳山水蜜桃 一箱", "en": "Yangshan peaches, a box"},
        price=price,
        stock=stock,
    )
    return listing, offering
