"""The public listing page and the operator console in a real browser, with screenshots.

The live server holds the demo catalogue; listings are found over HTTP, one per vertical. The
machine has no internet, so map tiles fail: these tests also show the page copes with that.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from marketplace.demo.seed import OPERATOR
from tests.browser.conftest import DESKTOP, PHONE, shoot
from tests.support.import_files import import_csv
from tests.support.live_server import LiveServer
from tests.web.merchant_helpers import APPLICATION

VERTICALS = ("restaurant", "housekeeping", "tutoring", "shop")
_VERTICAL = re.compile(r'class="listing-layout" data-vertical="(\w+)"')


@pytest.fixture(scope="module")
def listing_ids(live_server: LiveServer) -> dict[str, int]:
    """The first published demo listing of each vertical, found by asking the pages."""
    found: dict[str, int] = {}
    for listing_id in range(1, 200):
        try:
            with urllib.request.urlopen(f"{live_server.url}/listings/{listing_id}") as response:
                match = _VERTICAL.search(response.read().decode())
        except urllib.error.HTTPError:
            continue
        if match and match.group(1) not in found:
            found[match.group(1)] = listing_id
        if len(found) == len(VERTICALS):
            return found
    raise AssertionError(f"demo data lacks a vertical: found {sorted(found)}")


def _no_horizontal_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the screen"


def _map_is_below_the_header(page: Page) -> None:
    header = page.locator(".listing-head").bounding_box()
    map_box = page.locator("#listing-map").bounding_box()
    assert header is not None and map_box is not None
    overlaps_vertically = map_box["y"] < header["y"] + header["height"]
    overlaps_horizontally = map_box["x"] < header["x"] + header["width"]
    assert not (overlaps_vertically and overlaps_horizontally), "the map covers the header"


@pytest.mark.parametrize("vertical", VERTICALS)
def test_listing_page_per_vertical(
    phone: Page, live_server: LiveServer, listing_ids: dict[str, int], vertical: str
) -> None:
    phone.goto(f"{live_server.url}/listings/{listing_ids[vertical]}")
    expect(phone.locator("h1.listing-name")).to_be_visible()
    expect(phone.locator("[data-testid=listing-map]")).to_be_visible()
    # Leaflet started and drew the point even though no tile can load here
    expect(phone.locator("#listing-map[data-ready=true]")).to_be_attached()
    expect(phone.locator("#listing-map .leaflet-interactive").first).to_be_attached()
    # a shop's products are its cart: each with a quantity stepper
    item = "product" if vertical == "shop" else "offering"
    expect(phone.locator(f"[data-testid={item}]").first).to_be_visible()
    if vertical == "housekeeping":
        # the service area and the point: two vector shapes
        expect(phone.locator("#listing-map .leaflet-overlay-pane path")).to_have_count(2)
        expect(phone.locator(".map-legend")).to_be_visible()
    _no_horizontal_scroll(phone)
    _map_is_below_the_header(phone)
    shoot(phone, f"listing-{vertical}-phone-zh")
    phone.set_viewport_size(DESKTOP)
    _map_is_below_the_header(phone)
    shoot(phone, f"listing-{vertical}-desktop-zh")
    phone.set_viewport_size(PHONE)


def test_listing_page_in_english_and_not_found(
    phone: Page, live_server: LiveServer, listing_ids: dict[str, int]
) -> None:
    phone.goto(f"{live_server.url}/listings/{listing_ids['tutoring']}?lang=en")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", name="Opening hours")).to_be_visible()
    shoot(phone, "listing-tutoring-phone-en")
    response = phone.goto(f"{live_server.url}/listings/987654?lang=zh-CN")
    assert response is not None and response.status == 404
    expect(phone.get_by_text("这家商户或服务不存在")).to_be_visible()
    shoot(phone, "listing-not-found-phone-zh")


# --- operator console --------------------------------------------------------------------------


def _apply_for(browser: Browser, live_server: LiveServer, email: str, name: str) -> None:
    """A resident signs up and applies through the JSON API, in a browser context of their own."""
    context = browser.new_context()
    try:
        signup = context.request.post(
            f"{live_server.url}/api/v1/auth/signup",
            data={
                "identifier": email,
                "password": "resident-password-2026",
                "display_name": "王阿姨",
            },
        )
        assert signup.ok, signup.text()
        applied = context.request.post(
            f"{live_server.url}/api/v1/merchants",
            data={**APPLICATION, "name": {"zh-CN": name, "en": "Golden Home Care"}},
            headers={"X-CSRF-Token": signup.json()["csrf_token"]},
        )
        assert applied.status == 201, applied.text()
    finally:
        context.close()


def _sign_in_operator(page: Page, live_server: LiveServer, target: str) -> None:
    page.goto(f"{live_server.url}/login?next={target}")
    page.fill("input[name=identifier]", OPERATOR.email)
    page.fill("input[name=password]", OPERATOR.password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{live_server.url}{target}")


def _both_sizes(page: Page, name: str) -> None:
    _no_horizontal_scroll(page)
    shoot(page, f"{name}-phone-zh")
    page.set_viewport_size(DESKTOP)
    shoot(page, f"{name}-desktop-zh")
    page.set_viewport_size(PHONE)


def test_operator_approves_an_application(
    browser: Browser, phone: Page, live_server: LiveServer
) -> None:
    _apply_for(browser, live_server, "ayi@example.test", "金牌家政南大街店")
    _sign_in_operator(phone, live_server, "/ops/merchants")
    card = phone.locator("[data-testid=application]", has_text="金牌家政南大街店")
    expect(card).to_be_visible()
    expect(card.get_by_text("家政 · 日常保洁")).to_be_visible()
    _both_sizes(phone, "ops-merchants")

    card.get_by_role("button", name="拒绝").click()  # no reason given
    card = phone.locator("[data-testid=application]", has_text="金牌家政南大街店")
    expect(card.get_by_text("必填：申请人会看到原因")).to_be_visible()
    shoot(phone, "ops-merchants-reason-missing-phone-zh")

    card.get_by_role("button", name="通过").click()
    expect(phone).to_have_url(f"{live_server.url}/ops/merchants?done=approved")
    expect(phone.get_by_text("已通过申请，并已通知申请人。")).to_be_visible()
    expect(phone.locator("[data-testid=application]", has_text="金牌家政南大街店")).to_have_count(0)
    shoot(phone, "ops-merchants-approved-phone-zh")


def test_dashboard_listings_history_and_moderation(
    phone: Page, live_server: LiveServer, listing_ids: dict[str, int]
) -> None:
    _sign_in_operator(phone, live_server, "/ops")
    expect(phone.get_by_text("待审核的入驻申请").first).to_be_visible()
    _both_sizes(phone, "ops-dashboard")

    phone.goto(f"{live_server.url}/ops/listings")
    expect(phone.locator("[data-testid=ops-listing]").first).to_be_visible()
    _both_sizes(phone, "ops-listings")

    target = listing_ids["restaurant"]
    phone.goto(f"{live_server.url}/listings/{target}")
    name = phone.locator("h1.listing-name").inner_text()
    phone.goto(f"{live_server.url}/ops/listings")
    phone.get_by_placeholder("名称或商户名").fill(name[:4])
    phone.get_by_role("button", name="搜索").last.click()
    row = phone.locator(f"#listing-{target}")
    row.get_by_text("下架", exact=True).click()  # unfolds the reason field
    row.get_by_label("下架原因").fill("图片与实际不符")
    shoot(phone, "ops-listings-hide-phone-zh")
    row.get_by_role("button", name="确认下架").click()
    expect(phone.get_by_text("已下架，并已告知商家原因。")).to_be_visible()
    row = phone.locator(f"#listing-{target}")
    expect(row.get_by_text("运营下架：图片与实际不符")).to_be_visible()

    row.get_by_role("link", name="变更记录").click()
    expect(phone.get_by_text("已发布 → 已下架")).to_be_visible()
    _both_sizes(phone, "ops-history")

    phone.goto(f"{live_server.url}/ops/listings?status=hidden")
    phone.locator(f"#listing-{target}").get_by_role("button", name="恢复上架").click()
    expect(phone.get_by_text("已恢复上架，现在公开可见。")).to_be_visible()
    response = phone.goto(f"{live_server.url}/listings/{target}")
    assert response is not None and response.status == 200


def test_import_page_reports_rejected_rows(
    phone: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    text, bad = import_csv(6, bad_every=3)
    csv_file = tmp_path / "merchants.csv"
    csv_file.write_text(text, encoding="utf-8")
    _sign_in_operator(phone, live_server, "/ops/import")
    _both_sizes(phone, "ops-import")
    phone.set_input_files("input[name=file]", str(csv_file))
    phone.get_by_role("button", name="导入").click()  # dry run is ticked by default
    report = phone.locator("[data-testid=import-report]")
    expect(report.get_by_text("试运行：没有保存任何数据")).to_be_visible()
    expect(report.locator("tbody tr")).to_have_count(len(bad))
    expect(report.locator("[data-testid=rejected]")).to_have_text(str(len(bad)))
    _both_sizes(phone, "ops-import-report")
