"""GET /api/v1/search and /api/v1/suggest on the embedded engine, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from geo.coords import LatLng
from listings.models import Offering
from listings.types import ListingStatus, OfferingKind, Vertical
from marketplace.city import City
from search.documents import documents_for
from search.interfaces import SearchUnavailable
from tests.support.factories import make_listing
from tests.web.conftest import client_for

CENTRE = LatLng(31.7787, 119.974)
NORTH_1500 = LatLng(31.7787 + 0.0135, 119.974)  # about 1.5 km north
EAST_5KM = LatLng(31.7787, 119.974 + 0.0528)  # about 5 km east
# Monday 2026-11-23 12:00 in Changzhou
NOON_MONDAY = datetime(2026, 11, 23, 4, 0, tzinfo=UTC)


def _district(city: City, at: LatLng) -> str | None:
    found = city.area.district_at(at)
    return found.slug if found else None


@pytest.fixture
async def client(app: Starlette, city: City, db: str) -> AsyncIterator[httpx.AsyncClient]:
    noodles = await make_listing(
        CENTRE,
        name={"zh-CN": "老王面馆", "en": "Wang's Noodle House"},
        district=_district(city, CENTRE),
        attributes={"avg_price_per_person": 4500},
        weekly_hours={"mon": [["09:00", "21:00"]]},
        rating_avg=4.6,
        rating_count=20,
        tags=["takeaway"],
    )
    nurse = await make_listing(
        NORTH_1500,
        vertical=Vertical.HOUSEKEEPING,
        category="maternity",
        name={"zh-CN": "金牌月嫂中心", "en": "Golden Maternity Nurses"},
        district=_district(city, NORTH_1500),
        rating_avg=4.9,
        rating_count=8,
    )
    tutor = await make_listing(
        EAST_5KM,
        vertical=Vertical.TUTORING,
        category="math",
        name={"zh-CN": "小明数学家教", "en": "Xiaoming Maths Tutoring"},
        district=_district(city, EAST_5KM),
        rating_avg=4.0,
        rating_count=3,
    )
    await Offering.create(
        listing=tutor,
        kind=OfferingKind.LESSON,
        name={"zh-CN": "初中数学", "en": "Maths"},
        price=9000,
    )
    draft = await make_listing(
        CENTRE, name={"zh-CN": "草稿面馆", "en": "Draft noodles"}, status=ListingStatus.DRAFT
    )
    documents, _ = await documents_for(city, [noodles.id, nurse.id, tutor.id, draft.id])
    engine = app.state.search
    await engine.prepare()
    await engine.upsert(documents)
    app.state.clock = lambda: NOON_MONDAY
    async with client_for(app) as c:
        yield c
    await engine.close()


async def _search(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _names(body: dict[str, Any]) -> list[str]:
    return [hit["name"] for hit in body["hits"]]


async def test_chinese_word_inside_a_longer_name(client: httpx.AsyncClient) -> None:
    body = await _search(client, q="面馆")
    assert _names(body) == ["老王面馆"]
    hit = body["hits"][0]
    assert hit["category_name"] == "面馆"
    assert hit["district_name"]
    assert hit["price"] == {"kind": "per_person", "amount": 4500}
    assert "45" in hit["price_text"]
    assert hit["opening"]["open"] is True
    assert hit["rating_count"] == 20
    assert body["total"] == 1 and body["page"] == 1 and body["page_size"] == 20
    assert body["took_ms"] >= 0


async def test_english_query_in_english(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/search", params={"q": "noodle", "lang": "en"})
    assert response.status_code == 200
    assert [h["name"] for h in response.json()["hits"]] == ["Wang's Noodle House"]


async def test_category_name_finds_listings(client: httpx.AsyncClient) -> None:
    assert _names(await _search(client, q="月嫂")) == ["金牌月嫂中心"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"vertical": "tutoring"}, {"小明数学家教"}),
        ({"vertical": ["tutoring", "housekeeping"]}, {"小明数学家教", "金牌月嫂中心"}),
        ({"category": "maternity"}, {"金牌月嫂中心"}),
        ({"tag": "takeaway"}, {"老王面馆"}),
        ({"price_min": "50"}, {"小明数学家教"}),
        ({"price_max": "45"}, {"老王面馆"}),
        ({"min_rating": "4.5"}, {"老王面馆", "金牌月嫂中心"}),
        ({"open_now": "true"}, {"老王面馆"}),
        ({"open_at": "2026-11-24T12:00"}, set()),  # Tuesday: closed
        ({"open_at": "2026-11-23T10:00+08:00"}, {"老王面馆"}),
    ],
)
async def test_filters(
    client: httpx.AsyncClient, params: dict[str, Any], expected: set[str]
) -> None:
    assert set(_names(await _search(client, **params))) == expected


async def test_radius_and_distance(client: httpx.AsyncClient) -> None:
    body = await _search(client, lat=CENTRE.lat, lng=CENTRE.lng, radius_m="2000", sort="distance")
    assert _names(body) == ["老王面馆", "金牌月嫂中心"]
    assert body["hits"][0]["distance_m"] == 0
    assert 1400 < body["hits"][1]["distance_m"] < 1600


async def test_bbox_district_and_serves(client: httpx.AsyncClient, city: City) -> None:
    box = f"{CENTRE.lat - 0.001},{CENTRE.lng - 0.001},{CENTRE.lat + 0.02},{CENTRE.lng + 0.001}"
    assert set(_names(await _search(client, bbox=box))) == {"老王面馆", "金牌月嫂中心"}
    district = _district(city, EAST_5KM)
    assert "小明数学家教" in _names(await _search(client, district=district))
    # no listing here has a service area
    assert _names(await _search(client, serves=f"{CENTRE.lat},{CENTRE.lng}")) == []


@pytest.mark.parametrize(
    ("sort", "first"),
    [("rating", "金牌月嫂中心"), ("price_asc", "老王面馆"), ("price_desc", "小明数学家教")],
)
async def test_sorts(client: httpx.AsyncClient, sort: str, first: str) -> None:
    assert _names(await _search(client, sort=sort))[0] == first


async def test_distance_sort_from_origin(client: httpx.AsyncClient) -> None:
    body = await _search(client, lat=EAST_5KM.lat, lng=EAST_5KM.lng, sort="distance")
    assert _names(body)[0] == "小明数学家教"


async def test_facets_have_display_names(client: httpx.AsyncClient) -> None:
    body = await _search(client, facets=["vertical", "category"])
    categories = {f["value"]: f for f in body["facets"]["category"]}
    assert categories["noodles"]["name"] == "面馆" and categories["noodles"]["count"] == 1
    verticals = {f["value"]: f["count"] for f in body["facets"]["vertical"]}
    assert verticals == {"restaurant": 1, "housekeeping": 1, "tutoring": 1}


async def test_page_beyond_the_end_keeps_the_total(client: httpx.AsyncClient) -> None:
    body = await _search(client, page="5", page_size="2")
    assert body["hits"] == [] and body["total"] == 3 and body["page"] == 5


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "31.7787", "lng": "119.974", "radius_m": "0"}, "radius_m"),
        ({"lat": "31.7787", "lng": "119.974", "radius_m": "-5"}, "radius_m"),
        ({"lat": "31.7787", "lng": "119.974", "radius_m": "999999"}, "radius_m"),
        ({"radius_m": "1000"}, "radius_m"),
        ({"lat": "95", "lng": "119.974"}, "lat"),
        ({"lat": "31.7", "lng": "190"}, "lng"),
        ({"lat": "abc", "lng": "119.974"}, "lat"),
        ({"lat": "39.9", "lng": "116.4"}, "lat"),  # Beijing: outside the city
        ({"lat": "31.7"}, "lng"),
        ({"bbox": "31.8,119.9,31.7,120.0"}, "bbox"),
        ({"bbox": "31.7,120.0,31.8,119.9"}, "bbox"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"serves": "39.9,116.4"}, "serves"),
        ({"district": "atlantis"}, "district"),
        ({"page_size": "101"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"category": "rockets"}, "category"),
        ({"vertical": "spaceships"}, "vertical"),
        ({"sort": "cheapest"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"facets": "colour"}, "facets"),
        ({"q": "面" * 201}, "q"),
        ({"q": "x" * 10_000}, "q"),
        ({"page": "10001"}, "page"),
        ({"price_min": "-1"}, "price_min"),
        ({"price_max": "1e3"}, "price_max"),
        ({"price_min": "50", "price_max": "10"}, "price_min"),
        ({"min_rating": "6"}, "min_rating"),
        ({"open_now": "maybe"}, "open_now"),
        ({"open_at": "tomorrow"}, "open_at"),
        ({"district": "tianning", "bbox": "31.7,119.9,31.8,120.0"}, "district"),
    ],
)
async def test_bad_input_is_422_naming_the_parameter(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/v1/search", params=params)
    assert response.status_code == 422, response.text
    body = response.json()
    assert field in [e["field"] for e in body["errors"]], body


async def test_category_must_belong_to_the_chosen_vertical(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/v1/search", params={"vertical": "shop", "category": "noodles"}
    )
    assert response.status_code == 422


async def test_engine_down_is_503_with_a_clear_message(
    client: httpx.AsyncClient, app: Starlette
) -> None:
    async def broken(_query: object) -> None:
        raise SearchUnavailable("LockBusy: /tmp/search/changzhou/.tantivy-writer.lock")

    app.state.search.search = broken
    response = await client.get("/api/v1/search", params={"q": "面馆"})
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "search_unavailable"
    assert "lock" not in body["message"].lower()
    assert (await client.get("/api/v1/suggest", params={"q": "面"})).status_code == 503


async def test_suggest_names_and_categories(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/suggest", params={"q": "面"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    texts = [s["text"] for s in suggestions]
    assert "面馆" in texts  # the category
    assert "老王面馆" in texts
    assert "草稿面馆" not in texts
    assert len(suggestions) <= 8
    english = await client.get("/api/v1/suggest", params={"q": "nood", "lang": "en"})
    assert "Wang's Noodle House" in [s["text"] for s in english.json()["suggestions"]]


async def test_suggest_empty_and_bad(client: httpx.AsyncClient) -> None:
    empty = await client.get("/api/v1/suggest", params={"q": "  "})
    assert empty.json() == {"suggestions": []}
    bad = await client.get("/api/v1/suggest", params={"q": "x" * 300})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "q"
