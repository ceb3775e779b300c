"""Completing by code in a real browser at 390×844: a code entered too early is refused with the
time it opens; a pay-at-store booking completed by its code records the amount received, and
the payouts page shows it with gross, commission and a positive net; in English, a booking is
completed without payment with a reason. Screenshots of the two steps in zh-CN and en:
test-artifacts/screenshots/completion-*.png."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import shoot
from tests.browser.test_merchant_bookings import PASSWORD, enter_code, make, signed_in_page
from tests.support.live_server import LiveServer

PHONE = {"width": 390, "height": 844}
SMALL = {"width": 360, "height": 740}
TZ = ZoneInfo("Asia/Shanghai")


def look(page: Page, name: str) -> None:
    """Screenshots at 390×844 and 360×740, neither scrolling sideways."""
    for size, suffix in ((PHONE, "phone"), (SMALL, "small")):
        page.set_viewport_size(size)
        page.wait_for_timeout(100)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {size['width']} px"
        shoot(page, f"completion-{name}-{suffix}")
    page.set_viewport_size(PHONE)


def opens_at(booking: dict[str, object]) -> datetime:
    starts = datetime.fromisoformat(str(booking["starts_at"])).astimezone(TZ)
    return starts - timedelta(minutes=60)  # the city's before_start_minutes


def test_too_early_refused_and_store_payment_recorded(
    browser: Browser, live_server: LiveServer
) -> None:
    url = live_server.url
    ids = make(live_server, "business", "done-owner@example.test", PASSWORD, "周老板")
    mid, lid, oid = ids["merchant"], ids["listing"], ids["offering"]
    who = ("done-mei@example.test", "小美", str(lid), str(oid))
    early = make(live_server, "book-at", *who, "30")  # tomorrow or so: too early
    now = make(live_server, "book-at", *who, "0")  # this hour: its code opens now
    later = make(live_server, "book-at", *who, "-1")  # an hour ago: still open
    page = signed_in_page(browser, live_server, "done-owner@example.test")
    page.goto(f"{url}/merchant/{mid}/bookings")

    # too early: refused at the box, saying when it opens, in the city's time
    enter_code(page, str(early["code"]))
    opens = opens_at(early)
    error = page.locator("#e-f-code")
    expect(error).to_contain_text("还不能完成")
    expect(error).to_contain_text(f"{opens.month}月{opens.day}日 {opens:%H:%M}")
    expect(page.get_by_test_id("code-check-step")).to_have_count(0)
    look(page, "too-early-zh")

    # step one: what it is, when, and the amount due at the store
    enter_code(page, str(now["code"]).lower())
    step = page.get_by_test_id("code-check-step")
    expect(step).to_contain_text("完成这个预约？")
    expect(step).to_contain_text("日常保洁 2 小时")
    expect(step).to_contain_text("小美")
    expect(page.get_by_test_id("due-at-store")).to_contain_text("¥240.00")
    expect(page.get_by_test_id("received")).to_have_value("240.00")
    expect(page.get_by_test_id("discount-note")).to_be_hidden()  # only when less is typed
    look(page, "step-two-zh")
    # less than due without a reason: refused beside the field, nothing recorded
    page.get_by_test_id("received").fill("200")
    expect(page.get_by_test_id("discount-note")).to_be_visible()
    page.get_by_test_id("confirm-complete").click()
    expect(page.locator("#e-f-note")).to_contain_text("请说明原因")
    expect(page.get_by_test_id("received")).to_have_value("200")
    look(page, "discount-reason-zh")
    # step two: the amount received as prefilled
    page.get_by_test_id("received").fill("240.00")
    page.get_by_test_id("confirm-complete").click()
    banner = page.get_by_test_id("redeemed")
    expect(banner).to_contain_text("预订已完成")
    expect(page.get_by_test_id("redeemed-received")).to_contain_text("¥240.00")
    look(page, "done-zh")

    # the payouts page: gross what was received, 12 % commission, a positive net
    page.goto(f"{url}/merchant/{mid}/payouts")
    expect(page.get_by_test_id("gross")).to_have_text("¥240.00")
    expect(page.get_by_test_id("at-store")).to_have_text("¥240.00")
    expect(page.get_by_test_id("commission")).to_have_text("¥28.80")
    expect(page.get_by_test_id("net-earnings")).to_have_text("¥211.20")
    look(page, "payouts-zh")

    # in English: step two, then completed without payment (on the house), no money moved
    page.goto(f"{url}/merchant/{mid}/bookings")
    page.get_by_role("button", name="EN").click()
    enter_code(page, str(early["code"]))
    expect(page.locator("#e-f-code")).to_contain_text("Too early: this can be completed from")
    expect(page.locator("#e-f-code")).to_contain_text(f"{opens:%H:%M}")
    look(page, "too-early-en")
    enter_code(page, str(later["code"]))
    expect(page.get_by_test_id("code-check-step")).to_contain_text("Complete this booking?")
    expect(page.get_by_test_id("due-at-store")).to_contain_text("¥240.00")
    look(page, "step-two-en")
    page.get_by_text("Complete without payment").first.click()
    page.get_by_label("On the house").check()
    look(page, "without-payment-en")
    page.get_by_test_id("complete-without-payment").click()
    expect(page.get_by_test_id("redeemed")).to_contain_text("Booking completed")
    expect(page.get_by_test_id("redeemed-settled")).to_contain_text("Without payment: On the house")
    look(page, "done-en")
    page.goto(f"{url}/merchant/{mid}/payouts")
    expect(page.get_by_test_id("gross")).to_contain_text("¥240.00")  # nothing more received
    expect(page.get_by_test_id("net-earnings")).to_contain_text("¥211.20")
    look(page, "payouts-en")
    page.context.close()
