"""Applying a verified provider event, once per (provider, event id), in any order.

The event's id is inserted in the same transaction as its effects: a second delivery (or fifty
concurrent ones) fails on the unique key and changes nothing. An event that does not match our
records (unknown payment, another amount or currency) is refused, logged, and leaves no trace,
not even its id. A refund event about a payment whose success we have not heard of yet is kept
and applied right after that success, so every order of arrival ends in the same state.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError

from marketplace import clock
from marketplace.errors import MarketplaceError
from marketplace.lifecycle import StateChanged
from marketplace.notices.services import atomic
from payments import ledger, purchase_kinds
from payments.errors import EventRefused
from payments.event_lookup import check_money, find_payment, find_refund
from payments.interfaces import EventKind, PaymentError, PaymentProvider, ProviderEvent
from payments.models import MerchantPayoutAccount, Payable, Payment, ProcessedEvent, Refund
from payments.notify import tell_refund_coming
from payments.purchase_kinds import Purchase, PurchaseKind
from payments.refunds import refundable, settle
from payments.tenders import paid_so_far
from payments.types import PAID, EventOutcome, PaymentState, RefundReason, RefundState

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger("taocity.payments")
O = EventOutcome  # noqa: E741


class _Duplicate(Exception):
    pass


@dataclass
class _Result:
    outcome: EventOutcome
    refund_payment: int | None = None  # paid for something gone: refund it after the commit


async def apply_event(
    city: City, provider: PaymentProvider, event: ProviderEvent, *, now: datetime | None = None
) -> EventOutcome:
    """Apply `event` (verified by `provider.parse_event`); ALREADY for a repeat delivery."""
    now = now or clock.now()
    try:
        result = await _apply_once(city, provider.name, event, now)
    except EventRefused as exc:
        log.warning("event %s %s (%s) refused: %s", provider.name, event.id, event.raw_type, exc)
        raise
    if result.refund_payment is not None:
        from payments.refunds_due import refund_owed

        try:
            await refund_owed(city, provider, result.refund_payment, now=now)
        except (PaymentError, MarketplaceError) as exc:  # the refunds job tries again
            log.warning(
                "automatic refund of payment %d not made yet: %s", result.refund_payment, exc
            )
    return result.outcome


async def _apply_once(city: City, name: str, event: ProviderEvent, now: datetime) -> _Result:
    try:
        async with atomic():
            try:
                record = await ProcessedEvent.create(
                    provider=name,
                    event_id=event.id,
                    kind=event.kind.value,
                    provider_ref=event.provider_ref,
                    outcome=O.APPLIED,
                )
            except IntegrityError:
                raise _Duplicate from None
            result = await _dispatch(city, name, event, now)
            if result.outcome is not O.APPLIED:
                payload = _payload(event) if result.outcome is O.DEFERRED else None
                await ProcessedEvent.filter(id=record.id).update(
                    outcome=result.outcome, payload=payload
                )
            return result
    except _Duplicate:
        return _Result(O.ALREADY)


async def _dispatch(city: City, name: str, event: ProviderEvent, now: datetime) -> _Result:
    kind = event.kind
    if kind is EventKind.PAYMENT_SUCCEEDED:
        return await _succeeded(city, name, event, now)
    if kind is EventKind.PAYMENT_FAILED:
        return await _failed(city, name, event, now)
    if kind in (EventKind.REFUND_SUCCEEDED, EventKind.REFUND_FAILED):
        return _Result(await _refund_event(city, name, event, now))
    if kind is EventKind.ACCOUNT_UPDATED:
        return _Result(await _account_updated(name, event, now))
    return _Result(O.IGNORED)


async def _succeeded(city: City, name: str, event: ProviderEvent, now: datetime) -> _Result:
    payment = await find_payment(name, event, now)
    check_money(city, payment, event)
    changed = await Payment.filter(
        id=payment.id, state__in=[PaymentState.STARTED, PaymentState.FAILED]
    ).update(state=PaymentState.SUCCEEDED, updated_at=now)
    if not changed:
        return _Result(O.ALREADY)  # another event said so (a session and its intent, say)
    payment.state = PaymentState.SUCCEEDED
    await ledger.record_payment(payment)
    payable, adapter, purchase = await _purchase(payment)
    try:
        if await paid_so_far(payable) >= payable.amount_due:
            confirmed = await adapter.confirm_paid(city, purchase, now)
        else:  # another tender pays the rest; meanwhile the purchase must still be waiting
            expires = purchase.hold_expires_at
            confirmed = adapter.payable(purchase) and (expires is None or expires > now)
    except StateChanged:  # the hold expired or was cancelled while we looked
        confirmed = False
    result = _Result(O.APPLIED)
    if not confirmed:
        await Payment.filter(id=payment.id).update(refund_owed=True)
        _, purchase = await purchase_kinds.load(adapter.name, purchase.id)
        await tell_refund_coming(city, adapter, purchase, payment)
        result.refund_payment = payment.id
    for deferred in await ProcessedEvent.filter(
        provider=name, provider_ref=payment.provider_ref, outcome=O.DEFERRED
    ).order_by("id"):
        outcome = await _refund_event(city, name, _event(deferred.payload), now)
        await ProcessedEvent.filter(id=deferred.id).update(outcome=outcome, payload=None)
    return result


async def _failed(city: City, name: str, event: ProviderEvent, now: datetime) -> _Result:
    payment = await find_payment(name, event, now)
    changed = await Payment.filter(id=payment.id, state=PaymentState.STARTED).update(
        state=PaymentState.FAILED, updated_at=now
    )
    if not changed:
        return _Result(O.ALREADY)  # it succeeded meanwhile, or failed before
    _, adapter, purchase = await _purchase(payment)
    try:
        await adapter.back_to_held(city, purchase, now)
    except StateChanged:
        pass  # it expired or was cancelled meanwhile: nothing left to hold
    return _Result(O.APPLIED)


async def _purchase(payment: Payment) -> tuple[Payable, PurchaseKind, Purchase]:
    """The payment's payable, and the purchase it pays for with the adapter of its kind."""
    payable = await Payable.get(id=payment.payable_id)  # type: ignore[attr-defined]
    adapter, purchase = await purchase_kinds.load(payable.kind, payable.ref_id)
    return payable, adapter, purchase


