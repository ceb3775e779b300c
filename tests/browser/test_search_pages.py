"""The results page in Chromium on the seeded, indexed demo city: list, map, switch, location
fallback, suggestions and the empty state, with screenshots at phone and desktop sizes."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.support.live_server import LiveServer

CENTRE = "lat=31.7787&lng=119.974"
TIANMU_LAKE = "lat=31.305&lng=119.44"  # far from the centre, where few listings are


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def test_desktop_list_and_map_side_by_side(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/search?q=面馆&{CENTRE}&sort=distance")
    cards = page.get_by_test_id("result")
    expect(cards.first).to_be_visible()
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    assert page.locator(".leaflet-marker-icon").count() == cards.count()
    listing = cards.first.bounding_box()
    map_box = page.get_by_test_id("search-map").bounding_box()
    assert listing and map_box and map_box["x"] > listing["x"] + listing["width"] - 1
    expect(page.get_by_test_id("distance").first).to_be_visible()
    shoot(page, "search-desktop-results")
    page.locator(".leaflet-marker-icon").first.click()
    expect(page.locator(".result.highlight")).to_have_count(1)
    context.close()


def test_phone_list_then_map(phone: Page, live_server: LiveServer) -> None:
    phone.goto(f"{live_server.url}/search?q=面馆")
    expect(phone.get_by_test_id("result").first).to_be_visible()
    expect(phone.get_by_test_id("search-map")).to_be_hidden()
    _no_horizontal_scroll(phone)
    shoot(phone, "search-phone-list")
    phone.get_by_test_id("view-map").click()
    expect(phone.get_by_test_id("search-map")).to_be_visible()
    expect(phone.get_by_test_id("result").first).to_be_hidden()
    expect(phone.locator(".leaflet-marker-icon").first).to_be_visible()
    # every pin lands inside the map's box once the hidden map has been measured again
    box = phone.get_by_test_id("search-map").bounding_box()
    for pin in phone.locator(".leaflet-marker-icon").all():
        spot = pin.bounding_box()
        assert box and spot and box["x"] <= spot["x"] <= box["x"] + box["width"]
        assert box["y"] <= spot["y"] <= box["y"] + box["height"]
    shoot(phone, "search-phone-map")


def test_location_refused_offers_places(phone: Page, live_server: LiveServer) -> None:
    # /nearby without a place asks where; a district or landmark answers without the browser
    phone.goto(f"{live_server.url}/nearby")
    expect(phone.locator("main").get_by_test_id("place-chooser")).to_be_visible()
    phone.locator("main").get_by_test_id("place-landmarks").locator("button").first.click()
    phone.wait_for_url("**/nearby")
    expect(phone.get_by_test_id("result").first).to_be_visible()
    assert "km" in phone.get_by_test_id("distance").first.inner_text() or "m" in (
        phone.get_by_test_id("distance").first.inner_text()
    )


def test_empty_state_widens(phone: Page, live_server: LiveServer) -> None:
    phone.goto(f"{live_server.url}/search?q=月嫂&{TIANMU_LAKE}&radius_m=1000")
    empty = phone.get_by_test_id("empty-state")
    expect(empty).to_contain_text("附近 1 公里内没有找到「月嫂」，试试扩大范围？")
    shoot(phone, "search-phone-empty")
    phone.get_by_test_id("widen").click()
    phone.wait_for_url("**radius_m=3000**")


def test_empty_state_on_desktop(browser: Browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    page.goto(f"{live_server.url}/search?q=月嫂&{TIANMU_LAKE}&radius_m=1000")
    expect(page.get_by_test_id("empty-state")).to_contain_text("试试扩大范围")
    expect(page.get_by_test_id("search-map")).to_be_visible()  # the map still shows where
    shoot(page, "search-desktop-empty")
    context.close()


def test_suggestions_as_you_type(browser: Browser, live_server: LiveServer) -> None:
    for name, viewport in (("phone", {"width": 375, "height": 812}), ("desktop", DESKTOP)):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{live_server.url}/search")
        page.get_by_test_id("search-q").press_sequentially("面")
        suggestions = page.get_by_test_id("suggestions")
        expect(suggestions).to_be_visible()
        expect(suggestions.locator("a").first).to_be_visible()
        assert suggestions.locator("a").count() <= 8
        shoot(page, f"search-{name}-suggestions")
        context.close()
