"""A resident orders from a shop for pickup in a real browser: two boxes with the stepper, the
order held with its countdown, confirmed to pay at pickup, the code and QR shown; then the same
order in English. Screenshots at 390×844 and 1280×800: order-*.png."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, BrowserContext, Route, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.browser.test_booking_pages import contexts, resident_page  # noqa: F401
from tests.support.bookables import resident_pages_seed
from tests.support.live_server import LiveServer


def test_order_for_pickup_confirm_and_see_the_code(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],  # noqa: F811
) -> None:
    ids = resident_pages_seed(live_server.env, "shop", "4")
    page = resident_page(browser, contexts, live_server, "fang@example.test", "小方")
    page.goto(f"{live_server.url}/listings/{ids['listing']}")
    product = page.get_by_test_id("product").first
    expect(product).to_contain_text("仅剩 4 件")
    product.get_by_role("button", name="增加").click()
    product.get_by_role("button", name="增加").click()
    expect(product.locator("input[type=number]")).to_have_value("2")
    expect(page.locator("[data-cart-total] strong")).to_have_text("¥30.00")
    expect(page.get_by_label("到店自取")).to_be_checked()
    page.get_by_test_id("cart").scroll_into_view_if_needed()
    shoot(page, "order-cart-phone-zh")
    page.get_by_test_id("order-button").click()
    expect(page).to_have_url(re.compile(r".*/me/orders/\d+$"))
    expect(page.get_by_test_id("countdown")).to_contain_text("剩余")
    expect(page.get_by_test_id("amount")).to_have_text("¥30.00")
    shoot(page, "order-held-phone-zh")
    page.get_by_role("button", name="确认下单（取货时付款）").click()
    expect(page.get_by_test_id("code")).to_have_text(re.compile(r"^[2-9B-Z]{4}-[2-9B-Z]{4}$"))
    expect(page.locator("[data-testid=qr] svg")).to_be_visible()
    shoot(page, "order-confirmed-phone-zh")
    page.set_viewport_size(DESKTOP)
    shoot(page, "order-confirmed-desktop-zh")

    page.goto(page.url + "?lang=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_text("Pickup code: show it when you collect")).to_be_visible()
    expect(page.get_by_test_id("state")).to_have_text("Placed")
    shoot(page, "order-confirmed-desktop-en")
    page.goto(live_server.url + "/me/orders")
    expect(page.get_by_test_id("order-row")).to_contain_text("Yangshan peaches, a box ×2")
    shoot(page, "order-list-desktop-en")


def test_too_many_is_explained_next_to_the_product(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],  # noqa: F811
) -> None:
    ids = resident_pages_seed(live_server.env, "shop", "2")
    page = resident_page(browser, contexts, live_server, "gu@example.test", "小顾")
    page.goto(f"{live_server.url}/listings/{ids['listing']}")
    product = page.get_by_test_id("product").first
    # typed past the stepper's limit (a stale page would allow it): the shop refuses it
    product.locator("input[type=number]").evaluate("input => { input.max = 9; input.value = 5 }")
    page.get_by_test_id("order-button").click()
    expect(page.get_by_test_id("product").first.locator(".field-error")).to_contain_text(
        "只剩 2 件了"
    )
    page.get_by_test_id("cart").scroll_into_view_if_needed()
    shoot(page, "order-too-many-phone-zh")


def test_the_cart_total_is_the_servers_quote_and_nothing_when_it_fails(
    browser: Browser,
    live_server: LiveServer,
    contexts: list[BrowserContext],  # noqa: F811
) -> None:
    ids = resident_pages_seed(live_server.env, "shop", "6")
    page = resident_page(browser, contexts, live_server, "lu@example.test", "小陆")
    asked: list[dict[str, object]] = []

    def quoted(route: Route) -> None:
        # a figure the page could not have worked out from the prices it shows
        asked.append(json.loads(route.request.post_data or "{}"))
        body = {"lines": [], "amount_due": 4321, "amount_due_text": "¥43.21", "currency": "CNY"}
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page.route("**/api/v1/orders/quote", quoted)
    page.goto(f"{live_server.url}/listings/{ids['listing']}")
    total = page.locator("[data-cart-total]")
    expect(total).to_be_hidden()  # an empty cart has no total and asks for none
    product = page.get_by_test_id("product").first
    product.get_by_role("button", name="增加").click()
    expect(total.locator("strong")).to_have_text("¥43.21")
    assert asked[-1]["lines"] == [{"offering_id": ids["offering"], "quantity": 1}]
    assert asked[-1]["fulfilment"] == "pickup"

    # the server says delivery costs more: the page shows what the server says
    page.unroute("**/api/v1/orders/quote")
    page.locator("label.radio-chip", has=page.locator("input[value=delivery]")).click()
    expect(total.locator("strong")).to_have_text("¥20.00")  # ¥15 and the ¥5 delivery fee

    # no answer: no figure rather than a wrong one
    page.route("**/api/v1/orders/quote", lambda route: route.abort())
    product.get_by_role("button", name="增加").click()
    expect(total).to_be_hidden()
    expect(product.locator("input[type=number]")).to_have_value("2")
