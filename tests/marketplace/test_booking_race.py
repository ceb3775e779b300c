"""No double booking and no overselling, whatever the number of concurrent attempts, on both
databases: 200 residents race for a slot of capacity 1 and of 3; one resident's double click
(the same idempotency key 200 times) makes one booking; 200 carts race for a stock of 10; a hold
that expires releases exactly what it held, once, however many workers expire it together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from listings.models import Offering
from marketplace import clock
from marketplace.app import create_app
from marketplace.bookings.errors import SlotFull
from marketplace.bookings.models import Booking, BookingEvent, Slot
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.services import expire_holds, hold_booking
from marketplace.bookings.types import BookingState
from marketplace.orders.checkout import place_order
from marketplace.orders.errors import OutOfStock
from marketplace.orders.models import Order
from marketplace.orders.requests import OrderRequest
from marketplace.orders.services import expire_orders
from marketplace.settings import Settings
from tests.support.bookables import NEAR_HOME, NOW, THURSDAY_9, cleaning_service, shop_with_stock
from tests.support.factories import make_account
from tests.web.merchant_helpers import account, signed_in

ATTEMPTS = 200
CITY_TZ = ZoneInfo("Asia/Shanghai")


async def _residents(n: int) -> list:
    return [await make_account() for _ in range(n)]


def _request(listing_id: int, offering_id: int) -> BookingRequest:
    return BookingRequest(
        listing_id=listing_id,
        offering_id=offering_id,
        starts_at=THURSDAY_9,
        address={"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
    )


@pytest.mark.parametrize("capacity", [1, 3])
async def test_a_slot_is_never_overbooked(db: str, city, capacity: int) -> None:
    listing, offering = await cleaning_service(capacity=capacity)
    residents = await _residents(ATTEMPTS)
    request = _request(listing.id, offering.id)

    async def attempt(i: int) -> str:
        try:
            await hold_booking(city, residents[i], request, f"key-{i:08d}", now=NOW)
            return "held"
        except SlotFull:
            return "full"

    outcomes = await asyncio.gather(*(attempt(i) for i in range(ATTEMPTS)))
    assert outcomes.count("held") == capacity
    assert outcomes.count("full") == ATTEMPTS - capacity
    assert await Booking.filter(slot__bookable=f"o{offering.id}").count() == capacity
    slot = await Slot.get(bookable=f"o{offering.id}", starts_at=THURSDAY_9)
    assert (slot.taken, slot.capacity) == (capacity, capacity)


async def test_a_double_click_makes_one_booking(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=3)
    (resident,) = await _residents(1)
    request = _request(listing.id, offering.id)

    results = await asyncio.gather(
        *(hold_booking(city, resident, request, "same-key-123", now=NOW) for _ in range(ATTEMPTS))
    )
    assert len({booking.id for booking, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    slot = await Slot.get(bookable=f"o{offering.id}")
    assert slot.taken == 1
    assert await Booking.all().count() == 1


async def test_an_expiring_hold_releases_its_places_once(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=3)
    residents = await _residents(3)
    for i, resident in enumerate(residents):
        request = BookingRequest(
            **{**_request(listing.id, offering.id).model_dump(), "party_size": 1}
        )
        await hold_booking(city, resident, request, f"hold-{i:06d}", now=NOW)
    later = NOW + timedelta(minutes=city.cancellation.hold_minutes, seconds=1)

    released = await asyncio.gather(*(expire_holds(city, now=later) for _ in range(20)))
    assert sum(released) == 3
    slot = await Slot.get(bookable=f"o{offering.id}")
    assert slot.taken == 0
    assert await Booking.filter(state=BookingState.EXPIRED).count() == 3
    assert await BookingEvent.filter(to_state=BookingState.EXPIRED).count() == 3


async def test_a_stock_of_ten_is_never_oversold(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=10)
    residents = await _residents(ATTEMPTS)
    line = {"offering_id": product.id, "quantity": 1}
    request = OrderRequest(listing_id=listing.id, lines=[line])

    async def attempt(i: int) -> str:
        try:
            await place_order(city, residents[i], request, f"cart-{i:08d}", now=NOW)
            return "placed"
        except OutOfStock:
            return "sold out"

    outcomes = await asyncio.gather(*(attempt(i) for i in range(ATTEMPTS)))
    assert outcomes.count("placed") == 10
    assert (await Offering.get(id=product.id)).stock == 0
    assert await Order.all().count() == 10

    later = NOW + timedelta(minutes=city.cancellation.hold_minutes, seconds=1)
    released = await asyncio.gather(*(expire_orders(now=later) for _ in range(20)))
    assert sum(released) == 10
    assert (await Offering.get(id=product.id)).stock == 10


async def test_mixed_quantities_never_take_stock_below_zero(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=10)
    residents = await _residents(60)
    quantities = [1 + i % 3 for i in range(60)]  # 1, 2, 3, 1, 2, 3, ...

    async def attempt(i: int) -> int:
        request = OrderRequest(
            listing_id=listing.id, lines=[{"offering_id": product.id, "quantity": quantities[i]}]
        )
        try:
            await place_order(city, residents[i], request, f"mixed-{i:06d}", now=NOW)
            return quantities[i]
        except OutOfStock:
            return 0

    sold = sum(await asyncio.gather(*(attempt(i) for i in range(60))))
    stock = (await Offering.get(id=product.id)).stock
    assert stock is not None and stock >= 0
    assert sold + stock == 10


# --- copies of one request over HTTP: the first creates, every other copy replays it ----------

COPIES = 50


def _api_app(city, db_url: str, tmp_path: Path) -> Starlette:
    settings = Settings(
        database_url=db_url,
        search_dir=tmp_path / "search",
        media_dir=tmp_path / "media",
        session_secret="race-test-session-secret-0123456789",
    )
    return create_app(city, settings, manage_database=False)


@asynccontextmanager
async def _signed_in(app: Starlette, who) -> AsyncIterator[tuple[httpx.AsyncClient, dict]]:
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http, {"X-CSRF-Token": await signed_in(http, who)}


def _hold_body(listing_id: int, offering_id: int, **extra: object) -> dict[str, object]:
    # two days ahead at 09:00 in the city: bookable whatever the hour the test runs at
    day = clock.today(CITY_TZ) + timedelta(days=2)
    starts_at = datetime.combine(day, time(9), CITY_TZ).isoformat()
    where = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"}
    return {"listing_id": listing_id, "offering_id": offering_id, "starts_at": starts_at,
            "address": where, **extra}  # fmt: skip


async def _race(
    http: httpx.AsyncClient, path: str, headers: dict[str, str], bodies: list[dict]
) -> list[httpx.Response]:
    return list(await asyncio.gather(*(http.post(path, json=b, headers=headers) for b in bodies)))


async def test_copies_of_one_hold_for_the_last_place_replay_the_first(
    db: str, db_url: str, city, tmp_path: Path
) -> None:
    """A double click (or a client retrying on a slow network) on a slot with one place left:
    one copy holds it, every other copy gets that booking back, none is told the slot is full."""
    listing, offering = await cleaning_service(capacity=1)
    resident = await account("racer@example.com")
    body = _hold_body(listing.id, offering.id)
    async with _signed_in(_api_app(city, db_url, tmp_path), resident) as (http, headers):
        answers = await _race(
            http, "/api/v1/bookings", {**headers, "Idempotency-Key": "one-hold-0001"},
            [body] * COPIES,
        )  # fmt: skip
        codes = sorted(a.status_code for a in answers)
        errors = {a.text for a in answers if a.status_code > 201}
        assert codes == [200] * (COPIES - 1) + [201], errors
        assert len({a.json()["booking"]["id"] for a in answers}) == 1
        other = await http.post(
            "/api/v1/bookings", json={**body, "note": "another request"},
            headers={**headers, "Idempotency-Key": "one-hold-0001"},
        )  # fmt: skip
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    slot = await Slot.get(bookable=f"o{offering.id}")
    assert (slot.taken, slot.capacity) == (1, 1)
    assert await Booking.all().count() == 1
    assert await BookingEvent.all().count() == 1


async def test_copies_of_one_checkout_for_the_last_item_replay_the_first(
    db: str, db_url: str, city, tmp_path: Path
) -> None:
    listing, product = await shop_with_stock(stock=1)
    resident = await account("racer@example.com")
    body = {"listing_id": listing.id, "lines": [{"offering_id": product.id, "quantity": 1}]}
    async with _signed_in(_api_app(city, db_url, tmp_path), resident) as (http, headers):
        answers = await _race(
            http, "/api/v1/orders", {**headers, "Idempotency-Key": "one-cart-0001"},
            [body] * COPIES,
        )  # fmt: skip
        codes = sorted(a.status_code for a in answers)
        errors = {a.text for a in answers if a.status_code > 201}
        assert codes == [200] * (COPIES - 1) + [201], errors
        assert len({a.json()["order"]["id"] for a in answers}) == 1
        other = await http.post(
            "/api/v1/orders", json={**body, "note": "another request"},
            headers={**headers, "Idempotency-Key": "one-cart-0001"},
        )  # fmt: skip
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert (await Offering.get(id=product.id)).stock == 0
    assert await Order.all().count() == 1


async def test_one_key_with_two_bodies_at_once_serves_the_winner_and_refuses_the_other(
    db: str, db_url: str, city, tmp_path: Path
) -> None:
    listing, offering = await cleaning_service(capacity=1)
    resident = await account("racer@example.com")
    first = _hold_body(listing.id, offering.id, note="A")
    second = _hold_body(listing.id, offering.id, note="B")
    bodies = [first, second] * (COPIES // 2)
    async with _signed_in(_api_app(city, db_url, tmp_path), resident) as (http, headers):
        answers = await _race(
            http, "/api/v1/bookings", {**headers, "Idempotency-Key": "two-bodies-01"}, bodies
        )
    (won,) = [i for i, a in enumerate(answers) if a.status_code == 201]
    for i, answer in enumerate(answers):
        if i == won:
            continue
        if bodies[i] == bodies[won]:
            assert answer.status_code == 200
            assert answer.json()["booking"]["id"] == answers[won].json()["booking"]["id"]
        else:
            assert answer.status_code == 409
            assert answer.json()["code"] == "idempotency_key_reused"
    assert await Booking.all().count() == 1


async def test_copies_that_fail_leave_the_key_free_for_a_later_retry(
    db: str, db_url: str, city, tmp_path: Path
) -> None:
    """The slot is full: every copy is told so, and none keeps the key; once the place frees up
    the same request with the same key holds it."""
    listing, offering = await cleaning_service(capacity=1)
    someone, resident = await account("first@example.com"), await account("racer@example.com")
    app = _api_app(city, db_url, tmp_path)
    body = _hold_body(listing.id, offering.id)
    async with _signed_in(app, someone) as (other_http, other_headers):
        first = {**other_headers, "Idempotency-Key": "first-0001"}
        taken = await other_http.post("/api/v1/bookings", json=body, headers=first)
        assert taken.status_code == 201
        async with _signed_in(app, resident) as (http, headers):
            answers = await _race(
                http, "/api/v1/bookings", {**headers, "Idempotency-Key": "retry-0001"},
                [body] * 10,
            )  # fmt: skip
            assert {(a.status_code, a.json()["code"]) for a in answers} == {(409, "slot_full")}
            booking_id = taken.json()["booking"]["id"]
            cancelled = await other_http.post(
                f"/api/v1/bookings/{booking_id}/cancel", json={}, headers=other_headers
            )
            assert cancelled.status_code == 200, cancelled.text
            retried = await http.post(
                "/api/v1/bookings", json=body, headers={**headers, "Idempotency-Key": "retry-0001"}
            )
    assert retried.status_code == 201
    assert (await Slot.get(bookable=f"o{offering.id}")).taken == 1


# --- the database's own second line: CHECK constraints behind the conditional updates -------


@pytest.mark.parametrize(
    "change",
    [
        {"taken": 2},  # more than the capacity of 1
        {"taken": -1},
        {"capacity": 0, "taken": 1},
    ],
)
async def test_the_database_refuses_a_slot_taken_beyond_its_capacity(
    db: str, city, change: dict[str, int]
) -> None:
    listing, offering = await cleaning_service(capacity=1)
    (resident,) = await _residents(1)
    await hold_booking(city, resident, _request(listing.id, offering.id), "check-0001", now=NOW)
    slot = await Slot.get(bookable=f"o{offering.id}")
    with pytest.raises(IntegrityError):
        await Slot.filter(id=slot.id).update(**change)
    assert (await Slot.get(id=slot.id)).taken == 1


async def test_the_database_refuses_negative_stock(db: str) -> None:
    _, product = await shop_with_stock(stock=1)
    with pytest.raises(IntegrityError):
        await Offering.filter(id=product.id).update(stock=F("stock") - 2)
    assert (await Offering.get(id=product.id)).stock == 1
    await Offering.filter(id=product.id).update(stock=None)  # untracked stock stays allowed
