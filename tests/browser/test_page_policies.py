"""The site's Content-Security-Policy in Chromium: markup slipped into a page cannot run
script, and the maps still draw their tiles from the city's tile host.

The machine has no internet, so the tile host's answers are served by the test (one plain PNG);
the browser checks the policy before any request leaves it, so a tile the policy refused would
never reach that route. Screenshots: policy-search-map.png, policy-listing-map.png.
"""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect

from tests.browser.conftest import DESKTOP, PolicyWatch, shoot
from tests.support.live_server import LiveServer

TILE_HOST = "https://*.tile.openstreetmap.org/**"  # Changzhou's [map] tile_url
CENTRE = "lat=31.7787&lng=119.974"
# What an attacker's stored text would try if escaping ever failed somewhere.
INJECTED = (
    "<script>document.title = 'injected';</script>"
    '<img src="/static/none.png" onerror="document.title = \'injected\'">'
    '<a id="injected" href="javascript:document.title = \'injected\'">x</a>'
)


def _tile() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (256, 256), (222, 236, 214)).save(out, format="PNG")
    return out.getvalue()


def _serve_tiles(page: Page) -> list[str]:
    served: list[str] = []
    png = _tile()

    def fulfil(route: Route) -> None:
        served.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=png)

    page.context.route(TILE_HOST, fulfil)
    return served


def _tiles_drawn(page: Page, box: str) -> None:
    loaded = page.locator(f"{box} img.leaflet-tile-loaded")
    expect(loaded.first).to_be_visible()
    assert page.locator(f"{box}.tiles-failed").count() == 0


def test_markup_slipped_into_a_page_runs_no_script(
    phone: Page, live_server: LiveServer, policy_watch: PolicyWatch
) -> None:
    def tamper(route: Route) -> None:
        response = route.fetch()
        body = response.text().replace("</main>", INJECTED + "</main>")
        route.fulfill(response=response, body=body)

    phone.route(re.compile(r".*/login$"), tamper)
    phone.goto(f"{live_server.url}/login")
    expect(phone.get_by_role("button", name="登录")).to_be_visible()
    phone.locator("#injected").click()
    expect(phone.locator("#injected")).to_be_visible()  # still here: nothing navigated
    assert phone.title() != "injected"
    reported = "\n".join(policy_watch.take())  # expected here; any other test would fail on them
    assert "script-src" in reported
    assert phone.title() != "injected"


def test_the_results_map_draws_tiles_from_the_city_tile_host(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(viewport=DESKTOP, device_scale_factor=1)
    page = context.new_page()
    served = _serve_tiles(page)
    page.goto(f"{live_server.url}/search?q=面馆&{CENTRE}")
    expect(page.locator(".leaflet-marker-icon").first).to_be_visible()
    _tiles_drawn(page, "#search-map")
    assert served and all(".tile.openstreetmap.org/" in url for url in served)
    shoot(page, "policy-search-map")
    context.close()


def test_the_listing_map_draws_tiles_from_the_city_tile_host(
    phone: Page, live_server: LiveServer
) -> None:
    served = _serve_tiles(phone)
    phone.goto(f"{live_server.url}/search?q=面馆&{CENTRE}")
    phone.get_by_test_id("result").first.click()
    expect(phone.locator("#listing-map[data-ready=true]")).to_be_attached()
    _tiles_drawn(phone, "#listing-map")
    assert served
    shoot(phone, "policy-listing-map")
