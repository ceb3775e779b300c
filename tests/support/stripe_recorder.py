"""An HTTP client for the Stripe SDK that records every request and answers like Stripe.

Plugged in with `StripeClient(http_client=...)`, it sees exactly what the SDK would send over the
wire: method, URL, headers (`Idempotency-Key`, `Stripe-Account`) and the form-encoded body,
decoded here into flat keys as Stripe's API spells them (`transfer_data[destination]`,
`line_items[0][price_data][unit_amount]`). Answers are built from the request in the shapes the
API reference documents for each object; like Stripe, a repeated idempotency key gets the first
answer again. `fail_next(n)` makes the next n requests fail as an unreachable network does;
`refuse_next(...)` answers the next request with a Stripe error body.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

_ids = itertools.count(1)


def _id(prefix: str) -> str:
    return f"{prefix}_test_{next(_ids):06d}"


@dataclass(frozen=True)
class Recorded:
    method: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def prefixed(self, prefix: str) -> dict[str, str]:
        return {k: v for k, v in self.form.items() if k.startswith(prefix)}


class StripeRecorder(stripe.HTTPClient):
    name = "recorder"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[Recorded] = []
        self.refund_status = "succeeded"
        self._failures = 0
        self._refusal: tuple[int, dict[str, Any]] | None = None
        self._by_key: dict[str, tuple[bytes, int]] = {}
        self._objects: dict[str, dict[str, Any]] = {}

    def fail_next(self, count: int = 1) -> None:
        self._failures = count

    def pay_session(self, session_id: str) -> str:
        """The customer pays a recorded Checkout Session: it gets its PaymentIntent."""
        session = self._objects[session_id]
        session.update(payment_intent=_id("pi"), payment_status="paid", status="complete")
        return session["payment_intent"]

    def refuse_next(self, status: int, kind: str, message: str, **fields: Any) -> None:
        self._refusal = (status, {"error": {"type": kind, "message": message, **fields}})

    async def request_async(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any = None
    ) -> tuple[bytes, int, Mapping[str, str]]:
        form = dict(parse_qsl(post_data or "", keep_blank_values=True))
        form.update(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        call = Recorded(method.upper(), url, dict(headers), form)
        self.requests.append(call)
        if self._failures:
            self._failures -= 1
            raise stripe.APIConnectionError("connection refused (recorded)", should_retry=True)
        key = call.header("Idempotency-Key")
        if key and key in self._by_key:
            body, status = self._by_key[key]
        else:
            body, status = self._answer(call)
            if key:
                self._by_key[key] = (body, status)
        return body, status, {"Request-Id": _id("req"), "Content-Type": "application/json"}

    async def request_stream_async(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("no streaming endpoint is used")

    async def sleep_async(self, secs: float) -> None:
        return None  # the SDK's retry back-off: not worth waiting for in tests

    async def close_async(self) -> None:
        return None

    def _answer(self, call: Recorded) -> tuple[bytes, int]:
        if self._refusal is not None:
            status, body = self._refusal
            self._refusal = None
            return json.dumps(body).encode(), status
        route = (call.method, *call.path.strip("/").split("/")[1:])
        obj: dict[str, Any] | None
        if route == ("POST", "checkout", "sessions"):
            obj = checkout_session(call.form)
        elif route == ("POST", "payment_intents"):
            obj = payment_intent(call.form)
        elif route == ("POST", "refunds"):
            obj = refund(call.form, self.refund_status)
        elif route == ("POST", "accounts"):
            obj = account(call.form)
        elif route == ("POST", "account_links"):
            obj = account_link(call.form)
        elif call.method == "GET" and len(route) >= 2:
            obj = self._objects.get(route[-1])
        else:
            obj = None
        if obj is None:
            error = {"type": "invalid_request_error", "message": f"No such route: {call.path}"}
            return json.dumps({"error": error}).encode(), 404
        if "id" in obj:
            self._objects[obj["id"]] = obj
        return json.dumps(obj).encode(), 200


def _metadata(form: Mapping[str, str], prefix: str = "") -> dict[str, str]:
    start = f"{prefix}metadata["
    return {k[len(start) : -1]: v for k, v in form.items() if k.startswith(start)}


def _list(form: Mapping[str, str], name: str) -> list[str]:
    return [v for k, v in sorted(form.items()) if k.startswith(f"{name}[")]


def checkout_session(form: Mapping[str, str]) -> dict[str, Any]:
    """A Checkout Session as `POST /v1/checkout/sessions` returns it (payment mode, open)."""
    session_id = _id("cs")
    unit = int(form["line_items[0][price_data][unit_amount]"])
    quantity = int(form.get("line_items[0][quantity]", "1"))
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": unit * quantity,
        "amount_total": unit * quantity,
        "cancel_url": form.get("cancel_url"),
        "client_reference_id": form.get("client_reference_id"),
        "created": int(time.time()),
        "currency": form["line_items[0][price_data][currency]"],
        "customer": None,
        "customer_email": form.get("customer_email"),
        "expires_at": int(time.time()) + 24 * 3600,
        "livemode": False,
        "metadata": _metadata(form),
        "mode": form["mode"],
        # created when the customer pays (API versions since 2022-08-01)
        "payment_intent": None,
        "payment_method_types": _list(form, "payment_method_types"),
        "payment_status": "unpaid",
        "status": "open",
        "success_url": form.get("success_url"),
        "url": f"https://checkout.stripe.com/c/pay/{session_id}#fidkdWxOYHwnPyd1blpxYHZxWjA0",
    }


def payment_intent(form: Mapping[str, str]) -> dict[str, Any]:
    """A PaymentIntent as `POST /v1/payment_intents` returns it before confirmation."""
    intent_id = _id("pi")
    destination = form.get("transfer_data[destination]")
    fee = form.get("application_fee_amount")
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": int(form["amount"]),
        "amount_capturable": 0,
        "amount_received": 0,
        "application_fee_amount": int(fee) if fee is not None else None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_Xb9Qm2Lk",
        "confirmation_method": "automatic",
        "created": int(time.time()),
        "currency": form["currency"],
        "description": form.get("description"),
        "latest_charge": None,
        "livemode": False,
        "metadata": _metadata(form),
        "payment_method": None,
        "payment_method_types": _list(form, "payment_method_types"),
        "status": "requires_payment_method",
        "transfer_data": {"destination": destination} if destination else None,
    }


def refund(form: Mapping[str, str], status: str) -> dict[str, Any]:
    """A Refund as `POST /v1/refunds` returns it."""
    return {
        "id": _id("re"),
        "object": "refund",
        "amount": int(form["amount"]),
        "balance_transaction": _id("txn") if status == "succeeded" else None,
        "charge": _id("ch"),
        "created": int(time.time()),
        "currency": "cny",
        "metadata": _metadata(form),
        "payment_intent": form.get("payment_intent"),
        "reason": form.get("reason"),
        "status": status,
        "transfer_reversal": _id("trr") if form.get("reverse_transfer") == "true" else None,
    }


def account(form: Mapping[str, str]) -> dict[str, Any]:
    """An Express connected account as `POST /v1/accounts` returns it, before onboarding."""
    return {
        "id": _id("acct"),
        "object": "account",
        "business_type": None,
        "capabilities": {"card_payments": "inactive", "transfers": "inactive"},
        "charges_enabled": False,
        "country": form.get("country"),
        "created": int(time.time()),
        "default_currency": "cny",
        "details_submitted": False,
        "email": form.get("email"),
        "metadata": _metadata(form),
        "payouts_enabled": False,
        "type": form.get("type", "express"),
    }


def account_link(form: Mapping[str, str]) -> dict[str, Any]:
    """An Account Link as `POST /v1/account_links` returns it (it has no id)."""
    now = int(time.time())
    return {
        "object": "account_link",
        "created": now,
        "expires_at": now + 300,
        "url": f"https://connect.stripe.com/setup/e/{form['account']}/Yq3kP0tWqR7z",
    }
