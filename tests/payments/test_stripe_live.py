"""The provider against real Stripe test mode: runs when STRIPE_SECRET_KEY holds a test key.

Skipped otherwise (no network here). Select it with `-k stripe_live`. What it proves beyond the
recorded request shapes: that Stripe accepts them (Express accounts, Account Links, Checkout
Sessions with the city's methods), that its idempotency returns the same object for the same key
and refuses the key with other parameters, and, when STRIPE_TEST_DESTINATION names a connected
account of the test platform whose `transfers` capability is active, a destination charge with
the commission as application fee, paid with a test card, then partly refunded with the transfer
reversed and the fee refunded.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import pytest
import stripe

from payments.interfaces import Payable, PaymentError, ReturnUrls
from payments.stripe_provider import StripeProvider

KEY = os.environ.get("STRIPE_SECRET_KEY", "")
DESTINATION = os.environ.get("STRIPE_TEST_DESTINATION", "")

pytestmark = pytest.mark.skipif(
    not KEY.startswith(("sk_test_", "rk_test_")),
    reason="STRIPE_SECRET_KEY with a Stripe test-mode key is not set (never runs in live mode)",
)
URLS = ReturnUrls(
    success="https://changzhou.taocity.test/paid?session={CHECKOUT_SESSION_ID}",
    cancel="https://changzhou.taocity.test/cancelled",
)


def run_key(what: str) -> str:
    return f"taocity-live-test-{what}-{uuid.uuid4().hex}"


def booking(destination: str | None, amount: int = 12800) -> Payable:
    return Payable(
        kind="booking",
        id=900001,
        amount=amount,
        currency="CNY",
        application_fee=amount * 12 // 100,
        merchant_account=destination,
        description="Taocity live test · 深度保洁",
    )


@pytest.fixture
async def provider() -> AsyncIterator[StripeProvider]:
    provider = StripeProvider(KEY, "whsec_unused")
    yield provider
    await provider.close()


async def test_express_account_and_onboarding_link(provider: StripeProvider) -> None:
    account = await provider.create_account(
        900001, email="merchant@example.com", country="US", idempotency_key=run_key("acct")
    )
    assert account.startswith("acct_")
    url = await provider.onboarding_link(
        account,
        refresh_url="https://changzhou.taocity.test/merchant/payouts/refresh",
        return_url="https://changzhou.taocity.test/merchant/payouts/return",
    )
    assert url.startswith("https://connect.stripe.com/")
    state = await provider.account_state(account)
    assert (state.account, state.charges_enabled, state.details_submitted) == (
        account,
        False,
        False,
    )


async def test_checkout_destination_charge_or_stripes_refusal(provider: StripeProvider) -> None:
    if not DESTINATION:
        # a fresh account cannot receive transfers yet; Stripe says so, and we pass it on
        fresh = await provider.create_account(
            900002, email=None, country="US", idempotency_key=run_key("acct")
        )
        with pytest.raises(PaymentError) as caught:
            await provider.start_payment(
                booking(fresh), idempotency_key=run_key("pay"), urls=URLS, methods=["card"]
            )
        assert caught.value.message
        return
    key = run_key("pay")
    started = await provider.start_payment(
        booking(DESTINATION), idempotency_key=key, urls=URLS, methods=["card", "alipay"]
    )
    assert started.redirect_url and started.redirect_url.startswith("https://checkout.stripe.com/")
    again = await provider.start_payment(
        booking(DESTINATION), idempotency_key=key, urls=URLS, methods=["card", "alipay"]
    )
    assert again.provider_ref == started.provider_ref
    with pytest.raises(PaymentError):  # the same key with another amount
        await provider.start_payment(
            booking(DESTINATION, amount=100), idempotency_key=key, urls=URLS, methods=["card"]
        )


@pytest.mark.skipif(not DESTINATION, reason="STRIPE_TEST_DESTINATION is not set")
async def test_destination_payment_intent_paid_then_partly_refunded(
    provider: StripeProvider,
) -> None:
    started = await provider.start_payment_intent(
        booking(DESTINATION), idempotency_key=run_key("pi")
    )
    browser = stripe.StripeClient(KEY, http_client=stripe.HTTPXClient())
    intent = await browser.v1.payment_intents.confirm_async(
        started.provider_ref,
        {"payment_method": "pm_card_visa", "return_url": URLS.success},
    )
    assert intent.status == "succeeded"
    assert intent.application_fee_amount == 1536
    assert intent.transfer_data is not None
    assert intent.transfer_data.destination == DESTINATION

    result = await provider.refund(started.provider_ref, 6400, idempotency_key=run_key("re"))
    refund = await browser.v1.refunds.retrieve_async(result.provider_ref)
    assert refund.amount == 6400
    assert refund.transfer_reversal is not None  # the merchant gave back their share
    assert refund.metadata["payment"] == started.provider_ref
    await browser._requestor._client.close_async()  # type: ignore[union-attr]