async def _refund_event(city: City, name: str, event: ProviderEvent, now: datetime) -> EventOutcome:
    payment = await find_payment(name, event, now)
    if event.currency is not None:
        check_money(city, payment, event, amount=False)
    if payment.state not in PAID:
        return O.DEFERRED
    succeeded = event.kind is EventKind.REFUND_SUCCEEDED
    refund = await find_refund(payment, event)
    if refund is None and not succeeded:
        return O.IGNORED  # a failed refund we never asked for changes nothing
    if refund is None:
        refund = await _refund_made_at_provider(payment, event)
    elif event.amount is not None and event.amount != refund.amount:
        raise EventRefused(
            f"refund {event.refund_ref}: the provider says {event.amount}, we asked {refund.amount}"
        )
    if refund.provider_ref is None and event.refund_ref:
        await Refund.filter(id=refund.id).update(provider_ref=event.refund_ref)
    return O.APPLIED if await settle(refund.id, succeeded=succeeded, now=now) else O.ALREADY


async def _refund_made_at_provider(payment: Payment, event: ProviderEvent) -> Refund:
    """Somebody refunded at the provider directly: record it, within what was paid."""
    amount = event.amount
    left = await refundable(payment.id)
    if amount is None or amount <= 0 or amount > left or not event.refund_ref:
        raise EventRefused(f"refund {event.refund_ref} of {amount}: only {left} can be refunded")
    return await Refund.create(
        payment_id=payment.id,
        amount=amount,
        reason=RefundReason.PROVIDER.value,
        provider_ref=event.refund_ref,
        state=RefundState.PENDING,
        idempotency_key=f"provider-{event.refund_ref}"[:80],
    )


async def _account_updated(name: str, event: ProviderEvent, now: datetime) -> EventOutcome:
    if not event.account:
        return O.IGNORED
    flags = {
        field: value
        for field in ("charges_enabled", "payouts_enabled")
        if (value := getattr(event, field)) is not None
    }
    if not flags:
        return O.IGNORED
    if flags.get("charges_enabled"):
        flags["details_submitted"] = True  # the provider enables charges only once they are
    changed = await MerchantPayoutAccount.filter(provider=name, account_id=event.account).update(
        **flags, updated_at=now
    )
    return O.APPLIED if changed else O.IGNORED


def _payload(event: ProviderEvent) -> dict[str, object]:
    return {k: (v.value if k == "kind" else v) for k, v in dataclasses.asdict(event).items()}


def _event(payload: dict[str, object] | None) -> ProviderEvent:
    data = dict(payload or {})
    data["kind"] = EventKind(str(data["kind"]))
    return ProviderEvent(**data)  # type: ignore[arg-type]
