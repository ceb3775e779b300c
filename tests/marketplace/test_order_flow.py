"""An order's life through the services, on both databases: checkout holds stock, pickup and
delivery, hand-over by code, cancellation and expiry give stock back once; refusals change
nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from listings.models import Offering
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import TransitionNotAllowed
from marketplace.orders.checkout import place_order
from marketplace.orders.errors import (
    DeliveryUnavailable,
    NotOrderable,
    OrderHoldExpired,
    OutOfStock,
    OutsideDeliveryArea,
)
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.requests import parse_order_request
from marketplace.orders.services import advance_order, cancel_order, confirm_order
from marketplace.orders.types import OrderState
from marketplace.redeem import Settlement, complete_code
from tests.support.bookables import FAR_AWAY, NEAR_HOME, NOW, shop_with_stock
from tests.support.factories import make_account


def _cart(listing_id: int, offering_id: int, quantity: int = 2, **extra: object) -> dict:
    return {
        "listing_id": listing_id,
        "lines": [{"offering_id": offering_id, "quantity": quantity}],
        **extra,
    }


async def _stock(product: Offering) -> int | None:
    return (await Offering.get(id=product.id)).stock


async def test_pickup_order_from_cart_to_code(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=5, price=1500)
    resident = await make_account()
    request = parse_order_request(_cart(listing.id, product.id, 2))
    order, created = await place_order(city, resident, request, "cart-key-01", now=NOW)
    assert created and order.state == OrderState.HELD and order.amount == 3000
    assert await _stock(product) == 3
    lines = await OrderLine.filter(order_id=order.id)
    assert [(line.quantity, line.unit_price, line.stock_held) for line in lines] == [
        (2, 1500, True)
    ]
    await confirm_order(city, resident, order.id, "pay_at_store", now=NOW)
    owner = await (await listing.merchant).owner
    for step in ("accepted", "preparing", "ready"):
        await advance_order(owner, order.id, step, now=NOW)
    # paid at pickup: what was received is recorded with the hand-over
    handed = await complete_code(city, owner, order.code, Settlement(received=3000), now=NOW)
    assert isinstance(handed, Order) and handed.state == OrderState.PICKED_UP
    assert await _stock(product) == 3  # sold, not given back


async def test_delivery_adds_the_fee_and_needs_an_address_in_the_area(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=5, price=1500)
    resident = await make_account()
    inside = {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "5 幢"}
    request = parse_order_request(
        _cart(listing.id, product.id, 1, fulfilment="delivery", address=inside)
    )
    order, _ = await place_order(city, resident, request, "deliver-key-1", now=NOW)
    assert (order.delivery_fee, order.amount) == (500, 2000)
    outside = {"lat": FAR_AWAY.lat, "lng": FAR_AWAY.lng}
    far = parse_order_request(
        _cart(listing.id, product.id, 1, fulfilment="delivery", address=outside)
    )
    with pytest.raises(OutsideDeliveryArea):
        await place_order(city, resident, far, "deliver-key-2", now=NOW)
    with pytest.raises(ValidationFailed) as missing:
        parse_order_request(_cart(listing.id, product.id, 1, fulfilment="delivery"))
    assert missing.value.errors[0].field == "address"
    assert await _stock(product) == 4


@pytest.mark.parametrize("quantity", [0, 10**9, -1])
async def test_absurd_quantities_are_refused(db: str, city, quantity: int) -> None:
    listing, product = await shop_with_stock(stock=5)
    with pytest.raises(ValidationFailed) as caught:
        parse_order_request(_cart(listing.id, product.id, quantity))
    assert caught.value.errors[0].field == "lines[0].quantity"
    assert await _stock(product) == 5


async def test_more_than_in_stock_is_refused_whole(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=3)
    other = await Offering.create(
        listing=listing, kind="product", name={"zh-CN": "米", "en": "Rice"}, price=900, stock=9
    )
    resident = await make_account()
    request = parse_order_request(
        {
            "listing_id": listing.id,
            "lines": [
                {"offering_id": other.id, "quantity": 2},
                {"offering_id": product.id, "quantity": 4},
            ],
        }
    )
    with pytest.raises(OutOfStock) as caught:
        await place_order(city, resident, request, "too-many-01", now=NOW)
    assert caught.value.errors[0].field == "lines[1].quantity"
    assert (await _stock(product), await _stock(other)) == (3, 9)  # neither line took stock
    assert await Order.all().count() == 0


async def test_cancel_and_expiry_give_stock_back_once(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=5)
    resident = await make_account()
    first, _ = await place_order(
        city, resident, parse_order_request(_cart(listing.id, product.id, 2)), "cancel-01", now=NOW
    )
    await cancel_order(city, resident, first.id, now=NOW)
    assert await _stock(product) == 5
    with pytest.raises(TransitionNotAllowed):
        await cancel_order(city, resident, first.id, now=NOW)
    assert await _stock(product) == 5

    second, _ = await place_order(
        city, resident, parse_order_request(_cart(listing.id, product.id, 1)), "expire-01", now=NOW
    )
    late = NOW + timedelta(minutes=city.cancellation.hold_minutes)
    with pytest.raises(OrderHoldExpired):
        await confirm_order(city, resident, second.id, "pay_at_store", now=late)
    assert await _stock(product) == 5


async def test_orders_only_from_shops_that_offer_the_way(db: str, city) -> None:
    listing, product = await shop_with_stock(stock=5)
    listing.attributes = {"pickup": False, "delivery": True}
    await listing.save()
    resident = await make_account()
    with pytest.raises(DeliveryUnavailable):
        await place_order(
            city, resident, parse_order_request(_cart(listing.id, product.id)), "way-0001", now=NOW
        )
    with pytest.raises(NotOrderable):
        await place_order(
            city, resident, parse_order_request(_cart(listing.id, 999999)), "way-0002", now=NOW
        )
    assert await _stock(product) == 5
