"""The cart's quote: the same pricing step as placing the order answers the lines and the amount
due, holds no stock and keeps nothing; a bad cart is refused by field."""

from __future__ import annotations

import httpx

from listings.models import Offering
from marketplace.accounts.models import Account
from marketplace.orders.models import Order
from payments.models import Payable
from tests.support.bookables import shop_with_stock
from tests.web.test_bookings_api import as_client, fields_of
from tests.web.test_orders_api import cart

QUOTE = "/api/v1/orders/quote"


async def test_a_quote_prices_the_cart_and_holds_nothing(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering = await shop_with_stock(stock=10, price=1500)
    me = await as_client(client, resident)
    answer = await me.post(QUOTE, cart(listing.id, offering.id, 3))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["amount_due"], body["amount_due_text"], body["currency"]) == (
        4500,
        "¥45.00",
        "CNY",
    )
    assert [
        (line["kind"], line["quantity"], line["unit_amount"], line["amount"], line["funded_by"])
        for line in body["lines"]
    ] == [("item", 3, 1500, 4500, "none")]
    assert body["lines"][0]["amount_text"] == "¥45.00"
    # nothing was taken or kept
    assert (await Offering.get(id=offering.id)).stock == 10
    assert (await Order.all().count(), await Payable.all().count()) == (0, 0)


async def test_a_visitor_not_signed_in_gets_a_quote(client: httpx.AsyncClient) -> None:
    """The shop page shows the cart's total before anyone signs in."""
    listing, offering = await shop_with_stock(stock=10, price=1500)
    answer = await client.post(QUOTE, json=cart(listing.id, offering.id, 1))
    assert (answer.status_code, answer.json().get("amount_due")) == (200, 1500), answer.text


async def test_delivery_adds_the_fee_line_before_an_address_is_given(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering = await shop_with_stock(stock=None, price=1500)
    me = await as_client(client, resident)
    answer = await me.post(QUOTE, cart(listing.id, offering.id, 2, fulfilment="delivery"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(line["kind"], line["amount"]) for line in body["lines"]] == [
        ("item", 3000),
        ("fee", 500),
    ]
    assert body["amount_due"] == 3500
    english = await client.post(
        QUOTE,
        json=cart(listing.id, offering.id, 2, fulfilment="delivery"),
        headers={"X-CSRF-Token": me.token, "Accept-Language": "en"},
    )
    assert english.json()["lines"][1]["label"] in ("Delivery fee", "配送费")


async def test_a_bad_cart_is_refused_naming_the_field(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering = await shop_with_stock(stock=2)
    me = await as_client(client, resident)
    zero = await me.post(QUOTE, cart(listing.id, offering.id, 0))
    assert zero.status_code == 422 and "lines[0].quantity" in fields_of(zero)
    stranger = await me.post(QUOTE, cart(listing.id, offering.id + 999))
    assert (stranger.status_code, list(fields_of(stranger))) == (422, ["lines[0].offering_id"])
    no_shop = await me.post(QUOTE, cart(listing.id + 999, offering.id))
    assert (no_shop.status_code, list(fields_of(no_shop))) == (422, ["listing_id"])
    too_many = await me.post(QUOTE, cart(listing.id, offering.id, 3))
    assert (too_many.status_code, list(fields_of(too_many))) == (409, ["lines[0].quantity"])
    no_lines = await me.post(QUOTE, {"listing_id": listing.id, "lines": []})
    assert no_lines.status_code == 422 and "lines" in fields_of(no_lines)
    extra = await me.post(QUOTE, {**cart(listing.id, offering.id), "coupon": "X"})
    assert extra.status_code == 422 and "coupon" in fields_of(extra)
    assert (await Offering.get(id=offering.id)).stock == 2
