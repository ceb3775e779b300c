"""商家中心 queues and the booking-times editor without a browser, on both databases: who may
see and act, field errors that save nothing, and what the code box says."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import httpx

from listings.models import Listing, Offering
from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.city import City
from marketplace.codes import display_code
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from tests.support.bookables import (
    cleaning_of,
    confirmed_booking,
    confirmed_order,
    every_day,
    owned_business,
    shop_of,
)
from tests.web.merchant_helpers import account, form_token, signed_in, visible_text

ALL_DAY = every_day("00:00", "24:00", 60, 3)


async def _complete(
    client: httpx.AsyncClient, data: dict[str, str], received: str | None = None
) -> httpx.Response:
    """The code box's two steps: check the code (its second step must show), then confirm with
    the amount received, prefilled with the amount due unless `received` says otherwise."""
    checked = await client.post("/merchant/redeem/check", data=data)
    assert checked.status_code == 200, visible_text(checked.text)
    assert 'data-testid="code-check-step"' in checked.text
    due = re.search(r'name="received" value="([^"]*)"', checked.text)
    fields = dict(data)
    if due is not None:
        fields["received"] = received if received is not None else html.unescape(due.group(1))
    return await client.post("/merchant/redeem/complete", data=fields)


async def _setup(city: City, operator: Account) -> dict[str, object]:
    owner = await account("owner@example.com", "王老板")
    other = await account("other@example.com", "李老板")
    resident = await account("mei@example.com", "小美")
    mine = await owned_business(city, owner, operator)
    theirs = await owned_business(city, other, operator)
    listing, offering = await cleaning_of(mine, ALL_DAY)
    other_listing, other_offering = await cleaning_of(theirs, ALL_DAY)
    return {
        "owner": owner,
        "other": other,
        "resident": resident,
        "merchant": mine,
        "their_merchant": theirs,
        "listing": listing,
        "offering": offering,
        "other_listing": other_listing,
        "other_offering": other_offering,
    }


async def test_the_queue_shows_a_booking_and_the_code_completes_it_once(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    listing, offering = s["listing"], s["offering"]
    assert isinstance(listing, Listing) and isinstance(offering, Offering)
    booking = await confirmed_booking(city, s["resident"], listing, offering, party_size=2)  # type: ignore[arg-type]
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]

    # where notices link: the one business's queue
    picked = await client.get("/merchant/bookings")
    assert picked.status_code == 303 and picked.headers["location"] == f"/merchant/{mid}/bookings"
    local_day = booking.starts_at.astimezone(city.tz).date()
    page = await client.get(f"/merchant/{mid}/bookings?date={local_day.isoformat()}")
    assert page.status_code == 200
    text = visible_text(page.text)
    assert "日常保洁 2 小时" in text and "小美" in text and "2 人" in text
    assert "青果巷 12 号 3 楼" in text and "¥240.00" in text and "已确认" in text
    assert booking.code not in page.text  # the merchant never sees the code it must be told

    token = await form_token(client, f"/merchant/{mid}/bookings")
    typed = display_code(booking.code).lower().replace("-", " ")
    box = {"csrf_token": token, "merchant": str(mid), "queue": "bookings", "code": typed}
    sent = await _complete(client, box)
    assert sent.status_code == 303
    done = visible_text((await client.get(sent.headers["location"])).text)
    assert "预订已完成" in done and "小美" in done and "¥240.00" in done
    assert (await Booking.get(id=booking.id)).state == BookingState.COMPLETED

    again = await client.post("/merchant/redeem/check", data=box)
    assert again.status_code == 409
    assert "这个码已经用过了" in visible_text(again.text)
    assert f'value="{typed}"' in again.text


async def test_a_code_entered_on_the_upcoming_tab_comes_back_to_it(
    client: httpx.AsyncClient, city: City, operator: Account, time_machine
) -> None:
    # late in the evening in the city: the booking is tomorrow's, so only the upcoming tab
    # shows it, and after its code is entered the merchant must still see it, completed
    time_machine.move_to(datetime(2026, 12, 7, 23, 17, tzinfo=city.tz))
    s = await _setup(city, operator)
    # tomorrow, but within the hour before its start that its code opens
    tomorrow_0 = datetime(2026, 12, 8, 0, tzinfo=city.tz)
    booking = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["listing"],  # type: ignore[arg-type]
        s["offering"],  # type: ignore[arg-type]
        starts_at=tomorrow_0,
    )
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    upcoming = await client.get(f"/merchant/{mid}/bookings?tab=upcoming")
    assert f'data-testid="booking-{booking.id}"' in upcoming.text
    back = re.search(r'name="back" value="([^"]*)"', upcoming.text)
    assert back is not None
    token = await form_token(client, f"/merchant/{mid}/bookings")
    data = {
        "csrf_token": token,
        "merchant": str(mid),
        "queue": "bookings",
        "code": booking.code,
        "back": html.unescape(back.group(1)),
    }
    sent = await _complete(client, data)
    assert sent.status_code == 303
    page = await client.get(sent.headers["location"])
    row = re.search(rf'data-testid="booking-{booking.id}".*?</li>', page.text, re.S)
    assert row is not None, "the completed booking is not on the page the code came back to"
    assert "已完成" in visible_text(row.group(0))
    assert "预订已完成" in visible_text(page.text)
    # a back that is not this queue's goes to the queue itself
    other = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["listing"],  # type: ignore[arg-type]
        s["offering"],  # type: ignore[arg-type]
        starts_at=tomorrow_0,
    )
    data = {**data, "code": other.code, "back": "/merchant/1/orders?tab=upcoming"}
    sent = await _complete(client, data)
    assert sent.headers["location"] == f"/merchant/{mid}/bookings?redeemed=b{other.id}"


async def test_code_box_errors_are_precise_and_translated(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    theirs = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["other_listing"],  # type: ignore[arg-type]
        s["other_offering"],  # type: ignore[arg-type]
    )
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    token = await form_token(client, f"/merchant/{mid}/bookings")

    async def enter(code: str, queue: str = "bookings") -> httpx.Response:
        data = {"csrf_token": token, "merchant": str(mid), "queue": queue, "code": code}
        return await client.post("/merchant/redeem/check", data=data)

    other = await enter(theirs.code)
    assert other.status_code == 404
    assert "没有找到" in visible_text(other.text)
    assert (await Booking.get(id=theirs.id)).state == BookingState.CONFIRMED
    bad = await enter("hello")
    assert bad.status_code == 422 and "这不是预订码" in visible_text(bad.text)
    # on the orders queue the error shows there
    on_orders = await enter("BCDF-GHJK", "orders")
    assert on_orders.status_code == 404 and 'data-testid="code-box"' in on_orders.text
    # another business's box is not this account's to use
    their_id = s["their_merchant"].id  # type: ignore[attr-defined]
    data = {"csrf_token": token, "merchant": str(their_id), "queue": "bookings", "code": "x"}
    assert (await client.post("/merchant/redeem/check", data=data)).status_code == 403


async def test_another_merchants_staff_can_neither_see_nor_act(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    booking = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["listing"],  # type: ignore[arg-type]
        s["offering"],  # type: ignore[arg-type]
    )
    shop, product = await shop_of(s["merchant"])  # type: ignore[arg-type]
    order = await confirmed_order(city, s["resident"], shop, product)  # type: ignore[arg-type]
    mid, lid, oid = s["merchant"].id, s["listing"].id, s["offering"].id  # type: ignore[attr-defined]
    await signed_in(client, s["other"])  # type: ignore[arg-type]
    token = await form_token(client, f"/merchant/{s['their_merchant'].id}/bookings")  # type: ignore[attr-defined]

    assert (await client.get(f"/merchant/{mid}/bookings")).status_code == 403
    assert (await client.get(f"/merchant/{mid}/orders")).status_code == 403
    assert (await client.get(f"/merchant/{mid}/queue-counts")).status_code == 403
    avail = f"/merchant/listings/{lid}/offerings/{oid}/availability"
    assert (await client.get(avail)).status_code == 403
    sent = await client.post(avail, data={"csrf_token": token, "intent": "clear"})
    assert sent.status_code == 403
    cancel = await client.post(
        f"/merchant/bookings/{booking.id}/cancel", data={"csrf_token": token, "reason": "x"}
    )
    assert cancel.status_code == 404
    accept = await client.post(
        f"/merchant/orders/{order.id}/advance", data={"csrf_token": token, "target": "accepted"}
    )
    assert accept.status_code == 404
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED
    assert (await Order.get(id=order.id)).state == OrderState.CONFIRMED
    assert (await Offering.get(id=oid)).availability == ALL_DAY


async def test_bad_availability_shows_each_error_at_its_field_and_saves_nothing(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    merchant = s["merchant"]
    listing, offering = await cleaning_of(merchant)  # type: ignore[arg-type]
    path = f"/merchant/listings/{listing.id}/offerings/{offering.id}/availability"
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    page = await client.get(path)
    assert page.status_code == 200 and "每周" in visible_text(page.text)
    token = await form_token(client, path)
    form = {
        "csrf_token": token,
        "intent": "save",
        "w.0.day": "0",
        "w.0.start": "10:00",
        "w.0.end": "09:00",
        "w.0.slot": "60",
        "w.0.cap": "2",
        "w.1.day": "2",
        "w.1.start": "09:00",
        "w.1.end": "12:00",
        "w.1.slot": "60",
        "w.1.cap": "0",
        "w.2.day": "3",
        "w.2.start": "",
        "w.2.end": "",
        "x.0.date": "2026-12-05",
        "x.0.start": "9点",
        "x.0.end": "12:00",
        "x.0.slot": "180",
        "x.0.cap": "12",
        "buffer": "abc",
        "notice": "60",
        "horizon": "30",
    }
    sent = await client.post(path, data=form)
    assert sent.status_code == 422
    html = sent.text
    assert 'id="e-f-w-0-end"' in html and "结束时间需晚于开始时间" in html
    assert 'id="e-f-w-1-cap"' in html and "不能小于 1" in visible_text(html)
    assert 'id="e-f-x-0-start"' in html and 'id="e-f-buffer"' in html
    assert 'value="9点"' in html  # what was typed stays
    assert (await Offering.get(id=offering.id)).availability is None

    good = {
        **form,
        "w.0.start": "09:00",
        "w.0.end": "17:00",
        "w.1.cap": "1",
        "x.0.start": "09:00",
        "buffer": "15",
    }
    saved = await client.post(path, data=good)
    assert saved.status_code == 303
    stored = (await Offering.get(id=offering.id)).availability
    assert stored["buffer_minutes"] == 15 and len(stored["windows"]) == 2
    assert stored["exceptions"]["2026-12-05"]["windows"][0]["capacity"] == 12
    again = await client.get(saved.headers["location"])
    assert "已保存" in visible_text(again.text) and 'value="17:00"' in again.text


async def test_orders_are_accepted_made_ready_and_handed_over_by_code(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    shop, product = await shop_of(s["merchant"])  # type: ignore[arg-type]
    order = await confirmed_order(city, s["resident"], shop, product, 3)  # type: ignore[arg-type]
    mid = s["merchant"].id  # type: ignore[attr-defined]
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    assert (await client.get("/merchant/orders")).headers["location"] == f"/merchant/{mid}/orders"
    counts = (await client.get(f"/merchant/{mid}/queue-counts")).json()
    assert counts["orders"] == 1
    page = visible_text((await client.get(f"/merchant/{mid}/orders")).text)
    assert "阳山水蜜桃 一箱" in page and "× 3" in page and "接单" in page
    token = await form_token(client, f"/merchant/{mid}/orders")
    for target in ("accepted", "preparing", "ready"):
        moved = await client.post(
            f"/merchant/orders/{order.id}/advance",
            data={"csrf_token": token, "target": target, "back": f"/merchant/{mid}/orders"},
        )
        assert moved.status_code == 303
        assert (await Order.get(id=order.id)).state == target
    box = {"csrf_token": token, "merchant": str(mid), "queue": "orders", "code": order.code}
    sent = await _complete(client, box)
    assert sent.status_code == 303 and "/orders?redeemed=" in sent.headers["location"]
    assert "订单已交付" in visible_text((await client.get(sent.headers["location"])).text)
    assert (await Order.get(id=order.id)).state == OrderState.PICKED_UP


async def test_cancel_and_no_show_follow_the_allowed_steps(
    client: httpx.AsyncClient, city: City, operator: Account
) -> None:
    s = await _setup(city, operator)
    soon = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=3)
    future = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["listing"],  # type: ignore[arg-type]
        s["offering"],  # type: ignore[arg-type]
        starts_at=soon,
    )
    started_at = soon - timedelta(hours=5)
    started = await confirmed_booking(
        city,
        s["resident"],  # type: ignore[arg-type]
        s["listing"],  # type: ignore[arg-type]
        s["offering"],  # type: ignore[arg-type]
        starts_at=started_at,
        now=started_at - timedelta(hours=1),
    )
    await signed_in(client, s["owner"])  # type: ignore[arg-type]
    mid = s["merchant"].id  # type: ignore[attr-defined]
    token = await form_token(client, f"/merchant/{mid}/bookings")
    early = await client.post(
        f"/merchant/bookings/{future.id}/no-show",
        data={"csrf_token": token, "back": f"/merchant/{mid}/bookings"},
    )
    assert early.status_code == 422 and "开始后" in visible_text(early.text)
    gone = await client.post(
        f"/merchant/bookings/{started.id}/no-show",
        data={"csrf_token": token, "back": f"/merchant/{mid}/bookings"},
    )
    assert gone.status_code == 303
    assert (await Booking.get(id=started.id)).state == BookingState.NO_SHOW
    cancelled = await client.post(
        f"/merchant/bookings/{future.id}/cancel",
        data={"csrf_token": token, "reason": "阿姨生病", "back": f"/merchant/{mid}/bookings"},
    )
    assert cancelled.status_code == 303
    assert (await Booking.get(id=future.id)).state == BookingState.CANCELLED_BY_MERCHANT
    banner = visible_text((await client.get(cancelled.headers["location"])).text)
    assert "全额退款" in banner
