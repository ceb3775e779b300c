"""Favourites in Chromium at 390×844 on the seeded demo city: a guest's heart leads to sign in;
a resident saves a listing from a search card, finds it on 我的收藏 and on the home page, removes
it from the listing page, and it is gone. Screenshots of home (guest and resident) and 我的收藏
in both languages."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import shoot
from tests.support.live_server import LiveServer

VIEWPORT = {"width": 390, "height": 844}
SMALL = {"width": 360, "height": 740}
PLACE = quote("31.7787,119.974,landmark,南大街", safe="")


@pytest.fixture
def phone390(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, is_mobile=True)
    context.add_cookies([{"name": "tc_place", "value": PLACE, "url": live_server.url}])
    page = context.new_page()
    yield page
    context.close()


def _fits(page: Page) -> None:
    # against the device's width: a phone's layout viewport grows with content that overflows
    width = (page.viewport_size or VIEWPORT)["width"]
    overflow = page.evaluate("document.documentElement.scrollWidth") - width
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def _both_languages(page: Page, url: str, name: str) -> None:
    """Shots in each language at 390×844 and 360×740; neither scrolls sideways."""
    for size in (VIEWPORT, SMALL):
        page.set_viewport_size(size)
        for lang in ("zh-CN", "en"):
            page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
            _fits(page)
            shoot(page, f"{name}-{size['width']}-{lang}")
    page.set_viewport_size(VIEWPORT)
    page.goto(f"{url}{'&' if '?' in url else '?'}lang=zh-CN")


def test_save_from_a_card_see_it_everywhere_then_remove_it(
    phone390: Page, live_server: LiveServer
) -> None:
    page = phone390
    base = live_server.url
    _both_languages(page, f"{base}/", "home-guest")
    expect(page.get_by_test_id("section-near")).to_be_visible()
    expect(page.get_by_test_id("section-favourites")).to_have_count(0)

    # a guest's heart: sign in first, then back to the results
    page.goto(f"{base}/search?q=面馆")
    page.get_by_test_id("result").first.get_by_test_id("heart").click()
    expect(page).to_have_url(f"{base}/login?next=%2Fsearch%3Fq%3D%25E9%259D%25A2%25E9%25A6%2586")

    page.goto(f"{base}/signup")
    page.fill("input[name=identifier]", "shoucang@example.test")
    page.fill("input[name=display_name]", "小藏")
    page.fill("input[name=password]", "correct horse battery")
    page.get_by_role("button", name="注册").click()

    page.goto(f"{base}/search?q=面馆")
    card = page.get_by_test_id("result").first
    name = card.locator(".result-name").inner_text()
    heart = card.get_by_test_id("heart")
    expect(heart).to_have_attribute("aria-pressed", "false")
    heart.click()
    expect(heart).to_have_attribute("aria-pressed", "true")  # saved without leaving the page
    expect(page).to_have_url(f"{base}/search?q=%E9%9D%A2%E9%A6%86")
    page.reload()
    expect(page.get_by_test_id("result").first.get_by_test_id("heart")).to_have_attribute(
        "aria-pressed", "true"
    )

    page.goto(f"{base}/me")
    page.get_by_test_id("my-favourites-link").click()
    expect(page).to_have_url(f"{base}/me/favourites")
    saved = page.get_by_test_id("favourites").get_by_test_id("result")
    expect(saved).to_have_count(1)
    expect(saved.first.locator(".result-name")).to_have_text(name)
    expect(saved.first.get_by_test_id("distance")).to_be_visible()
    _both_languages(page, f"{base}/me/favourites", "favourites")

    page.goto(f"{base}/")
    favourites = page.get_by_test_id("section-favourites")
    expect(favourites.locator(".result-name")).to_have_text([name])
    _both_languages(page, f"{base}/", "home-resident")

    # unsave from the listing page: the count goes down, and it is gone everywhere
    favourites.get_by_test_id("result").first.locator(".result-link").click()
    block = page.get_by_test_id("listing-favourite")
    count = int(block.get_by_test_id("favourite-count").inner_text())
    assert count >= 1
    block.get_by_test_id("heart").click()
    expect(block.get_by_test_id("heart")).to_have_attribute("aria-pressed", "false")
    expect(block.get_by_test_id("favourite-count")).to_have_text(str(count - 1))
    _fits(page)
    shoot(page, "listing-unsaved-390-zh-CN")
    page.goto(f"{base}/me/favourites")
    expect(page.get_by_test_id("empty-state")).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_test_id("section-favourites").get_by_test_id("result")).to_have_count(0)
    expect(page.get_by_test_id("section-recent").locator(".result-name").first).to_have_text(name)
