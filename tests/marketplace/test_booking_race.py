"""No double booking and no overselling, whatever the number of concurrent attempts, on both
databases: 200 residents race for a slot of capacity 1 and of 3; one resident's double click
(the same idempotency key 200 times) makes one booking; 200 carts race for a stock of 10; a hold
that expires releases exactly what it held, once, however many workers expire it together."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from listings.models import Offering
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
from tests.support.bookables import NEAR_HOME, NOW, THURSDAY_9, cleaning_service, shop_with_stock
from tests.support.factories import make_account

ATTEMPTS = 200


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
