"""Favourites and recently viewed, on both databases: a save is idempotent (a race of saves makes
one row and the right count), unsaving forgets, unknown listings are 404s, views are deduplicated,
newest first and bounded; "popular in your district" counts the week's completed purchases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from geo.coords import LatLng
from listings.errors import ListingNotFound
from listings.types import ListingStatus
from marketplace import clock
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.favourites import services as favourites
from marketplace.favourites.models import Favourite, RecentView
from marketplace.favourites.popular import district_for, popular_in_district
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from tests.support.bookables import (
    cleaning_of,
    confirmed_booking,
    confirmed_order,
    every_day,
    shop_of,
)
from tests.support.factories import make_account, make_listing, make_merchant

CENTRE = LatLng(31.7790, 119.9740)


async def test_save_is_idempotent_and_unsave_forgets(db: str) -> None:
    resident = await make_account()
    listing = await make_listing(CENTRE)
    assert await favourites.save(resident, listing.id) is True
    assert await favourites.save(resident, listing.id) is False
    assert await favourites.count_for(listing.id) == 1
    assert await favourites.favourite_ids(resident) == [listing.id]
    assert await favourites.is_saved(resident, listing.id)
    assert await favourites.unsave(resident, listing.id) is True
    assert await favourites.unsave(resident, listing.id) is False
    assert await favourites.count_for(listing.id) == 0
    assert await favourites.favourite_ids(resident) == []


async def test_unknown_or_unpublished_listing_cannot_be_saved(db: str) -> None:
    resident = await make_account()
    draft = await make_listing(CENTRE, status=ListingStatus.DRAFT)
    with pytest.raises(ListingNotFound):
        await favourites.save(resident, 987654)
    with pytest.raises(ListingNotFound):
        await favourites.save(resident, draft.id)
    with pytest.raises(ListingNotFound):
        await favourites.unsave(resident, 987654)


def _at(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: when)


async def test_favourites_newest_first_and_unpublished_left_out(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = await make_account()
    merchant = await make_merchant()
    first, second, third = [await make_listing(CENTRE, merchant) for _ in range(3)]
    for n, listing in enumerate((first, second, third)):
        _at(monkeypatch, datetime(2026, 11, 25, 10, n, tzinfo=UTC))
        await favourites.save(resident, listing.id)
    await type(second).filter(id=second.id).update(status=ListingStatus.HIDDEN)
    assert await favourites.favourite_ids(resident) == [third.id, first.id]
    assert await favourites.saved_among(resident, [first.id, second.id, 1234]) == {
        first.id,
        second.id,
    }


@pytest.mark.parametrize("attempts", [2, 50])
async def test_concurrent_saves_make_one_row(db: str, attempts: int) -> None:
    resident = await make_account()
    others = [await make_account() for _ in range(3)]
    listing = await make_listing(CENTRE)
    for other in others:
        await favourites.save(other, listing.id)
    outcomes = await asyncio.gather(
        *(favourites.save(resident, listing.id) for _ in range(attempts))
    )
    assert outcomes.count(True) == 1
    assert await Favourite.filter(resident_id=resident.id, listing_id=listing.id).count() == 1
    assert await favourites.count_for(listing.id) == 4


async def test_recent_views_deduplicated_newest_first_and_bounded(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    resident = await make_account()
    merchant = await make_merchant()
    listings = [await make_listing(CENTRE, merchant) for _ in range(favourites.RECENT_KEPT + 3)]
    start = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
    for n, listing in enumerate(listings):
        _at(monkeypatch, start + timedelta(minutes=n))
        await favourites.record_view(resident, listing.id)
    _at(monkeypatch, start + timedelta(hours=1))
    await favourites.record_view(resident, listings[5].id)  # seen again: moves to the front
    recent = await favourites.recent_ids(resident)
    assert len(recent) == favourites.RECENT_KEPT
    assert recent[0] == listings[5].id
    assert recent[1] == listings[-1].id
    assert len(set(recent)) == len(recent)
    assert listings[0].id not in recent
    assert await RecentView.filter(resident_id=resident.id).count() == favourites.RECENT_KEPT


async def test_concurrent_views_make_one_row(db: str) -> None:
    resident = await make_account()
    listing = await make_listing(CENTRE)
    await asyncio.gather(*(favourites.record_view(resident, listing.id) for _ in range(10)))
    assert await RecentView.filter(resident_id=resident.id).count() == 1


async def test_popular_counts_the_weeks_completed_purchases_in_the_district(db: str, city) -> None:
    now = clock.now()
    merchant = await make_merchant()
    hours = every_day("08:00", "20:00", 120, 20)
    busy, offering = await cleaning_of(merchant, hours)
    quiet, quiet_offering = await cleaning_of(merchant, hours)
    shop, product = await shop_of(merchant)
    elsewhere, far_offering = await cleaning_of(merchant, hours)
    for listing in (busy, quiet, shop):
        await type(listing).filter(id=listing.id).update(district="tianning")
    await type(elsewhere).filter(id=elsewhere.id).update(district="wujin")
    resident = await make_account()

    async def completed(listing, offering, at: datetime) -> None:
        booking = await confirmed_booking(city, resident, listing, offering)
        await Booking.filter(id=booking.id).update(state=BookingState.COMPLETED, code_used_at=at)

    for _ in range(3):
        await completed(busy, offering, now - timedelta(days=1))
    await completed(quiet, quiet_offering, now - timedelta(days=2))
    await completed(quiet, quiet_offering, now - timedelta(days=9))  # last week: not counted
    await completed(elsewhere, far_offering, now - timedelta(days=1))  # another district
    await confirmed_booking(city, resident, quiet, quiet_offering)  # not completed
    for _ in range(2):
        order = await confirmed_order(city, resident, shop, product, quantity=1)
        await Order.filter(id=order.id).update(
            state=OrderState.PICKED_UP, code_used_at=now - timedelta(hours=3)
        )
    assert await popular_in_district("tianning", now) == [busy.id, shop.id, quiet.id]
    assert await popular_in_district("wujin", now) == [elsewhere.id]
    assert await popular_in_district("jintan", now) == []


def test_district_of_a_point_or_the_nearest(city) -> None:
    inside = city.area.districts[0].polygon.representative_point()
    assert district_for(city.area, LatLng(inside.y, inside.x)) == city.area.districts[0].slug
    assert district_for(city.area, LatLng(30.0, 119.0)) in {d.slug for d in city.area.districts}
