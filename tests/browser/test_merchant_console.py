"""The merchant console in a real browser at 390×844: an owner of many businesses types part of
a name in the chooser, picks the business, lands on its dashboard with the console's own bottom
navigation (no resident tab bar), the bookings queue opens on the tab that has work, and after
signing out and in again the console opens on the business chosen last.
Screenshots at 390×844, 360×740 and 1280×800, in Chinese and English:
test-artifacts/screenshots/console-*.png."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, shoot
from tests.browser.test_merchant_flow import _only_our_server
from tests.support.live_server import REPO, LiveServer

PHONE = {"width": 390, "height": 844}
SMALL = {"width": 360, "height": 740}
PASSWORD = "console-password-2026"
EMAIL = "console-chain@example.test"


def _seed(server: LiveServer) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.browser.console_seed", EMAIL, PASSWORD],
        env=server.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _sign_in(page: Page, server: LiveServer, next_path: str = "/merchant") -> None:
    page.goto(f"{server.url}/login?next={next_path}")
    page.fill("input[name=identifier]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def _shots(page: Page, name: str) -> None:
    """Both sizes, both languages; the page must never scroll sideways."""
    here = page.url
    for lang in ("zh-CN", "en"):
        page.goto(
            re.sub(r"([?&])lang=[^&]*&?", r"\1", here).rstrip("?&")
            + ("&" if "?" in here else "?")
            + f"lang={lang}"
        )
        for size, suffix in ((PHONE, "phone"), (SMALL, "small"), (DESKTOP, "desktop")):
            page.set_viewport_size(size)
            page.evaluate("window.scrollTo(0, 0)")
            page.wait_for_timeout(150)
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            assert fits, f"{name} ({lang}) scrolls sideways at {size['width']} px"
            shoot(page, f"console-{name}-{lang}-{suffix}")
    page.set_viewport_size(PHONE)
    page.goto(re.sub(r"([?&])lang=[^&]*", r"\1lang=zh-CN", page.url))


def test_many_businesses_found_by_typing_and_remembered(
    browser: Browser, live_server: LiveServer
) -> None:
    url = live_server.url
    made = _seed(live_server)
    mid = made["merchant"]
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.route("**/*", _only_our_server(live_server))
    page = context.new_page()
    _sign_in(page, live_server)

    # nothing remembered yet: the chooser, every business listed
    expect(page).to_have_url(re.compile(r"/merchant/choose"))
    rows = page.locator("[data-chooser-row]")
    expect(rows).to_have_count(int(made["count"]))  # type: ignore[arg-type]
    expect(page.locator(".tabbar")).to_have_count(0)
    _shots(page, "chooser")

    # typing part of a name filters as one types
    page.locator("[data-chooser-input]").press_sequentially("梧桐", delay=30)
    expect(page.locator("[data-chooser-row]:visible")).to_have_count(1)
    expect(page.locator("[data-chooser-count]")).to_contain_text("显示 1 家")
    shoot(page, "console-chooser-typed-zh-CN-phone")
    page.locator("[data-chooser-input]").fill("火锅")
    expect(page.locator("[data-chooser-row]:visible")).to_have_count(0)
    expect(page.locator("[data-chooser-empty]")).to_be_visible()
    page.locator("[data-chooser-input]").fill("梧桐")
    page.locator("[data-chooser-row]:visible a").click()

    # its dashboard, in the console's own frame
    expect(page).to_have_url(f"{url}/merchant/{mid}")
    expect(page.locator("[data-testid=business-switcher]")).to_contain_text("梧桐保洁 南大街店")
    nav = page.locator(".m-nav")
    expect(nav).to_be_visible()
    box = nav.bounding_box()
    assert box is not None and box["y"] + box["height"] >= PHONE["height"] - 1  # at the bottom
    for label in ("工作台", "预约", "订单", "商品/服务", "收款", "设置"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(page.locator(".tabbar")).to_have_count(0)
    expect(page.get_by_role("link", name="首页")).to_have_count(0)
    expect(page.locator("[data-testid=work-upcoming] .m-work-count")).to_have_text("1")
    _shots(page, "dashboard")

    # the bookings queue opens on 即将到来, where tomorrow's booking waits
    nav.get_by_role("link", name="预约").click()
    expect(page).to_have_url(f"{url}/merchant/{mid}/bookings")
    expect(page.locator("[data-testid=tab-upcoming]")).to_have_attribute("aria-current", "page")
    expect(page.locator("[data-testid=tab-upcoming] .q-tab-count")).to_have_text("1")
    expect(page.locator("[data-testid=tab-today] .q-tab-count")).to_have_text("0")
    expect(page.locator(f"[data-testid=booking-{made['booking']}]")).to_contain_text("小美")
    _shots(page, "bookings")

    # 设置 signs out; signing in again opens the business chosen last
    nav.get_by_role("link", name="设置").click()
    _shots(page, "settings")
    page.get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(f"{url}/")
    page.goto(f"{url}/merchant")  # signed out: the console asks to sign in first
    expect(page).to_have_url(re.compile(r"/login"))
    _sign_in(page, live_server)
    expect(page).to_have_url(f"{url}/merchant/{mid}")
    expect(page.locator("[data-testid=business-switcher]")).to_contain_text("梧桐保洁 南大街店")

    # the switcher leads back to the chooser, the business last opened first
    page.locator("[data-testid=business-switcher]").click()
    expect(page).to_have_url(f"{url}/merchant/choose")
    expect(page.locator("[data-chooser-row]").first).to_contain_text("上次打开")
    context.close()
