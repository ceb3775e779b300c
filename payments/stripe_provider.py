"""Stripe Connect: destination charges through Checkout, refunds, Express onboarding, webhooks.

A payment is a destination charge made on the platform's account: the resident pays the
platform, Stripe moves the amount less `application_fee_amount` (the city's commission for the
vertical) to the merchant's connected account (`transfer_data.destination`). No call here uses
the `Stripe-Account` header: destination charges, their refunds and the onboarding calls are all
made as the platform. A refund reverses the transfer and refunds the fee, so the merchant and the
platform each give back their share, in proportion for a partial refund.

Our reference ("booking:42") goes into the metadata of the Checkout Session and of its
PaymentIntent, so every event about the payment carries it. Events report as `provider_ref` the
id `start_payment` (the Checkout Session's) or `start_payment_intent` (the PaymentIntent's)
returned; see `payments.stripe_events`.

This module only talks to Stripe and translates; it never touches our database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import stripe

from payments import stripe_onboarding
from payments.interfaces import (
    Payable,
    PaymentError,
    ProviderEvent,
    RefundResult,
    ReturnUrls,
    StartedPayment,
)
from payments.stripe_errors import stripe_errors
from payments.stripe_events import (
    METADATA_KEY,
    METADATA_PAYMENT,
    METADATA_VIA,
    translate,
    verified_event,
)

METHODS = frozenset({"card", "alipay", "wechat_pay"})
TIMEOUT_S = 20.0
# the SDK retries connection errors and 5xx itself, reusing our idempotency key
NETWORK_RETRIES = 2


class StripeProvider:
    """The Stripe side of payments and merchant onboarding.

    `base_url` points the SDK at another server (localstripe in tests); `http_client` replaces
    the SDK's HTTPX client (the recording client in tests).

    `connect=False` is for localstripe only, which answers 400 to `transfer_data`,
    `application_fee_amount`, `description` and `reverse_transfer`, and 404 to Checkout and
    accounts. In that mode a PaymentIntent is created without `transfer_data.destination`,
    `application_fee_amount` and `description`, and a refund without `reverse_transfer` and
    `refund_application_fee`: the merchant's share, the platform's fee and their reversal are
    left out, and only card PaymentIntents (`start_payment_intent`) are meant to be used. The
    request-shape tests (tests/payments/test_stripe_requests.py) prove those fields are sent in
    the normal mode, and the live tests (tests/payments/test_stripe_live.py) that Stripe
    accepts them.
    """

    name = "stripe"
    supports_refunds = True
    online = True

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        *,
        base_url: str | None = None,
        http_client: stripe.HTTPClient | None = None,
        connect: bool = True,
        max_network_retries: int = NETWORK_RETRIES,
    ) -> None:
        addresses: Any = (
            {"api": base_url, "connect": base_url, "files": base_url} if base_url else None
        )
        self._http = http_client or stripe.HTTPXClient(timeout=TIMEOUT_S)
        self._client = stripe.StripeClient(
            secret_key,
            base_addresses=addresses,
            http_client=self._http,
            max_network_retries=max_network_retries,
        )
        self._webhook_secret = webhook_secret
        self.connect = connect

    async def start_payment(
        self,
        payable: Payable,
        *,
        idempotency_key: str,
        urls: ReturnUrls,
        methods: Sequence[str],
    ) -> StartedPayment:
        """A Checkout Session in payment mode; the resident is sent to its URL."""
        method_types = _method_types(methods)
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": payable.currency.lower(),
                        "unit_amount": payable.amount,
                        "product_data": {"name": payable.description},
                    },
                }
            ],
            "payment_method_types": method_types,
            "payment_intent_data": self._intent_data(payable, via="checkout"),
            "metadata": {METADATA_KEY: payable.reference},
            "client_reference_id": payable.reference,
            "success_url": urls.success,
            "cancel_url": urls.cancel,
        }
        if "wechat_pay" in method_types:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        if payable.resident_email:
            params["customer_email"] = payable.resident_email
        with stripe_errors("start the payment"):
            session = await self._client.v1.checkout.sessions.create_async(
                params, {"idempotency_key": idempotency_key}
            )
        return StartedPayment(provider=self.name, provider_ref=session.id, redirect_url=session.url)

    async def start_payment_intent(
        self, payable: Payable, *, idempotency_key: str, methods: Sequence[str] = ("card",)
    ) -> StartedPayment:
        """A PaymentIntent the browser confirms with its client secret (Stripe.js)."""
        params: dict[str, Any] = {
            "amount": payable.amount,
            "currency": payable.currency.lower(),
            "payment_method_types": _method_types(methods),
            **self._intent_data(payable),
        }
        if "wechat_pay" in params["payment_method_types"]:
            params["payment_method_options"] = {"wechat_pay": {"client": "web"}}
        with stripe_errors("start the payment"):
            intent = await self._client.v1.payment_intents.create_async(
                params, {"idempotency_key": idempotency_key}
            )
        return StartedPayment(
            provider=self.name, provider_ref=intent.id, client_secret=intent.client_secret
        )

    async def refund(self, provider_ref: str, amount: int, *, idempotency_key: str) -> RefundResult:
        """Refund `amount` of a PaymentIntent (or of a Checkout Session's PaymentIntent)."""
        if amount <= 0:
            raise PaymentError("A refund must be of a positive amount.")
        intent = await self._payment_intent_of(provider_ref)
        params: dict[str, Any] = {
            "payment_intent": intent,
            "amount": amount,
            # refund events report the payment as we know it (see payments.stripe_events)
            "metadata": {METADATA_PAYMENT: provider_ref},
        }
        if self.connect:
            params["reverse_transfer"] = True
            params["refund_application_fee"] = True
        with stripe_errors("refund the payment"):
            refund = await self._client.v1.refunds.create_async(
                params, {"idempotency_key": idempotency_key}
            )
        if refund.status in ("failed", "canceled"):
            raise PaymentError(f"Stripe could not refund the payment ({refund.status}).")
        # pending or requires_action: refund.updated settles it (Alipay, WeChat Pay)
        return RefundResult(provider_ref=refund.id, succeeded=refund.status == "succeeded")

    def parse_event(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        return translate(verified_event(payload, headers, self._webhook_secret))

    async def create_account(
        self, merchant_id: int, *, email: str | None, country: str, idempotency_key: str
    ) -> str:
        return await stripe_onboarding.create_account(
            self._client, merchant_id, email=email, country=country, idempotency_key=idempotency_key
        )

    async def onboarding_link(self, account: str, *, refresh_url: str, return_url: str) -> str:
        return await stripe_onboarding.onboarding_link(
            self._client, account, refresh_url=refresh_url, return_url=return_url
        )

    async def account_state(self, account: str) -> stripe_onboarding.AccountState:
        """The account's state now, for the page Stripe's onboarding returns the merchant to."""
        return await stripe_onboarding.account_state(self._client, account)

    async def close(self) -> None:
        await self._http.close_async()

    def _intent_data(self, payable: Payable, via: str | None = None) -> dict[str, Any]:
        metadata = {METADATA_KEY: payable.reference}
        if via:
            metadata[METADATA_VIA] = via
        data: dict[str, Any] = {"metadata": metadata}
        if self.connect:
            data["description"] = payable.description
            if not payable.merchant_account:
                raise PaymentError("This merchant cannot take online payments yet.")
            # a platform coupon beyond the commission makes the platform's part negative: Stripe
            # takes no fee then, and the subsidy stays owed to the merchant in the ledger
            # (platform_subsidy against merchant_payable), paid with its payouts
            data["application_fee_amount"] = max(payable.application_fee, 0)
            data["transfer_data"] = {"destination": payable.merchant_account}
        return data

    async def _payment_intent_of(self, provider_ref: str) -> str:
        if not provider_ref.startswith("cs_"):
            return provider_ref
        with stripe_errors("find the payment to refund"):
            session = await self._client.v1.checkout.sessions.retrieve_async(provider_ref)
        intent = session.payment_intent
        if intent is None:
            raise PaymentError("This Checkout Session has no payment to refund.")
        return intent if isinstance(intent, str) else intent.id


def _method_types(methods: Sequence[str]) -> list[str]:
    unknown = [m for m in methods if m not in METHODS]
    if unknown:
        raise PaymentError(f"Stripe payment methods not supported here: {', '.join(unknown)}")
    return list(dict.fromkeys(methods)) or ["card"]
