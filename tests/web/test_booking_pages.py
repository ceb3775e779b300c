"""The resident's booking and order pages without a browser: every mistake a resident can make
shows the page again with a translated reason next to its field (never a 500), on both
databases. The clock is fixed at tests.support.bookables.NOW (Wednesday 08:00 in Changzhou)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette

from listings.models import Offering
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from tests.support.bookables import FAR_AWAY, NEAR_HOME, NOW, cleaning_service, shop_with_stock
from tests.web.conftest import PASSWORD, client_for
from tests.web.merchant_helpers import signed_in
from tests.web.test_pages import visible_text

pytestmark = pytest.mark.usefixtures("db")
TOMORROW_9 = "2026-11-26T09:00:00+08:00"
_BOOKING = re.compile(r"/me/bookings/(\d+)$")
_ORDER = re.compile(r"/me/orders/(\d+)$")


def at(app: Starlette, moment: datetime) -> None:
    app.state.clock = lambda: moment


async def other_resident() -> Account:
    return await accounts.sign_up("lei@example.com", PASSWORD, "小雷", "zh-CN")


def booking_form(token: str, listing_id: int, offering_id: int, **extra: object) -> dict:
    return {
        "csrf_token": token,
        "key": extra.pop("key", "k-" + str(len(extra))),
        "listing_id": str(listing_id),
        "offering": str(offering_id),
        "date": "2026-11-26",
        "starts_at": TOMORROW_9,
        "party_size": "1",
        "lat": str(NEAR_HOME.lat),
        "lng": str(NEAR_HOME.lng),
        "address_text": "3 栋 201",
        **{k: str(v) for k, v in extra.items()},
    }


async def hold(client: httpx.AsyncClient, token: str, listing_id: int, offering_id: int) -> int:
    response = await client.post("/bookings", data=booking_form(token, listing_id, offering_id))
    assert response.status_code == 303, visible_text(response.text)
    match = _BOOKING.search(response.headers["location"])
    assert match
    return int(match.group(1))


async def test_the_listing_page_shows_days_and_times(app: Starlette, resident: Account) -> None:
    listing, _ = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        page = await client.get(f"/listings/{listing.id}?date=2026-11-26")
    text = visible_text(page.text)
    assert page.status_code == 200
    assert "今天" in text and "明天" in text and "11月26日" in text
    assert "09:00" in text and "剩 1 位" in text
    assert "登录后预订" in text  # signed out: the button leads to sign-in


async def test_signed_out_booking_goes_to_sign_in_and_back(app: Starlette) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        page = await client.get(f"/listings/{listing.id}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        response = await client.post("/bookings", data=booking_form(token, listing.id, offering.id))
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
    assert "slot%3D09%253A00" in response.headers["location"]  # 09:00, encoded twice


async def test_book_confirm_shows_the_code_and_the_slot_is_gone_for_others(
    app: Starlette, resident: Account
) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing.id, offering.id)
        held = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        assert "剩余 10:00" in held and "确认预订（当面付款）" in held
        assert "¥120.00" in held and "开始前 24 小时以前可免费取消" in held
        done = await client.post(f"/me/bookings/{booking_id}/confirm", data={"csrf_token": token})
        assert done.status_code == 303
        page = await client.get(f"/me/bookings/{booking_id}")
        assert "<svg" in page.text and 'class="code"' in page.text
        assert "已确认" in visible_text(page.text)
        assert "你还没有付款，取消不收任何费用" in visible_text(page.text)
        mine = visible_text((await client.get("/me/bookings")).text)
        assert "好帮手保洁" in mine and "已确认" in mine

        second = await other_resident()
        token = await signed_in(client, second)
        listing_page = await client.get(f"/listings/{listing.id}?date=2026-11-26")
        assert "已约满" in visible_text(listing_page.text)
        taken = await client.post("/bookings", data=booking_form(token, listing.id, offering.id))
    assert taken.status_code == 409
    assert "这个时间刚被别人订走了" in visible_text(taken.text)


async def test_address_mistakes_are_shown_next_to_the_map(
    app: Starlette, resident: Account
) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        far = booking_form(token, listing.id, offering.id, lat=FAR_AWAY.lat, lng=FAR_AWAY.lng)
        outside = await client.post("/bookings", data=far)
        none = await client.post(
            "/bookings", data=booking_form(token, listing.id, offering.id, lat="", lng="")
        )
        no_time = await client.post(
            "/bookings", data=booking_form(token, listing.id, offering.id, starts_at="")
        )
    assert outside.status_code == 422
    assert 'id="e-address"' in outside.text
    assert "不在商家的服务范围内" in visible_text(outside.text)
    assert none.status_code == 422 and "请在地图上点选地址" in visible_text(none.text)
    assert no_time.status_code == 422 and "请先选择时间" in visible_text(no_time.text)


async def test_an_expired_hold_says_so_and_offers_to_pick_again(
    app: Starlette, resident: Account
) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing.id, offering.id)
        at(app, NOW + timedelta(minutes=11))
        page = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        assert "保留时间已过" in page and "重新选择时间" in page
        late = await client.post(f"/me/bookings/{booking_id}/confirm", data={"csrf_token": token})
    assert late.status_code == 409
    assert "保留时间已过，名额已释放" in visible_text(late.text)


async def test_someone_elses_booking_is_not_found(app: Starlette, resident: Account) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing.id, offering.id)
        await signed_in(client, await other_resident())
        response = await client.get(f"/me/bookings/{booking_id}")
    assert response.status_code == 404


async def test_cancel_a_confirmed_booking(app: Starlette, resident: Account) -> None:
    listing, offering = await cleaning_service()
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        booking_id = await hold(client, token, listing.id, offering.id)
        await client.post(f"/me/bookings/{booking_id}/confirm", data={"csrf_token": token})
        out = await client.post(f"/me/bookings/{booking_id}/cancel", data={"csrf_token": token})
        assert out.status_code == 303
        page = visible_text((await client.get(f"/me/bookings/{booking_id}")).text)
        again = await client.post(f"/me/bookings/{booking_id}/cancel", data={"csrf_token": token})
    assert "已取消" in page
    assert again.status_code == 409  # shown as a page, not a 500


async def test_empty_lists_and_the_orders_tab(app: Starlette, resident: Account) -> None:
    async with client_for(app) as client:
        await signed_in(client, resident)
        bookings = visible_text((await client.get("/me/bookings")).text)
        orders = visible_text((await client.get("/me/orders")).text)
        tab = await client.get("/orders")
        me = visible_text((await client.get("/me")).text)
    assert "还没有预订" in bookings
    assert "还没有订单" in orders
    assert tab.status_code == 303 and tab.headers["location"] == "/me/bookings"
    assert "我的预订" in me and "我的订单" in me


async def test_order_for_pickup_confirm_and_mistakes(app: Starlette, resident: Account) -> None:
    listing, product = await shop_with_stock(stock=3)
    at(app, NOW)
    async with client_for(app) as client:
        token = await signed_in(client, resident)
        page = visible_text((await client.get(f"/listings/{listing.id}")).text)
        assert "仅剩 3 件" in page and "到店自取" in page
        base = {"csrf_token": token, "listing_id": str(listing.id), "fulfilment": "pickup"}
        nothing = await client.post("/orders", data={**base, "key": "a"})
        too_many = await client.post("/orders", data={**base, "key": "b", f"qty_{product.id}": "5"})
        far = {"lat": str(FAR_AWAY.lat), "lng": str(FAR_AWAY.lng), "fulfilment": "delivery"}
        outside = await client.post(
            "/orders", data={**base, **far, "key": "c", f"qty_{product.id}": "1"}
        )
        placed = await client.post("/orders", data={**base, "key": "d", f"qty_{product.id}": "2"})
        assert placed.status_code == 303
        order_path = placed.headers["location"]
        assert _ORDER.search(order_path)
        held = visible_text((await client.get(order_path)).text)
        done = await client.post(order_path + "/confirm", data={"csrf_token": token})
        shown = await client.get(order_path)
        mine = visible_text((await client.get("/me/orders")).text)
    assert nothing.status_code == 422 and "请至少选择一件商品" in visible_text(nothing.text)
    assert too_many.status_code == 409 and "只剩 3 件了" in visible_text(too_many.text)
    assert outside.status_code == 422 and "不在店铺的配送范围内" in visible_text(outside.text)
    assert "剩余 10:00" in held and "¥30.00" in held and "确认下单（取货时付款）" in held
    assert done.status_code == 303
    assert "<svg" in shown.text and "取货码：取货时出示" in visible_text(shown.text)
    assert "阳山水蜜桃 一箱 ×2" in mine
    assert (await Offering.get(id=product.id)).stock == 1


async def test_sold_out_products_cannot_be_chosen(app: Starlette) -> None:
    listing, _ = await shop_with_stock(stock=0)
    at(app, NOW)
    async with client_for(app) as client:
        page = await client.get(f"/listings/{listing.id}?lang=en")
    assert "Sold out" in page.text
    assert re.search(r'name="qty_\d+"[^>]*disabled', page.text)
