"""Merchant JSON API for bookings: redeem codes (only one's own, once), read the queue, and set
availability, table reservations and the cancellation policy, each refusal naming its field."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from geo.coords import LatLng
from listings.models import Listing, MerchantStaff, Offering
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from tests.support.bookables import every_day
from tests.support.factories import make_listing, make_merchant
from tests.web.merchant_helpers import account
from tests.web.test_bookings_api import (
    as_client,
    at,
    fields_of,
    hold_body,
    local_day,
    snapshot,
    staffed_cleaner,
)
from web.bookings_json import BookingsAnswer

API = "/api/v1"
MERCHANT = f"{API}/merchant"


async def confirmed_booking(me: Any, listing: Listing, offering: Offering, key: str) -> dict:
    body = hold_body(listing.id, offering.id, at(local_day(1), 9))
    held = (await me.post(f"{API}/bookings", body, key)).json()["booking"]
    done = await me.post(f"{API}/bookings/{held['id']}/confirm", {"payment_mode": "pay_at_store"})
    return done.json()["booking"]


async def test_codes_work_once_and_only_for_their_merchant(
    client: httpx.AsyncClient, resident: Account, time_machine: Any
) -> None:
    listing, offering, owner = await staffed_cleaner(capacity=3)
    _, _, rival = await staffed_cleaner(capacity=3)
    me = await as_client(client, resident)
    booking = await confirmed_booking(me, listing, offering, "redeem-key-01")
    cancelled = await confirmed_booking(me, listing, offering, "redeem-key-02")
    await me.post(f"{API}/bookings/{cancelled['id']}/cancel")

    other = await as_client(client, rival)
    before = await snapshot()
    theirs = await other.post(f"{MERCHANT}/redeem", {"code": booking["code"]})
    assert (theirs.status_code, theirs.json()["code"]) == (404, "code_not_found")
    assert list(fields_of(theirs)) == ["code"]
    assert await snapshot() == before

    shop = await as_client(client, owner)
    # tomorrow 09:00: today the code is refused, saying when it opens (08:00, city time)
    opens = at(local_day(1), 8)
    early = await shop.post(f"{MERCHANT}/codes/check", {"code": booking["code"]})
    assert (early.status_code, early.json()["code"]) == (409, "completion_too_early")
    assert early.json()["opens_at"] == opens
    assert "08:00" in early.json()["message"] and list(fields_of(early)) == ["code"]
    time_machine.move_to(datetime.fromisoformat(opens))
    for text, status, code in [
        ("not a code", 422, "invalid"),
        ("BCDF-GHJ2", 404, "code_not_found"),
        (cancelled["code"], 409, "transition_not_allowed"),
    ]:
        for step in ("codes/check", "redeem"):
            response = await shop.post(f"{MERCHANT}/{step}", {"code": text})
            assert (response.status_code, response.json()["code"]) == (status, code), text
            assert await snapshot() == before
    checked = await shop.post(f"{MERCHANT}/codes/check", {"code": booking["code"]})
    assert checked.status_code == 200, checked.text
    assert (checked.json()["due_at_store"], checked.json()["completable_from"]) == (
        12000,
        opens,
    )
    missing = await shop.post(f"{MERCHANT}/redeem", {"code": booking["code"]})
    assert (missing.status_code, list(fields_of(missing))) == (422, ["received"])
    too_much = await shop.post(f"{MERCHANT}/redeem", {"code": booking["code"], "received": 121})
    assert (too_much.status_code, list(fields_of(too_much))) == (422, ["received"])
    assert "找零" in too_much.json()["errors"][0]["reason"]
    assert await snapshot() == before
    done = await shop.post(f"{MERCHANT}/redeem", {"code": booking["code"], "received": "120"})
    assert done.json()["booking"]["state"] == "completed"
    again = await shop.post(f"{MERCHANT}/redeem", {"code": booking["code"], "received": "120"})
    assert (again.status_code, again.json()["code"]) == (409, "code_already_used")
    assert (await Booking.get(id=booking["id"])).state == "completed"
    finished = await shop.post(f"{API}/bookings/{booking['id']}/cancel")
    assert (finished.status_code, finished.json()["code"]) == (409, "transition_not_allowed")
    early = await shop.post(f"{API}/bookings/{cancelled['id']}/no-show")
    assert early.status_code in (409, 422)


async def test_the_queue_filters_by_date_and_state(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, owner = await staffed_cleaner(capacity=3)
    me = await as_client(client, resident)
    booking = await confirmed_booking(me, listing, offering, "queue-key-01")
    shop = await as_client(client, owner)

    def ids(response: httpx.Response) -> list[int]:
        assert response.status_code == 200, response.text
        return [b.id for b in BookingsAnswer.model_validate(response.json()).bookings]

    assert ids(await shop.get(f"{MERCHANT}/bookings")) == [booking["id"]]
    assert ids(await shop.get(f"{MERCHANT}/bookings", date=str(local_day(1)))) == [booking["id"]]
    assert ids(await shop.get(f"{MERCHANT}/bookings", date=str(local_day(2)))) == []
    assert ids(await shop.get(f"{MERCHANT}/bookings", state="held,completed")) == []
    assert ids(await shop.get(f"{MERCHANT}/bookings", state="confirmed")) == [booking["id"]]
    for params, field in [({"date": "01/12/2026"}, "date"), ({"state": "done"}, "state")]:
        response = await shop.get(f"{MERCHANT}/bookings", **params)
        assert (response.status_code, list(fields_of(response))) == (422, [field])

    # a second business: the queue then needs to be told which one
    second = await make_merchant(owner=owner)
    await MerchantStaff.create(merchant=second, account=owner)
    several = await shop.get(f"{MERCHANT}/bookings")
    assert (several.status_code, list(fields_of(several))) == (422, ["merchant_id"])
    merchant_id = listing.merchant_id  # type: ignore[attr-defined]
    chosen = await shop.get(f"{MERCHANT}/bookings", merchant_id=str(merchant_id))
    assert ids(chosen) == [booking["id"]]
    assert ids(await shop.get(f"{MERCHANT}/bookings", merchant_id=str(second.id))) == []
    assert (await shop.get(f"{MERCHANT}/orders", merchant_id="999999")).status_code == 404

    nobody = await as_client(client, await account("visitor@example.com", "访客"))
    assert (await nobody.get(f"{MERCHANT}/bookings")).status_code == 403
    client.cookies.clear()
    assert (await client.get(f"{MERCHANT}/bookings")).status_code == 401


async def test_availability_reservations_and_policy_are_set_and_checked(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, owner = await staffed_cleaner()
    shop = await as_client(client, owner)
    settings = every_day("08:00", "18:00", 180, 2, buffer_minutes=30, horizon_days=14)
    path = f"{MERCHANT}/offerings/{offering.id}/availability"
    saved = await shop.put(path, settings)
    assert saved.status_code == 200, saved.text
    assert saved.json()["availability"]["buffer_minutes"] == 30
    free = await client.get(
        f"{API}/listings/{listing.id}/availability", params={"date": str(local_day(1))}
    )
    assert [s["starts_at"][11:16] for s in free.json()["slots"]] == ["08:00", "11:30", "15:00"]
    bad = {**settings, "windows": [{**settings["windows"][0], "end": "07:00"}]}  # type: ignore[index]
    refused = await shop.put(path, bad)
    assert refused.status_code == 422
    assert [f for f in fields_of(refused) if f.startswith("availability.windows")], refused.text
    assert (await Offering.get(id=offering.id)).availability == saved.json()["availability"]
    assert (await shop.put(path, None)).json()["availability"] is None

    reservations = f"{MERCHANT}/listings/{listing.id}/reservations"
    not_a_restaurant = await shop.put(reservations, every_day("11:00", "14:00", 30, 40))
    assert (not_a_restaurant.status_code, list(fields_of(not_a_restaurant))) == (
        422,
        ["reservations"],
    )
    restaurant = await make_listing(
        LatLng.from_point(listing.location), merchant=await listing.merchant
    )
    tables = await shop.put(
        f"{MERCHANT}/listings/{restaurant.id}/reservations", every_day("11:00", "14:00", 30, 40)
    )
    assert tables.status_code == 200, tables.text
    lunch = await client.get(
        f"{API}/listings/{restaurant.id}/availability", params={"date": str(local_day(1))}
    )
    assert len(lunch.json()["slots"]) == 6 and lunch.json()["slots"][0]["capacity"] == 40

    policy = f"{MERCHANT}/listings/{listing.id}/cancellation-policy"
    assert (await shop.put(policy, {"policy": "strict"})).json()["cancellation_policy"] == "strict"
    unknown = await shop.put(policy, {"policy": "lenient"})
    assert (unknown.status_code, list(fields_of(unknown))) == (422, ["cancellation_policy"])
    assert (await Listing.get(id=listing.id)).cancellation_policy == "strict"

    stranger = await as_client(client, resident)
    assert (await stranger.put(policy, {"policy": "flexible"})).status_code == 403
    assert (await stranger.put(path, settings)).status_code == 403
    assert (await Listing.get(id=listing.id)).cancellation_policy == "strict"
