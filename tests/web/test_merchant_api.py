"""Merchant JSON API: apply, listings and offerings, publish and hide, staff invitations.

Answers are checked against the documented models; refusals name their fields and write nothing.
"""

from __future__ import annotations

from typing import Any

import httpx

from listings.models import Listing, Offering
from listings.types import ListingStatus
from marketplace.accounts.models import Account
from marketplace.city import City
from tests.support.catalogue_inputs import housekeeping_input, row_counts, shop_input, square
from tests.web.merchant_helpers import (
    APPLICATION,
    LAT,
    LNG,
    OUT_LAT,
    OUT_LNG,
    account,
    approved_merchant,
    signed_in,
)
from web.routes.merchant_api_models import (
    InviteAnswer,
    ListingAnswer,
    ListingsAnswer,
    MerchantAnswer,
    MerchantsAnswer,
    OfferingAnswer,
    OfferingsAnswer,
)

API = "/api/v1"


def fields_of(response: httpx.Response) -> dict[str, str]:
    return {e["field"]: e["reason"] for e in response.json()["errors"]}


async def test_apply_needs_an_account_and_answers_the_pending_merchant(
    client: httpx.AsyncClient, resident: Account
) -> None:
    assert (await client.post(f"{API}/merchants", json=APPLICATION)).status_code == 401
    token = await signed_in(client, resident)
    headers = {"X-CSRF-Token": token}
    created = await client.post(f"{API}/merchants", json=APPLICATION, headers=headers)
    assert created.status_code == 201, created.text
    merchant = MerchantAnswer.model_validate(created.json()).merchant
    assert merchant.status == "pending" and merchant.contact_phone == "+8613800000001"
    assert merchant.location is not None and abs(merchant.location.lat - LAT) < 1e-9
    assert merchant.district == "zhonglou" or merchant.district

    again = await client.post(f"{API}/merchants", json=APPLICATION, headers=headers)
    assert again.status_code == 409

    mine = MerchantsAnswer.model_validate((await client.get(f"{API}/merchants")).json())
    assert [m.id for m in mine.merchants] == [merchant.id]
    one = await client.get(f"{API}/merchants/{merchant.id}")
    assert MerchantAnswer.model_validate(one.json()).merchant.name["zh-CN"] == "金牌家政"
    assert (await client.get(f"{API}/merchants/999999")).status_code == 404


async def test_a_bad_application_names_every_field_and_writes_nothing(
    client: httpx.AsyncClient, resident: Account
) -> None:
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    before = await row_counts()
    bad = {
        **APPLICATION,
        "category": "hotpot",
        "contact_phone": "12",
        "lat": OUT_LAT,
        "lng": OUT_LNG,
        "name": {"zh-CN": ""},
    }
    response = await client.post(f"{API}/merchants", json=bad, headers=headers)
    assert response.status_code == 422
    assert {"category", "contact_phone", "location", "name.zh-CN"} <= set(fields_of(response))
    shapeless = await client.post(
        f"{API}/merchants", json={**APPLICATION, "owner_id": 1}, headers=headers
    )
    assert shapeless.status_code == 422 and "owner_id" in fields_of(shapeless)
    form = await client.post(f"{API}/merchants", data={"x": "1"}, headers=headers)
    assert form.status_code == 422 and "body" in fields_of(form)
    # the session's token is required on every write made with the cookie
    forged = await client.post(f"{API}/merchants", json=APPLICATION)
    assert forged.status_code == 403
    assert await row_counts() == before


