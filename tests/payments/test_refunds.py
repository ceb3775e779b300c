"""Refunds: within what was paid, once per key, after a cancellation by the worker's job;
paying at the store is recorded by the merchant and refunded at the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

import payments.factory
from marketplace.bookings.services import cancel_booking
from marketplace.errors import ValidationFailed
from marketplace.orders.services import cancel_order
from marketplace.settings import Settings
from payments.errors import (
    NotPayable,
    PayableNotFound,
    RefundConflict,
    RefundsNotSupported,
    RefundTooLarge,
)
from payments.events import apply_event
from payments.interfaces import ProviderUnavailable
from payments.ledger import balances, reconcile
from payments.models import LedgerEntry, Payment, Refund
from payments.pay_at_store import PayAtStoreProvider, record_store_payment
from payments.refunds import refundable, request_refund
from payments.refunds_due import refund_what_is_due
from payments.starting import start_payment
from payments.types import PaymentState, RefundState
from tests.payments.conftest import URLS, held_booking, held_order
from tests.support.bookables import NOW, THURSDAY_9
from tests.support.factories import make_account


async def _paid(city, provider, ready, kind: str = "booking") -> Payment:
    started = await start_payment(city, provider, ready.resident, kind, ready.id, URLS, now=NOW)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    return await Payment.get(provider_ref=started.provider_ref)


async def _books() -> tuple:
    return (
        await Payment.all().order_by("id").values_list("id", "state", "refunded_amount"),
        await Refund.all().order_by("id").values_list("id", "state", "amount"),
        await LedgerEntry.all().count(),
    )


async def test_partial_then_the_rest_then_nothing_more(db: str, city, provider, caplog) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    first = await request_refund(city, provider, payment, 4000, "operator", now=NOW)
    assert (first.state, first.idempotency_key) == (
        RefundState.SUCCEEDED,
        f"booking-{ready.id}-refund-1",
    )
    assert await refundable(payment.id) == 8000
    before = await _books()
    with pytest.raises(RefundTooLarge, match="more than can still be refunded"):
        await request_refund(city, provider, payment, 8001, "operator", now=NOW)
    assert await _books() == before and "refused" in caplog.text
    await request_refund(city, provider, payment, 8000, "operator", now=NOW)
    payment = await Payment.get(id=payment.id)
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, 12000)
    with pytest.raises(RefundTooLarge):
        await request_refund(city, provider, payment, 1, "operator", now=NOW)
    assert provider.refund_calls == [f"booking-{ready.id}-refund-1", f"booking-{ready.id}-refund-2"]
    assert await balances(ready.merchant_id) == {
        ("resident_payments", "CNY"): -12000,
        ("refunds", "CNY"): 12000,
        ("platform_commission", "CNY"): 0,  # the commission's share goes back too
        ("merchant_payable", "CNY"): 0,
    }
    assert await reconcile() == []


async def test_a_refund_requested_twice_is_made_once(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    one = await request_refund(city, provider, payment, 6000, "operator", ordinal=1, now=NOW)
    two = await request_refund(city, provider, payment, 6000, "operator", ordinal=1, now=NOW)
    assert one.id == two.id and len(provider.refund_calls) == 1
    with pytest.raises(RefundConflict):  # the same refund with another amount
        await request_refund(city, provider, payment, 5000, "operator", ordinal=1, now=NOW)
    assert (await Payment.get(id=payment.id)).refunded_amount == 6000
    assert await LedgerEntry.filter(refund_id=one.id).count() == 3


async def test_an_unreachable_provider_leaves_the_refund_pending_and_the_retry_uses_its_key(
    db: str, city, provider
) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    provider.unreachable = True
    with pytest.raises(ProviderUnavailable):
        await request_refund(city, provider, payment, 12000, "operator", ordinal=1, now=NOW)
    assert (await Refund.get()).state == RefundState.PENDING
    assert await refundable(payment.id) == 0  # it may have gone through: not offered again
    provider.unreachable = False
    done = await request_refund(city, provider, payment, 12000, "operator", ordinal=1, now=NOW)
    assert done.state == RefundState.SUCCEEDED
    assert provider.refund_calls == [f"booking-{ready.id}-refund-1"] * 2
    assert await reconcile() == []


async def test_refused_amounts(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    for amount in (0, -5, 1.5, True):
        with pytest.raises(ValidationFailed):
            await request_refund(city, provider, payment, amount, "operator", now=NOW)  # type: ignore[arg-type]
    assert await Refund.all().count() == 0


async def test_a_cancelled_booking_gets_its_refund_from_the_job(
    db: str, city, provider, monkeypatch
) -> None:
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    ready = await held_booking(city)
    payment = await _paid(city, provider, ready)
    late = THURSDAY_9 - timedelta(hours=1)  # moderate policy: 50 % fee this late
    booking = await cancel_booking(city, ready.resident, ready.id, now=late)
    assert booking.refund_due == 6000
    assert await refund_what_is_due(city, Settings(), now=late) == 1
    assert await refund_what_is_due(city, Settings(), now=late) == 0  # once
    refund = await Refund.get(payment_id=payment.id)
    assert (refund.amount, refund.reason, refund.state) == (
        6000,
        "cancelled",
        RefundState.SUCCEEDED,
    )
    assert await reconcile() == []


async def test_a_cancelled_order_is_refunded_in_full(db: str, city, provider, monkeypatch) -> None:
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    ready = await held_order(city)
    await _paid(city, provider, ready, "order")
    owner = await (await ready.listing.merchant).owner
    await cancel_order(city, owner, ready.id, reason="缺货", now=NOW)
    assert await refund_what_is_due(city, Settings(), now=NOW) == 1
    assert (await Refund.get()).amount == 3000
    assert await reconcile() == []


async def test_store_payment_recorded_once_by_the_merchant(db: str, city) -> None:
    ready = await held_booking(city)
    store = PayAtStoreProvider()
    await start_payment(city, store, ready.resident, "booking", ready.id, URLS, now=NOW)
    owner = await (await ready.listing.merchant).owner
    with pytest.raises(PayableNotFound):  # not the resident, nor another merchant
        await record_store_payment(city, await make_account(), "booking", ready.id, now=NOW)
    first = await record_store_payment(city, owner, "booking", ready.id, now=NOW)
    again = await record_store_payment(city, owner, "booking", ready.id, now=NOW)
    assert first.id == again.id and first.application_fee == 1440
    assert await balances(ready.merchant_id) == {
        ("resident_payments", "CNY"): -12000,
        ("cash_at_store", "CNY"): 12000,
        ("platform_commission", "CNY"): 1440,
        ("merchant_payable", "CNY"): -1440,  # the merchant owes the commission
    }
    with pytest.raises(RefundsNotSupported):
        await request_refund(city, store, first, 100, "operator", now=NOW)
    assert await reconcile() == []


async def test_an_online_booking_cannot_be_recorded_as_paid_at_the_store(
    db: str, city, provider
) -> None:
    ready = await held_booking(city)
    await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    owner = await (await ready.listing.merchant).owner
    with pytest.raises(NotPayable):
        await record_store_payment(city, owner, "booking", ready.id, now=NOW)
    assert await LedgerEntry.all().count() == 0


async def test_the_worker_runs_the_refunds_job(db: str, city, provider, monkeypatch) -> None:
    from marketplace.worker import JOBS, JobContext

    job = next(job for job in JOBS if job.name == "refunds")
    assert await job.run(JobContext(Settings())) == 0  # a process without a city has none
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    ready = await held_booking(city)
    await _paid(city, provider, ready)
    await cancel_booking(city, ready.resident, ready.id, now=NOW)  # days ahead: all back
    assert await job.run(JobContext(Settings(), city)) == 1
    assert (await Refund.get()).amount == 12000
