"""Place, everywhere: a guest picks 南大街 from the header and search, /nearby and the home page
use it; "use my position" with and without the browser's answer; a resident saves 家 and finds it
again in a new session. Screenshots of the chooser and /nearby at 390×844 in both languages."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import shoot
from tests.support.live_server import LiveServer

PHONE_390 = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"


def _phone(browser: Browser, **options: object) -> Page:
    context = browser.new_context(
        viewport=PHONE_390, device_scale_factor=1, is_mobile=True, **options
    )
    return context.new_page()


def _metres(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+) (m|km)", text.strip()).groups()  # type: ignore[union-attr]
    return float(number) * (1000 if unit == "km" else 1)


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def _pick_in_header(page: Page, name: str) -> None:
    page.get_by_test_id("city-picker").click()
    panel = page.locator(".city-panel")
    expect(panel).to_be_visible()
    panel.get_by_role("button", name=name, exact=True).click()


def test_a_guest_picks_nandajie_and_every_page_uses_it(
    browser: Browser, live_server: LiveServer
) -> None:
    page = _phone(browser)
    page.goto(live_server.url + "/")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("你在哪里？")
    page.get_by_test_id("city-picker").click()
    expect(page.locator(".city-panel").get_by_test_id("place-chooser")).to_be_visible()
    _no_sideways_scroll(page)
    shoot(page, "place-chooser-phone-zh")
    page.locator(".city-panel").get_by_role("button", name="南大街", exact=True).click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("在 南大街 附近")

    page.goto(live_server.url + "/search?q=面馆")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("在 南大街 附近")
    expect(page.get_by_test_id("distance").first).to_be_visible()

    page.goto(live_server.url + "/nearby")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("在 南大街 附近")
    expect(page.get_by_test_id("result").first).to_be_visible()
    distances = [_metres(t) for t in page.get_by_test_id("distance").all_inner_texts()]
    assert distances and len(distances) == page.get_by_test_id("result").count()
    assert distances == sorted(distances)
    _no_sideways_scroll(page)
    shoot(page, "place-nearby-phone-zh")

    page.get_by_role("link", name="营业中优先").click()
    badges = page.get_by_test_id("open-badge").evaluate_all(
        "els => els.map(e => e.classList.contains('is-open'))"
    )
    assert badges == sorted(badges, reverse=True)

    page.goto(live_server.url + "/nearby?lang=en")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text(
        "Near Nandajie Shopping Street"
    )
    _no_sideways_scroll(page)
    shoot(page, "place-nearby-phone-en")
    page.get_by_test_id("city-picker").click()
    expect(page.locator(".city-panel").get_by_text("Landmarks")).to_be_visible()
    shoot(page, "place-chooser-phone-en")
    page.goto(live_server.url + "/place?next=/nearby")
    _no_sideways_scroll(page)
    shoot(page, "place-page-phone-en")
    page.context.close()


def test_nearby_without_a_place_asks_where(browser: Browser, live_server: LiveServer) -> None:
    page = _phone(browser)
    page.goto(live_server.url + "/nearby")
    expect(page.locator("main").get_by_test_id("place-chooser")).to_be_visible()
    expect(page.get_by_test_id("result")).to_have_count(0)
    shoot(page, "place-nearby-ask-phone-zh")
    page.locator("main").get_by_role("button", name="天宁区", exact=True).click()
    expect(page).to_have_url(re.compile(r"/nearby$"))
    expect(page.get_by_test_id("distance").first).to_be_visible()
    page.context.close()


def test_use_my_position(browser: Browser, live_server: LiveServer) -> None:
    page = _phone(
        browser,
        geolocation={"latitude": 31.7787, "longitude": 119.974},
        permissions=["geolocation"],
    )
    page.goto(live_server.url + "/place?next=/nearby")
    page.locator("main").get_by_test_id("place-here").click()
    expect(page).to_have_url(re.compile(r"/nearby$"))
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("天宁区")
    page.context.close()

    refused = _phone(browser)  # no permission: the browser says no
    refused.goto(live_server.url + "/place")
    refused.locator("main").get_by_test_id("place-here").click()
    expect(refused.locator("main [data-place-status]")).to_contain_text(
        "无法获取你的位置", timeout=15000
    )
    refused.context.close()


def test_a_pin_dropped_on_the_map(browser: Browser, live_server: LiveServer) -> None:
    page = _phone(browser)
    page.goto(live_server.url + "/place")
    page.locator("main").get_by_role("button", name="红梅公园", exact=True).click()
    page.goto(live_server.url + "/place/pin?next=/")
    box = page.get_by_test_id("pin-map")
    expect(box).to_have_attribute("data-ready", "true")
    box.click()
    expect(box).to_have_attribute("data-pinned", "true")
    shoot(page, "place-pin-phone-zh")
    page.get_by_test_id("pin-submit").click()
    expect(page).to_have_url(live_server.url + "/")
    expect(page.locator("main").get_by_test_id("place-line")).to_contain_text("附近")
    page.context.close()


def test_a_resident_saves_home_and_finds_it_next_time(
    browser: Browser, live_server: LiveServer
) -> None:
    page = _phone(browser)
    page.goto(live_server.url + "/signup")
    page.fill("input[name=identifier]", "jia@example.test")
    page.fill("input[name=display_name]", "小佳")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.goto(live_server.url + "/")
    _pick_in_header(page, "南大街")
    page.goto(live_server.url + "/me")
    page.get_by_test_id("me-addresses").click()
    page.get_by_test_id("address-label").fill("家")
    box = page.get_by_test_id("pin-map")
    expect(box).to_have_attribute("data-ready", "true")
    box.click()
    page.get_by_test_id("address-save").click()
    saved = page.get_by_test_id("saved-address")
    expect(saved).to_have_count(1)
    expect(saved).to_contain_text("家")
    expect(page.get_by_test_id("serves-badge")).to_be_visible()
    page.get_by_role("button", name="设为当前位置").click()
    shoot(page, "place-addresses-phone-zh")
    page.context.close()

    again = _phone(browser)  # a new session: nothing in cookies, the account remembers
    again.goto(live_server.url + "/login")
    again.fill("input[name=identifier]", "jia@example.test")
    again.fill("input[name=password]", PASSWORD)
    again.get_by_role("button", name="登录").click()
    again.goto(live_server.url + "/")
    expect(again.locator("main").get_by_test_id("place-line")).to_contain_text("在 家 附近")
    again.get_by_test_id("city-picker").click()
    expect(again.locator(".city-panel").get_by_test_id("place-chooser")).to_be_visible()
    again.goto(live_server.url + "/search")
    expect(again.get_by_text("上门到家")).to_be_visible()
    again.context.close()
