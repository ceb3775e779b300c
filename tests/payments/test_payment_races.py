"""Money guarantees under concurrency, on both databases: the same provider event applied 50
times at once counts one payment and one ledger transaction; 50 concurrent requests for the
same refund make one refund; 50 concurrent full refunds with no ordinal still refund once."""

from __future__ import annotations

import asyncio

from marketplace.bookings.models import Booking, BookingEvent
from marketplace.bookings.types import BookingState
from payments.errors import RefundTooLarge
from payments.events import apply_event
from payments.ledger import reconcile
from payments.models import LedgerEntry, Payment, ProcessedEvent, Refund
from payments.refunds import request_refund
from payments.starting import start_payment
from payments.types import EventOutcome, PaymentState
from tests.payments.conftest import URLS, held_booking
from tests.support.bookables import NOW

TIMES = 50


async def _started(city, provider):
    ready = await held_booking(city)
    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW
    )
    return ready, started


async def test_one_event_applied_fifty_times_at_once_counts_once(db: str, city, provider) -> None:
    ready, started = await _started(city, provider)
    event = provider.paid(started)
    outcomes = await asyncio.gather(
        *(apply_event(city, provider, event, now=NOW) for _ in range(TIMES))
    )
    assert outcomes.count(EventOutcome.APPLIED) == 1
    assert outcomes.count(EventOutcome.ALREADY) == TIMES - 1
    assert await ProcessedEvent.all().count() == 1
    assert (await Payment.get()).state == PaymentState.SUCCEEDED
    assert await LedgerEntry.all().distinct().values_list("transaction", flat=True) == [
        f"payment:{(await Payment.get()).id}"
    ]
    assert await LedgerEntry.all().count() == 3
    assert (await Booking.get(id=ready.id)).state == BookingState.CONFIRMED
    assert await BookingEvent.filter(booking_id=ready.id, to_state="confirmed").count() == 1
    assert await reconcile() == []


async def test_fifty_different_events_saying_paid_count_once(db: str, city, provider) -> None:
    _, started = await _started(city, provider)
    outcomes = await asyncio.gather(
        *(apply_event(city, provider, provider.paid(started), now=NOW) for _ in range(TIMES))
    )
    assert outcomes.count(EventOutcome.APPLIED) == 1
    assert await LedgerEntry.all().count() == 3
    assert await reconcile() == []


async def _paid(city, provider) -> Payment:
    _, started = await _started(city, provider)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    return await Payment.get()


async def test_the_same_refund_asked_fifty_times_at_once_is_made_once(
    db: str, city, provider
) -> None:
    payment = await _paid(city, provider)
    results = await asyncio.gather(
        *(
            request_refund(city, provider, payment, 6000, "operator", ordinal=1, now=NOW)
            for _ in range(TIMES)
        )
    )
    assert len({refund.id for refund in results}) == 1
    assert await Refund.all().count() == 1
    assert len(set(provider.refund_calls)) == 1 and len(provider.refunds) == 1
    assert (await Payment.get()).refunded_amount == 6000
    assert await reconcile() == []


async def test_fifty_full_refunds_at_once_refund_once(db: str, city, provider) -> None:
    payment = await _paid(city, provider)

    async def attempt() -> str:
        try:
            await request_refund(city, provider, payment, 12000, "operator", now=NOW)
        except RefundTooLarge:
            return "too large"
        return "refunded"

    outcomes = await asyncio.gather(*(attempt() for _ in range(TIMES)))
    assert await Refund.all().count() == 1
    assert outcomes.count("too large") + outcomes.count("refunded") == TIMES
    assert len(provider.refunds) == 1
    payment = await Payment.get()
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, 12000)
    assert await reconcile() == []
