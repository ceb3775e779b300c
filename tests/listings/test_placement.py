"""A listing's position is checked against the city before anything is written."""

from __future__ import annotations

from typing import Any

import pytest

from listings import catalogue, services
from listings.errors import OutsideCity
from listings.models import Listing, Merchant
from listings.types import ListingStatus, Vertical
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.errors import ValidationFailed
from tests.support.factories import make_merchant

NAME = {"zh-CN": "老字号银丝面馆", "en": "Old Brand Silver Noodles"}
NANDAJIE = {"lat": 31.7782, "lng": 119.9516}  # 南大街, in the old town
TUTOR = {"subjects": ["math"], "grades": ["primary_3"], "formats": ["at_centre"]}


async def owned_merchant() -> tuple[Merchant, Account]:
    merchant = await make_merchant()
    return merchant, await merchant.owner


async def create(city: City, **values: Any) -> Listing:
    merchant, owner = await owned_merchant()
    values = {"vertical": "restaurant", "category": "noodles", "name": NAME, **NANDAJIE, **values}
    return await catalogue.create_listing(city, owner, merchant, **values)


async def test_listing_inside_the_city_gets_its_district(db: str, city: City) -> None:
    listing = await create(city)
    assert listing.status == ListingStatus.DRAFT
    assert listing.district == "zhonglou"
    assert (await Listing.get(id=listing.id)).location.y == pytest.approx(31.7782)


@pytest.mark.parametrize(
    ("lat", "lng", "field", "reason_part"),
    [
        (91, 119.95, "location.lat", "between -90 and 90"),
        (31.49, 120.31, "location", "outside Changzhou"),  # Wuxi, the next city east
        ("north", 119.95, "location.lat", "must be a number"),
    ],
)
async def test_bad_positions_are_refused_with_the_field_and_nothing_is_written(
    db: str, city: City, lat: object, lng: float, field: str, reason_part: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        await create(city, lat=lat, lng=lng)
    assert [e.field for e in err.value.errors] == [field]
    if field == "location":
        assert isinstance(err.value, OutsideCity)
    assert reason_part in err.value.errors[0].reason
    assert await Listing.all().count() == 0


def test_locate_names_the_district_and_refuses_the_outside(city: City) -> None:
    point, district = services.locate(city, 31.7782, 119.9516)
    assert (point.lat, district) == (31.7782, "zhonglou")
    with pytest.raises(OutsideCity):
        services.locate(city, 31.49, 120.31)


async def test_every_bad_field_is_reported_at_once(db: str, city: City) -> None:
    with pytest.raises(ValidationFailed) as err:
        await create(
            city,
            vertical="spa",
            category="massage",
            name={"zh-CN": "", "en": "Spa"},
            lat=0.0,
            lng=0.0,
        )
    fields = {e.field for e in err.value.errors}
    assert {"vertical", "location"} <= fields
    assert await Listing.all().count() == 0


async def test_unknown_category_for_a_vertical(db: str, city: City) -> None:
    with pytest.raises(ValidationFailed) as err:
        await create(city, vertical=Vertical.SHOP, category="noodles")
    assert err.value.errors[0].field == "category"


async def test_counts_only_published_listings(db: str, city: City) -> None:
    merchant, owner = await owned_merchant()
    for vertical, category in (("restaurant", "noodles"), ("shop", "grocery"), ("shop", "bakery")):
        listing = await catalogue.create_listing(
            city, owner, merchant, vertical=vertical, category=category, name=NAME, **NANDAJIE
        )
        await catalogue.publish(owner, listing)
    await catalogue.create_listing(
        city,
        owner,
        merchant,
        vertical="tutoring",
        category="math",
        name=NAME,
        attributes=TUTOR,
        **NANDAJIE,
    )
    assert await services.count_published_listings() == 3
    counts = await services.count_by_vertical()
    assert counts[Vertical.SHOP] == 2 and counts[Vertical.TUTORING] == 0
