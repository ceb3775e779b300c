"""Pickup times and the shop's steps on the pages and the API, on both databases: a closed shop's
cart says when the order can be picked up before anything is paid; a time the shop cannot meet
is refused by field (422); the merchant queue opens on the tab with work, moves an order one
step per button and asks before a code completes an order not yet ready; the resident's order
page shows each step with its time and the 取货码."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.codes import display_code
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from tests.support.bookables import owned_business, shop_of
from tests.web.merchant_helpers import account, form_token, signed_in, visible_text
from tests.web.test_bookings_api import as_client, fields_of

TZ = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEDNESDAY_2240 = datetime(2026, 11, 25, 22, 40, tzinfo=TZ)  # after closing
WEDNESDAY_NOON = datetime(2026, 11, 25, 12, 0, tzinfo=TZ)
_ORDER = re.compile(r"/me/orders/(\d+)$")


def at(app: Starlette, moment: datetime) -> None:
    app.state.clock = lambda: moment


async def _shop(city: City, operator: Account) -> dict[str, object]:
    owner = await account("owner@example.com", "王老板")
    resident = await account("mei@example.com", "小美")
    merchant = await owned_business(city, owner, operator)
    listing, product = await shop_of(merchant)
    listing.weekly_hours = {d: [["09:00", "21:00"]] for d in DAYS}
    await listing.save()
    return {
        "owner": owner,
        "resident": resident,
        "merchant": merchant,
        "listing": listing,
        "product": product,
    }


async def _order_from_page(client: httpx.AsyncClient, s: dict[str, object], **extra: str):
    listing, product = s["listing"], s["product"]
    token = await form_token(client, f"/listings/{listing.id}")  # type: ignore[attr-defined]
    form = {
        "csrf_token": token,
        "key": extra.pop("key", "k-1"),
        "listing_id": str(listing.id),  # type: ignore[attr-defined]
        f"qty_{product.id}": "1",  # type: ignore[attr-defined]
        "fulfilment": "pickup",
        **extra,
    }
    return await client.post("/orders", data=form)


async def test_a_closed_shop_says_when_it_can_be_picked_up_before_paying(
    app: Starlette, client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _shop(city, operator)
    at(app, WEDNESDAY_2240)
    await signed_in(client, s["resident"])  # type: ignore[arg-type]
    page = visible_text((await client.get(f"/listings/{s['listing'].id}")).text)  # type: ignore[attr-defined]
    assert "本店已打烊，最早 明天 09:20 可取" in page
    assert "尽快（明天 09:20）" in page and "明天 09:30" in page
    # a time while closed is refused next to the field, and nothing is held
    refused = await _order_from_page(client, s, pickup_at="2026-11-25T23:00:00+08:00")
    assert refused.status_code == 422
    assert "这个时间无法取货" in visible_text(refused.text)
    assert await Order.all().count() == 0
    placed = await _order_from_page(client, s, key="k-2")
    assert placed.status_code == 303
    match = _ORDER.search(placed.headers["location"])
    assert match
    order = await Order.get(id=int(match.group(1)))
    assert order.pickup_at == datetime(2026, 11, 26, 9, 20, tzinfo=TZ)
    held = visible_text((await client.get(placed.headers["location"])).text)
    assert "取货时间 明天 09:20" in held and "本店已打烊，订单将于 明天 09:20 可取" in held


async def test_the_api_refuses_a_time_the_shop_cannot_meet_by_field(
    app: Starlette, client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _shop(city, operator)
    at(app, WEDNESDAY_NOON)
    me = await as_client(client, s["resident"])  # type: ignore[arg-type]
    body = {
        "listing_id": s["listing"].id,  # type: ignore[attr-defined]
        "lines": [{"offering_id": s["product"].id, "quantity": 1}],  # type: ignore[attr-defined]
    }
    for when, why in (
        ("2026-11-25T11:00:00+08:00", "in the past"),
        ("2026-11-25T12:05:00+08:00", "needs 20 minutes"),
        ("2026-11-25T21:30:00+08:00", "closed then"),
        ("2026-12-05T10:00:00+08:00", "too far ahead"),
    ):
        refused = await me.post(
            "/api/v1/orders", {**body, "pickup_at": when}, f"order-key-{when[8:13]}"
        )
        assert refused.status_code == 422, refused.text
        assert refused.json()["code"] == "pickup_not_possible"
        assert why in fields_of(refused)["pickup_at"]
    naive = await me.post(
        "/api/v1/orders", {**body, "pickup_at": "2026-11-25T15:00"}, "order-key-naive"
    )
    assert naive.status_code == 422 and "pickup_at" in fields_of(naive)
    placed = await me.post(
        "/api/v1/orders", {**body, "pickup_at": "2026-11-25T15:00:00+08:00"}, "order-key-okay"
    )
    assert placed.status_code == 201
    assert placed.json()["order"]["pickup_at"] == "2026-11-25T15:00:00+08:00"
    asap = await me.post("/api/v1/orders", body, "order-key-asap")
    assert asap.json()["order"]["pickup_at"] == "2026-11-25T12:20:00+08:00"


async def _confirmed(client: httpx.AsyncClient, s: dict[str, object]) -> Order:
    await signed_in(client, s["resident"])  # type: ignore[arg-type]
    placed = await _order_from_page(client, s)
    location = placed.headers["location"]
    token = await form_token(client, location)
    await client.post(f"{location}/confirm", data={"csrf_token": token})
    return await Order.get(id=int(_ORDER.search(location).group(1)))  # type: ignore[union-attr]


async def test_the_queue_moves_an_order_one_step_per_button_and_the_resident_sees_each(
    app: Starlette, client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _shop(city, operator)
    at(app, WEDNESDAY_NOON)
    order = await _confirmed(client, s)
    assert order.state == OrderState.CONFIRMED
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    base = f"/merchant/{mid}/orders"
    queue = (await client.get(base)).text
    assert 'aria-current="true">新订单' in queue and "取货时间 今天 12:20" in visible_text(queue)
    token = await form_token(client, base)
    steps = [("accepted", "已接单", "开始备货"), ("preparing", "备货中", "备好待取")]
    for target, label, next_button in steps:
        at(app, WEDNESDAY_NOON + timedelta(minutes=len(target)))
        moved = await client.post(
            f"/merchant/orders/{order.id}/advance",
            data={"csrf_token": token, "target": target, "back": base},
        )
        assert moved.status_code == 303
        assert moved.headers["location"] == f"{base}?state={target}#order-{order.id}"
        page = visible_text((await client.get(moved.headers["location"].split("#")[0])).text)
        assert label in page and next_button in page
    # opening the queue without a tab: the one with work
    assert 'aria-current="true">备货中' in (await client.get(base)).text
    # skipping is refused
    skipped = await client.post(
        f"/merchant/orders/{order.id}/advance",
        data={"csrf_token": token, "target": "picked_up", "back": base},
    )
    assert skipped.status_code == 422
    # the code of an order being prepared: asked, not done
    code = display_code(order.code)
    data = {"csrf_token": token, "merchant": str(mid), "queue": "orders", "code": code}
    asked = await client.post("/merchant/redeem/check", data=data)
    assert asked.status_code == 200
    assert "还不是待取货" in visible_text(asked.text)
    assert 'name="make_ready"' in asked.text
    assert (await Order.get(id=order.id)).state == OrderState.PREPARING
    # confirming without the merchant's say-so (no make_ready) hands nothing over
    paid = f"{order.amount // 100}.{order.amount % 100:02d}"  # at the store, in full
    unasked = await client.post("/merchant/redeem/complete", data={**data, "received": paid})
    assert unasked.status_code == 409
    assert (await Order.get(id=order.id)).state == OrderState.PREPARING
    confirmed = {**data, "received": paid, "make_ready": str(order.id)}
    done = await client.post("/merchant/redeem/complete", data=confirmed)
    assert done.status_code == 303
    assert (await Order.get(id=order.id)).state == OrderState.PICKED_UP
    # the resident's page: each step with its time, and the 取货码
    await signed_in(client, s["resident"])  # type: ignore[arg-type]
    page = visible_text((await client.get(f"/me/orders/{order.id}")).text)
    assert "订单进度" in page and "取货码" in page
    for label in ("新订单", "已接单", "备货中", "待取货", "已取货"):
        assert label in page
    assert "11-25 12:08" in page  # accepted at the clock's time


async def test_the_queue_counts_every_step(
    app: Starlette, client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _shop(city, operator)
    at(app, WEDNESDAY_NOON)
    await _confirmed(client, s)
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    page = (await client.get(f"/merchant/{mid}/orders?state=ready")).text
    counts = dict(re.findall(r'data-testid="count-(\w+)">(\d+)<', page))
    assert counts == {"new": "1", "accepted": "0", "preparing": "0", "ready": "0"}
    assert 'aria-current="true">待取货' in page
    # the old "to do" link opens the tab with work
    assert (
        'aria-current="true">新订单'
        in (await client.get(f"/merchant/{mid}/orders?state=active")).text
    )


pytestmark = pytest.mark.usefixtures("db")
