"""Search result cards: the page read (listings.cards) and opening badges reused only while they
still hold (stable_until), on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from listings.cards import listing_cards, stable_until
from listings.hours import Schedule
from listings.hours_display import opening_state
from listings.models import Offering
from listings.photos.models import Photo
from listings.pricing import PriceKind
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace.city import City
from search.documents import documents_for
from tests.support.factories import make_listing
from tests.web.conftest import client_for

# Monday 2026-11-23 12:00 in Changzhou
NOON_MONDAY = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


async def test_cards_keep_the_engine_order_and_leave_out_the_unpublished(
    db: str, city: City
) -> None:
    first = await make_listing(city.center, weekly_hours={"mon": [["09:00", "21:00"]]})
    draft = await make_listing(city.center, status=ListingStatus.DRAFT)
    tutor = await make_listing(city.center, vertical=Vertical.TUTORING, category="math")
    for price, trial in ((0, True), (9000, False), (12000, False)):
        await Offering.create(
            listing=tutor,
            kind=OfferingKind.LESSON,
            name={"zh-CN": "课", "en": "Lesson"},
            price=price,
            attributes={"trial": trial},
        )
    await Offering.create(
        listing=tutor,
        kind=OfferingKind.LESSON,
        name={"zh-CN": "停课", "en": "Paused"},
        price=100,
        is_active=False,
    )
    for n, order in ((1, 2), (2, 1)):
        await Photo.create(
            listing=tutor,
            original_key=f"photos/{n}/original.jpg",
            large_key=f"photos/{n}/960.jpg",
            small_key=f"photos/{n}/320.jpg",
            width=800,
            height=600,
            content_type="image/jpeg",
            byte_size=1,
            sha256=f"{n:064d}",
            sort_order=order,
        )
    cards = await listing_cards(city, [tutor.id, draft.id, first.id, 999_999])
    assert [c.id for c in cards] == [tutor.id, first.id]
    tutoring, noodles = cards
    assert tutoring.price == (PriceKind.PER_LESSON, 9000)  # the trial and the paused are not it
    assert tutoring.cover is not None and tutoring.cover.small_key == "photos/2/320.jpg"
    assert tutoring.category_name and noodles.cover is None
    assert noodles.schedule is not None and noodles.location.lat == pytest.approx(city.center.lat)
    assert await listing_cards(city, []) == []


async def test_equal_hours_share_one_compiled_schedule(db: str, city: City) -> None:
    hours = {"mon": [["09:00", "21:00"]]}
    a = await make_listing(city.center, weekly_hours=hours)
    b = await make_listing(city.center, weekly_hours=dict(hours))
    unreadable = await make_listing(city.center, weekly_hours={"mon": [["09:00", "09:00"]]})
    one, two, bad = await listing_cards(city, [a.id, b.id, unreadable.id])
    assert one.schedule is two.schedule and one.hours_key == two.hours_key
    assert bad.schedule is None and bad.hours_key != one.hours_key


def _same(a: Any, b: Any) -> bool:
    fields = ("open", "next_change", "closed_reason", "days_until_change", "exception_today")
    return all(getattr(a, f) == getattr(b, f) for f in fields)


@pytest.mark.parametrize("start_hour", [0, 5, 11, 14, 20, 23])
def test_a_state_holds_until_its_stable_until(city: City, start_hour: int) -> None:
    tz = city.tz
    schedule = Schedule.from_json(
        {"mon": [["09:00", "14:00"], ["17:00", "02:00"]], "tue": [["10:00", "22:00"]]},
        {"2026-11-24": [["12:00", "13:00"]]},
        [
            {
                "start": "2026-11-23T15:30:00+08:00",
                "end": "2026-11-23T18:00:00+08:00",
                "reason": "装修",
            }
        ],
    )
    at = datetime(2026, 11, 23, start_hour, 7, tzinfo=tz)
    for _ in range(40):
        state = opening_state(schedule, at, tz)
        until = stable_until(schedule, state, at, tz)
        if until is None:
            break
        assert until > at
        t = at
        while t < until:
            assert _same(opening_state(schedule, t, tz), state), (at, t, until)
            t += timedelta(minutes=7)
        assert _same(opening_state(schedule, until - timedelta(seconds=1), tz), state)
        at = until


def test_no_reuse_without_a_change_in_sight(city: City) -> None:
    always = Schedule.from_json({d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed")})
    at = datetime(2026, 11, 23, 12, 0, tzinfo=city.tz)
    state = opening_state(always, at, city.tz)
    assert state.next_change is not None  # closes Thursday 00:00, within the horizon
    assert stable_until(always, state, at, city.tz) == datetime(2026, 11, 24, tzinfo=city.tz)
    never = Schedule.from_json({})
    assert stable_until(never, opening_state(never, at, city.tz), at, city.tz) is None


@pytest.fixture
async def client(app: Starlette, city: City, db: str) -> AsyncIterator[httpx.AsyncClient]:
    noodles = await make_listing(
        city.center,
        name={"zh-CN": "老王面馆", "en": "Wang's Noodle House"},
        weekly_hours={"mon": [["09:00", "21:00"]]},
    )
    documents, _ = await documents_for(city, [noodles.id])
    await app.state.search.prepare()
    await app.state.search.upsert(documents)
    async with client_for(app) as c:
        yield c
    await app.state.search.close()


async def _opening(app: Starlette, client: httpx.AsyncClient, at: datetime) -> dict[str, Any]:
    app.state.clock = lambda: at
    response = await client.get("/api/v1/search", params={"q": "面馆", "lang": "en"})
    assert response.status_code == 200, response.text
    return response.json()["hits"][0]["opening"]


async def test_badges_follow_the_clock(app: Starlette, client: httpx.AsyncClient) -> None:
    noon = await _opening(app, client, NOON_MONDAY)
    assert noon["open"] is True and "21:00" in noon["detail"]
    assert await _opening(app, client, NOON_MONDAY + timedelta(hours=1)) == noon
    evening = await _opening(app, client, NOON_MONDAY + timedelta(hours=9, minutes=30))
    assert evening["open"] is False
    # back in time (a test clock) is answered afresh, not from what a later moment remembered
    assert await _opening(app, client, NOON_MONDAY) == noon
    before = await _opening(app, client, NOON_MONDAY - timedelta(hours=4))
    assert before["open"] is False and "09:00" in before["detail"]
