"""Idempotency keys derived from our own ids, so a retry (after a timeout, a double click, a
worker restart) sends the provider the same key and never creates a second payment or refund."""

from __future__ import annotations


def payable_key(kind: str, payable_id: int) -> str:
    return f"{kind}-{payable_id}"


def payment_key(kind: str, payable_id: int, attempt: int) -> str:
    """ "booking-42-payment-1": the first attempt to pay booking 42."""
    return f"{payable_key(kind, payable_id)}-payment-{attempt}"


def refund_key(kind: str, payable_id: int, payment_attempt: int, ordinal: int) -> str:
    """ "booking-42-refund-1" for the first refund of its first payment attempt;
    "booking-42-p2-refund-1" when a later attempt was the one paid."""
    attempt = "" if payment_attempt == 1 else f"-p{payment_attempt}"
    return f"{payable_key(kind, payable_id)}{attempt}-refund-{ordinal}"
