"""Bookings and orders answer their payable's lines and amount due as the checkout priced them,
and pages show the same lines; the amounts they always answered are read from the payable."""

from __future__ import annotations

import httpx

from marketplace.accounts.models import Account
from tests.support.bookables import NEAR_HOME, shop_with_stock
from tests.web.merchant_helpers import visible_text
from tests.web.test_bookings_api import as_client, at, hold_body, local_day, staffed_cleaner
from tests.web.test_orders_api import cart, staffed_shop
from web.bookings_json import BookingAnswer, OrderAnswer

API = "/api/v1"
HOME = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"}


async def test_an_order_answers_its_item_and_fee_lines(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering = await shop_with_stock(stock=10, price=1500)
    me = await as_client(client, resident)
    body = cart(listing.id, offering.id, 2, fulfilment="delivery", address=HOME)
    placed = await me.post(f"{API}/orders", body, "payable-lines-1")
    assert placed.status_code == 201, placed.text
    order = OrderAnswer.model_validate(placed.json()).order
    assert [
        (line.kind, line.quantity, line.unit_amount, line.amount, line.amount_text, line.funded_by)
        for line in order.payable_lines
    ] == [("item", 2, 1500, 3000, "¥30.00", "none"), ("fee", 1, 500, 500, "¥5.00", "none")]
    assert [line.label for line in order.payable_lines] == ["阳山水蜜桃 一箱", "配送费"]
    assert (order.amount_due, order.amount_due_text) == (3500, "¥35.00")
    assert (order.amount, order.delivery_fee) == (3500, 500)
    assert [(line.unit_price, line.amount) for line in order.lines] == [(1500, 3000)]


async def test_a_booking_answers_its_line(client: httpx.AsyncClient, resident: Account) -> None:
    listing, offering, _owner = await staffed_cleaner()
    me = await as_client(client, resident)
    held = await me.post(
        f"{API}/bookings", hold_body(listing.id, offering.id, at(local_day(1), 9)), "payable-b-1"
    )
    assert held.status_code == 201, held.text
    booking = BookingAnswer.model_validate(held.json()).booking
    assert [(line.kind, line.quantity, line.amount) for line in booking.payable_lines] == [
        ("item", 1, 12000)
    ]
    assert (booking.amount_due, booking.amount) == (12000, 12000)


async def test_the_order_page_and_the_shops_queue_show_the_same_lines(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, owner = await staffed_shop(stock=10)
    me = await as_client(client, resident)
    body = cart(listing.id, offering.id, 2, fulfilment="delivery", address=HOME)
    order_id = (await me.post(f"{API}/orders", body, "payable-page-1")).json()["order"]["id"]
    page = visible_text((await client.get(f"/me/orders/{order_id}")).text)
    assert "阳山水蜜桃 一箱 × 2 ¥30.00" in page
    assert "配送费 ¥5.00" in page and "合计 ¥35.00" in page
    await me.post(f"{API}/orders/{order_id}/confirm", {"payment_mode": "pay_at_store"})

    await as_client(client, owner)
    merchant_id = listing.merchant_id  # type: ignore[attr-defined]
    queue = (await client.get(f"/merchant/{merchant_id}/orders?state=new")).text
    assert "阳山水蜜桃 一箱 × 2 ¥30.00" in visible_text(queue)
    assert "配送费 ¥5.00" in visible_text(queue) and "合计 ¥35.00" in visible_text(queue)
