"""A resident books a housekeeping slot in a real browser: picks tomorrow's 09:00, drops the pin
with "use my location", holds, confirms at the store and sees the code and QR; a second resident
then finds that slot full (capacity 1); an address outside the area and a hold that ran out are
explained on the page. Screenshots at 390×844 and 1280×800: booking-*.png."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.support.bookables import NEAR_HOME, resident_pages_seed
from tests.support.live_server import LiveServer

PHONE = {"width": 390, "height": 844}
PASSWORD = "resident-password-2026"


def tomorrow() -> str:
    return (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def resident_page(
    browser: Browser, contexts: list[BrowserContext], server: LiveServer, email: str, name: str
) -> Page:
    resident_pages_seed(server.env, "resident", email, name, PASSWORD)
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        geolocation={"latitude": NEAR_HOME.lat, "longitude": NEAR_HOME.lng},
        permissions=["geolocation"],
    )
    contexts.append(context)
    page = context.new_page()
    page.goto(server.url + "/login?next=/me")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(server.url + "/me")
    return page


def slot(page: Page, time: str):  # type: ignore[no-untyped-def]
    return page.locator(f"[data-testid=slot][data-time='{time}']")


def test_book_a_cleaning_see_the_code_and_the_slot_is_gone_for_the_next(
    browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    ids = resident_pages_seed(live_server.env, "cleaning")
    listing = f"{live_server.url}/listings/{ids['listing']}?date={tomorrow()}"
    page = resident_page(browser, contexts, live_server, "anna@example.test", "安娜")
    expect(page.get_by_role("link", name="我的预订")).to_be_visible()
    page.goto(listing)
    picker = page.get_by_test_id("slot-picker")
    expect(picker.get_by_text("明天")).to_be_visible()
    expect(slot(page, "09:00")).to_contain_text("剩 1 位")
    slot(page, "09:00").click()
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.get_by_text("已选好位置")).to_be_visible()
    page.fill("input[name=address_text]", "青果巷 12 号 3 楼")
    picker.scroll_into_view_if_needed()
    shoot(page, "booking-picker-phone-zh")
    page.get_by_test_id("book-button").click()
    expect(page).to_have_url(re.compile(r".*/me/bookings/\d+$"))
    expect(page.get_by_test_id("countdown")).to_contain_text("剩余")
    expect(page.get_by_test_id("policy")).to_contain_text("免费取消")
    shoot(page, "booking-held-phone-zh")
    page.get_by_role("button", name="确认预订（当面付款）").click()
    expect(page.get_by_test_id("code")).to_have_text(re.compile(r"^[2-9B-Z]{4}-[2-9B-Z]{4}$"))
    expect(page.locator("[data-testid=qr] svg")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("已确认")
    shoot(page, "booking-confirmed-phone-zh")
    page.set_viewport_size(DESKTOP)
    shoot(page, "booking-confirmed-desktop-zh")
    page.goto(live_server.url + "/me/bookings")
    expect(page.get_by_test_id("booking-row")).to_have_count(1)
    shoot(page, "booking-list-desktop-zh")

    other = resident_page(browser, contexts, live_server, "bo@example.test", "小波")
    other.goto(listing)
    expect(slot(other, "09:00")).to_have_class(re.compile("is-full"))
    expect(slot(other, "09:00").locator("input")).to_be_disabled()
    expect(slot(other, "09:00")).to_contain_text("已约满")
    shoot(other, "booking-slot-full-phone-zh")
    other.set_viewport_size(DESKTOP)
    other.get_by_test_id("slot-picker").scroll_into_view_if_needed()
    shoot(other, "booking-picker-desktop-zh")


def test_an_address_outside_the_area_is_explained_at_the_map(
    browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    ids = resident_pages_seed(live_server.env, "cleaning")
    page = resident_page(browser, contexts, live_server, "chen@example.test", "小陈")
    page.goto(f"{live_server.url}/listings/{ids['listing']}?date={tomorrow()}")
    slot(page, "12:00").click()
    pin_map = page.get_by_test_id("pin-map")
    expect(pin_map).to_have_attribute("data-ready", "true")
    pin_map.click(position={"x": 6, "y": 6})  # a corner: outside the round service area
    expect(pin_map).to_have_attribute("data-pinned", "true")
    page.get_by_test_id("book-button").click()
    expect(page.locator("#e-address")).to_contain_text("不在商家的服务范围内")
    expect(slot(page, "12:00").locator("input")).to_be_checked()  # the choice is kept
    page.locator("#e-address").scroll_into_view_if_needed()
    shoot(page, "booking-outside-area-phone-zh")


def test_a_hold_that_ran_out_offers_to_pick_again(
    browser: Browser, live_server: LiveServer, contexts: list[BrowserContext]
) -> None:
    ids = resident_pages_seed(live_server.env, "cleaning")
    page = resident_page(browser, contexts, live_server, "dai@example.test", "小戴")
    page.goto(f"{live_server.url}/listings/{ids['listing']}?date={tomorrow()}")
    slot(page, "15:00").click()
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.get_by_text("已选好位置")).to_be_visible()
    page.get_by_test_id("book-button").click()
    expect(page).to_have_url(re.compile(r".*/me/bookings/\d+$"))
    booking_id = page.url.rsplit("/", 1)[1]
    resident_pages_seed(live_server.env, "expire", booking_id)
    page.reload()
    expect(page.get_by_test_id("expired")).to_contain_text("保留时间已过")
    expect(page.get_by_role("button", name="确认预订（当面付款）")).to_have_count(0)
    shoot(page, "booking-expired-phone-zh")
    page.get_by_role("link", name="重新选择时间").click()
    expect(page.get_by_test_id("slot-picker")).to_be_visible()
