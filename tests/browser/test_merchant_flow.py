"""A resident becomes a merchant in a real browser: applies, is approved by an operator, lists a
housekeeping service with a radius and a shop with a drawn delivery area and two products,
publishes both, and the public pages show them. Every merchant page is photographed on a
375 px phone and a 1280 px desktop (test-artifacts/screenshots/merchant-*.png)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import DESKTOP, PHONE, shoot
from tests.support.live_server import LiveServer

PASSWORD = "correct horse battery"
OPERATOR = "ops-review@example.test"
OPERATOR_PASSWORD = "operator-password-2026"


def _only_our_server(server: LiveServer):  # type: ignore[no-untyped-def]
    # no internet here: map tiles are refused at once instead of waiting on DNS
    def handle(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            route.abort()

    return handle


@pytest.fixture
def merchant_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.route("**/*", _only_our_server(live_server))
    page = context.new_page()
    yield page
    context.close()


def both(page: Page, name: str) -> None:
    """Photograph the page on a phone and on a desktop; it must never scroll sideways."""
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        # from the top: sticky bars are drawn where the window is, even in a full-page shot
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(150)  # let the map measure its new box
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {size['width']} px"
        shoot(page, f"merchant-{name}-{suffix}")
    page.set_viewport_size(PHONE)


def sign_up(page: Page, server: LiveServer, identifier: str, name: str) -> None:
    page.goto(server.url + "/signup")
    page.fill("input[name=identifier]", identifier)
    page.fill("input[name=display_name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="注册").click()
    page.wait_for_url(server.url + "/")


def approve_as_operator(browser: Browser, server: LiveServer, business: str) -> None:
    server.taocity(
        "operator",
        "create",
        OPERATOR,
        "--name",
        "审核员小周",
        "--password-stdin",
        stdin=OPERATOR_PASSWORD + "\n",
    )
    context = browser.new_context(viewport=DESKTOP)
    context.route("**/*", _only_our_server(server))
    ops = context.new_page()
    ops.goto(server.url + "/login?next=/ops/merchants")
    ops.fill("input[name=identifier]", OPERATOR)
    ops.fill("input[name=password]", OPERATOR_PASSWORD)
    ops.get_by_role("button", name="登录").click()
    card = ops.locator("[data-testid=application]", has_text=business)
    expect(card).to_be_visible()
    shoot(ops, "merchant-ops-review-desktop")
    card.get_by_role("button", name="通过").click()
    expect(ops.locator("[data-testid=application]", has_text=business)).to_have_count(0)
    context.close()


def tap_map(page: Page, selector: str, x: int, y: int) -> None:
    page.locator(selector).click(position={"x": x, "y": y})


def test_a_resident_becomes_a_merchant_and_lists_two_businesses(
    merchant_page: Page, browser: Browser, live_server: LiveServer
) -> None:
    page, url = merchant_page, live_server.url
    sign_up(page, live_server, "13900001111", "陈老板")
    page.goto(url + "/merchant")
    expect(page).to_have_url(url + "/merchant/apply")
    expect(page.get_by_role("heading", name="入驻淘常州")).to_be_visible()

    # a first try with mistakes: each is named next to its field, in Chinese, typed text kept
    page.fill("#f-name-zh-CN", "陈记家政")
    page.fill("#f-contact_phone", "123")
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_text("请从列表中选择分类。")).to_be_visible()
    expect(page.get_by_text("请输入手机号，如 138 0000 0000。")).to_be_visible()
    expect(page.locator("#f-name-zh-CN")).to_have_value("陈记家政")
    both(page, "apply-errors")

    page.fill("#f-name-en", "Chen Housekeeping")
    page.select_option("#f-kind", "housekeeping:cleaning")
    page.fill("#f-contact_name", "陈先生")
    page.fill("#f-contact_phone", "13900001111")
    page.fill("#f-address-zh-CN", "天宁区延陵西路 8 号")
    # the point is picked on the map: its centre is the city centre, inside the city
    map_box = page.locator(".js-point-map").bounding_box()
    assert map_box is not None
    tap_map(page, ".js-point-map", int(map_box["width"] / 2), int(map_box["height"] / 2))
    expect(page.locator("#f-lat")).not_to_have_value("")
    both(page, "apply")
    page.get_by_role("button", name="提交申请").click()
    # the application page says so (the top bar's chip is hidden on phones)
    expect(page.locator("main").get_by_text("审核中").first).to_be_visible()
    merchant_id = int(re.search(r"/merchant/(\d+)/application", page.url).group(1))  # type: ignore[union-attr]
    both(page, "application-pending")

    approve_as_operator(browser, live_server, "陈记家政")

    page.goto(f"{url}/merchant")
    expect(page).to_have_url(f"{url}/merchant/{merchant_id}")
    expect(page.get_by_text("「陈记家政」的入驻申请已通过")).to_be_visible()
    both(page, "dashboard-approved")

    # a housekeeping listing that serves a 3 km radius
    page.select_option("#f-new-vertical", "housekeeping")
    page.get_by_role("button", name="创建").click()
    page.select_option("#f-category", "deep_cleaning")
    page.fill("#f-name-zh-CN", "陈记深度保洁")
    page.fill("#f-name-en", "Chen Deep Cleaning")
    page.fill("#f-description-zh-CN", "专业团队，自带工具。")
    page.fill("#f-lat", "31.7787")
    page.fill("#f-lng", "119.9740")
    page.fill("#f-attributes-min_notice_hours", "12")
    page.get_by_text("按半径").click()
    page.fill("#f-attributes-service_radius_m", "3000")
    page.get_by_role("button", name="每天都和周一相同").click()
    both(page, "listing-new-housekeeping")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    housekeeping_id = int(re.search(r"/listings/(\d+)/offerings", page.url).group(1))  # type: ignore[union-attr]

    page.fill("#new-f-name-zh-CN", "深度保洁 4小时")
    page.fill("#new-price", "399.5")
    page.fill("#new-duration", "240")
    page.get_by_role("button", name="添加服务").last.click()
    expect(page.get_by_role("heading", name="深度保洁 4小时")).to_be_visible()
    expect(page.get_by_text("¥399.50")).to_be_visible()
    both(page, "offerings-housekeeping")
    page.get_by_role("button", name="发布").click()

    # a shop that delivers inside an area drawn by tapping four corners
    page.goto(f"{url}/merchant/{merchant_id}")
    page.select_option("#f-new-vertical", "shop")
    page.get_by_role("button", name="创建").click()
    page.select_option("#f-category", "bakery")
    page.fill("#f-name-zh-CN", "陈记面包房")
    page.fill("#f-name-en", "Chen Bakery")
    page.fill("#f-lat", "31.7787")
    page.fill("#f-lng", "119.9740")
    expect(page.locator("#service-area")).to_be_hidden()
    page.get_by_text("送货上门").click()
    expect(page.locator("#service-area")).to_be_visible()
    page.get_by_text("在地图上画").click()
    area = page.locator(".js-area-map")
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    w, h = box["width"], box["height"]
    for x, y in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.5, 0.9)):
        tap_map(page, ".js-area-map", int(w * x), int(h * y))
    page.get_by_role("button", name="撤销").click()
    expect(page.locator("#area-count")).to_have_text("4")
    drawn = json.loads(page.locator("#f-service_area").input_value())
    assert drawn["type"] == "Polygon" and len(drawn["coordinates"][0]) == 5
    both(page, "listing-new-shop")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    shop_id = int(re.search(r"/listings/(\d+)/offerings", page.url).group(1))  # type: ignore[union-attr]

    for name, price, stock in (("全麦吐司", "12.5", "30"), ("奶油泡芙", "6", "48")):
        page.fill("#new-f-name-zh-CN", name)
        page.fill("#new-price", price)
        page.fill("#new-stock", stock)
        page.get_by_role("button", name="添加商品").last.click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    # a price below the fen is refused, in Chinese, and what was typed stays
    page.fill("#new-f-name-zh-CN", "法棍")
    page.fill("#new-price", "9.999")
    page.fill("#new-stock", "5")
    page.get_by_role("button", name="添加商品").last.click()
    expect(page.get_by_text("最多 2 位小数。")).to_be_visible()
    expect(page.locator("#new-price")).to_have_value("9.999")
    both(page, "offerings-shop")
    page.get_by_role("button", name="发布").click()

    page.goto(f"{url}/merchant/{merchant_id}")
    expect(page.locator(f"[data-testid=listing-{housekeeping_id}]")).to_contain_text("已发布")
    expect(page.locator(f"[data-testid=listing-{shop_id}]")).to_contain_text("已发布")
    both(page, "dashboard-published")

    page.goto(f"{url}/merchant/listings/{shop_id}")
    expect(page.locator("#f-name-zh-CN")).to_have_value("陈记面包房")
    both(page, "listing-edit-shop")
    page.goto(f"{url}/merchant/{merchant_id}/staff")
    page.fill("#f-identifier", "13900002222")
    page.get_by_role("button", name="创建邀请").click()
    expect(page.locator("[data-testid=invite-link]")).to_be_visible()
    invite_link = page.locator("[data-testid=invite-link]").input_value()
    both(page, "staff")

    # what residents see
    page.goto(f"{url}/listings/{housekeeping_id}")
    expect(page.get_by_role("heading", name="陈记深度保洁")).to_be_visible()
    expect(page.get_by_text("深度保洁 4小时")).to_be_visible()
    both(page, "public-housekeeping")
    page.goto(f"{url}/listings/{shop_id}")
    expect(page.get_by_role("heading", name="陈记面包房")).to_be_visible()
    expect(page.get_by_text("全麦吐司")).to_be_visible()
    expect(page.get_by_text("奶油泡芙")).to_be_visible()
    expect(page.get_by_text("法棍")).to_have_count(0)
    both(page, "public-shop")

    # the other forms and pages of the merchant centre, photographed too
    page.goto(f"{url}/merchant/{merchant_id}/listings/new?vertical=restaurant")
    expect(page.get_by_text("人均消费（元）")).to_be_visible()
    expect(page.locator("#service-area")).to_have_count(0)
    both(page, "listing-new-restaurant")
    page.goto(f"{url}/merchant/{merchant_id}/listings/new?vertical=tutoring")
    expect(page.locator("#service-area")).to_be_hidden()
    page.get_by_text("上门授课").click()
    expect(page.locator("#service-area")).to_be_visible()
    both(page, "listing-new-tutoring")

    # a refused action explains itself: publishing what is already published
    page.goto(f"{url}/merchant/{merchant_id}")
    page.evaluate(
        """(path) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = path;
            form.appendChild(document.querySelector("input[name=csrf_token]").cloneNode());
            document.body.appendChild(form);
            form.submit();
        }""",
        f"/merchant/listings/{shop_id}/publish",
    )
    expect(page.get_by_text("这家店铺已经发布了。")).to_be_visible()
    both(page, "refused")

    page.goto(f"{url}/merchant/{merchant_id}?lang=en")
    expect(page.get_by_role("heading", name="My listings")).to_be_visible()
    both(page, "dashboard-en")
    page.goto(f"{url}/merchant/{merchant_id}?lang=zh-CN")

    # the invited helper signs up with the invited number and joins
    helper_context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    helper_context.route("**/*", _only_our_server(live_server))
    helper = helper_context.new_page()
    sign_up(helper, live_server, "13900002222", "小陈")
    helper.goto(invite_link)
    expect(helper.get_by_role("button", name="接受邀请")).to_be_visible()
    both(helper, "invite")
    helper.get_by_role("button", name="接受邀请").click()
    expect(helper).to_have_url(f"{url}/merchant/{merchant_id}")
    expect(helper.get_by_role("link", name="员工")).to_have_count(0)  # owners only
    expect(helper.locator(f"[data-testid=listing-{shop_id}]")).to_be_visible()
    helper_context.close()
