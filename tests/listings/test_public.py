"""listings.public: what the public may read of a listing, and nothing more."""

from __future__ import annotations

import pytest

from geo.service_areas import geodesic_circle
from listings.errors import ListingNotFound
from listings.models import Listing, Offering
from listings.photos.models import Photo
from listings.public import PriceKind, get_public_listing, recent_listings
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace.city import City
from tests.support.factories import make_listing, make_merchant


async def offer(listing: Listing, kind: OfferingKind, price: int, **fields: object) -> Offering:
    values: dict[str, object] = {"name": {"zh-CN": f"项目{price}", "en": f"Item {price}"}}
    values.update(fields)
    return await Offering.create(listing=listing, kind=kind, price=price, **values)


async def photo(
    listing: Listing, n: int, offering: Offering | None = None, order: int = 0
) -> Photo:
    return await Photo.create(
        listing=listing,
        offering=offering,
        original_key=f"photos/{n}/original.jpg",
        large_key=f"photos/{n}/960.jpg",
        small_key=f"photos/{n}/320.jpg",
        width=800,
        height=600,
        content_type="image/jpeg",
        byte_size=1,
        sha256=str(n) * 64,
        sort_order=order,
    )


async def test_published_listing_with_names_from_the_city(db: str, city: City) -> None:
    merchant = await make_merchant(name={"zh-CN": "老王餐饮", "en": "Wang Catering"})
    listing = await make_listing(
        city.center,
        merchant,
        district="tianning",
        weekly_hours={"mon": [["09:00", "21:00"]]},
        attributes={"avg_price_per_person": 4500},
    )
    await offer(listing, OfferingKind.DISH, 1800, sort_order=2)
    await offer(listing, OfferingKind.DISH, 1200, sort_order=1)
    await offer(listing, OfferingKind.DISH, 100, is_active=False)
    public = await get_public_listing(listing.id, city)
    assert public.merchant_name == {"zh-CN": "老王餐饮", "en": "Wang Catering"}
    assert public.category_name["zh-CN"] == "面馆"
    assert public.district_name["zh-CN"] == "天宁区"
    assert public.location == city.center
    assert [o.price for o in public.offerings] == [1200, 1800]  # active only, in sort order
    assert public.headline_price() == (PriceKind.PER_PERSON, 4500)
    assert public.schedule is not None and public.schedule.weekly["mon"][0].start == "09:00"
    assert public.cover is None and public.service_area is None


@pytest.mark.parametrize("status", [ListingStatus.DRAFT, ListingStatus.HIDDEN])
async def test_only_published_listings_are_public(
    db: str, city: City, status: ListingStatus
) -> None:
    listing = await make_listing(city.center, status=status)
    with pytest.raises(ListingNotFound):
        await get_public_listing(listing.id, city)
    with pytest.raises(ListingNotFound):
        await get_public_listing(listing.id + 1000, city)


async def test_price_line_per_vertical(db: str, city: City) -> None:
    home = await make_listing(
        city.center,
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        service_area=geodesic_circle(city.center, 2000),
    )
    await offer(home, OfferingKind.SERVICE, 30000, duration_min=240)
    await offer(home, OfferingKind.SERVICE, 12000, duration_min=120)
    tutor = await make_listing(city.center, vertical=Vertical.TUTORING, category="math")
    await offer(tutor, OfferingKind.LESSON, 0, duration_min=45, attributes={"trial": True})
    await offer(tutor, OfferingKind.LESSON, 8000, duration_min=60)
    empty = await make_listing(city.center, vertical=Vertical.SHOP, category="grocery")

    housekeeping = await get_public_listing(home.id, city)
    assert housekeeping.headline_price() == (PriceKind.FROM, 12000)
    area = housekeeping.service_area_geojson()
    assert area is not None and area["type"] == "Polygon"
    assert (await get_public_listing(tutor.id, city)).headline_price() == (
        PriceKind.PER_LESSON,
        8000,
    )
    assert (await get_public_listing(empty.id, city)).headline_price() is None


async def test_photos_split_between_listing_and_offerings(db: str, city: City) -> None:
    listing = await make_listing(city.center, vertical=Vertical.SHOP, category="grocery")
    peach = await offer(listing, OfferingKind.PRODUCT, 3900, stock=0)
    await photo(listing, 1, order=2)
    await photo(listing, 2, order=1)
    await photo(listing, 3, offering=peach)
    public = await get_public_listing(listing.id, city)
    assert [p.large_key for p in public.photos] == ["photos/2/960.jpg", "photos/1/960.jpg"]
    assert public.cover is not None and public.cover.small_key == "photos/2/320.jpg"
    (product,) = public.offerings
    assert product.photo is not None and product.photo.small_key == "photos/3/320.jpg"
    assert product.sold_out


async def test_unreadable_hours_leave_the_schedule_out(db: str, city: City) -> None:
    listing = await make_listing(city.center, weekly_hours={"mon": [["09:00", "09:00"]]})
    assert (await get_public_listing(listing.id, city)).schedule is None


async def test_recent_listings_are_published_newest_first(db: str, city: City) -> None:
    first = await make_listing(city.center)
    await make_listing(city.center, status=ListingStatus.DRAFT)
    second = await make_listing(city.center, vertical=Vertical.SHOP, category="grocery")
    recent = await recent_listings(10)
    assert [row[0] for row in recent] == [second.id, first.id]
    assert recent[0][2] is Vertical.SHOP
    assert await recent_listings(0) == []
