"""Choosing where I am: from the chooser's forms and the JSON API, kept in the cookie for
guests and in the account for residents, refused outside the city with the field named; search
and /nearby measure distances from it."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
from starlette.applications import Starlette

from marketplace.accounts.models import Account
from tests.support.bookables import NEAR_HOME, NOW, cleaning_service
from tests.web.conftest import client_for, csrf_token_from
from tests.web.merchant_helpers import signed_in
from tests.web.test_search_api import CENTRE, client  # noqa: F401  (the indexed-city fixture)
from web.place import PLACE_COOKIE, parse_cookie

SHANGHAI = {"lat": "31.2304", "lng": "121.4737"}


async def _choose(c: httpx.AsyncClient, **fields: str) -> httpx.Response:
    token = await csrf_token_from(c, "/place")
    return await c.post("/place", data={"csrf_token": token, **fields})


def _cookie_place(c: httpx.AsyncClient):  # type: ignore[no-untyped-def]
    return parse_cookie(c.cookies.get(PLACE_COOKIE))


async def test_the_header_offers_every_choice(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        html = (await c.get("/")).text
    assert 'data-testid="place-chooser"' in html
    assert 'name="ref" value="nandajie"' in html and ">南大街<" in html
    assert 'name="ref" value="tianning"' in html
    assert 'href="/place/pin?next=/"' in html or "/place/pin?next=%2F" in html
    assert "你在哪里？" in html  # the place line asks while none is chosen


async def test_a_guest_picks_a_landmark(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        response = await _choose(c, kind="landmark", ref="nandajie", next="/search?q=面馆")
        assert response.status_code == 303
        assert unquote(response.headers["location"]) == "/search?q=面馆"
        place = _cookie_place(c)
        assert place is not None and place.kind == "landmark" and place.label == "南大街"
        assert (place.lat, place.lng) == (31.7782, 119.9516)
        home = (await c.get("/")).text
        assert "在 南大街 附近" in home and 'data-testid="place-change"' in home
        english = (await c.get("/", params={"lang": "en"})).text
        assert "Near Nandajie Shopping Street" in english


async def test_a_guest_picks_a_district_a_pin_and_a_position(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        assert (await _choose(c, kind="district", ref="wujin")).status_code == 303
        assert _cookie_place(c).label == "武进区"  # type: ignore[union-attr]
        pin = await _choose(c, kind="pin", lat="31.7787", lng="119.974")
        assert pin.status_code == 303
        assert _cookie_place(c).kind == "pin"  # type: ignore[union-attr]
        here = await _choose(c, kind="here", lat="31.7787", lng="119.974")
        assert here.status_code == 303
        place = _cookie_place(c)
        assert place is not None and place.kind == "here" and place.label == "天宁区"
        assert "在 天宁区 附近" in (await c.get("/")).text


async def test_outside_the_city_is_refused_with_the_field(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        response = await _choose(c, kind="pin", **SHANGHAI)
        assert response.status_code == 422
        assert 'data-field="lat"' in response.text
        assert "这个位置不在常州市内" in response.text
        assert _cookie_place(c) is None
        bad = await _choose(c, kind="landmark", ref="bund")
        assert bad.status_code == 422 and 'data-field="ref"' in bad.text
        api = await c.put("/api/v1/place", json={"kind": "here", **SHANGHAI})
        assert api.status_code == 422
        assert api.json()["errors"][0]["field"] == "lat"
        nothing = await c.put("/api/v1/place", json={"kind": "pin", "lat": 31.7})
        assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "lng"


async def test_a_forged_cookie_is_no_place(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        c.cookies.set(PLACE_COOKIE, "31.23,121.47,pin,Shanghai")  # outside the city
        assert (await c.get("/api/v1/place")).json() == {"place": None}
        c.cookies.set(PLACE_COOKIE, "garbage")
        assert (await c.get("/")).status_code == 200


async def test_the_json_api_sets_and_reads_the_place(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        assert (await c.get("/api/v1/place")).json() == {"place": None}
        put = await c.put("/api/v1/place", json={"kind": "landmark", "ref": "nandajie"})
        assert put.status_code == 200
        assert put.json()["place"]["label"] == "南大街"
        got = (await c.get("/api/v1/place")).json()["place"]
        assert got["kind"] == "landmark" and got["lat"] == 31.7782
        assert (await c.delete("/api/v1/place")).status_code == 204
        assert (await c.get("/api/v1/place")).json() == {"place": None}


async def test_a_resident_keeps_the_place_across_sessions(
    app: Starlette, resident: Account
) -> None:
    async with client_for(app) as c:
        token = await signed_in(c, resident)
        # a signed-in JSON write carries the CSRF header, as every other
        refused = await c.put("/api/v1/place", json={"kind": "landmark", "ref": "nandajie"})
        assert refused.status_code == 403
        headers = {"X-CSRF-Token": token}
        put = await c.put(
            "/api/v1/place", json={"kind": "landmark", "ref": "nandajie"}, headers=headers
        )
        assert put.status_code == 200
    async with client_for(app) as other_device:
        await signed_in(other_device, resident)
        assert other_device.cookies.get(PLACE_COOKIE) is None
        got = (await other_device.get("/api/v1/place")).json()["place"]
        assert got["label"] == "南大街"
        assert "在 南大街 附近" in (await other_device.get("/")).text


async def test_saved_addresses_pages(app: Starlette, resident: Account) -> None:
    async with client_for(app) as c:
        await signed_in(c, resident)
        me = (await c.get("/me")).text
        assert 'href="/me/addresses"' in me and "我的地址" in me
        token = await csrf_token_from(c, "/me/addresses")
        add = await c.post(
            "/me/addresses",
            data={
                "csrf_token": token,
                "label": "家",
                "lat": "31.7787",
                "lng": "119.974",
                "address_text": "3 栋 501",
            },
        )
        assert add.status_code == 303
        outside = await c.post(
            "/me/addresses", data={"csrf_token": token, "label": "上海", **SHANGHAI}
        )
        assert outside.status_code == 422 and 'data-field="lat"' in outside.text
        twice = await c.post(
            "/me/addresses",
            data={"csrf_token": token, "label": "家", "lat": "31.78", "lng": "119.97"},
        )
        assert twice.status_code == 409 and 'data-field="label"' in twice.text
        listed = (await c.get("/api/v1/me/addresses")).json()["addresses"]
        assert [(a["label"], a["serves"]) for a in listed] == [("家", True)]
        number = listed[0]["id"]
        use = await c.post(
            f"/me/addresses/{number}/use", data={"csrf_token": token, "next": "/nearby"}
        )
        assert use.status_code == 303 and use.headers["location"] == "/nearby"
        # a saved address stays in the account, not in a cookie left behind after sign-out
        assert c.cookies.get(PLACE_COOKIE) is None
        assert "在 家 附近" in (await c.get("/")).text
        rename = await c.post(
            f"/me/addresses/{number}/edit", data={"csrf_token": token, "label": "老家"}
        )
        assert rename.status_code == 303
        assert "在 老家 附近" in (await c.get("/")).text
        chooser = (await c.get("/place")).text
        assert f'name="address_id" value="{number}"' in chooser
        gone = await c.post(f"/me/addresses/{number}/delete", data={"csrf_token": token})
        assert gone.status_code == 303
        assert (await c.get("/api/v1/me/addresses")).json() == {"addresses": []}
        missing = await c.post(f"/me/addresses/{number}/serves", data={"csrf_token": token})
        assert missing.status_code == 404


async def test_saved_addresses_json(app: Starlette, resident: Account) -> None:
    async with client_for(app) as c:
        assert (await c.get("/api/v1/me/addresses")).status_code == 401
        token = await signed_in(c, resident)
        h = {"X-CSRF-Token": token}
        home = await c.post(
            "/api/v1/me/addresses", json={"label": "家", "lat": 31.7787, "lng": 119.974}, headers=h
        )
        assert home.status_code == 201, home.text
        office = await c.post(
            "/api/v1/me/addresses",
            json={"label": "公司", "lat": 31.81, "lng": 119.97, "serves": True},
            headers=h,
        )
        assert office.json()["address"]["serves"] is True
        first = home.json()["address"]["id"]
        patched = await c.patch(
            f"/api/v1/me/addresses/{first}", json={"label": "我家", "serves": True}, headers=h
        )
        assert patched.json()["address"] == {
            "id": first,
            "label": "我家",
            "lat": 31.7787,
            "lng": 119.974,
            "address_text": "",
            "serves": True,
        }
        listed = (await c.get("/api/v1/me/addresses")).json()["addresses"]
        assert [a["serves"] for a in listed] == [True, False]
        outside = await c.post(
            "/api/v1/me/addresses", json={"label": "沪", "lat": 31.2304, "lng": 121.4737}, headers=h
        )
        assert outside.status_code == 422 and outside.json()["errors"][0]["field"] == "lat"
        use = await c.put("/api/v1/place", json={"kind": "address", "address_id": first}, headers=h)
        assert use.json()["place"]["kind"] == "address"
        assert (await c.delete(f"/api/v1/me/addresses/{first}", headers=h)).status_code == 204
        assert (await c.delete(f"/api/v1/me/addresses/{first}", headers=h)).status_code == 404


async def test_a_guest_cannot_choose_a_saved_address(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        assert (
            await c.put("/api/v1/place", json={"kind": "address", "address_id": 1})
        ).status_code == 401


async def test_search_measures_from_the_place(client: httpx.AsyncClient) -> None:  # noqa: F811
    put = await client.put(
        "/api/v1/place", json={"kind": "pin", "lat": CENTRE.lat, "lng": CENTRE.lng}
    )
    assert put.status_code == 200
    html = (await client.get("/search", params={"q": "面馆"})).text
    assert 'data-testid="distance"' in html and "0 m" in html
    assert 'data-testid="place-line"' in html
    nearby = (await client.get("/nearby")).text
    names = re.findall(r'class="result-name">([^<]+)<', nearby)
    assert names == ["老王面馆", "金牌月嫂中心"]
    assert "0 m" in nearby and "1.5 km" in nearby
    assert "open_first=1" in nearby
    # the URL's own point still wins over the place
    east = (
        await client.get(
            "/search", params={"lat": CENTRE.lat, "lng": CENTRE.lng + 0.0528, "sort": "distance"}
        )
    ).text
    assert re.findall(r'class="result-name">([^<]+)<', east)[0] == "小明数学家教"


async def test_nearby_without_a_place_asks_where(app: Starlette, db: str) -> None:
    async with client_for(app) as c:
        response = await c.get("/nearby")
    assert response.status_code == 200
    assert 'data-testid="place-chooser"' in response.text
    assert 'data-testid="result"' not in response.text
    assert 'name="next" value="/nearby"' in response.text


async def test_open_now_first_orders_open_places_first(client: httpx.AsyncClient) -> None:  # noqa: F811
    await client.put("/api/v1/place", json={"kind": "pin", "lat": CENTRE.lat, "lng": CENTRE.lng})
    html = (await client.get("/nearby", params={"open_first": "1"})).text
    badges = re.findall(r'class="open-badge (is-open|is-closed)"', html)
    assert badges == sorted(badges, key=lambda b: b != "is-open")
    assert 'aria-current="true">营业中优先' in html


async def test_the_serving_address_is_a_search_filter(app: Starlette, resident: Account) -> None:
    async with client_for(app) as c:
        token = await signed_in(c, resident)
        await c.post(
            "/api/v1/me/addresses",
            json={"label": "家", "lat": 31.7787, "lng": 119.974},
            headers={"X-CSRF-Token": token},
        )
        html = (await c.get("/search")).text
        assert "上门到家" in html
        link = re.search(r'href="([^"]*serves=[^"]*)"', html)
        assert link and "31.778700%2C119.974000" in link.group(1)


def test_cookie_round_trip() -> None:
    from web.place import Place, cookie_value

    place = Place(31.7782, 119.9516, "南大街, 常州", "landmark")
    assert parse_cookie(unquote(cookie_value(place))) == place
    assert parse_cookie(cookie_value(place)) == place


async def test_the_booking_address_starts_as_the_serving_address(
    app: Starlette, resident: Account
) -> None:
    listing, _ = await cleaning_service()
    app.state.clock = lambda: NOW
    async with client_for(app) as c:
        token = await signed_in(c, resident)
        before = (await c.get(f"/listings/{listing.id}")).text
        assert 'name="lat" value=""' in before
        await c.post(
            "/api/v1/me/addresses",
            json={
                "label": "家",
                "lat": NEAR_HOME.lat,
                "lng": NEAR_HOME.lng,
                "address_text": "3 栋 501",
            },
            headers={"X-CSRF-Token": token},
        )
        page = (await c.get(f"/listings/{listing.id}")).text
        assert f'name="lat" value="{NEAR_HOME.lat:.6f}"' in page and 'value="3 栋 501"' in page
