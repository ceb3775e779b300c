"""Signed Stripe webhook deliveries, built the way Stripe builds them.

The body is an Event object (`id`, `object: "event"`, `api_version`, `created`, `data.object`,
`livemode`, `pending_webhooks`, `request`, `type`, and `account` for Connect events), with
`data.object` shaped like the API reference's PaymentIntent, Checkout Session, Charge, Refund and
Account. The `Stripe-Signature` header is `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>"
keyed with the endpoint's secret>`, computed here with hmac directly, not with the SDK that the
code under test verifies with. Used for what localstripe cannot send (Connect, Checkout and
refund events) and for every malformed case.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from typing import Any

API_VERSION = "2026-10-28.endive"
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_1Test{next(_ids):08d}"


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(kind: str, obj: dict[str, Any], *, account: str | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "data": {"object": obj, **extra},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": new_id("req"), "idempotency_key": None},
        "type": kind,
    }
    if account is not None:
        body["account"] = account
    return body


def delivery(
    body: dict[str, Any], secret: str, *, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The raw body and headers of one POST from Stripe to our endpoint."""
    raw = json.dumps(body, indent=2).encode()
    return raw, {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": sign(raw, secret, timestamp=timestamp),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }


def payment_intent(
    reference: str,
    *,
    amount: int = 12800,
    status: str = "succeeded",
    destination: str = "acct_1MerchantXyz",
    fee: int = 1536,
    intent_id: str | None = None,
    via: str | None = None,
) -> dict[str, Any]:
    """A PaymentIntent; `via="checkout"` for one a Checkout Session created (our metadata)."""
    succeeded = status == "succeeded"
    failure = None
    if status == "requires_payment_method":
        failure = {
            "code": "card_declined",
            "decline_code": "generic_decline",
            "message": "Your card was declined.",
            "type": "card_error",
        }
    return {
        "id": intent_id or new_id("pi"),
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": amount if succeeded else 0,
        "application_fee_amount": fee,
        "capture_method": "automatic_async",
        "client_secret": None,
        "created": int(time.time()) - 60,
        "currency": "cny",
        "description": "深度保洁 3 小时",
        "last_payment_error": failure,
        "latest_charge": new_id("ch"),
        "livemode": False,
        "metadata": {"reference": reference, **({"via": via} if via else {})},
        "payment_method": new_id("pm"),
        "payment_method_types": ["card"],
        "status": status,
        "transfer_data": {"destination": destination},
        "transfer_group": new_id("group"),
    }


def checkout_session(
    reference: str,
    *,
    amount: int = 12800,
    payment_status: str = "paid",
    intent_id: str | None = None,
    methods: tuple[str, ...] = ("card", "alipay", "wechat_pay"),
) -> dict[str, Any]:
    return {
        "id": new_id("cs_test"),
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "cancel_url": "https://changzhou.taocity.test/bookings/42",
        "client_reference_id": reference,
        "created": int(time.time()) - 120,
        "currency": "cny",
        "customer_details": {"email": "resident@demo.taocity.test", "name": None},
        "expires_at": int(time.time()) + 3600,
        "livemode": False,
        "metadata": {"reference": reference},
        "mode": "payment",
        "payment_intent": intent_id or new_id("pi"),
        "payment_method_types": list(methods),
        "payment_status": payment_status,
        "status": "complete",
        "success_url": "https://changzhou.taocity.test/bookings/42/paid",
        "url": None,
    }


def refund(
    intent_id: str,
    *,
    amount: int,
    status: str = "succeeded",
    refund_id: str | None = None,
    payment: str | None = None,
) -> dict[str, Any]:
    """A Refund; `payment` is what our provider puts in its metadata (the payment's ref)."""
    return {
        "id": refund_id or new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": new_id("txn") if status == "succeeded" else None,
        "charge": new_id("ch"),
        "created": int(time.time()),
        "currency": "cny",
        "failure_reason": "expired_or_canceled_card" if status == "failed" else None,
        "metadata": {"payment": payment} if payment else {},
        "payment_intent": intent_id,
        "reason": "requested_by_customer",
        "status": status,
        "transfer_reversal": new_id("trr"),
    }


def charge(
    reference: str,
    intent_id: str,
    *,
    amount: int = 12800,
    refunded: int = 0,
    refunds: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A Charge. `refunds` is listed only when given (older API versions list them)."""
    obj: dict[str, Any] = {
        "id": new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "application_fee": new_id("fee"),
        "application_fee_amount": 1536,
        "captured": True,
        "created": int(time.time()) - 300,
        "currency": "cny",
        "livemode": False,
        "metadata": {"reference": reference},
        "paid": True,
        "payment_intent": intent_id,
        "refunded": refunded == amount,
        "status": "succeeded",
        "transfer": new_id("tr"),
        "transfer_data": {"amount": None, "destination": "acct_1MerchantXyz"},
    }
    if refunds is not None:
        obj["refunds"] = {
            "object": "list",
            "data": refunds,
            "has_more": False,
            "total_count": len(refunds),
            "url": f"/v1/charges/{obj['id']}/refunds",
        }
    return obj


def account(account_id: str, *, charges: bool, payouts: bool) -> dict[str, Any]:
    return {
        "id": account_id,
        "object": "account",
        "business_type": "company",
        "capabilities": {
            "card_payments": "active" if charges else "pending",
            "transfers": "active" if payouts else "pending",
        },
        "charges_enabled": charges,
        "country": "CN",
        "default_currency": "cny",
        "details_submitted": True,
        "email": "shop@example.cn",
        "metadata": {"merchant_id": "17"},
        "payouts_enabled": payouts,
        "requirements": {"currently_due": [], "disabled_reason": None},
        "type": "express",
    }
