"""No request can hurt the server: ids beyond their column, pages beyond any index, text a
database cannot store and bodies larger than the app takes are refused where they are read,
naming what was wrong, on SQLite and PostgreSQL alike, and nothing is written."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route
from tortoise import Tortoise

from geo.coords import LatLng
from listings.models import Listing
from listings.types import Vertical
from marketplace import db as database
from marketplace.accounts.models import Account
from marketplace.app import MAX_BODY_BYTES
from marketplace.city import City
from search.documents import documents_for
from tests.support.bookables import NEAR_HOME, cleaning_service, shop_with_stock
from tests.support.catalogue_inputs import shop_input
from tests.support.factories import make_listing
from tests.web.conftest import client_for, csrf_token_from
from tests.web.merchant_helpers import approved_merchant, signed_in

API = "/api/v1"
TZ = ZoneInfo("Asia/Shanghai")
INT32_OVER = 2**31  # one past PostgreSQL `integer`
INT64_OVER = 2**63  # one past `bigint`, and past what SQLite can bind
FAR_OVER = 2**65  # 36893488147419103232
_PARAM = re.compile(r"{(\w+):(?:int|id32|id64)}")
# bigint columns; every other id is a PostgreSQL `integer`
_ID64 = {"booking_id", "order_id", "payable_id"}
_EDGE = {"id32": 2**31 - 1, "id64": 2**63 - 1}


def fields_of(response: httpx.Response) -> dict[str, str]:
    return {e["field"]: e["reason"] for e in response.json()["errors"]}


async def everything() -> dict[str, int]:
    """Rows in every table: equal before and after a refused request."""
    models = Tortoise.apps[database.APP_LABEL].values()
    return {m.__name__: await m.all().count() for m in models}


def tomorrow_at_nine() -> str:
    day = datetime.now(UTC).astimezone(TZ).date() + timedelta(days=1)
    return datetime.combine(day, time(9), TZ).isoformat()


def _id_routes(app: Starlette) -> Iterator[tuple[str, str]]:
    """(method, path template) of every route taking an id in its path."""
    for route in app.routes:
        if isinstance(route, Route) and _PARAM.search(route.path):
            for method in sorted((route.methods or set()) - {"HEAD"}):
                yield method, route.path


def _filled(path: str, value: Any) -> str:
    """`path` with each id replaced by `value`, or by `value(width)` ("id32" or "id64")."""

    def one(match: re.Match[str]) -> str:
        width = "id64" if match.group(1) in _ID64 else "id32"
        return str(value(width) if callable(value) else value)

    return _PARAM.sub(one, path)


# --- ids ----------------------------------------------------------------------------------------


async def test_every_id_in_a_path_beyond_its_column_is_a_404(
    app: Starlette, client: httpx.AsyncClient, operator: Account
) -> None:
    token = await signed_in(client, operator)
    routes = list(_id_routes(app))
    assert len(routes) > 40, routes  # every page and API route that takes an id
    before = await everything()
    over = {"id32": INT32_OVER, "id64": INT64_OVER}
    for method, path in routes:
        for value in (over.__getitem__, FAR_OVER, "9223372036854775807" + "0" * 30):
            url = _filled(path, value)
            response = await client.request(method, url, headers={"X-CSRF-Token": token})
            assert response.status_code == 404, (method, url, response.status_code)
            if url.startswith(API):
                assert response.json()["code"] == "not_found", (url, response.text)
        # the largest id each column holds is looked up like any other
        url = _filled(path, lambda kind: _EDGE[kind])
        response = await client.request(method, url, headers={"X-CSRF-Token": token})
        assert response.status_code < 500, (method, url, response.text)
    assert await everything() == before


async def test_ids_named_in_the_table_of_findings_are_404(
    client: httpx.AsyncClient, resident: Account
) -> None:
    await signed_in(client, resident)
    for path in (
        f"{API}/listings/{INT32_OVER}/public",
        f"/listings/{INT32_OVER}",
        f"{API}/merchants/{INT32_OVER}",
        f"{API}/bookings/{FAR_OVER}",
        f"{API}/orders/{FAR_OVER}",
        f"{API}/listings/{INT64_OVER}/availability?date=2026-12-08",
        f"/me/bookings/{FAR_OVER}",
        f"/merchant/{FAR_OVER}/bookings",
    ):
        response = await client.get(path)
        assert response.status_code == 404, (path, response.text)


async def test_ids_beyond_their_column_in_bodies_and_queries_are_422_naming_the_field(
    client: httpx.AsyncClient, resident: Account
) -> None:
    cleaner, service = await cleaning_service()
    shop, product = await shop_with_stock()
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    place = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"}
    before = await everything()
    bookings: list[tuple[dict[str, Any], str]] = [
        ({"listing_id": INT32_OVER, "offering_id": service.id}, "listing_id"),
        ({"listing_id": FAR_OVER, "offering_id": service.id}, "listing_id"),
        ({"listing_id": cleaner.id, "offering_id": INT32_OVER}, "offering_id"),
        ({"listing_id": cleaner.id, "offering_id": INT64_OVER}, "offering_id"),
    ]
    for ids, field in bookings:
        body = {**ids, "starts_at": tomorrow_at_nine(), "address": place}
        response = await client.post(
            f"{API}/bookings", json=body, headers={**headers, "Idempotency-Key": f"k-{field}-x1"}
        )
        assert response.status_code == 422, (ids, response.text)
        assert field in fields_of(response), response.json()
    orders: list[tuple[dict[str, Any], str]] = [
        ({"listing_id": INT32_OVER, "offering_id": product.id}, "listing_id"),
        ({"listing_id": shop.id, "offering_id": FAR_OVER}, "lines[0].offering_id"),
    ]
    for ids, field in orders:
        body = {"listing_id": ids["listing_id"]}
        body["lines"] = [{"offering_id": ids["offering_id"], "quantity": 1}]
        response = await client.post(
            f"{API}/orders", json=body, headers={**headers, "Idempotency-Key": "k-order-0001"}
        )
        assert response.status_code == 422, (ids, response.text)
        assert field in fields_of(response), response.json()
    availability = await client.get(
        f"{API}/listings/{cleaner.id}/availability",
        params={"date": "2026-12-08", "offering_id": str(INT32_OVER)},
    )
    assert availability.status_code == 422 and "offering_id" in fields_of(availability)
    queue = await client.get(f"{API}/merchant/bookings", params={"merchant_id": str(FAR_OVER)})
    assert queue.status_code == 422 and "merchant_id" in fields_of(queue)
    assert await everything() == before


async def test_a_booking_or_cart_form_naming_an_impossible_listing_is_no_such_listing(
    client: httpx.AsyncClient, resident: Account
) -> None:
    await signed_in(client, resident)
    token = await csrf_token_from(client, "/me")
    before = await everything()
    for path in ("/bookings", "/orders"):
        form = {"csrf_token": token, "listing_id": "abc", "starts_at": tomorrow_at_nine()}
        no_such = await client.post(path, data=form)
        assert no_such.status_code in (404, 422), no_such.text[:300]
        for value in (INT32_OVER, FAR_OVER):
            form["listing_id"] = str(value)
            response = await client.post(path, data=form)
            # the same answer as a listing id that is not a number at all
            assert response.status_code == no_such.status_code, (path, value)
            assert response.text == no_such.text
    assert await everything() == before


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
async def searchable(app: Starlette, city: City, db: str) -> AsyncIterator[httpx.AsyncClient]:
    """Three published listings in the embedded index."""
    ids = []
    for i, name in enumerate(("老王面馆", "小李面馆")):
        at = LatLng(31.7787 + i * 0.001, 119.974)
        listing = await make_listing(at, name={"zh-CN": name, "en": f"Shop {i}"})
        ids.append(listing.id)
    cleaner = await make_listing(
        LatLng(31.78, 119.975),
        vertical=Vertical.HOUSEKEEPING,
        category="cleaning",
        name={"zh-CN": "好帮手保洁", "en": "Helping Hands"},
    )
    ids.append(cleaner.id)
    documents, _ = await documents_for(city, ids)
    engine = app.state.search
    await engine.prepare()
    await engine.upsert(documents)
    async with client_for(app) as c:
        yield c
    await engine.close()


HUGE_PAGES = ("99999999999", "100000000", "9223372036854775807", "1" + "0" * 5000)


async def test_a_huge_page_is_refused_naming_page_and_the_server_keeps_answering(
    searchable: httpx.AsyncClient,
) -> None:
    for page in HUGE_PAGES:
        response = await searchable.get(f"{API}/search", params={"page": page})
        assert response.status_code == 422, (page, response.text)
        assert "page" in fields_of(response)
        html = await searchable.get("/search", params={"page": page, "q": "面馆"})
        assert html.status_code == 422, page
    alive = await searchable.get(f"{API}/search", params={"q": "面馆"})
    assert alive.status_code == 200 and alive.json()["total"] == 2


@pytest.mark.parametrize("sort", ["relevance", "rating", "price_asc", "distance"])
async def test_the_last_page_allowed_is_empty_with_the_true_total(
    searchable: httpx.AsyncClient, sort: str
) -> None:
    params = {"page": "10000", "page_size": "100", "sort": sort, "lat": "31.7787", "lng": "119.974"}
    for extra in ({}, {"q": "面馆"}):
        response = await searchable.get(f"{API}/search", params={**params, **extra})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["hits"] == [] and body["page"] == 10000
        assert body["total"] == (2 if extra else 3)
    page = await searchable.get("/search", params={**params, "q": "面馆"})
    assert page.status_code == 200


async def test_control_characters_in_q_are_dropped_not_refused(
    searchable: httpx.AsyncClient,
) -> None:
    for q in ("面馆\x00", "\x07面\x1b馆", "面馆\x7f\x85"):
        response = await searchable.get(f"{API}/search", params={"q": q})
        assert response.status_code == 200, (q, response.text)
        assert response.json()["total"] == 2, q
        suggested = await searchable.get(f"{API}/suggest", params={"q": q})
        assert suggested.status_code == 200, (q, suggested.text)
        page = await searchable.get("/search", params={"q": q})
        assert page.status_code == 200 and "老王面馆" in page.text


# --- text ---------------------------------------------------------------------------------------


async def test_nul_and_control_characters_in_sign_up_and_sign_in_are_422_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    before = await everything()
    for bad in ("mei\x00@example.com", "mei@example.com\x1b"):
        body = {"identifier": bad, "password": "correct horse battery", "display_name": "小美"}
        signup = await client.post(f"{API}/auth/signup", json=body)
        assert signup.status_code == 422 and "identifier" in fields_of(signup), signup.text
        login = await client.post(
            f"{API}/auth/login", json={"identifier": bad, "password": "whatever it is"}
        )
        assert login.status_code == 422 and "identifier" in fields_of(login), login.text
    for name in ("小\x00美", "小美\x07", "小\n美", "小美\x9b"):
        body = {"identifier": "mei@example.com", "password": "correct horse", "display_name": name}
        signup = await client.post(f"{API}/auth/signup", json=body)
        assert signup.status_code == 422, (name, signup.text)
        assert fields_of(signup).get("display_name") == "must not contain control characters"
    token = await csrf_token_from(client, "/signup")
    form = {
        "csrf_token": token,
        "identifier": "mei@example.com",
        "password": "correct horse battery",
        "display_name": "小\x00美",
    }
    page = await client.post("/signup", data=form)
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert await everything() == before


async def test_nul_in_listing_offering_and_merchant_texts_is_422_and_changes_nothing(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    created = await client.post(
        f"{API}/merchants/{merchant.id}/listings", json=shop_input(), headers=headers
    )
    assert created.status_code == 201, created.text
    listing_id = created.json()["listing"]["id"]
    stored = (await client.get(f"{API}/listings/{listing_id}")).json()
    before = await everything()

    changes: list[tuple[dict[str, Any], str]] = [
        ({"description": {"zh-CN": "好吃\x00"}}, "description.zh-CN"),
        ({"tags": ["takeaway", "x\x00"]}, "tags.1"),
        ({"name": {"zh-CN": "金牌\x00家政"}}, "name.zh-CN"),
        ({"name": {"zh-CN": "金牌\x1b[31m家政"}}, "name.zh-CN"),
        ({"name": {"zh-CN": "金牌\n家政"}}, "name.zh-CN"),
        ({"address": {"zh-CN": "南大街\x001号"}}, "address.zh-CN"),
        ({"attributes": {"pickup": True, "note\x00": "x"}}, "attributes.note\x00"),
    ]
    for change, field in changes:
        response = await client.patch(f"{API}/listings/{listing_id}", json=change, headers=headers)
        assert response.status_code == 422, (change, response.text)
        assert field in fields_of(response), (field, response.json())
    new_listing = {**shop_input(), "name": {"zh-CN": "新店\x00", "en": "New"}}
    response = await client.post(
        f"{API}/merchants/{merchant.id}/listings", json=new_listing, headers=headers
    )
    assert response.status_code == 422 and "name.zh-CN" in fields_of(response), response.text
    offering = {"name": {"zh-CN": "桃子\x00"}, "price": "15.00", "stock": 3}
    response = await client.post(
        f"{API}/listings/{listing_id}/offerings", json=offering, headers=headers
    )
    assert response.status_code == 422 and "name.zh-CN" in fields_of(response), response.text
    assert await everything() == before
    assert (await client.get(f"{API}/listings/{listing_id}")).json() == stored


async def test_nul_in_booking_and_order_notes_is_422_and_line_breaks_are_kept(
    client: httpx.AsyncClient, resident: Account
) -> None:
    cleaner, service = await cleaning_service(capacity=2)
    shop, product = await shop_with_stock()
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    place = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"}
    booking = {
        "listing_id": cleaner.id,
        "offering_id": service.id,
        "starts_at": tomorrow_at_nine(),
        "address": place,
    }
    cart = {"listing_id": shop.id, "lines": [{"offering_id": product.id, "quantity": 1}]}
    before = await everything()
    for i, note in enumerate(("请按门铃\x00", "\x1f", "a\x7fb")):
        response = await client.post(
            f"{API}/bookings",
            json={**booking, "note": note},
            headers={**headers, "Idempotency-Key": f"k-note-{i:04d}"},
        )
        assert response.status_code == 422, (note, response.text)
        assert fields_of(response) == {"note": "must not contain control characters"}
        response = await client.post(
            f"{API}/orders",
            json={**cart, "note": note},
            headers={**headers, "Idempotency-Key": f"k-onote-{i:04d}"},
        )
        assert response.status_code == 422, (note, response.text)
        assert "note" in fields_of(response), response.json()
    where = {**booking, "address": {**place, "text": "3 幢\x00201"}}
    response = await client.post(
        f"{API}/bookings", json=where, headers={**headers, "Idempotency-Key": "k-addr-0001"}
    )
    assert response.status_code == 422 and "address.text" in fields_of(response)
    assert await everything() == before

    kept = await client.post(
        f"{API}/bookings",
        json={**booking, "note": "请按门铃\n\t到了打电话"},
        headers={**headers, "Idempotency-Key": "k-note-good1"},
    )
    assert kept.status_code == 201, kept.text
    assert kept.json()["booking"]["note"] == "请按门铃\n\t到了打电话"


async def test_nul_in_a_booking_form_note_is_422_naming_note(
    client: httpx.AsyncClient, resident: Account
) -> None:
    cleaner, service = await cleaning_service()
    await signed_in(client, resident)
    token = await csrf_token_from(client, "/me")
    before = await everything()
    form = {
        "csrf_token": token,
        "listing_id": str(cleaner.id),
        "offering": str(service.id),
        "starts_at": tomorrow_at_nine(),
        "lat": str(NEAR_HOME.lat),
        "lng": str(NEAR_HOME.lng),
        "note": "请按门铃\x00",
    }
    response = await client.post("/bookings", data=form)
    assert response.status_code == 422, response.text[:300]
    # the page says why in the reader's language, not in the service's English
    assert "请删除文字中的不可见控制字符" in response.text
    assert "control characters" not in response.text
    assert await everything() == before


# --- body size ----------------------------------------------------------------------------------


async def _photo_owner(city: City, owner: Account, operator: Account) -> Listing:
    merchant = await approved_merchant(city, owner, operator)
    return await make_listing(LatLng(31.7787, 119.974), merchant=merchant)


async def test_a_50_mb_photo_upload_is_413_json_naming_the_limit(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing = await _photo_owner(city, resident, operator)
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    before = await everything()
    image = b"\xff\xd8\xff" + b"\0" * (50 * 2**20)
    response = await client.post(
        f"{API}/listings/{listing.id}/photos",
        files={"file": ("big.jpg", image, "image/jpeg")},
        headers=headers,
    )
    assert response.status_code == 413, response.text[:300]
    body = response.json()
    assert body["code"] == "too_large"
    reason = fields_of(response)["body"]
    assert str(MAX_BODY_BYTES) in reason, reason

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: cut off at the limit
        for _ in range(MAX_BODY_BYTES // 2**20 + 2):
            yield b"x" * 2**20

    streamed = await client.post(
        f"{API}/merchants/{listing.merchant_id}/listings",  # type: ignore[attr-defined]
        content=chunks(),
        headers={**headers, "content-type": "application/json"},
    )
    assert streamed.status_code == 413, streamed.text[:300]
    assert str(MAX_BODY_BYTES) in fields_of(streamed)["body"]
    assert await everything() == before


async def test_a_too_large_page_upload_gets_the_friendly_page(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    listing = await _photo_owner(city, resident, operator)
    await signed_in(client, resident)
    token = await csrf_token_from(client, f"/merchant/listings/{listing.id}/photos")
    before = await everything()
    response = await client.post(
        f"/merchant/listings/{listing.id}/photos",
        data={"csrf_token": token},
        files={"file": ("big.jpg", b"\0" * (MAX_BODY_BYTES + 1), "image/jpeg")},
    )
    assert response.status_code == 413
    assert "text/html" in response.headers["content-type"]
    assert "<html" in response.text and "Content Too Large" not in response.text
    assert await everything() == before
