"""Refunds: never more than was paid minus what is already refunded or under way, once per
idempotency key derived from our ids, the provider called outside any transaction.

A refund is claimed first (a `pending` row, under a lock on its payment, so two concurrent
requests cannot both fit), then asked of the provider, then settled: by the provider's answer
when it answers at once, or later by its event. Settling is a conditional state change, so the
answer and the event together still post one ledger transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum

from marketplace import clock
from marketplace.errors import ValidationFailed
from marketplace.notices.services import atomic
from payments import ledger
from payments.errors import RefundConflict, RefundsNotSupported, RefundTooLarge
from payments.interfaces import PaymentError, PaymentProvider, ProviderUnavailable
from payments.keys import refund_key
from payments.models import Payment, Refund
from payments.types import PAID, PaymentState, RefundReason, RefundState

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger("taocity.payments")
COMMITTED = [RefundState.PENDING, RefundState.SUCCEEDED]


async def refundable(payment_id: int) -> int:
    """What can still be refunded: paid minus refunds succeeded or under way."""
    payment = await Payment.get(id=payment_id)
    if payment.state not in PAID:
        return 0
    row = (
        await Refund.filter(payment_id=payment_id, state__in=COMMITTED)
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return payment.amount - int((row[0]["total"] if row else 0) or 0)


async def request_refund(
    city: City,
    provider: PaymentProvider,
    payment: Payment,
    amount: int,
    reason: RefundReason | str,
    *,
    ordinal: int | None = None,
    now: datetime | None = None,
) -> Refund:
    """Give `amount` of `payment` back. `ordinal` names which refund of this payment this is
    (1, 2, ...; None: the next one): asking again with the same ordinal is the same refund."""
    now = now or clock.now()
    if not provider.supports_refunds or provider.name != payment.provider:
        raise RefundsNotSupported(f"{payment.provider} payments are not refunded online")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed.on("amount", "must be a positive whole number of minor units")
    refund = await _claim(payment, amount, RefundReason(reason), ordinal, now)
    if refund.state != RefundState.PENDING or refund.provider_ref is not None:
        return refund  # done already, or asked and waiting for the provider's event
    return await send(provider, payment, refund, now)


async def _claim(
    payment: Payment, amount: int, reason: RefundReason, ordinal: int | None, now: datetime
) -> Refund:
    key = ""
    try:
        async with atomic():
            locked = await Payment.filter(id=payment.id).select_for_update().get()
            number = ordinal or await Refund.filter(payment_id=payment.id).count() + 1
            key = refund_key(locked.kind, locked.purchase_id, locked.attempt, number)
            existing = await Refund.get_or_none(idempotency_key=key)
            if existing is not None:
                return _same(existing, amount)
            left = await refundable(payment.id)
            if amount > left:
                log.warning("refund of %d refused on payment %d: %d left", amount, payment.id, left)
                raise RefundTooLarge(
                    f"a refund of {amount} is more than can still be refunded ({left})"
                )
            return await Refund.create(
                payment_id=payment.id,
                amount=amount,
                reason=reason.value,
                state=RefundState.PENDING,
                idempotency_key=key,
                # stamped by the caller's clock: the job that resends stuck refunds compares
                # this with its own `now`, so both must come from the same clock
                created_at=now,
            )
    except IntegrityError:  # the same refund claimed by a concurrent request
        return _same(await Refund.get(idempotency_key=key), amount)


def _same(existing: Refund, amount: int) -> Refund:
    if existing.amount != amount:
        raise RefundConflict(
            f"this refund was already asked for with {existing.amount}; reload and try again"
        )
    return existing


async def send(
    provider: PaymentProvider, payment: Payment, refund: Refund, now: datetime
) -> Refund:
    """Ask the provider (again: the key is the same) for a claimed refund."""
    try:
        result = await provider.refund(
            payment.provider_ref or "", refund.amount, idempotency_key=refund.idempotency_key
        )
    except ProviderUnavailable:
        log.warning("refund %s: provider unreachable; it stays pending", refund.idempotency_key)
        raise
    except PaymentError as exc:
        log.warning("refund %s refused by the provider: %s", refund.idempotency_key, exc)
        await Refund.filter(id=refund.id, state=RefundState.PENDING, provider_ref=None).update(
            state=RefundState.FAILED, updated_at=now
        )
        raise
    async with atomic():
        await Refund.filter(id=refund.id, provider_ref=None).update(
            provider_ref=result.provider_ref, updated_at=now
        )
        if result.succeeded:
            await settle(refund.id, succeeded=True, now=now)
    return await Refund.get(id=refund.id)


async def settle(refund_id: int, *, succeeded: bool, now: datetime) -> bool:
    """The provider's final word on a refund; True when it changed something. Call inside a
    transaction."""
    refund = await Refund.get(id=refund_id)
    payment = await Payment.filter(id=refund.payment_id).select_for_update().get()  # type: ignore[attr-defined]
    if succeeded:
        changed = await Refund.filter(id=refund.id, state=RefundState.PENDING).update(
            state=RefundState.SUCCEEDED, updated_at=now
        )
        if not changed:
            return False
        before = payment.refunded_amount
        await _set_refunded(payment, before + refund.amount, now)
        await ledger.record_refund(payment, refund, before)
        return True
    if await Refund.filter(id=refund.id, state=RefundState.PENDING).update(
        state=RefundState.FAILED, updated_at=now
    ):
        return True
    if await Refund.filter(id=refund.id, state=RefundState.SUCCEEDED).update(
        state=RefundState.FAILED, updated_at=now
    ):  # reported done, then failed: the money came back
        before = payment.refunded_amount
        await _set_refunded(payment, before - refund.amount, now)
        await ledger.reverse_refund(payment, refund, before)
        return True
    return False


async def _set_refunded(payment: Payment, total: int, now: datetime) -> None:
    if total <= 0:
        state = PaymentState.SUCCEEDED
    elif total >= payment.amount:
        state = PaymentState.REFUNDED
    else:
        state = PaymentState.PARTIALLY_REFUNDED
    await Payment.filter(id=payment.id).update(refunded_amount=total, state=state, updated_at=now)
    payment.refunded_amount, payment.state = total, state
