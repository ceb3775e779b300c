"""Matching a provider event to our records, and refusing one that does not match."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from payments.errors import EventRefused
from payments.interfaces import PayableKind, ProviderEvent
from payments.models import Payment, Refund
from payments.types import PaymentState, RefundState

if TYPE_CHECKING:
    from marketplace.city import City


def _parse_reference(reference: str | None) -> tuple[PayableKind, int] | None:
    if not reference or ":" not in reference:
        return None
    kind, _, number = reference.partition(":")
    try:
        return PayableKind(kind), int(number)
    except ValueError:
        return None


async def find_payment(name: str, event: ProviderEvent, now: datetime) -> Payment:
    """The payment the event is about: by the provider's reference, or, when the event beats
    our own record of that reference, by our "booking:42" in its metadata."""
    payment = None
    if event.provider_ref:
        payment = await Payment.get_or_none(provider=name, provider_ref=event.provider_ref)
    parsed = _parse_reference(event.reference)
    if payment is None and parsed is not None:
        kind, number = parsed
        fk = {"booking_id": number} if kind is PayableKind.BOOKING else {"order_id": number}
        payment = (
            await Payment.filter(
                provider=name, kind=kind, provider_ref=None, state=PaymentState.STARTED, **fk
            )
            .order_by("-attempt")
            .first()
        )
        if payment is not None and event.provider_ref:
            await Payment.filter(id=payment.id, provider_ref=None).update(
                provider_ref=event.provider_ref, updated_at=now
            )
            payment.provider_ref = event.provider_ref
    if payment is None:
        raise EventRefused(
            f"no {name} payment of ours is {event.provider_ref or event.reference or '(none)'}"
        )
    if parsed is not None and (parsed[0], parsed[1]) != (payment.kind, payment.purchase_id):
        raise EventRefused(
            f"event says {event.reference}, payment {payment.id} is for "
            f"{payment.kind}:{payment.purchase_id}"
        )
    return payment


def check_money(city: City, payment: Payment, event: ProviderEvent, *, amount: bool = True) -> None:
    """The event's currency must be the city's and the payment's; its amount the payment's."""
    currency = (event.currency or "").upper()
    if currency != city.currency or currency != payment.currency:
        raise EventRefused(
            f"payment {payment.id}: the event is in {event.currency or 'no currency'}, "
            f"the city and the payment in {city.currency}"
        )
    if amount and event.amount != payment.amount:
        raise EventRefused(
            f"payment {payment.id}: the event says {event.amount}, the payment is {payment.amount}"
        )


async def find_refund(payment: Payment, event: ProviderEvent) -> Refund | None:
    """Our refund the event is about: by its reference, or the one we asked for whose answer
    we have not stored yet (same payment and amount)."""
    if event.refund_ref:
        refund = await Refund.get_or_none(provider_ref=event.refund_ref)
        if refund is not None:
            if refund.payment_id != payment.id:  # type: ignore[attr-defined]
                raise EventRefused(f"refund {event.refund_ref} is not of payment {payment.id}")
            return refund
    if event.amount is None:
        return None
    return (
        await Refund.filter(
            payment_id=payment.id,
            provider_ref=None,
            state=RefundState.PENDING,
            amount=event.amount,
        )
        .order_by("id")
        .first()
    )
