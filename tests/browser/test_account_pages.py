"""A resident and an operator use the account pages in a real browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.support.live_server import LiveServer


def test_home_is_chinese_by_default_and_shows_the_listing_count(
    phone: Page, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/")
    expect(phone.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(phone.get_by_text("已收录 80 家商户/服务")).to_be_visible()
    expect(phone.get_by_role("link", name="首页").first).to_be_visible()
    shoot(phone, "home-phone-zh")
    phone.set_viewport_size(DESKTOP)
    shoot(phone, "home-desktop-zh")


def test_resident_signs_up_switches_to_english_and_signs_out(
    phone: Page, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/signup")
    phone.fill("input[name=identifier]", "xiaoli@example.test")
    phone.fill("input[name=display_name]", "小李")
    phone.fill("input[name=password]", "correct horse battery")
    shoot(phone, "signup-phone-zh")
    phone.get_by_role("button", name="注册").click()
    phone.goto(live_server.url + "/me")
    expect(phone.get_by_role("heading", name="小李")).to_be_visible()
    shoot(phone, "me-phone-zh")

    phone.locator("form.segmented button[value=en]").click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    shoot(phone, "me-phone-en")

    phone.get_by_role("button", name="Sign out").click()
    phone.goto(live_server.url + "/me")
    expect(phone).to_have_url(f"{live_server.url}/login?next=%2Fme")
    expect(phone.get_by_role("button", name="Sign in")).to_be_visible()  # still in English


def test_wrong_password_then_operator_console(phone: Page, live_server: LiveServer) -> None:
    live_server.taocity(
        "operator",
        "create",
        "ops@example.test",
        "--name",
        "运营小王",
        "--password-stdin",
        stdin="operator-password-2026\n",
    )
    phone.goto(live_server.url + "/login?next=/ops")
    phone.fill("input[name=identifier]", "ops@example.test")
    phone.fill("input[name=password]", "not-the-password")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text("账号或密码不正确")).to_be_visible()
    shoot(phone, "login-error-phone-zh")

    phone.fill("input[name=password]", "operator-password-2026")
    phone.get_by_role("button", name="登录").click()
    expect(phone).to_have_url(f"{live_server.url}/ops")
    shoot(phone, "ops-phone-zh")
