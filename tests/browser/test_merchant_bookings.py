"""The merchant's queues in a real browser: booking times set through the editor, a booking
made for a resident shows in the queue, the resident's code completes it (once), another
business's code is not found, and an order is accepted, made ready and handed over by code.
Screenshots at 390×844 and 1280×800: test-artifacts/screenshots/queue-*.png."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.browser.test_merchant_flow import _only_our_server
from tests.support.live_server import REPO, LiveServer

PHONE = {"width": 390, "height": 844}
PASSWORD = "merchant-password-2026"


def make(server: LiveServer, *args: str) -> dict[str, object]:
    """Set up through the domain, in the live server's database."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.support.bookables", *args],
        env=server.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def both(page: Page, name: str) -> None:
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(100)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {size['width']} px"
        shoot(page, f"queue-{name}-{suffix}")
    page.set_viewport_size(PHONE)


def signed_in_page(browser: Browser, server: LiveServer, email: str) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.route("**/*", _only_our_server(server))
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def enter_code(page: Page, code: str) -> None:
    page.fill("#f-code", code)
    page.locator("[data-testid=code-box] button[type=submit]").click()


def confirm_code(page: Page) -> None:
    """The code box's second step: confirm with the amount received as prefilled (the amount
    due at the store)."""
    expect(page.get_by_test_id("code-check-step")).to_be_visible()
    page.get_by_test_id("confirm-complete").click()


def test_booking_times_queue_and_codes(browser: Browser, live_server: LiveServer) -> None:
    url = live_server.url
    ids = make(live_server, "business", "queue-owner@example.test", PASSWORD, "陈老板")
    other = make(live_server, "business", "queue-other@example.test", PASSWORD, "李老板")
    mid, lid, oid = ids["merchant"], ids["listing"], ids["offering"]
    page = signed_in_page(browser, live_server, "queue-owner@example.test")

    # booking times: from the offerings page, a mistake first, then every day 08:00-20:00
    page.goto(f"{url}/merchant/listings/{lid}/offerings")
    page.get_by_role("link", name="预约时间").first.click()
    expect(page.get_by_role("heading", name="每周")).to_be_visible()
    for day in range(7):
        page.locator(f"[data-day='{day}'] [data-add-row]").click()
        page.fill(f"#f-w-{day}-start", "08:00")
        page.fill(f"#f-w-{day}-end", "20:00" if day else "07:00")
        page.fill(f"#f-w-{day}-slot", "120")
        page.fill(f"#f-w-{day}-cap", "2")
    page.get_by_role("button", name="+ 添加日期").click()
    page.fill("#f-x-0-date", "2031-01-01")
    page.check("input[name='x.0.closed']")
    page.get_by_role("button", name="保存预约时间").click()
    expect(page.locator("#e-f-w-0-end")).to_contain_text("结束时间需晚于开始时间")
    expect(page.locator("#f-w-1-start")).to_have_value("08:00")
    both(page, "availability-errors")
    page.fill("#f-w-0-end", "20:00")
    page.locator("#f-w-0-cap").press("Tab")
    expect(page.locator("#preview li").first).to_be_visible()  # the preview follows typing
    page.get_by_role("button", name="+ 添加时间段").first.click()
    expect(page.locator("[data-day='0'] [data-row]:visible")).to_have_count(2)
    page.get_by_role("button", name="保存预约时间").click()
    expect(page.get_by_text("预约时间已保存")).to_be_visible()
    expect(page.locator("#f-w-0-end")).to_have_value("20:00")
    both(page, "availability")

    # a resident books; the booking shows in today's or the upcoming queue
    # in the current hour: its code can complete it now (a code opens an hour before)
    mine = make(live_server, "book-at", "queue-mei@example.test", "小美", str(lid), str(oid), "0")
    theirs = make(
        live_server,
        "book",
        "queue-mei@example.test",
        "小美",
        str(other["listing"]),
        str(other["offering"]),
    )
    page.goto(f"{url}/merchant/{mid}")
    page.locator(".m-nav").get_by_role("link", name="预约").click()
    expect(page).to_have_url(re.compile(rf"/merchant/{mid}/bookings$"))
    page.wait_for_load_state()
    row = page.locator(f"[data-testid=booking-{mine['booking']}]")
    if row.count() == 0:  # late in the day the next slot is tomorrow's: the server's day decides
        page.get_by_role("link", name="即将到来").click()
    expect(row).to_contain_text("小美")
    expect(row).to_contain_text("日常保洁 2 小时")
    expect(row).to_contain_text("青果巷 12 号 3 楼")
    expect(row).to_contain_text("已确认")
    both(page, "bookings")

    code = str(mine["code"])
    enter_code(page, f"{code[:4].lower()} {code[4:].lower()}")
    confirm_code(page)
    expect(page.locator("[data-testid=redeemed]")).to_contain_text("预订已完成")
    expect(row).to_contain_text("已完成")
    both(page, "bookings-redeemed")
    enter_code(page, code)
    expect(page.locator("#e-f-code")).to_have_text("这个码已经用过了。")
    enter_code(page, str(theirs["code"]))
    expect(page.locator("#e-f-code")).to_contain_text("没有找到这个码")
    both(page, "bookings-code-error")

    # an order: accepted, made ready, handed over by code
    order = make(
        live_server,
        "order",
        "queue-mei@example.test",
        "小美",
        str(ids["shop"]),
        str(ids["product"]),
    )
    page.locator(".m-nav").get_by_role("link", name="订单").click()
    card = page.locator(f"[data-testid=order-{order['order']}]")
    expect(card).to_contain_text("阳山水蜜桃 一箱")
    expect(card).to_contain_text("× 3")
    both(page, "orders")
    card.get_by_role("button", name="接单").click()
    card.get_by_role("button", name="开始备货").click()
    card.get_by_role("button", name="备好待取").click()
    expect(card).to_contain_text("待取货")
    enter_code(page, str(order["code"]).lower())
    confirm_code(page)
    expect(page.locator("[data-testid=redeemed]")).to_contain_text("订单已交付")
    both(page, "orders-redeemed")
    page.context.close()


def test_the_queue_in_english(browser: Browser, live_server: LiveServer) -> None:
    url = live_server.url
    ids = make(live_server, "business", "queue-en@example.test", PASSWORD, "Mr Zhou")
    page = signed_in_page(browser, live_server, "queue-en@example.test")
    page.goto(f"{url}/merchant/{ids['merchant']}/bookings")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("heading", name="Enter or scan the customer's code")).to_be_visible()
    enter_code(page, "hello")
    expect(page.locator("#e-f-code")).to_contain_text("That is not a code")
    page.get_by_role("link", name="Coming up").click()
    expect(page.get_by_text("No upcoming bookings yet.")).to_be_visible()
    both(page, "bookings-en")
    page.goto(f"{url}/merchant/listings/{ids['listing']}/offerings/{ids['offering']}/availability")
    expect(page.get_by_role("heading", name="Every week")).to_be_visible()
    both(page, "availability-en")
    page.context.close()
