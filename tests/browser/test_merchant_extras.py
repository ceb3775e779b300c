"""The 商家中心 photos page and the holiday hours on the listing form, in a real browser:
a photo chosen through the file input, a holiday closed all day and one with short hours.
Screenshots at 375×812: merchant-photos-phone.png, merchant-holiday-hours-phone.png."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.conftest import shoot
from tests.browser.test_merchant_flow import merchant_page, sign_up  # noqa: F401
from tests.support.live_server import LiveServer


def _jpeg() -> bytes:
    image = Image.new("RGB", (800, 600), (250, 240, 230))
    for x in range(0, 800, 40):
        for y in range(0, 600, 40):
            if (x + y) // 40 % 2:
                image.paste((255, 106, 0), (x, y, x + 40, y + 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_photos_and_holiday_hours(merchant_page: Page, live_server: LiveServer) -> None:  # noqa: F811
    page, url = merchant_page, live_server.url
    sign_up(page, live_server, "13900007788", "周老板")
    page.goto(url + "/merchant/apply")
    page.fill("#f-name-zh-CN", "周记家政")
    page.select_option("#f-kind", "housekeeping:cleaning")
    page.fill("#f-contact_name", "周先生")
    page.fill("#f-contact_phone", "13900007788")
    page.fill("#f-address-zh-CN", "天宁区延陵西路 18 号")
    page.fill("#f-lat", "31.7787")
    page.fill("#f-lng", "119.9740")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r".*/merchant/\d+/application$"))
    merchant_id = int(re.search(r"/merchant/(\d+)/application", page.url).group(1))  # type: ignore[union-attr]

    page.goto(f"{url}/merchant/{merchant_id}/listings/new?vertical=housekeeping")
    page.select_option("#f-category", "cleaning")
    page.fill("#f-name-zh-CN", "周记日常保洁")
    page.fill("#f-name-en", "Zhou Cleaning")
    page.fill("#f-lat", "31.7787")
    page.fill("#f-lng", "119.9740")
    page.fill("#f-attributes-min_notice_hours", "4")
    page.get_by_text("按半径").click()
    page.fill("#f-attributes-service_radius_m", "3000")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存")).to_be_visible()
    listing_id = int(re.search(r"/listings/(\d+)/offerings", page.url).group(1))  # type: ignore[union-attr]

    # photos: from the dashboard's small link, a file chosen through the input
    page.goto(f"{url}/merchant/{merchant_id}")
    page.locator(f"[data-testid=listing-{listing_id}]").get_by_role("link", name="照片").click()
    expect(page.get_by_role("heading", name="添加照片")).to_be_visible()
    page.set_input_files(
        "#f-file", files=[{"name": "shop.txt", "mimeType": "text/plain", "buffer": b"hello"}]
    )
    page.get_by_role("button", name="上传").click()
    expect(page.locator("#e-f-file")).to_contain_text("不是照片")
    page.set_input_files(
        "#f-file", files=[{"name": "shop.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("照片已添加")).to_be_visible()
    expect(page.locator(".m-photo img")).to_have_count(1)
    assert page.locator(".m-photo img").evaluate("img => img.naturalWidth") > 0
    page.evaluate("window.scrollTo(0, 0)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "merchant-photos-phone")

    # holiday hours on the listing form
    page.goto(f"{url}/merchant/listings/{listing_id}")
    page.fill("#f-holiday-0-date", "2030-10-01")
    page.check("#f-holiday-0-closed")
    page.fill("#f-holiday-1-date", "2030-10-02")
    page.fill("#f-holiday-1-hours", "10:00-16:00")
    page.fill("#f-closure-0-start", "2030-05-01T00:00")
    page.fill("#f-closure-0-reason", "店内装修")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_text("已保存")).to_be_visible()
    expect(page.locator("#f-holiday-0-date")).to_have_value("2030-10-01")
    expect(page.locator("#f-holiday-0-closed")).to_be_checked()
    expect(page.locator("#f-closure-0-reason")).to_have_value("店内装修")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shoot(page, "merchant-holiday-hours-phone")
