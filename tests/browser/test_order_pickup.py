"""An order that follows the shop's day, in a real browser at 390×844: with the server's clock at
22:40 (the shop, open 09:00-21:00, is closed), a resident orders and is told before paying that
the order is for tomorrow's opening; the merchant moves it 已接单 → 备货中 → 待取货 from the
queue; the resident sees each step with its time; the merchant enters the 取货码 and it is 已取货.
Screenshots (zh-CN and en): test-artifacts/screenshots/order-pickup-*.png."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import Browser, BrowserContext, Page, expect

from marketplace import clock
from tests.browser.conftest import SCREENSHOTS, shoot
from tests.browser.test_merchant_bookings import PASSWORD, confirm_code, enter_code
from tests.browser.test_merchant_flow import _only_our_server
from tests.conftest import CITY_DIR
from tests.support.live_server import REPO, LiveServer

PHONE = {"width": 390, "height": 844}
SMALL = {"width": 360, "height": 740}
TZ = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _closed_evening() -> datetime:
    """The next 22:40 in Changzhou from the run's clock: an hour and forty after closing."""
    local = clock.now().astimezone(TZ)
    evening = local.replace(hour=22, minute=40, second=0, microsecond=0)
    return evening if evening > local else evening + timedelta(days=1)


async def _seed() -> dict[str, int]:
    """A shop open 09:00-21:00 every day, run by an owner who signs in, and a resident."""
    from marketplace import db
    from marketplace.accounts import services as accounts
    from marketplace.city import load_city
    from tests.support.bookables import owned_business, shop_of

    city = load_city(Path(os.environ["CITY_DIR"]))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        owner = await accounts.sign_up("pickup-owner@example.test", PASSWORD, "周老板", "zh-CN")
        operator = await accounts.create_operator("pickup-ops@example.test", PASSWORD, "审核员")
        await accounts.sign_up("pickup-fang@example.test", PASSWORD, "小方", "zh-CN")
        merchant = await owned_business(city, owner, operator)
        shop, product = await shop_of(merchant, stock=20)
        shop.weekly_hours = {d: [["09:00", "21:00"]] for d in DAYS}
        await shop.save(update_fields=["weekly_hours"])
        return {"merchant": merchant.id, "shop": shop.id, "product": product.id}
    finally:
        await db.close_db()


