"""Bookings JSON API: availability, hold, confirm, redeem, cancel, and every bad request refused
with its field and reason while capacity and states stay exactly as they were."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from listings.models import Listing, Merchant, MerchantStaff
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking, Slot
from marketplace.city import City
from tests.support.bookables import FAR_AWAY, NEAR_HOME, cleaning_service
from tests.web.merchant_helpers import account, signed_in
from web.bookings_json import AvailabilityOut, BookingAnswer, BookingsAnswer

API = "/api/v1"
TZ = ZoneInfo("Asia/Shanghai")


def local_day(offset: int) -> date:
    return datetime.now(UTC).astimezone(TZ).date() + timedelta(days=offset)


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute), TZ).isoformat()


def hold_body(listing_id: int, offering_id: int, starts_at: str, **extra: Any) -> dict[str, Any]:
    where = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"}
    return {
        "listing_id": listing_id,
        "offering_id": offering_id,
        "starts_at": starts_at,
        "address": where,
        **extra,
    }


def fields_of(response: httpx.Response) -> dict[str, str]:
    return {e["field"]: e["reason"] for e in response.json()["errors"]}


class Client:
    """A signed-in client: JSON posts carry the CSRF token."""

    def __init__(self, http: httpx.AsyncClient, token: str) -> None:
        self.http, self.token = http, token

    async def post(self, path: str, body: Any = None, key: str | None = None) -> httpx.Response:
        headers = {"X-CSRF-Token": self.token}
        if key is not None:
            headers["Idempotency-Key"] = key
        return await self.http.post(path, json=body, headers=headers)

    async def put(self, path: str, body: Any) -> httpx.Response:
        # json.dumps, not json=: httpx sends no body at all for json=None
        headers = {"X-CSRF-Token": self.token, "content-type": "application/json"}
        return await self.http.put(path, content=json.dumps(body), headers=headers)

    async def get(self, path: str, **params: Any) -> httpx.Response:
        return await self.http.get(path, params=params)


async def as_client(http: httpx.AsyncClient, who: Account) -> Client:
    return Client(http, await signed_in(http, who))


async def staffed_cleaner(capacity: int = 1) -> tuple[Listing, Any, Account]:
    """A bookable cleaning service whose merchant is owned by an account that can sign in."""
    listing, offering = await cleaning_service(capacity=capacity)
    owner = await account(f"owner{listing.id}@example.com", "王老板")
    merchant_id = listing.merchant_id  # type: ignore[attr-defined]
    await Merchant.filter(id=merchant_id).update(owner_id=owner.id)
    await MerchantStaff.create(merchant_id=merchant_id, account=owner)
    return listing, offering, owner


async def snapshot() -> list[tuple[Any, ...]]:
    slots = await Slot.all().order_by("id").values_list("bookable", "starts_at", "taken")
    rows = await Booking.all().order_by("id").values_list("id", "state", "code_used_at")
    return [*slots, *rows]


async def test_the_whole_flow_from_availability_to_completed(
    client: httpx.AsyncClient, resident: Account, city: City, time_machine: Any
) -> None:
    listing, offering, owner = await staffed_cleaner(capacity=2)
    day = local_day(1)
    free = await client.get(f"{API}/listings/{listing.id}/availability", params={"date": str(day)})
    assert free.status_code == 200, free.text
    slots = AvailabilityOut.model_validate(free.json()).slots
    assert [s.starts_at for s in slots] == [at(day, 9), at(day, 12), at(day, 15)]
    assert {(s.capacity, s.remaining, s.offering_id) for s in slots} == {(2, 2, offering.id)}

    me = await as_client(client, resident)
    held = await me.post(
        f"{API}/bookings", hold_body(listing.id, offering.id, at(day, 9)), "k-whole-0001"
    )
    assert held.status_code == 201, held.text
    booking = BookingAnswer.model_validate(held.json()).booking
    assert (booking.state, booking.code, booking.party_size) == ("held", None, 1)
    assert booking.starts_at == at(day, 9) and booking.listing_name == "好帮手保洁"
    assert (booking.amount, booking.currency, booking.amount_text) == (12000, "CNY", "¥120.00")
    assert booking.hold_expires_at is not None and booking.hold_expires_at.endswith("+08:00")
    assert set(booking.transitions) == {"confirmed", "pending_payment", "cancelled_by_resident"}
    after = await client.get(f"{API}/listings/{listing.id}/availability", params={"date": str(day)})
    assert after.json()["slots"][0]["remaining"] == 1

    confirmed = await me.post(
        f"{API}/bookings/{booking.id}/confirm", {"payment_mode": "pay_at_store"}
    )
    assert confirmed.status_code == 200, confirmed.text
    shown = confirmed.json()["booking"]
    assert shown["state"] == "confirmed" and shown["hold_expires_at"] is None
    assert len(shown["code"]) == 9 and shown["code"][4] == "-"
    mine = BookingsAnswer.model_validate((await me.get(f"{API}/bookings")).json())
    assert [b.id for b in mine.bookings] == [booking.id]

    shop = await as_client(client, owner)
    seen = (await shop.get(f"{API}/bookings/{booking.id}")).json()["booking"]
    assert seen["role"] == "merchant" and seen["code"] is None
    assert set(seen["transitions"]) == {"completed", "no_show", "cancelled_by_merchant"}
    queue = await shop.get(f"{API}/merchant/bookings", date=str(day))
    assert [b["id"] for b in queue.json()["bookings"]] == [booking.id]
    # its code opens an hour before the start; paid at the store: what was received goes with it
    time_machine.move_to(datetime.fromisoformat(at(day, 8, 30)))
    body = {"code": shown["code"].lower(), "received": "120.00"}
    done = await shop.post(f"{API}/merchant/redeem", body)
    assert done.status_code == 200, done.text
    assert done.json()["kind"] == "booking"
    assert done.json()["booking"]["state"] == "completed"
    assert (await Booking.get(id=booking.id)).state == "completed"


async def test_cancel_says_the_refund_and_gives_the_place_back(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, _ = await staffed_cleaner()
    me = await as_client(client, resident)
    body = hold_body(listing.id, offering.id, at(local_day(3), 12))
    booking = (await me.post(f"{API}/bookings", body, "k-cancel-0001")).json()["booking"]
    await me.post(f"{API}/bookings/{booking['id']}/confirm", {"payment_mode": "pay_at_store"})
    cancelled = await me.post(f"{API}/bookings/{booking['id']}/cancel", {"reason": "改期"})
    assert cancelled.status_code == 200, cancelled.text
    answer = cancelled.json()["booking"]
    assert (answer["state"], answer["refund_due"], answer["transitions"]) == (
        "cancelled_by_resident",
        0,
        [],
    )
    assert (await Slot.get(bookable=f"o{offering.id}")).taken == 0
    again = await me.post(f"{API}/bookings/{booking['id']}/cancel")
    assert (again.status_code, again.json()["code"]) == (409, "transition_not_allowed")


async def test_a_replay_answers_the_same_booking_and_another_body_is_refused(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, _ = await staffed_cleaner(capacity=3)
    me = await as_client(client, resident)
    body = hold_body(listing.id, offering.id, at(local_day(1), 9))
    first = await me.post(f"{API}/bookings", body, "same-key-0001")
    replay = await me.post(f"{API}/bookings", body, "same-key-0001")
    assert (first.status_code, replay.status_code) == (201, 200)
    assert first.json()["booking"]["id"] == replay.json()["booking"]["id"]
    before = await snapshot()
    other = await me.post(f"{API}/bookings", {**body, "party_size": 2}, "same-key-0001")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    assert await snapshot() == before
    assert (await Slot.get(bookable=f"o{offering.id}")).taken == 1


def _bad_holds(listing_id: int, offering_id: int) -> list[tuple[dict[str, Any], int, str, str]]:
    """(body, status, code, field) for each hold the API must refuse."""
    body = hold_body(listing_id, offering_id, at(local_day(1), 9))
    return [
        ({**body, "starts_at": at(local_day(-1), 9)}, 422, "slot_in_past", "starts_at"),
        ({**body, "starts_at": at(local_day(45), 9)}, 422, "beyond_horizon", "starts_at"),
        ({**body, "starts_at": at(local_day(1), 10)}, 422, "no_such_slot", "starts_at"),
        ({**body, "starts_at": "2026-11-28T09:00:00"}, 422, "invalid", "starts_at"),
        ({**body, "party_size": 2}, 422, "party_too_large", "party_size"),
        ({**body, "party_size": 0}, 422, "invalid", "party_size"),
        (
            {**body, "address": {"lat": FAR_AWAY.lat, "lng": FAR_AWAY.lng}},
            422,
            "outside_service_area",
            "address",
        ),
        ({**body, "address": None}, 422, "address_required", "address"),
        ({**body, "colour": "red"}, 422, "invalid", "colour"),
        ({**body, "offering_id": offering_id + 999}, 422, "not_bookable", "offering_id"),
        ({**body, "listing_id": "one"}, 422, "invalid", "listing_id"),
        ([body], 422, "invalid", "body"),
    ]


async def test_bad_holds_name_the_field_and_change_nothing(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, _ = await staffed_cleaner(capacity=1)
    me = await as_client(client, resident)
    taken = hold_body(listing.id, offering.id, at(local_day(2), 9))
    assert (await me.post(f"{API}/bookings", taken, "k-taken-0001")).status_code == 201
    before = await snapshot()
    for i, (body, status, code, field) in enumerate(_bad_holds(listing.id, offering.id)):
        response = await me.post(f"{API}/bookings", body, f"k-bad-{i:04d}")
        assert response.status_code == status, (body, response.text)
        assert response.json()["code"] == code, (body, response.text)
        assert field in fields_of(response), (body, response.text)
        assert await snapshot() == before
    full = await me.post(f"{API}/bookings", taken, "k-full-01")
    assert (full.status_code, full.json()["code"]) == (409, "slot_full")
    assert "starts_at" in fields_of(full)
    assert await snapshot() == before


async def test_malformed_bodies_missing_keys_and_strangers_are_refused(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, _ = await staffed_cleaner()
    body = hold_body(listing.id, offering.id, at(local_day(1), 9))
    anonymous = await client.post(
        f"{API}/bookings", json=body, headers={"Idempotency-Key": "k-anon-1234"}
    )
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "login_required")
    me = await as_client(client, resident)
    no_key = await me.post(f"{API}/bookings", body)
    assert (no_key.status_code, list(fields_of(no_key))) == (422, ["idempotency_key"])
    short_key = await me.post(f"{API}/bookings", body, "k1")
    assert list(fields_of(short_key)) == ["idempotency_key"]
    headers = {
        "X-CSRF-Token": me.token,
        "Idempotency-Key": "k-malformed",
        "content-type": "application/json",
    }
    broken = await client.post(f"{API}/bookings", content=b'{"listing_id": 1,', headers=headers)
    assert (broken.status_code, fields_of(broken)) == (422, {"body": "is not valid JSON"})
    no_csrf = await client.post(
        f"{API}/bookings", json=body, headers={"Idempotency-Key": "k-nocsrf-3333"}
    )
    assert no_csrf.status_code == 403
    assert await Booking.all().count() == 0

    mine = (await me.post(f"{API}/bookings", body, "k-mine-01")).json()["booking"]
    bad_mode = await me.post(f"{API}/bookings/{mine['id']}/confirm", {"payment_mode": "cash"})
    assert (bad_mode.status_code, list(fields_of(bad_mode))) == (422, ["payment_mode"])
    stranger = await as_client(client, await account("other@example.com", "路人"))
    for response in (
        await stranger.get(f"{API}/bookings/{mine['id']}"),
        await stranger.post(f"{API}/bookings/{mine['id']}/cancel"),
        await stranger.post(f"{API}/bookings/{mine['id']}/confirm", {"payment_mode": "online"}),
        await stranger.get(f"{API}/bookings/999999"),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "booking_not_found")
    assert (await Booking.get(id=mine["id"])).state == "held"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2026-13-01"}, "date"),
        ({}, "date"),
        ({"date": "tomorrow"}, "date"),
        ({"date": "+60"}, "date"),
        ({"offering_id": "abc"}, "offering_id"),
        ({"offering_id": "999999"}, "offering_id"),
    ],
)
async def test_availability_refuses_bad_parameters_by_name(
    client: httpx.AsyncClient, db: str, params: dict[str, str], field: str
) -> None:
    listing, _, _ = await staffed_cleaner()
    query = {"date": str(local_day(1)), **params}
    if query["date"] == "+60":
        query["date"] = str(local_day(60))
    if not params:
        query = {}
    response = await client.get(f"{API}/listings/{listing.id}/availability", params=query)
    assert response.status_code == 422, response.text
    assert field in fields_of(response)


async def test_availability_of_an_unknown_listing_is_404(
    client: httpx.AsyncClient, db: str
) -> None:
    response = await client.get(
        f"{API}/listings/999999/availability", params={"date": "2026-12-01"}
    )
    assert response.status_code == 404
