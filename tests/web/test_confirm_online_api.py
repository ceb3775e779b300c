"""The JSON confirm with online payment goes through the checkout's own start: a payment (a
tender of the payable) is created, the purchase is pending, and the answer says where to pay."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from marketplace.accounts.models import Account
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.services import hold_booking
from marketplace.city import City
from marketplace.orders.checkout import place_order
from marketplace.orders.requests import parse_order_request
from payments.models import Payment
from tests.payments.conftest import enable_online
from tests.support.bookables import NEAR_HOME, NOW, THURSDAY_9, shop_with_stock
from tests.web.conftest import client_for
from tests.web.merchant_helpers import signed_in, visible_text
from tests.web.test_payment_pages import FakeConnect, business, stripe_app  # noqa: F401

pytestmark = pytest.mark.usefixtures("db")
API = "/api/v1"


async def test_online_confirm_of_a_booking_starts_the_checkout_payment(
    stripe_app: tuple[Starlette, FakeConnect],  # noqa: F811
    city: City,
    resident: Account,
) -> None:
    app, fake = stripe_app
    _owner, merchant_id, listing_id, offering_id = await business(city)
    await enable_online(merchant_id)
    request = BookingRequest(
        listing_id=listing_id,
        offering_id=offering_id,
        starts_at=THURSDAY_9,
        address={"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
    )
    booking, _ = await hold_booking(city, resident, request, "k-online-json", now=NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        answer = await client.post(
            f"{API}/bookings/{booking.id}/confirm",
            json={"payment_mode": "online"},
            headers={"X-CSRF-Token": token},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["booking"]["state"] == "pending_payment"
    payment = await Payment.get(payable__kind="booking", payable__ref_id=booking.id)
    assert (payment.provider, payment.amount, payment.state) == (
        "stripe",
        booking.amount,
        "started",
    )
    assert answer.json()["payment"]["redirect_url"] == f"https://pay.test/{payment.provider_ref}"
    assert len(fake.start_calls) == 1


async def test_online_confirm_of_an_order_starts_the_checkout_payment(
    stripe_app: tuple[Starlette, FakeConnect],  # noqa: F811
    city: City,
    resident: Account,
) -> None:
    app, fake = stripe_app
    listing, product = await shop_with_stock(stock=10, price=1500)
    await enable_online(listing.merchant_id)  # type: ignore[attr-defined]
    cart = {"listing_id": listing.id, "lines": [{"offering_id": product.id, "quantity": 2}]}
    order, _ = await place_order(city, resident, parse_order_request(cart), "k-order", now=NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        answer = await client.post(
            f"{API}/orders/{order.id}/confirm",
            json={"payment_mode": "online"},
            headers={"X-CSRF-Token": token},
        )
    assert answer.status_code == 200, answer.text
    assert answer.json()["order"]["state"] == "pending_payment"
    payment = await Payment.get(payable__kind="order", payable__ref_id=order.id)
    assert (payment.amount, payment.application_fee) == (3000, 150)
    assert answer.json()["payment"]["provider"] == "stripe" and len(fake.start_calls) == 1


async def test_the_checkout_shows_the_payables_lines(
    stripe_app: tuple[Starlette, FakeConnect],  # noqa: F811
    city: City,
    resident: Account,
) -> None:
    app, _fake = stripe_app
    listing, product = await shop_with_stock(stock=10, price=1500)
    cart = {
        "listing_id": listing.id,
        "lines": [{"offering_id": product.id, "quantity": 2}],
        "fulfilment": "delivery",
        "address": {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
    }
    order, _ = await place_order(city, resident, parse_order_request(cart), "k-lines", now=NOW)
    async with client_for(app) as client:
        await signed_in(client, resident)
        page = await client.get(f"/checkout/order/{order.id}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "阳山水蜜桃 一箱 × 2 ¥30.00" in text
    assert "配送费 ¥5.00" in text and "¥35.00" in text