@pytest.fixture(scope="module")
def closed_shop(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, dict[str, int], datetime]]:
    tmp = tmp_path_factory.mktemp("pickup")
    server = LiveServer(f"sqlite://{tmp / 'live.sqlite3'}", CITY_DIR, tmp / "server.log")
    evening = _closed_evening()
    # the server (and every command run against it) lives at the closed evening, still moving
    # by the real wall clock: under `pytest --start-at` this process's own time already travels
    hatch = time_machine.escape_hatch
    wall = hatch.time.time() if hatch.is_travelling() else time.time()
    server.env[clock.SHIFT_ENV] = repr(evening.timestamp() - wall)
    server.taocity("db", "migrate")
    code = (
        "import asyncio, json; from tests.browser.test_order_pickup import _seed; "
        "print(json.dumps(asyncio.run(_seed())))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=server.env, cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    ids = json.loads(done.stdout.strip().splitlines()[-1])
    server.start()
    yield server, ids, evening
    server.stop()


def _page(browser: Browser, server: LiveServer, email: str, made: list[BrowserContext]) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    made.append(context)
    context.route("**/*", _only_our_server(server))
    page = context.new_page()
    page.goto(server.url + "/login")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def _fits(page: Page, name: str) -> None:
    """No sideways scrolling at 390 px, nor on a smaller phone (360×740)."""
    for size in (PHONE, SMALL):
        page.set_viewport_size(size)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {size['width']} px"
    page.set_viewport_size(PHONE)


def _shoot_screen(page: Page, name: str) -> None:
    """What the phone's screen shows (the fixed bars where they are), not the whole page."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.get_by_test_id("pickup-time").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _bar_clear_of_controls(page: Page) -> None:
    """The cart bar sits right above the tab bar, and scrolled to the end nothing is under it."""
    bar = page.get_by_test_id("cart-bar").bounding_box()
    tabs = page.locator(".tabbar").bounding_box()
    assert bar and tabs and abs((bar["y"] + bar["height"]) - tabs["y"]) < 1.5
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    covered = page.evaluate(
        """() => {
          const bar = document.querySelector('[data-cart-bar]').getBoundingClientRect();
          return [...document.querySelectorAll('main a, main button, main input, main select')]
            .filter(e => !e.closest('[data-cart-bar]') && e.offsetParent !== null)
            .filter(e => { const r = e.getBoundingClientRect();
                           return r.bottom > bar.top + 1 && r.top < bar.bottom - 1; })
            .map(e => e.outerHTML.slice(0, 80));
        }"""
    )
    assert covered == [], covered


def test_an_order_placed_while_closed_goes_through_each_step_to_pickup(
    browser: Browser, closed_shop: tuple[LiveServer, dict[str, int], datetime]
) -> None:
    server, ids, _evening = closed_shop
    made: list[BrowserContext] = []
    try:
        _journey(browser, server, ids, made)
    finally:
        for context in made:
            context.close()


def _journey(
    browser: Browser, server: LiveServer, ids: dict[str, int], made: list[BrowserContext]
) -> None:
    url = server.url
    resident = _page(browser, server, "pickup-fang@example.test", made)
    resident.goto(f"{url}/listings/{ids['shop']}")
    # before anything is paid: the shop is closed, the order is for tomorrow's opening
    expect(resident.get_by_test_id("pickup-closed")).to_have_text(
        "本店已打烊，最早 明天 09:20 可取"
    )
    expect(resident.get_by_test_id("pickup-select")).to_contain_text("尽快（明天 09:20）")
    product = resident.get_by_test_id("product").first
    product.get_by_role("button", name="增加").click()
    product.get_by_role("button", name="增加").click()
    bar = resident.get_by_test_id("cart-bar")
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("共 2 件")
    expect(bar).to_contain_text("¥30.00")
    _bar_clear_of_controls(resident)
    _fits(resident, "order-pickup-cart-zh")
    shoot(resident, "order-pickup-cart-zh")
    _shoot_screen(resident, "order-pickup-cart-bar-zh")
    resident.goto(f"{url}/listings/{ids['shop']}?lang=en")
    resident.get_by_test_id("product").first.get_by_role("button", name="More").click()
    expect(resident.get_by_test_id("cart-bar")).to_contain_text("1 item")
    expect(resident.get_by_test_id("pickup-closed")).to_contain_text("Tomorrow 09:20")
    _fits(resident, "order-pickup-cart-en")
    shoot(resident, "order-pickup-cart-en")
    _shoot_screen(resident, "order-pickup-cart-bar-en")
    resident.goto(f"{url}/listings/{ids['shop']}?lang=zh-CN")
    product = resident.get_by_test_id("product").first
    product.get_by_role("button", name="增加").click()
    product.get_by_role("button", name="增加").click()
    expect(resident.get_by_test_id("cart-bar")).to_contain_text("共 2 件")
    resident.get_by_test_id("cart-bar-order").click()
    expect(resident.get_by_test_id("pickup-at")).to_have_text("明天 09:20")
    expect(resident.get_by_test_id("pickup-closed")).to_have_text(
        "本店已打烊，订单将于 明天 09:20 可取"
    )
    _fits(resident, "order-pickup-held-zh")
    shoot(resident, "order-pickup-held-zh")
    resident.get_by_role("button", name="确认下单（取货时付款）").click()
    expect(resident.get_by_test_id("code")).to_have_text(re.compile(r"^[2-9B-Z]{4}-[2-9B-Z]{4}$"))
    code = resident.get_by_test_id("code").inner_text()
    order_url = resident.url

    merchant = _page(browser, server, "pickup-owner@example.test", made)
    merchant.goto(f"{url}/merchant/{ids['merchant']}/orders")
    card = merchant.locator("[data-testid^=order-]").first
    expect(card).to_contain_text("取货时间 明天 09:20")
    expect(merchant.get_by_test_id("count-new")).to_have_text("1")
    for button, state in (("接单", "已接单"), ("开始备货", "备货中"), ("备好待取", "待取货")):
        card.get_by_role("button", name=button).click()
        expect(card.locator(".state-chip")).to_have_text(state)
        expect(merchant.locator(".chip.is-active")).to_contain_text(state)
    _fits(merchant, "order-pickup-queue-zh")
    shoot(merchant, "order-pickup-queue-zh")
    merchant.goto(merchant.url.split("#")[0] + "&lang=en")
    expect(card.locator(".state-chip")).to_have_text("Ready to hand over")
    _fits(merchant, "order-pickup-queue-en")
    shoot(merchant, "order-pickup-queue-en")
    merchant.goto(merchant.url.replace("lang=en", "lang=zh-CN"))

    resident.goto(order_url)
    steps = resident.get_by_test_id("timeline-step")
    expect(steps).to_have_count(5)
    now_text = re.compile(r"\d\d-\d\d \d\d:\d\d")
    for i, label in enumerate(("新订单", "已接单", "备货中", "待取货")):
        expect(steps.nth(i)).to_contain_text(label)
        expect(steps.nth(i).locator("time")).to_have_text(now_text)
    expect(steps.nth(4)).to_contain_text("已取货")
    expect(steps.nth(4).locator("time")).to_have_text("")
    expect(resident.get_by_test_id("code-card")).to_contain_text("取货码")
    _fits(resident, "order-pickup-timeline-zh")
    shoot(resident, "order-pickup-timeline-zh")
    resident.goto(order_url + "?lang=en")
    expect(resident.get_by_test_id("timeline")).to_contain_text("Ready for pickup")
    _fits(resident, "order-pickup-timeline-en")
    shoot(resident, "order-pickup-timeline-en")
    resident.goto(order_url + "?lang=zh-CN")

    enter_code(merchant, code.lower())
    confirm_code(merchant)  # what was due at the store, received in full
    expect(merchant.get_by_test_id("redeemed")).to_contain_text("订单已交付")
    resident.reload()
    expect(resident.get_by_test_id("state")).to_have_text("已取货")
    expect(steps.nth(4).locator("time")).to_have_text(now_text)
    _fits(resident, "order-pickup-done-zh")
    shoot(resident, "order-pickup-done-zh")

    # a code entered for an order still new: the queue asks before it hands it over
    resident.goto(f"{url}/listings/{ids['shop']}")
    resident.get_by_test_id("product").first.get_by_role("button", name="增加").click()
    resident.get_by_test_id("cart-bar-order").click()
    resident.get_by_role("button", name="确认下单（取货时付款）").click()
    second = resident.get_by_test_id("code").inner_text()
    enter_code(merchant, second)
    ask = merchant.get_by_test_id("confirm-ready")
    expect(ask).to_contain_text("新订单")
    expect(ask).to_contain_text("确认已备好并立即交付")
    _fits(merchant, "order-pickup-confirm-ready-zh")
    shoot(merchant, "order-pickup-confirm-ready-zh")
    merchant.get_by_test_id("confirm-complete").click()
    expect(merchant.get_by_test_id("redeemed")).to_contain_text("订单已交付")
    resident.reload()
    expect(resident.get_by_test_id("state")).to_have_text("已取货")
    expect(steps).to_have_count(5)


if __name__ == "__main__":  # pragma: no cover - the seed runs in the server's environment
    print(json.dumps(asyncio.run(_seed())))
