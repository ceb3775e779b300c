"""The verbs of payments, for routes, webhooks and the worker: start a payment, apply a
provider's event (or a raw webhook), refund, record a payment taken at the store, and what a
merchant can take. Each lives in a small module of its own; this is the one place to import
them from."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from payments.events import apply_event
from payments.interfaces import InvalidEvent, PaymentProvider
from payments.pay_at_store import record_store_payment
from payments.refunds import refundable, request_refund
from payments.refunds_due import refund_what_is_due
from payments.starting import merchant_can_take_online_payments, start_payment
from payments.types import EventOutcome

if TYPE_CHECKING:
    from marketplace.city import City

__all__ = [
    "apply_event",
    "handle_webhook",
    "merchant_can_take_online_payments",
    "record_store_payment",
    "refund_what_is_due",
    "refundable",
    "request_refund",
    "start_payment",
]

log = logging.getLogger("taocity.payments")


async def handle_webhook(
    city: City,
    provider: PaymentProvider,
    payload: bytes,
    headers: Mapping[str, str],
    *,
    now: datetime | None = None,
) -> EventOutcome:
    """Verify a webhook with its provider and apply it; a forged or stale one raises
    InvalidEvent (logged) before anything is read or written."""
    try:
        event = provider.parse_event(payload, headers)
    except InvalidEvent as exc:
        log.warning("webhook for %s refused: %s", provider.name, exc)
        raise
    return await apply_event(city, provider, event, now=now)
