"""The home page that knows you, on both databases: open now near the place (from the index),
popular in the district this week, your favourites and recently viewed (residents only), then
the categories; at most one query per section; drawn without the sections that need the
database while it cannot be reached."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from tortoise import connections

from listings.models import Listing
from listings.types import ListingStatus
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.city import City
from marketplace.favourites import services as favourites
from tests.support.bookables import cleaning_of, confirmed_booking, every_day
from tests.support.factories import make_account
from tests.support.query_counter import count_queries
from tests.web.merchant_helpers import signed_in
from tests.web.test_favourites_web import PLACE, _by_name
from tests.web.test_search_api import CENTRE, NOON_MONDAY, client  # noqa: F401


def _section(html: str, key: str) -> str | None:
    found = re.search(rf'data-testid="section-{key}">(.*?)</section>', html, re.S)
    return found.group(1) if found else None


def _names(section: str | None) -> list[str]:
    return re.findall(r'class="result-name">([^<]+)<', section or "")


async def _popular_cleaner(city: City) -> Listing:
    """A cleaner in the place's district with two bookings completed this week."""
    merchant = await _merchant_of("老王面馆")
    cleaner, offering = await cleaning_of(merchant, every_day("08:00", "20:00", 120, 20))
    district = city.area.district_at(CENTRE)
    assert district is not None
    await Listing.filter(id=cleaner.id).update(district=district.slug)
    resident = await make_account()
    for days in (1, 2):
        booking = await confirmed_booking(city, resident, cleaner, offering)
        await Booking.filter(id=booking.id).update(
            state=BookingState.COMPLETED, code_used_at=NOON_MONDAY - timedelta(days=days)
        )
    return cleaner


async def _merchant_of(name: str):  # type: ignore[no-untyped-def]
    listing = await _by_name(name)
    await listing.fetch_related("merchant")
    return listing.merchant


async def test_guest_with_a_place_sees_near_and_popular_not_personal_sections(
    client: httpx.AsyncClient,  # noqa: F811
    city: City,
) -> None:
    await _popular_cleaner(city)
    client.cookies.set("tc_place", PLACE)
    html = (await client.get("/")).text
    assert "南大街" in html  # the near section is titled with the place
    assert _names(_section(html, "near")) == ["老王面馆"]
    assert "0 m" in (_section(html, "near") or "")
    assert _names(_section(html, "popular")) == ["好帮手保洁"]
    assert _section(html, "favourites") is None
    assert _section(html, "recent") is None
    assert 'data-testid="listing-count"' in html  # the categories are still there
    assert html.index("section-near") < html.index("verticals-title")


async def test_resident_sees_favourites_and_recently_viewed(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
    city: City,
) -> None:
    await signed_in(client, resident)
    noodles = await _by_name("老王面馆")
    nurse = await _by_name("金牌月嫂中心")
    tutor = await _by_name("小明数学家教")
    await favourites.save(resident, nurse.id)
    await client.get(f"/listings/{tutor.id}")
    await client.get(f"/listings/{noodles.id}")
    html = (await client.get("/")).text
    assert _names(_section(html, "favourites")) == ["金牌月嫂中心"]
    assert 'href="/me/favourites"' in (_section(html, "favourites") or "")
    assert _names(_section(html, "recent")) == ["老王面馆", "小明数学家教"]
    # no place chosen: the city centre, with a prompt to choose, and no distances
    assert 'data-testid="choose-place"' in html
    assert "0 m" not in (_section(html, "near") or "")
    # the heart on every card of the saved listing is full
    assert html.count('class="heart is-saved"') == 1


async def test_a_resident_with_nothing_saved_is_told_how(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
) -> None:
    await signed_in(client, resident)
    html = (await client.get("/", params={"lang": "en"})).text
    section = _section(html, "favourites")
    assert section is not None and "Tap the heart" in section
    assert _section(html, "recent") is None


async def test_at_most_one_query_per_section(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
    city: City,
) -> None:
    await _popular_cleaner(city)
    await signed_in(client, resident)
    for listing in await Listing.filter(status=ListingStatus.PUBLISHED):
        await favourites.save(resident, listing.id)
        await favourites.record_view(resident, listing.id)
    client.cookies.set("tc_place", PLACE)
    await client.get("/")  # warm: compiled statements, memos
    async with count_queries() as queries:
        response = await client.get("/")
    assert response.status_code == 200
    assert _names(_section(response.text, "favourites"))
    assert _names(_section(response.text, "recent"))
    assert _names(_section(response.text, "popular"))

    def sent(word: str) -> int:
        return sum(1 for q in queries if word in q)

    assert sent('"favourites"') == 1, queries
    assert sent('"recent_views"') == 1, queries
    assert sent('"bookings"') == 1, queries  # the popular aggregate
    # every section's cards in one read: listings, prices, photos
    assert sent("FROM listings WHERE status") == 1, queries
    assert sent("FROM offerings") == 1 and sent("FROM photos") == 1, queries
    # where the resident is, asked once for the whole page
    assert sent('"resident_places"') == 1, queries
    # the rest: who is signed in (1) and the counts under the categories (2)
    assert len(queries) <= 10, "\n".join(queries)


async def test_guest_without_database_still_gets_the_page(
    client: httpx.AsyncClient,  # noqa: F811
    city: City,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await _popular_cleaner(city)
    client.cookies.set("tc_place", PLACE)
    warm = (await client.get("/")).text
    assert _section(warm, "popular") is not None

    async def refused(*_args: object, **_kwargs: object) -> None:
        raise ConnectionRefusedError("database is down")

    db_client = type(connections.get("default"))
    for name in ("execute_query", "execute_query_dict"):
        monkeypatch.setattr(db_client, name, refused)
    response = await client.get("/")
    assert response.status_code == 200
    assert _section(response.text, "popular") is None
    # the index still answers near; its card was read a moment ago
    assert _names(_section(response.text, "near")) == ["老王面馆"]
    assert 'data-testid="listing-count"' in response.text