async def test_listings_are_created_read_changed_published_and_hidden(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    body = housekeeping_input()
    body.pop("vertical")
    created = await client.post(
        f"{API}/merchants/{merchant.id}/listings",
        json={"vertical": "housekeeping", **body},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    listing = ListingAnswer.model_validate(created.json()).listing
    assert listing.status == "draft" and listing.attributes["service_radius_m"] == 3000
    assert listing.service_area is not None and listing.service_area["type"] == "Polygon"
    listing_id = listing.id

    offerings = OfferingsAnswer.model_validate(
        (await client.get(f"{API}/listings/{listing_id}/offerings")).json()
    ).offerings
    assert [(o.price, o.price_minor, o.currency) for o in offerings] == [
        ("120.00", 12000, "CNY"),
        ("399.50", 39950, "CNY"),
    ]
    listed = ListingsAnswer.model_validate(
        (await client.get(f"{API}/merchants/{merchant.id}/listings")).json()
    )
    assert [x.id for x in listed.listings] == [listing_id]

    patched = await client.patch(
        f"{API}/listings/{listing_id}",
        json={"name": {"zh-CN": "金牌家政（南大街）", "en": "Golden Housekeeping"}},
        headers=headers,
    )
    assert patched.status_code == 200, patched.text
    after = ListingAnswer.model_validate(patched.json()).listing
    assert after.name["zh-CN"] == "金牌家政（南大街）"
    assert after.weekly_hours == listing.weekly_hours and after.attributes == listing.attributes

    published = await client.post(f"{API}/listings/{listing_id}/publish", headers=headers)
    assert published.status_code == 200 and published.json()["listing"]["status"] == "published"
    twice = await client.post(f"{API}/listings/{listing_id}/publish", headers=headers)
    assert twice.status_code == 409
    hidden = await client.post(f"{API}/listings/{listing_id}/hide", headers=headers)
    assert hidden.status_code == 200 and hidden.json()["listing"]["status"] == "hidden"
    assert hidden.json()["listing"]["hidden_by_operator"] is False


async def test_a_bad_listing_change_names_the_field_and_changes_nothing(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    created = await client.post(
        f"{API}/merchants/{merchant.id}/listings", json=shop_input(), headers=headers
    )
    assert created.status_code == 201, created.text
    listing_id = created.json()["listing"]["id"]
    before = await row_counts()
    stored = (await client.get(f"{API}/listings/{listing_id}")).json()

    cases: list[tuple[dict[str, Any], str]] = [
        ({"weekly_hours": {"mon": [["09:00", "12:00"], ["11:00", "14:00"]]}}, "weekly_hours.mon"),
        ({"lat": OUT_LAT, "lng": OUT_LNG}, "location"),
        ({"attributes": {"pickup": False, "delivery": False}}, "attributes.delivery"),
        ({"attributes": {"delivery": True, "delivery_fee": "-1"}}, "attributes.delivery_fee"),
        ({"category": "hotpot"}, "category"),
        ({"vertical": "restaurant"}, "vertical"),
    ]
    for change, field in cases:
        response = await client.patch(f"{API}/listings/{listing_id}", json=change, headers=headers)
        assert response.status_code == 422, (change, response.text)
        assert any(f.startswith(field) for f in fields_of(response)), (field, response.json())
    crossed = square(LAT, LNG)
    ring = crossed["coordinates"][0]
    ring[1], ring[2] = ring[2], ring[1]
    drawn = {
        "attributes": {"delivery": True, "service_area_mode": "polygon"},
        "service_area": crossed,
    }
    response = await client.patch(f"{API}/listings/{listing_id}", json=drawn, headers=headers)
    assert response.status_code == 422 and "service_area" in fields_of(response)
    assert await row_counts() == before
    assert (await client.get(f"{API}/listings/{listing_id}")).json() == stored


async def test_offerings_are_added_changed_and_removed_with_prices_in_yuan(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    created = await client.post(
        f"{API}/merchants/{merchant.id}/listings",
        json=shop_input(offerings=[]),
        headers=headers,
    )
    listing_id = created.json()["listing"]["id"]
    base = f"{API}/listings/{listing_id}/offerings"
    added = await client.post(
        base, json={"name": {"zh-CN": "全麦面包"}, "price": "12.5", "stock": 30}, headers=headers
    )
    assert added.status_code == 201, added.text
    offering = OfferingAnswer.model_validate(added.json()).offering
    assert (offering.price, offering.price_minor, offering.stock) == ("12.50", 1250, 30)

    for price in ("1.234", "-1", "abc", "1e3"):
        refused = await client.post(
            base, json={"name": {"zh-CN": "法棍"}, "price": price, "stock": 5}, headers=headers
        )
        assert refused.status_code == 422 and set(fields_of(refused)) == {"price"}, price
    wrong_kind = await client.post(
        base,
        json={"name": {"zh-CN": "保洁"}, "price": "10", "duration_min": 60, "stock": 1},
        headers=headers,
    )
    assert wrong_kind.status_code == 422 and "duration_min" in fields_of(wrong_kind)
    assert await Offering.filter(listing_id=listing_id).count() == 1

    changed = await client.patch(f"{base}/{offering.id}", json={"stock": 0}, headers=headers)
    assert changed.status_code == 200 and changed.json()["offering"]["stock"] == 0
    assert changed.json()["offering"]["price_minor"] == 1250
    assert (await client.delete(f"{base}/{offering.id}", headers=headers)).status_code == 204
    assert (await client.delete(f"{base}/{offering.id}", headers=headers)).status_code == 404
    assert (await client.get(base)).json() == {"offerings": []}


async def test_a_pending_merchant_cannot_publish(
    client: httpx.AsyncClient, city: City, resident: Account
) -> None:
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    applied = await client.post(f"{API}/merchants", json=APPLICATION, headers=headers)
    merchant_id = applied.json()["merchant"]["id"]
    created = await client.post(
        f"{API}/merchants/{merchant_id}/listings", json=housekeeping_input(), headers=headers
    )
    assert created.status_code == 201
    listing_id = created.json()["listing"]["id"]
    refused = await client.post(f"{API}/listings/{listing_id}/publish", headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "not_publishable"
    assert (await Listing.get(id=listing_id)).status == ListingStatus.DRAFT


async def test_the_owner_invites_and_the_invitee_joins_through_the_api(
    client: httpx.AsyncClient, city: City, resident: Account, operator: Account
) -> None:
    merchant = await approved_merchant(city, resident, operator)
    helper = await account("13900000002", "小李")
    headers = {"X-CSRF-Token": await signed_in(client, resident)}
    sent = await client.post(
        f"{API}/merchants/{merchant.id}/invites",
        json={"identifier": "139 0000 0002"},
        headers=headers,
    )
    assert sent.status_code == 201, sent.text
    invite = InviteAnswer.model_validate(sent.json())
    assert invite.invite.phone == "+8613900000002"
    assert invite.accept_url.endswith(f"/merchant/invites/{invite.token}")

    headers = {"X-CSRF-Token": await signed_in(client, helper)}
    assert (await client.get(f"{API}/merchants/{merchant.id}")).status_code == 403
    wrong = await client.post(f"{API}/invites/accept", json={"token": "nope"}, headers=headers)
    assert wrong.status_code == 422 and "token" in fields_of(wrong)
    joined = await client.post(
        f"{API}/invites/accept", json={"token": invite.token}, headers=headers
    )
    assert joined.status_code == 200 and joined.json() == {"merchant_id": merchant.id}
    assert (await client.get(f"{API}/merchants/{merchant.id}")).status_code == 200
    # staff are not owners: they cannot invite in turn
    again = await client.post(
        f"{API}/merchants/{merchant.id}/invites",
        json={"identifier": "x@example.com"},
        headers=headers,
    )
    assert again.status_code == 403
