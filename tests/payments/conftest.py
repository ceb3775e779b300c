"""Fixtures of the payments core: a fake online provider (a double of our interface), and a
booking or order ready to pay whose merchant can take online payments."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from listings.models import Listing
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.services import hold_booking
from marketplace.orders.checkout import place_order
from marketplace.orders.models import Order
from marketplace.orders.requests import parse_order_request
from payments.interfaces import ReturnUrls
from payments.models import MerchantPayoutAccount
from tests.support.bookables import NEAR_HOME, NOW, THURSDAY_9, cleaning_service, shop_with_stock
from tests.support.factories import make_account
from tests.support.fake_provider import FakeProvider

URLS = ReturnUrls(success="https://city.test/paid", cancel="https://city.test/cancelled")


@pytest.fixture
def provider() -> FakeProvider:
    return FakeProvider()


@dataclass
class Ready:
    resident: Account
    listing: Listing
    merchant_id: int
    record: Booking | Order

    @property
    def id(self) -> int:
        return int(self.record.id)


async def enable_online(merchant_id: int, account: str | None = None) -> MerchantPayoutAccount:
    return await MerchantPayoutAccount.create(
        merchant_id=merchant_id,
        provider="stripe",
        account_id=account or f"acct_{merchant_id}",
        charges_enabled=True,
        payouts_enabled=True,
        details_submitted=True,
    )


async def held_booking(
    city, *, price: int = 12000, capacity: int = 1, key: str = "booking-key-1", listing=None
) -> Ready:
    """A held cleaning booking (housekeeping: 12 % commission) of a merchant taking payments."""
    if listing is None:
        listing, offering = await cleaning_service(capacity=capacity, price=price)
        await enable_online(listing.merchant_id)
    else:
        listing, offering = listing
    resident = await make_account()
    request = BookingRequest(
        listing_id=listing.id,
        offering_id=offering.id,
        starts_at=THURSDAY_9,
        address={"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
    )
    booking, _ = await hold_booking(city, resident, request, key, now=NOW)
    return Ready(resident, listing, listing.merchant_id, booking)


async def held_order(city, *, price: int = 1500, quantity: int = 2) -> Ready:
    """A held pickup order at a shop (5 % commission) taking payments."""
    listing, product = await shop_with_stock(stock=10, price=price)
    await enable_online(listing.merchant_id)
    resident = await make_account()
    cart = {"listing_id": listing.id, "lines": [{"offering_id": product.id, "quantity": quantity}]}
    order, _ = await place_order(city, resident, parse_order_request(cart), "order-key-1", now=NOW)
    return Ready(resident, listing, listing.merchant_id, order)
