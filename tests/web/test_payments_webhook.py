"""POST /api/v1/payments/stripe/webhook: signed Stripe deliveries through the app to the core.

The Stripe provider runs on a recording HTTP client (no network); deliveries are signed like
Stripe's (tests/support/stripe_events.py) about payments the core really started through it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.bookings.models import Booking
from payments.models import Payment, ProcessedEvent, Refund
from payments.refunds import request_refund
from payments.starting import start_payment
from payments.stripe_provider import StripeProvider
from payments.types import PaymentState, RefundState
from tests.payments.conftest import URLS, held_booking
from tests.support import stripe_events as se
from tests.support.bookables import NOW
from tests.support.stripe_recorder import StripeRecorder
from tests.web.conftest import client_for

PATH = "/api/v1/payments/stripe/webhook"
SECRET = "whsec_route_test_secret"


@pytest.fixture
def recorder() -> StripeRecorder:
    return StripeRecorder()


@pytest.fixture
def stripe_app(make_app, recorder: StripeRecorder) -> Starlette:
    app = make_app(stripe_secret_key="sk_test_route", stripe_webhook_secret=SECRET)
    # the route keeps one provider per app; this one answers from the recorder
    app.state.stripe_webhook_provider = StripeProvider(
        "sk_test_route", SECRET, http_client=recorder
    )
    return app


@pytest.fixture
async def stripe_client(stripe_app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(stripe_app) as c:
        yield c


async def paid_checkout(city, app: Starlette):
    """A held booking whose Checkout Session the core started through the Stripe provider."""
    ready = await held_booking(city)
    provider = app.state.stripe_webhook_provider
    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW
    )
    payment = await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    session = se.checkout_session(f"booking:{ready.id}", amount=payment.amount)
    session["id"] = started.provider_ref
    return ready, payment, session


async def post(client: httpx.AsyncClient, body: dict, secret: str = SECRET) -> httpx.Response:
    raw, headers = se.delivery(body, secret)
    return await client.post(PATH, content=raw, headers=headers)


async def test_the_same_event_three_times_is_200_each_and_applied_once(
    db: str, city, stripe_app: Starlette, stripe_client: httpx.AsyncClient
) -> None:
    ready, payment, session = await paid_checkout(city, stripe_app)
    body = se.event("checkout.session.completed", session)

    answers = [await post(stripe_client, body) for _ in range(3)]

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.json()["outcome"] for a in answers] == ["applied", "already", "already"]
    assert (await Payment.get(id=payment.id)).state == PaymentState.SUCCEEDED
    assert (await Booking.get(id=ready.id)).state == "confirmed"
    assert await ProcessedEvent.filter(event_id=body["id"]).count() == 1


async def test_a_bad_signature_is_400_and_nothing_is_recorded(
    db: str, city, stripe_app: Starlette, stripe_client: httpx.AsyncClient
) -> None:
    ready, payment, session = await paid_checkout(city, stripe_app)
    body = se.event("checkout.session.completed", session)

    forged = await post(stripe_client, body, secret="whsec_an_attacker")
    unsigned = await stripe_client.post(PATH, json=body)

    assert (forged.status_code, unsigned.status_code) == (400, 400)
    assert forged.json()["code"] == "invalid_event"
    assert await ProcessedEvent.all().count() == 0
    assert (await Payment.get(id=payment.id)).state == PaymentState.STARTED
    assert (await Booking.get(id=ready.id)).state != "confirmed"


@pytest.mark.parametrize(
    "raw",
    [b"", b"{", b"\xff\xfe\x00", b"[1, 2]", b'{"object": "event"}'],
    ids=["empty", "truncated", "binary", "list", "no id"],
)
async def test_a_malformed_body_is_400_never_500(
    db: str, stripe_client: httpx.AsyncClient, raw: bytes
) -> None:
    headers = {"Stripe-Signature": se.sign(raw, SECRET) if raw[:1] != b"\xff" else "t=1,v1=0"}
    response = await stripe_client.post(PATH, content=raw, headers=headers)
    assert response.status_code == 400
    assert await ProcessedEvent.all().count() == 0


async def test_the_intent_of_a_checkout_payment_is_acknowledged_and_ignored(
    db: str, city, stripe_app: Starlette, stripe_client: httpx.AsyncClient
) -> None:
    ready, payment, _ = await paid_checkout(city, stripe_app)
    intent = se.payment_intent(f"booking:{ready.id}", amount=payment.amount, via="checkout")
    response = await post(stripe_client, se.event("payment_intent.succeeded", intent))
    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")
    assert (await Payment.get(id=payment.id)).state == PaymentState.STARTED


async def test_an_alipay_refund_settles_by_refund_updated(
    db: str, city, stripe_app: Starlette, stripe_client: httpx.AsyncClient, recorder: StripeRecorder
) -> None:
    _, payment, session = await paid_checkout(city, stripe_app)
    await post(stripe_client, se.event("checkout.session.completed", session))
    intent = recorder.pay_session(session["id"])
    recorder.refund_status = "pending"  # Alipay and WeChat Pay refunds settle later

    provider = stripe_app.state.stripe_webhook_provider
    paid = await Payment.get(id=payment.id)
    refund = await request_refund(city, provider, paid, 3000, "operator", now=NOW)
    assert (refund.state, refund.provider_ref is not None) == (RefundState.PENDING, True)
    sent = recorder.requests[-1]
    assert (sent.path, sent.form["payment_intent"], sent.form["metadata[payment]"]) == (
        "/v1/refunds",
        intent,
        session["id"],
    )

    done = se.refund(
        intent, amount=3000, refund_id=refund.provider_ref, payment=sent.form["metadata[payment]"]
    )
    response = await post(stripe_client, se.event("refund.updated", done))
    assert (response.status_code, response.json()["outcome"]) == (200, "applied")
    assert (await Refund.get(id=refund.id)).state == RefundState.SUCCEEDED


async def test_account_updated_for_an_unknown_account_is_acknowledged(
    db: str, stripe_client: httpx.AsyncClient
) -> None:
    obj = se.account("acct_1Unknown", charges=True, payouts=True)
    response = await post(stripe_client, se.event("account.updated", obj, account="acct_1Unknown"))
    assert (response.status_code, response.json()["outcome"]) == (200, "ignored")


async def test_without_stripe_keys_the_route_says_so(db: str, client: httpx.AsyncClient) -> None:
    raw, headers = se.delivery(
        se.event("account.updated", se.account("a", charges=1, payouts=1)), SECRET
    )
    response = await client.post(PATH, content=raw, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "payment_provider_not_configured"


async def test_the_route_is_in_the_openapi_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/v1/openapi.json")).json()
    operation = document["paths"][PATH]["post"]
    assert set(operation["responses"]) >= {"200", "400"}
    assert "Stripe-Signature" in operation["description"]
