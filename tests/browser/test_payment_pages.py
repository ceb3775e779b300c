"""Payment pages in a real browser, against a server whose Stripe is localstripe on loopback.

- pay at the store from a held booking, through the checkout, to the code;
- pay online: the checkout starts a card PaymentIntent at localstripe (it has no Checkout
  Sessions, so a PaymentIntent stands in and the "provider's page" sends the resident straight
  back), the return page waits, the test pays the intent as Stripe's page would and delivers
  the signed `payment_intent.succeeded` to the webhook, and the page turns to "payment received";
- the merchant records a payment taken at the store and reads its payouts page; the operator
  reads the city's numbers, balanced.
Screenshots at 390×844 and 1280×800: test-artifacts/screenshots/pay-*.png.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from starlette.applications import Starlette

from payments.interfaces import Payable, ReturnUrls, StartedPayment
from payments.stripe_provider import StripeProvider
from tests.browser.conftest import DESKTOP, shoot
from tests.browser.test_merchant_flow import _only_our_server
from tests.conftest import CITY_DIR
from tests.support import stripe_events
from tests.support.live_server import REPO, LiveServer
from tests.support.localstripe import LocalStripe, localstripe

__all__ = ["localstripe"]  # the session's fixture
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")
PHONE = {"width": 390, "height": 844}
PASSWORD = "payment-pages-2026"
KEY = "sk_test_localstripe"
WEBHOOK_SECRET = "whsec_browser_checkout"
WEBHOOK = "/api/v1/payments/stripe/webhook"


class LocalStripeCheckout(StripeProvider):
    """localstripe has no Checkout Sessions: a card PaymentIntent stands in for the session and
    its page sends the resident back to the success URL at once (the test pays the intent)."""

    async def start_payment(
        self, payable: Payable, *, idempotency_key: str, urls: ReturnUrls, methods: Any
    ) -> StartedPayment:
        started = await self.start_payment_intent(payable, idempotency_key=idempotency_key)
        return StartedPayment(self.name, started.provider_ref, redirect_url=urls.success)


def stripe_app() -> Starlette:
    """`uvicorn --factory`: the app as production builds it, its Stripe pointed at localstripe."""
    from marketplace.app import create_app
    from marketplace.city import load_city
    from marketplace.settings import Settings

    settings = Settings()
    app = create_app(load_city(settings.require_city_dir()), settings)
    provider = LocalStripeCheckout(
        settings.stripe_secret_key or "",
        settings.stripe_webhook_secret or "",
        base_url=os.environ["LOCALSTRIPE_URL"],
        connect=False,  # localstripe refuses Connect's fields
    )
    app.state.payment_providers = {"stripe": provider}
    app.state.stripe_webhook_provider = provider
    return app


async def _seed(args: list[str]) -> dict[str, Any]:
    """What these tests set up in the server's database, through the domain."""
    from datetime import UTC, datetime
    from uuid import uuid4
    from zoneinfo import ZoneInfo

    from listings.models import Listing, Offering
    from marketplace import db
    from marketplace.accounts import services as accounts
    from marketplace.bookings.availability import AvailabilitySettings, next_offered
    from marketplace.bookings.holds import hold_booking
    from marketplace.bookings.requests import AddressIn, BookingRequest
    from marketplace.city import load_city
    from payments.models import MerchantPayoutAccount, Payment
    from tests.support.bookables import NEAR_HOME, cleaning_of, every_day, owned_business

    city = load_city(Path(os.environ["CITY_DIR"]))
    await db.init_db(os.environ["DATABASE_URL"])
    try:
        command, *rest = args
        if command == "setup":
            owner = await accounts.sign_up("owner@pay.test", PASSWORD, "王阿姨", "zh-CN")
            ops = await accounts.create_operator("ops@pay.test", PASSWORD, "运营小王")
            await accounts.sign_up("mei@pay.test", PASSWORD, "小美", "zh-CN")
            merchant = await owned_business(city, owner, ops)
            listing, offering = await cleaning_of(merchant, every_day("00:00", "24:00", 60, 3))
            await MerchantPayoutAccount.create(
                merchant_id=merchant.id,
                provider="stripe",
                account_id="acct_localstripe_demo",
                charges_enabled=True,
                payouts_enabled=True,
                details_submitted=True,
            )
            return {"merchant": merchant.id, "listing": listing.id, "offering": offering.id}
        if command == "hold":  # hold LISTING OFFERING: the resident holds the next slot
            from marketplace.accounts.models import Account

            resident = await Account.get(email="mei@pay.test")
            listing = await Listing.get(id=int(rest[0]))
            offering = await Offering.get(id=int(rest[1]))
            settings = AvailabilitySettings.from_json(offering.availability)
            now = datetime.now(UTC)
            starts = next_offered(settings, ZoneInfo(city.timezone), now, limit=1)[0].starts_at
            request = BookingRequest(
                listing_id=listing.id,
                offering_id=offering.id,
                starts_at=starts,
                address=AddressIn(lat=NEAR_HOME.lat, lng=NEAR_HOME.lng, text="青果巷 12 号"),
            )
            booking, _new = await hold_booking(city, resident, request, uuid4().hex, now=now)
            day = booking.starts_at.astimezone(city.tz).date().isoformat()
            return {"booking": booking.id, "day": day}
        if command == "payment":  # payment BOOKING: its online payment's provider reference
            payment = (
                await Payment.filter(payable__kind="booking", payable__ref_id=int(rest[0]))
                .order_by("-attempt")
                .first()
            )
            return {"ref": payment.provider_ref if payment else None}
        raise SystemExit(f"unknown command {command}")
    finally:
        await db.close_db()


