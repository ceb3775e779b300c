"""A test double of *our* `payments.interfaces.PaymentProvider` protocol, for the payments core.

It is not a model of Stripe or any real provider: it keeps what an online provider promises in
our interface (the same idempotency key returns the same payment or refund; events are verified
before they are trusted) and lets a test make the provider unreachable, answer refunds later, or
hand the core events in any order.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict

from payments.interfaces import (
    EventKind,
    InvalidEvent,
    Payable,
    ProviderEvent,
    ProviderUnavailable,
    RefundResult,
    ReturnUrls,
    StartedPayment,
)

SIGNATURE_HEADER = "x-fake-signature"
_ids = itertools.count(1)


class FakeProvider:
    supports_refunds = True
    online = True

    def __init__(self, name: str = "stripe", *, secret: str = "fake-webhook-secret") -> None:
        self.name = name  # the city names its providers; this one stands in for an online one
        self.secret = secret.encode()
        self.unreachable = False
        self.refunds_answer_later = False  # like wallets whose refunds settle asynchronously
        self.payments: dict[str, tuple[Payable, StartedPayment]] = {}  # by idempotency key
        self.refunds: dict[str, tuple[str, int, RefundResult]] = {}  # by idempotency key
        self.start_calls: list[str] = []
        self.refund_calls: list[str] = []

    # --- the interface ---

    async def start_payment(
        self,
        payable: Payable,
        *,
        idempotency_key: str,
        urls: ReturnUrls,
        methods: Sequence[str],
    ) -> StartedPayment:
        self.start_calls.append(idempotency_key)
        if self.unreachable:
            raise ProviderUnavailable("the payment provider could not be reached; try again")
        if idempotency_key not in self.payments:
            ref = f"pay_{next(_ids)}"
            started = StartedPayment(self.name, ref, redirect_url=f"https://pay.test/{ref}")
            self.payments[idempotency_key] = (payable, started)
        return self.payments[idempotency_key][1]

    def parse_event(self, payload: bytes, headers: Mapping[str, str]) -> ProviderEvent:
        expected = hmac.new(self.secret, payload, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get(SIGNATURE_HEADER, ""), expected):
            raise InvalidEvent("bad signature")
        data = json.loads(payload)
        data["kind"] = EventKind(data["kind"])
        return ProviderEvent(**data)

    async def refund(self, provider_ref: str, amount: int, *, idempotency_key: str) -> RefundResult:
        self.refund_calls.append(idempotency_key)
        if self.unreachable:
            raise ProviderUnavailable("the payment provider could not be reached; try again")
        if idempotency_key not in self.refunds:
            result = RefundResult(f"re_{next(_ids)}", succeeded=not self.refunds_answer_later)
            self.refunds[idempotency_key] = (provider_ref, amount, result)
        return self.refunds[idempotency_key][2]

    # --- what a test uses to play the provider's side ---

    def payable(self, started: StartedPayment) -> Payable:
        return next(p for p, s in self.payments.values() if s.provider_ref == started.provider_ref)

    def paid(self, started: StartedPayment, **changes: object) -> ProviderEvent:
        """The resident paid: the event the provider would send (override fields to forge)."""
        payable = self.payable(started)
        values: dict[str, object] = {
            "id": f"evt_{next(_ids)}",
            "kind": EventKind.PAYMENT_SUCCEEDED,
            "provider_ref": started.provider_ref,
            "reference": payable.reference,
            "amount": payable.amount,
            "currency": payable.currency,
            "raw_type": "payment.succeeded",
        }
        values.update(changes)
        return ProviderEvent(**values)  # type: ignore[arg-type]

    def failed(self, started: StartedPayment) -> ProviderEvent:
        return self.paid(started, kind=EventKind.PAYMENT_FAILED, raw_type="payment.failed")

    def refunded(
        self, started: StartedPayment, amount: int, refund_ref: str, *, ok: bool = True
    ) -> ProviderEvent:
        kind = EventKind.REFUND_SUCCEEDED if ok else EventKind.REFUND_FAILED
        return self.paid(
            started, kind=kind, amount=amount, refund_ref=refund_ref, raw_type="refund.updated"
        )

    def webhook(self, event: ProviderEvent, *, secret: bytes | None = None) -> tuple[bytes, dict]:
        """The event as signed bytes and headers, as it would arrive over HTTP."""
        body = {**asdict(event), "kind": event.kind.value}
        payload = json.dumps(body).encode()
        signature = hmac.new(secret or self.secret, payload, hashlib.sha256).hexdigest()
        return payload, {SIGNATURE_HEADER: signature}
