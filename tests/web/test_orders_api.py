"""Orders JSON API: order, confirm, advance, hand over by code; bad carts refused by field with
the stock and states exactly as before."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from listings.models import Listing, Merchant, MerchantStaff, Offering
from marketplace.accounts.models import Account
from marketplace.orders.models import Order
from tests.support.bookables import FAR_AWAY, NEAR_HOME, shop_with_stock
from tests.web.merchant_helpers import account
from tests.web.test_bookings_api import as_client, fields_of
from web.bookings_json import OrderAnswer, OrdersAnswer

API = "/api/v1"
FAR = {"lat": FAR_AWAY.lat, "lng": FAR_AWAY.lng}


async def staffed_shop(stock: int | None = 10) -> tuple[Listing, Offering, Account]:
    listing, offering = await shop_with_stock(stock=stock)
    owner = await account(f"shop{listing.id}@example.com", "店主")
    merchant_id = listing.merchant_id  # type: ignore[attr-defined]
    await Merchant.filter(id=merchant_id).update(owner_id=owner.id)
    await MerchantStaff.create(merchant_id=merchant_id, account=owner)
    return listing, offering, owner


def cart(listing_id: int, offering_id: int, quantity: int = 2, **extra: Any) -> dict[str, Any]:
    lines = [{"offering_id": offering_id, "quantity": quantity}]
    return {"listing_id": listing_id, "lines": lines, **extra}


async def state_of_things(offering_id: int) -> tuple[Any, ...]:
    stock = await Offering.get(id=offering_id).values_list("stock", flat=True)
    orders = await Order.all().order_by("id").values_list("id", "state", "code_used_at")
    return stock, tuple(orders)


async def test_order_confirm_advance_and_hand_over(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, owner = await staffed_shop(stock=10)
    me = await as_client(client, resident)
    placed = await me.post(f"{API}/orders", cart(listing.id, offering.id), "order-key-0001")
    assert placed.status_code == 201, placed.text
    order = OrderAnswer.model_validate(placed.json()).order
    assert (order.state, order.code, order.amount, order.amount_text) == (
        "held",
        None,
        3000,
        "¥30.00",
    )
    assert [(line.quantity, line.amount) for line in order.lines] == [(2, 3000)]
    assert (await Offering.get(id=offering.id)).stock == 8
    replay = await me.post(f"{API}/orders", cart(listing.id, offering.id), "order-key-0001")
    assert (replay.status_code, replay.json()["order"]["id"]) == (200, order.id)

    confirmed = await me.post(f"{API}/orders/{order.id}/confirm", {"payment_mode": "pay_at_store"})
    code = confirmed.json()["order"]["code"]
    assert confirmed.json()["order"]["state"] == "confirmed" and len(code) == 9
    mine = OrdersAnswer.model_validate((await me.get(f"{API}/orders")).json())
    assert [o.id for o in mine.orders] == [order.id]
    refused = await me.post(f"{API}/orders/{order.id}/advance", {"state": "accepted"})
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")

    shop = await as_client(client, owner)
    queue = await shop.get(f"{API}/merchant/orders")
    assert [o["id"] for o in queue.json()["orders"]] == [order.id]
    assert queue.json()["orders"][0]["code"] is None
    for target in ("accepted", "preparing", "ready"):
        moved = await shop.post(f"{API}/orders/{order.id}/advance", {"state": target})
        assert (moved.status_code, moved.json()["order"]["state"]) == (200, target)
    # paid at pickup: what was received is recorded with the hand-over
    handed = await shop.post(f"{API}/merchant/redeem", {"code": code, "received": "30.00"})
    assert handed.status_code == 200, handed.text
    assert (handed.json()["kind"], handed.json()["order"]["state"]) == ("order", "picked_up")
    twice = await shop.post(f"{API}/merchant/redeem", {"code": code, "received": "30.00"})
    assert (twice.status_code, twice.json()["code"]) == (409, "code_already_used")
    assert (await Offering.get(id=offering.id)).stock == 8


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"quantity": 0}, 422, "invalid", "lines[0].quantity"),
        ({"quantity": 10**9}, 422, "invalid", "lines[0].quantity"),
        ({"quantity": 11}, 409, "out_of_stock", "lines[0].quantity"),
        ({"fulfilment": "delivery", "address": FAR}, 422, "outside_delivery_area", "address"),
        ({"fulfilment": "delivery"}, 422, "invalid", "address"),
        ({"fulfilment": "drone"}, 422, "invalid", "fulfilment"),
        ({"lines": []}, 422, "invalid", "lines"),
        ({"coupon": "FREE"}, 422, "invalid", "coupon"),
        ({"listing_id": 999999}, 422, "not_orderable", "listing_id"),
    ],
)
async def test_bad_carts_name_the_field_and_change_nothing(
    client: httpx.AsyncClient,
    resident: Account,
    change: dict[str, Any],
    status: int,
    code: str,
    field: str,
) -> None:
    listing, offering, _ = await staffed_shop(stock=10)
    me = await as_client(client, resident)
    before = await state_of_things(offering.id)
    change = dict(change)  # the parameters are shared by both databases
    quantity = change.pop("quantity", 1)
    body = {**cart(listing.id, offering.id, quantity), **change}
    response = await me.post(f"{API}/orders", body, "order-bad-0001")
    assert (response.status_code, response.json()["code"]) == (status, code), response.text
    assert field in fields_of(response)
    assert await state_of_things(offering.id) == before


async def test_a_delivery_inside_the_area_costs_the_fee(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, _ = await staffed_shop(stock=None)
    me = await as_client(client, resident)
    where = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "5 幢"}
    body = cart(listing.id, offering.id, 1, fulfilment="delivery", address=where)
    placed = (await me.post(f"{API}/orders", body, "order-deliver-1")).json()["order"]
    assert (placed["fulfilment"], placed["delivery_fee"], placed["amount"]) == (
        "delivery",
        500,
        2000,
    )


async def test_keys_strangers_and_cancelled_orders(
    client: httpx.AsyncClient, resident: Account
) -> None:
    listing, offering, owner = await staffed_shop(stock=5)
    anonymous = await client.post(f"{API}/orders", json=cart(listing.id, offering.id))
    assert anonymous.status_code == 401
    me = await as_client(client, resident)
    assert list(fields_of(await me.post(f"{API}/orders", cart(listing.id, offering.id)))) == [
        "idempotency_key"
    ]
    placed = (await me.post(f"{API}/orders", cart(listing.id, offering.id), "order-k-0002")).json()
    order_id = placed["order"]["id"]
    other = await me.post(f"{API}/orders", cart(listing.id, offering.id, 3), "order-k-0002")
    assert (other.status_code, other.json()["code"]) == (409, "idempotency_key_reused")
    cancelled = await me.post(f"{API}/orders/{order_id}/cancel")
    assert cancelled.json()["order"]["state"] == "cancelled_by_resident"
    assert (await Offering.get(id=offering.id)).stock == 5
    bad_state = await me.post(f"{API}/orders/{order_id}/advance", {"state": "picked_up"})
    assert (bad_state.status_code, list(fields_of(bad_state))) == (422, ["state"])

    shop = await as_client(client, owner)
    late = await shop.post(f"{API}/orders/{order_id}/advance", {"state": "accepted"})
    assert (late.status_code, late.json()["code"]) == (409, "transition_not_allowed")
    stranger = await as_client(client, await account("nosy@example.com", "路人"))
    seen = await stranger.get(f"{API}/orders/{order_id}")
    assert (seen.status_code, seen.json()["code"]) == (404, "order_not_found")