def seed(server: LiveServer, *args: str) -> dict[str, Any]:
    code = (
        "import asyncio, json, sys; from tests.browser import test_payment_pages as t; "
        "print(json.dumps(asyncio.run(t._seed(sys.argv[1:]))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=server.env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"seed {args} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


class StripeServer(LiveServer):
    """The live server, built by `stripe_app` with Stripe keys and localstripe's address."""

    def start(self) -> None:
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "--factory", f"{__name__}:stripe_app"),
                *("--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"),
            ],
            env=self.env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not answer /healthz within 30 s")


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, localstripe: LocalStripe
) -> Iterator[tuple[StripeServer, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("pay")
    live = StripeServer(f"sqlite://{tmp / 'pay.sqlite3'}", CITY_DIR, tmp / "server.log")
    live.env.update(
        STRIPE_SECRET_KEY=KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, LOCALSTRIPE_URL=localstripe.url
    )
    live.taocity("db", "migrate")
    ids = seed(live, "setup")
    live.start()
    yield live, ids
    live.stop()


@pytest.fixture
def contexts(browser: Browser) -> Iterator[list[BrowserContext]]:
    made: list[BrowserContext] = []
    yield made
    for context in made:
        context.close()


def signed_in(
    browser: Browser, contexts: list[BrowserContext], live: LiveServer, email: str
) -> Page:
    context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True)
    context.route("**/*", _only_our_server(live))
    contexts.append(context)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(live.url + "/login")
    page.fill("input[name=identifier]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    return page


def both(page: Page, name: str) -> None:
    """Screenshots at phone and desktop size; neither may scroll sideways."""
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(150)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"{name} scrolls sideways at {size['width']} px"
        shoot(page, f"pay-{name}-{suffix}")
    page.set_viewport_size(PHONE)


def pay_intent(stripe: LocalStripe, intent: str) -> dict[str, Any]:
    """What Stripe's payment page does with a test card; returns the paid PaymentIntent."""
    auth = (KEY, "")
    card = {
        "type": "card",
        "card[number]": "4242424242424242",
        "card[exp_month]": "12",
        "card[exp_year]": "2030",
        "card[cvc]": "123",
    }
    method = httpx.post(f"{stripe.url}/v1/payment_methods", data=card, auth=auth, timeout=10)
    method.raise_for_status()
    # as the SDK test does: attach the method, then confirm (localstripe fails both in one)
    attached = httpx.post(
        f"{stripe.url}/v1/payment_intents/{intent}",
        data={"payment_method": method.json()["id"]},
        auth=auth,
        timeout=10,
    )
    attached.raise_for_status()
    confirmed = httpx.post(
        f"{stripe.url}/v1/payment_intents/{intent}/confirm", auth=auth, timeout=10
    )
    confirmed.raise_for_status()
    return confirmed.json()


def test_pay_at_the_store_from_a_held_booking(
    browser: Browser, server: tuple[StripeServer, dict[str, Any]], contexts: list[BrowserContext]
) -> None:
    live, ids = server
    held = seed(live, "hold", str(ids["listing"]), str(ids["offering"]))
    page = signed_in(browser, contexts, live, "mei@pay.test")
    page.goto(f"{live.url}/me/bookings/{held['booking']}")
    page.get_by_test_id("pay-online").click()
    expect(page).to_have_url(f"{live.url}/checkout/booking/{held['booking']}")
    expect(page.get_by_test_id("countdown")).to_contain_text("剩余")
    expect(page.get_by_test_id("method-stripe")).to_contain_text("银行卡 · 支付宝 · 微信支付")
    expect(page.get_by_test_id("amount")).to_have_text("¥120.00")
    both(page, "checkout")
    page.get_by_test_id("method-pay_at_store").click()
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(f"{live.url}/me/bookings/{held['booking']}")
    expect(page.get_by_test_id("state")).to_have_text("已确认")
    expect(page.get_by_test_id("code")).to_have_text(re.compile(r"^[2-9B-Z]{4}-[2-9B-Z]{4}$"))
    both(page, "store-confirmed")


def test_pay_online_and_the_webhook_confirms_on_the_return_page(
    browser: Browser,
    server: tuple[StripeServer, dict[str, Any]],
    contexts: list[BrowserContext],
    localstripe: LocalStripe,
) -> None:
    live, ids = server
    held = seed(live, "hold", str(ids["listing"]), str(ids["offering"]))
    page = signed_in(browser, contexts, live, "mei@pay.test")
    page.goto(f"{live.url}/checkout/booking/{held['booking']}")
    page.get_by_test_id("method-stripe").click()
    page.get_by_test_id("pay").click()
    expect(page).to_have_url(re.compile(r"/checkout/booking/\d+/success$"))
    outcome = page.get_by_test_id("outcome")
    expect(outcome).to_have_attribute("data-outcome", "confirming")
    expect(outcome).to_contain_text("正在确认你的付款")
    shoot(page, "pay-confirming-phone")

    intent = seed(live, "payment", str(held["booking"]))["ref"]
    assert intent and intent.startswith("pi_")
    paid = pay_intent(localstripe, intent)
    assert paid["status"] == "succeeded"
    body, headers = stripe_events.delivery(
        stripe_events.event("payment_intent.succeeded", paid), WEBHOOK_SECRET
    )
    delivered = httpx.post(live.url + WEBHOOK, content=body, headers=headers, timeout=10)
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["outcome"] == "applied"

    expect(outcome).to_have_attribute("data-outcome", "paid", timeout=10_000)  # it refreshes
    expect(outcome).to_contain_text("已收到付款")
    expect(page.get_by_test_id("code")).to_be_visible()
    both(page, "paid")


def test_the_merchant_records_a_store_payment_and_reads_payouts_and_the_operator_the_city(
    browser: Browser, server: tuple[StripeServer, dict[str, Any]], contexts: list[BrowserContext]
) -> None:
    live, ids = server
    held = seed(live, "hold", str(ids["listing"]), str(ids["offering"]))
    resident = signed_in(browser, contexts, live, "mei@pay.test")
    resident.goto(f"{live.url}/me/bookings/{held['booking']}")
    resident.get_by_test_id("confirm").click()
    expect(resident.get_by_test_id("state")).to_have_text("已确认")

    owner = signed_in(browser, contexts, live, "owner@pay.test")
    owner.goto(f"{live.url}/merchant/{ids['merchant']}/bookings?date={held['day']}")
    row = owner.get_by_test_id(f"booking-{held['booking']}")
    row.get_by_test_id("store-paid").click()
    expect(owner.get_by_test_id("store-paid-done")).to_have_text("已记录到店付款。")
    owner.goto(f"{live.url}/merchant/{ids['merchant']}/payouts")
    expect(owner.get_by_test_id("payout-status")).to_have_attribute(
        "data-status", "payouts_enabled"
    )
    expect(owner.get_by_test_id("earnings-months")).to_be_visible()
    expect(owner.get_by_test_id("earnings-total")).to_contain_text("¥120.00")
    both(owner, "payouts")

    ops = signed_in(browser, contexts, live, "ops@pay.test")
    ops.goto(f"{live.url}/ops/payments")
    expect(ops.get_by_test_id("balanced")).to_be_visible()
    expect(ops.get_by_test_id("gross")).not_to_have_text("¥0.00")
    expect(ops.get_by_test_id("verticals")).to_contain_text("家政")
    both(ops, "ops")
    ops.locator("button.lang[value=en]").click()
    expect(ops.get_by_test_id("balanced")).to_contain_text("Balanced")
    both(ops, "ops-en")
