"""Verifies Stripe webhooks and translates the events we use into `ProviderEvent`.

`provider_ref` in an event is always the id `start_payment` returned for that payment, which is
what the core stores and matches on:
- a Checkout payment is known by its Checkout Session id: `checkout.session.*` events report
  the session's id, and the `payment_intent.*` events of the PaymentIntent that Checkout creates
  (marked `METADATA_VIA: "checkout"` in its metadata) are ignored, the session's events say
  the same thing once;
- a PaymentIntent payment (`start_payment_intent`) is known by the PaymentIntent id, which its
  `payment_intent.*` events report;
- a refund we make carries that id in its own metadata (`METADATA_PAYMENT`), so
  `refund.updated`, `refund.failed`, `refund.created` and `charge.refunded` (when it lists the
  refund) report it; a refund made elsewhere (in Stripe's Dashboard) reports its PaymentIntent.
`reference` ("booking:42") is in the metadata of the session and of its PaymentIntent alike.

`charge.refunded` lists the charge's refunds only on older API versions. When it does, the event
is about the newest one; when it does not, it cannot say which refund it is about and is
ignored (`refund.*` events say it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import stripe

from payments.interfaces import EventKind, InvalidEvent, ProviderEvent

METADATA_KEY = "reference"
METADATA_VIA = "via"  # "checkout" on a PaymentIntent a Checkout Session created
METADATA_PAYMENT = "payment"  # on a refund: the provider_ref of the payment it refunds
SIGNATURE_HEADER = "stripe-signature"
TOLERANCE_S = stripe.Webhook.DEFAULT_TOLERANCE  # 300 s, Stripe's default

_Object = dict[str, Any]


def verified_event(payload: bytes, headers: Mapping[str, str], secret: str) -> _Object:
    """The event as a dict, once its signature over the raw body checks out; or InvalidEvent."""
    signature = _header(headers, SIGNATURE_HEADER)
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, TOLERANCE_S)
    except stripe.SignatureVerificationError as exc:
        raise InvalidEvent(f"Stripe signature rejected: {exc.user_message}") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidEvent("Stripe signature rejected: the body is not UTF-8 text") from exc
    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise InvalidEvent("The webhook body is not JSON") from exc
    if not (
        isinstance(event, dict)
        and event.get("object") == "event"
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data"), dict)
        and isinstance(event["data"].get("object"), dict)
    ):
        raise InvalidEvent("The webhook body is not a Stripe event")
    return event


def translate(event: _Object) -> ProviderEvent:
    kind = event["type"]
    obj: _Object = event["data"]["object"]
    handler = _HANDLERS.get(kind)
    base = {"id": event["id"], "raw_type": kind}
    try:
        translated = handler(obj) if handler else None
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InvalidEvent(f"The {kind} event does not have the shape Stripe documents") from exc
    if translated is None:
        return ProviderEvent(kind=EventKind.IGNORED, **base)
    return ProviderEvent(**base, **translated)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value


def _reference(obj: _Object) -> str | None:
    metadata = obj.get("metadata") or {}
    value = metadata.get(METADATA_KEY)
    return value if isinstance(value, str) and value else None


def _id_of(value: Any) -> str | None:
    """An expandable field: an id, or the expanded object carrying one."""
    if isinstance(value, dict):
        return value.get("id")
    return value if isinstance(value, str) else None


def _currency(obj: _Object) -> str | None:
    currency = obj.get("currency")
    return currency.upper() if isinstance(currency, str) else None


def _intent(kind: EventKind, amount_field: str) -> Any:
    def handle(obj: _Object) -> dict[str, Any] | None:
        if (obj.get("metadata") or {}).get(METADATA_VIA) == "checkout":
            return None
        # Stripe always sends amount_received; localstripe leaves it out, and for a succeeded
        # automatic-capture intent (the only kind we create) it equals amount
        amount = obj[amount_field] if amount_field in obj else obj["amount"]
        return {
            "kind": kind,
            "provider_ref": obj["id"],
            "reference": _reference(obj),
            "amount": int(amount),
            "currency": _currency(obj),
        }

    return handle


def _session(kind: EventKind, *, only_when_paid: bool = False) -> Any:
    def handle(obj: _Object) -> dict[str, Any] | None:
        # completed with payment_status "unpaid": an asynchronous method (Alipay, WeChat Pay)
        # is still pending; async_payment_succeeded or _failed follows
        if only_when_paid and obj.get("payment_status") != "paid":
            return None
        return {
            "kind": kind,
            "provider_ref": obj["id"],
            "reference": _reference(obj) or obj.get("client_reference_id"),
            "amount": int(obj["amount_total"]),
            "currency": _currency(obj),
        }

    return handle


def _refund(obj: _Object) -> dict[str, Any] | None:
    status = obj.get("status")
    if status == "succeeded":
        kind = EventKind.REFUND_SUCCEEDED
    elif status in ("failed", "canceled"):
        kind = EventKind.REFUND_FAILED
    else:  # pending, requires_action: a later event settles it
        return None
    metadata = obj.get("metadata") or {}
    return {
        "kind": kind,
        "provider_ref": metadata.get(METADATA_PAYMENT) or _id_of(obj.get("payment_intent")),
        "refund_ref": obj["id"],
        "amount": int(obj["amount"]),
        "currency": _currency(obj),
    }


def _charge_refunded(obj: _Object) -> dict[str, Any] | None:
    listed = (obj.get("refunds") or {}).get("data") or []
    if not listed:
        return None
    newest = max(listed, key=lambda r: r.get("created") or 0)
    translated = _refund(newest)
    if translated is not None:
        translated["reference"] = _reference(obj)
    return translated


def _account(obj: _Object) -> dict[str, Any]:
    return {
        "kind": EventKind.ACCOUNT_UPDATED,
        "account": obj["id"],
        "charges_enabled": bool(obj.get("charges_enabled")),
        "payouts_enabled": bool(obj.get("payouts_enabled")),
    }


_HANDLERS: dict[str, Any] = {
    "payment_intent.succeeded": _intent(EventKind.PAYMENT_SUCCEEDED, "amount_received"),
    "payment_intent.payment_failed": _intent(EventKind.PAYMENT_FAILED, "amount"),
    "checkout.session.completed": _session(EventKind.PAYMENT_SUCCEEDED, only_when_paid=True),
    "checkout.session.async_payment_succeeded": _session(EventKind.PAYMENT_SUCCEEDED),
    "checkout.session.async_payment_failed": _session(EventKind.PAYMENT_FAILED),
    "charge.refunded": _charge_refunded,
    "refund.created": _refund,
    "refund.updated": _refund,
    "refund.failed": _refund,
    "charge.refund.updated": _refund,
    "account.updated": _account,
}
