"""The site's Content-Security-Policy in Chromium: markup slipped into a page cannot run
script, the maps still draw their tiles from the city's tile host, and paying online still
takes the resident to Stripe's hosted checkout.

The machine has no internet, so the tile host's and Stripe's answers are served by the test;
the browser checks the policy before any request leaves it, so a request the policy refused
would never reach those routes. Screenshots: policy-search-map.png, policy-listing-map.png.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect
from starlette.applications import Starlette

from payments.interfaces import Payable, ReturnUrls, StartedPayment
from payments.stripe_provider import StripeProvider
from tests.browser.conftest import DESKTOP, PolicyWatch, shoot
from tests.browser.test_payment_pages import seed, signed_in
from tests.conftest import CITY_DIR
from tests.support.live_server import REPO, LiveServer

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


def _all_reports(page: Page, watch: PolicyWatch) -> str:
    """Every report the page makes, once it has stopped making them: the blocked script, the
    blocked handler of an image that fails to load and the blocked link arrive one by one."""
    seen: list[str] = []
    quiet = 0
    for _ in range(100):  # at most ten seconds
        got = watch.take()
        seen += got
        quiet = 0 if got else quiet + 1
        if seen and quiet >= 5:  # nothing new for half a second
            break
        page.wait_for_timeout(100)
    return "\n".join(seen)


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
    reported = _all_reports(phone, policy_watch)  # expected here; any other test fails on them
    assert "script-src" in reported
    assert phone.title() != "injected"


def test_pages_may_use_geolocation_and_the_camera_and_no_other_powerful_feature(
    phone: Page, live_server: LiveServer
) -> None:
    phone.goto(f"{live_server.url}/login")
    allowed = set(phone.evaluate("document.featurePolicy.allowedFeatures()"))
    assert {"geolocation", "camera"} <= allowed
    assert not {"microphone", "payment", "usb", "display-capture", "serial"} & allowed


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


# --- paying online: the form posts to us, we redirect to Stripe's hosted page ------------------

HOSTED_PAGE = "https://checkout.stripe.com/c/pay/cs_test_policy"


class HostedCheckout(StripeProvider):
    """Stripe as the resident meets it: starting a payment answers with the URL of Stripe's
    hosted checkout page (no call leaves the machine)."""

    async def start_payment(
        self, payable: Payable, *, idempotency_key: str, urls: ReturnUrls, methods: Sequence[str]
    ) -> StartedPayment:
        return StartedPayment(self.name, "cs_test_policy", redirect_url=HOSTED_PAGE)


def hosted_checkout_app() -> Starlette:
    """`uvicorn --factory`: the app as production builds it, with the Stripe above."""
    from marketplace.app import create_app
    from marketplace.city import load_city
    from marketplace.settings import Settings

    settings = Settings()
    app = create_app(load_city(settings.require_city_dir()), settings)
    app.state.payment_providers = {"stripe": HostedCheckout("sk_test_policy", "whsec_policy")}
    return app


class HostedCheckoutServer(LiveServer):
    def start(self) -> None:
        log = self.log_path.open("wb")
        factory = f"{__name__}:hosted_checkout_app"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", factory, "--port", str(self.port)],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.wait_healthy([self.process], 30)


@pytest.fixture(scope="module")
def stripe_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("policy-pay")
    live = HostedCheckoutServer(f"sqlite://{tmp / 'pay.sqlite3'}", CITY_DIR, tmp / "server.log")
    live.env.update(STRIPE_SECRET_KEY="sk_test_policy", STRIPE_WEBHOOK_SECRET="whsec_policy")
    live.taocity("db", "migrate")
    ids = seed(live, "setup")
    live.start()
    yield live, ids
    live.stop()


def test_paying_online_reaches_stripes_hosted_checkout(
    browser: Browser, stripe_server: tuple[LiveServer, dict[str, Any]]
) -> None:
    live, ids = stripe_server
    held = seed(live, "hold", str(ids["listing"]), str(ids["offering"]))
    contexts: list[BrowserContext] = []
    page = signed_in(browser, contexts, live, "mei@pay.test")
    reached: list[str] = []

    def stripe(route: Route) -> None:
        reached.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Stripe Checkout</h1>")

    page.context.route("https://checkout.stripe.com/**", stripe)
    page.goto(f"{live.url}/checkout/booking/{held['booking']}")
    page.get_by_test_id("method-stripe").click()
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(HOSTED_PAGE)
    expect(page.get_by_role("heading", name="Stripe Checkout")).to_be_visible()
    assert reached == [HOSTED_PAGE]
    for context in contexts:
        context.close()
