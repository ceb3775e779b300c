"""Favourites over HTTP on both databases: the JSON API (idempotent, 404 for unknown listings,
401 for guests), the heart's form (guests sent to sign in and back), 我的收藏, the listing
page's heart and count, and the recently viewed record a listing page leaves."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette

from listings.models import Listing
from marketplace.accounts.models import Account
from marketplace.favourites import services as favourites
from marketplace.favourites.models import Favourite
from tests.web.merchant_helpers import signed_in
from tests.web.test_search_api import CENTRE, client  # noqa: F401  (the indexed-city fixture)

PLACE = f"{CENTRE.lat},{CENTRE.lng},landmark,%E5%8D%97%E5%A4%A7%E8%A1%97"  # 南大街


async def _noodles() -> Listing:
    return await _by_name("老王面馆")


async def _by_name(name: str) -> Listing:
    for listing in await Listing.all():
        if listing.name.get("zh-CN") == name:
            return listing
    raise AssertionError(name)


async def test_api_save_is_idempotent_and_counted(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
) -> None:
    token = await signed_in(client, resident)
    noodles = await _by_name("老王面馆")
    url = f"/api/v1/listings/{noodles.id}/favourite"
    headers = {"X-CSRF-Token": token}
    first = await client.put(url, headers=headers)
    assert first.status_code == 201, first.text
    assert first.json() == {"listing_id": noodles.id, "saved": True, "count": 1}
    again = await client.put(url, headers=headers)
    assert again.status_code == 200
    assert again.json()["count"] == 1
    assert await Favourite.filter(listing_id=noodles.id).count() == 1

    client.cookies.set("tc_place", PLACE)
    mine = await client.get("/api/v1/me/favourites")
    assert mine.status_code == 200
    (card,) = mine.json()["favourites"]
    assert card["id"] == noodles.id and card["name"] == "老王面馆"
    assert card["distance_m"] == 0 and card["opening"]["open"] is True

    gone = await client.delete(url, headers=headers)
    assert gone.status_code == 200
    assert gone.json() == {"listing_id": noodles.id, "saved": False, "count": 0}
    assert (await client.delete(url, headers=headers)).status_code == 200
    assert (await client.get("/api/v1/me/favourites")).json() == {"favourites": []}


async def test_api_refuses_unknown_listings_guests_and_missing_tokens(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
) -> None:
    draft = await _by_name("草稿面馆")
    guest = await client.put(f"/api/v1/listings/{draft.id}/favourite")
    assert guest.status_code == 401
    assert (await client.get("/api/v1/me/favourites")).status_code == 401
    token = await signed_in(client, resident)
    headers = {"X-CSRF-Token": token}
    for listing_id in (draft.id, 99999):
        answer = await client.put(f"/api/v1/listings/{listing_id}/favourite", headers=headers)
        assert answer.status_code == 404, answer.text
        assert answer.json()["code"] == "listing_not_found"
    assert (
        await client.delete("/api/v1/listings/99999/favourite", headers=headers)
    ).status_code == 404
    assert (await client.put("/api/v1/listings/0/favourite", headers=headers)).status_code == 404
    noodles = await _by_name("老王面馆")
    forged = await client.put(f"/api/v1/listings/{noodles.id}/favourite")
    assert forged.status_code == 403


async def test_guest_heart_goes_to_sign_in_and_back(
    client: httpx.AsyncClient,  # noqa: F811
) -> None:
    noodles = await _by_name("老王面馆")
    page = await client.get("/search", params={"q": "面馆"})
    assert 'data-testid="heart"' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    answer = await client.post(
        f"/listings/{noodles.id}/favourite",
        data={"csrf_token": token, "saved": "1", "next": "/search?q=面馆"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=")
    assert "%2Fsearch%3Fq%3D" in answer.headers["location"]
    assert await Favourite.all().count() == 0
    me = await client.get("/me/favourites")
    assert me.status_code == 303 and me.headers["location"].startswith("/login")


async def test_heart_form_saves_and_unsaves_then_returns(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
) -> None:
    token = await signed_in(client, resident)
    noodles = await _by_name("老王面馆")
    for wanted, count in (("1", 1), ("1", 1), ("0", 0)):
        answer = await client.post(
            f"/listings/{noodles.id}/favourite",
            data={"csrf_token": token, "saved": wanted, "next": "/me/favourites"},
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/me/favourites"
        assert await favourites.count_for(noodles.id) == count
    outside = await client.post(
        f"/listings/{noodles.id}/favourite",
        data={"csrf_token": token, "saved": "1", "next": "https://evil.example/"},
    )
    assert outside.headers["location"] == f"/listings/{noodles.id}"
    missing = await client.post(
        "/listings/99999/favourite", data={"csrf_token": token, "saved": "1"}
    )
    assert missing.status_code == 404


async def test_my_favourites_page_and_hearts_on_search(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
) -> None:
    await signed_in(client, resident)
    empty = await client.get("/me/favourites")
    assert empty.status_code == 200 and 'data-testid="empty-state"' in empty.text
    noodles = await _by_name("老王面馆")
    await favourites.save(resident, noodles.id)
    client.cookies.set("tc_place", PLACE)
    page = await client.get("/me/favourites")
    assert "老王面馆" in page.text and "0 m" in page.text and "营业中" in page.text
    assert 'class="heart is-saved"' in page.text
    results = await client.get("/search", params={"q": "面馆"})
    assert results.text.count('class="heart is-saved"') == 1
    me = await client.get("/me")
    assert 'href="/me/favourites"' in me.text


async def test_listing_page_shows_the_count_and_records_the_view(
    client: httpx.AsyncClient,  # noqa: F811
    resident: Account,
    app: Starlette,
) -> None:
    noodles = await _by_name("老王面馆")
    other = await Account.create(
        email="lei@example.com", password_hash="x", display_name="雷", locale="zh-CN"
    )
    await favourites.save(other, noodles.id)
    guest = await client.get(f"/listings/{noodles.id}")
    assert 'data-testid="favourite-count">1<' in guest.text
    assert 'aria-pressed="false"' in guest.text
    await signed_in(client, resident)
    await favourites.save(resident, noodles.id)
    page = await client.get(f"/listings/{noodles.id}")
    assert 'data-testid="favourite-count">2<' in page.text
    assert 'class="heart is-saved"' in page.text
    assert await favourites.recent_ids(resident) == [noodles.id]
    assert await favourites.recent_ids(other) == []
