"""Inputs and helpers shared by the merchant, listing and notice tests."""

from __future__ import annotations

from typing import Any

from listings.models import (
    Listing,
    ListingChange,
    Merchant,
    MerchantInvite,
    MerchantStaff,
    Offering,
)
from listings.types import MerchantStatus
from marketplace.accounts import Role
from marketplace.accounts.models import Account, encode_roles
from marketplace.notices.mailers import Mail
from marketplace.notices.models import Notice
from tests.support.factories import make_account, make_merchant

# inside the city, in the old town
LAT, LNG = 31.7782, 119.9516
# inside, 1 km from the eastern boundary (which runs along lng 120.2 at this latitude)
EDGE_LAT, EDGE_LNG = 31.78, 120.19
# the next city east: outside
OUT_LAT, OUT_LNG = 31.49, 120.31

NAME = {"zh-CN": "金牌家政", "en": "Golden Housekeeping"}
WEEKLY = {day: [["08:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


def square(lat: float, lng: float, half: float = 0.01) -> dict[str, Any]:
    """A GeoJSON square of side 2*half degrees around a point, [lng, lat] as GeoJSON wants."""
    ring = [
        [lng - half, lat - half],
        [lng + half, lat - half],
        [lng + half, lat + half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def bow_tie(lat: float, lng: float, half: float = 0.01) -> dict[str, Any]:
    """A ring that crosses itself in the middle: the classic invalid drawing."""
    ring = [
        [lng - half, lat - half],
        [lng + half, lat + half],
        [lng + half, lat - half],
        [lng - half, lat + half],
        [lng - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def housekeeping_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "vertical": "housekeeping",
        "category": "cleaning",
        "name": dict(NAME),
        "lat": LAT,
        "lng": LNG,
        "address": {"zh-CN": "南大街1号"},
        "attributes": {"min_notice_hours": 4, "service_radius_m": 3000},
        "weekly_hours": WEEKLY,
        "offerings": [
            {
                "name": {"zh-CN": "日常保洁 2小时", "en": "Cleaning, 2 h"},
                "price": "120",
                "duration_min": 120,
            },
            {"name": {"zh-CN": "深度保洁"}, "price": "399.5", "duration_min": 240},
        ],
    }
    values.update(overrides)
    return values


def shop_input(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "vertical": "shop",
        "category": "bakery",
        "name": {"zh-CN": "麦香面包房", "en": "Wheat Bakery"},
        "lat": LAT,
        "lng": LNG,
        "attributes": {"pickup": True, "delivery": False},
        "offerings": [{"name": {"zh-CN": "全麦面包"}, "price": "12.5", "stock": 30}],
    }
    values.update(overrides)
    return values


async def make_operator() -> Account:
    return await make_account(role_codes=encode_roles({Role.OPERATOR}))


async def make_resident() -> Account:
    return await make_account(role_codes=encode_roles({Role.RESIDENT}))


async def merchant_with_owner(
    status: MerchantStatus = MerchantStatus.APPROVED,
) -> tuple[Merchant, Account]:
    owner = await make_account(role_codes=encode_roles({Role.MERCHANT_STAFF}))
    merchant = await make_merchant(owner=owner, status=status)
    return merchant, owner


async def row_counts() -> dict[str, int]:
    """Rows per table the catalogue and onboarding write: equal before and after a refusal."""
    models = (Listing, Offering, ListingChange, Merchant, MerchantStaff, MerchantInvite, Notice)
    return {model.__name__: await model.all().count() for model in models}


class CapturingMailer:
    """A mailer that keeps what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[Mail] = []

    async def send(self, mail: Mail) -> None:
        self.sent.append(mail)
