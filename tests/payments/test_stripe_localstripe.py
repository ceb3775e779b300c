"""The card PaymentIntent life cycle and signed webhook delivery, end to end against localstripe.

The provider runs with `connect=False` (localstripe refuses Connect fields: their shapes are in
test_stripe_requests.py). The resident's browser is played by a plain SDK client that attaches
a test card and confirms, as Stripe.js would with the client secret.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import stripe

from payments.interfaces import (
    EventKind,
    InvalidEvent,
    Payable,
    PaymentError,
    ProviderUnavailable,
)
from payments.stripe_provider import StripeProvider
from tests.support.localstripe import (
    LocalStripe,
    WebhookReceiver,
    free_port,
    localstripe,
    webhook_receiver,
)

__all__ = ["localstripe", "webhook_receiver"]  # fixtures
# the SDK's HTTPX client hands httpx the encoded form as `data=`; httpx would like `content=`
pytestmark = pytest.mark.filterwarnings("ignore:Use 'content=<...>':DeprecationWarning")

KEY = "sk_test_localstripe"
WEBHOOK_SECRET = "whsec_localstripe_e2e"
VISA = "4242424242424242"
DECLINED_ON_CHARGE = "4000000000000341"  # attaches, then the charge is declined


def booking(booking_id: int, amount: int = 12800) -> Payable:
    return Payable(
        kind="booking",
        id=booking_id,
        amount=amount,
        currency="CNY",
        application_fee=amount * 12 // 100,
        merchant_account=None,
        description="深度保洁 3 小时",
    )


@pytest.fixture(scope="module")
def delivered(localstripe: LocalStripe, webhook_receiver: WebhookReceiver) -> WebhookReceiver:
    localstripe.register_webhook("taocity", webhook_receiver.url, WEBHOOK_SECRET)
    return webhook_receiver


@pytest.fixture
async def provider(localstripe: LocalStripe) -> AsyncIterator[StripeProvider]:
    provider = StripeProvider(KEY, WEBHOOK_SECRET, base_url=localstripe.url, connect=False)
    yield provider
    await provider.close()


@pytest.fixture
async def browser(localstripe: LocalStripe) -> AsyncIterator[stripe.StripeClient]:
    http = stripe.HTTPXClient()
    yield stripe.StripeClient(KEY, base_addresses={"api": localstripe.url}, http_client=http)
    await http.close_async()


async def pay(browser: stripe.StripeClient, intent: str, card: str) -> stripe.PaymentIntent:
    method = await browser.v1.payment_methods.create_async(
        {"type": "card", "card": {"number": card, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}
    )
    await browser.v1.payment_intents.update_async(intent, {"payment_method": method.id})
    return await browser.v1.payment_intents.confirm_async(intent)


async def test_card_payment_succeeds_and_the_signed_webhook_is_verified(
    provider: StripeProvider, browser: stripe.StripeClient, delivered: WebhookReceiver
) -> None:
    started = await provider.start_payment_intent(booking(101), idempotency_key="booking-101")
    assert started.client_secret and started.client_secret.startswith(started.provider_ref)

    created = await browser.v1.payment_intents.retrieve_async(started.provider_ref)
    assert (created.status, created.amount, created.currency) == (
        "requires_payment_method",
        12800,
        "cny",
    )
    assert created.metadata["reference"] == "booking:101"

    paid = await pay(browser, started.provider_ref, VISA)
    assert paid.status == "succeeded"

    raw, headers = delivered.wait_for("payment_intent.succeeded", started.provider_ref)
    event = provider.parse_event(raw, headers)
    assert (event.kind, event.provider_ref, event.reference, event.amount, event.currency) == (
        EventKind.PAYMENT_SUCCEEDED,
        started.provider_ref,
        "booking:101",
        12800,
        "CNY",
    )
    assert event.id.startswith("evt_")

    with pytest.raises(InvalidEvent):  # the same delivery checked against another secret
        StripeProvider(KEY, "whsec_other", base_url="http://unused").parse_event(raw, headers)
    with pytest.raises(InvalidEvent):  # one byte of the body changed
        provider.parse_event(raw.replace(b"booking:101", b"booking:102"), headers)


async def test_a_declined_card_fails_the_intent_and_says_so_by_webhook(
    provider: StripeProvider, browser: stripe.StripeClient, delivered: WebhookReceiver
) -> None:
    started = await provider.start_payment_intent(booking(102), idempotency_key="booking-102")
    with pytest.raises(stripe.CardError):
        await pay(browser, started.provider_ref, DECLINED_ON_CHARGE)
    intent = await browser.v1.payment_intents.retrieve_async(started.provider_ref)
    assert intent.status == "requires_payment_method"

    raw, headers = delivered.wait_for("payment_intent.payment_failed", started.provider_ref)
    event = provider.parse_event(raw, headers)
    assert (event.kind, event.provider_ref, event.reference) == (
        EventKind.PAYMENT_FAILED,
        started.provider_ref,
        "booking:102",
    )
    with pytest.raises(PaymentError, match="failed payment"):
        await provider.refund(started.provider_ref, 100, idempotency_key="r")


async def test_partial_then_full_refund(
    provider: StripeProvider, browser: stripe.StripeClient
) -> None:
    started = await provider.start_payment_intent(booking(103), idempotency_key="booking-103")
    paid = await pay(browser, started.provider_ref, VISA)

    part = await provider.refund(started.provider_ref, 5000, idempotency_key="booking-103-r1")
    rest = await provider.refund(started.provider_ref, 7800, idempotency_key="booking-103-r2")

    assert part.succeeded and rest.succeeded
    assert part.provider_ref != rest.provider_ref
    latest = paid.latest_charge  # localstripe expands it; Stripe sends the id
    charge_id = latest if isinstance(latest, str) else latest.id
    charge = await browser.v1.charges.retrieve_async(charge_id)
    assert (charge.amount_refunded, charge.refunded) == (12800, True)
    listed = charge.to_dict()["refunds"]["data"]
    assert sorted((r["id"], r["amount"]) for r in listed) == sorted(
        [(part.provider_ref, 5000), (rest.provider_ref, 7800)]
    )
    assert {r["metadata"]["payment"] for r in listed} == {started.provider_ref}


async def test_refund_of_an_unknown_payment_is_a_payment_error(provider: StripeProvider) -> None:
    with pytest.raises(PaymentError) as caught:
        await provider.refund("pi_doesnotexist", 100, idempotency_key="r")
    assert type(caught.value) is PaymentError


async def test_nothing_listening_is_unavailable_and_the_retry_goes_through(
    localstripe: LocalStripe,
) -> None:
    dead = StripeProvider(
        KEY, WEBHOOK_SECRET, base_url=f"http://127.0.0.1:{free_port()}", connect=False
    )
    with pytest.raises(ProviderUnavailable):
        await dead.start_payment_intent(booking(104), idempotency_key="booking-104")
    await dead.close()

    live = StripeProvider(KEY, WEBHOOK_SECRET, base_url=localstripe.url, connect=False)
    started = await live.start_payment_intent(booking(104), idempotency_key="booking-104")
    await live.close()
    assert started.provider_ref.startswith("pi_")
