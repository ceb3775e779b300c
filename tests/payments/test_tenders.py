"""Several tenders cover one payable: each takes its part of the split, an event must carry its
tender's amount (not the payable's), and a refund is spread newest tender first."""

from __future__ import annotations

import pytest

import payments.factory
from marketplace.bookings.models import Booking
from marketplace.settings import Settings
from payments import ledger
from payments.errors import EventRefused
from payments.events import apply_event
from payments.ledger import reconcile
from payments.models import Payment, Refund, SplitShare
from payments.payables import payable_of
from payments.refunds_due import refund_what_is_due
from payments.starting import start_payment
from payments.tenders import create_tender
from payments.types import PaymentState
from tests.payments.conftest import URLS, held_booking
from tests.support.bookables import NOW


async def _shares(payment: Payment) -> list[tuple[str, int]]:
    rows = await SplitShare.filter(payment_id=payment.id).order_by("position")
    return [(s.share, s.amount) for s in rows]


async def test_two_tenders_cover_a_booking_and_a_refund_takes_the_newest_first(
    db: str, city, provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = await held_booking(city)  # 12000, 12 % commission
    payable = await payable_of("booking", ready.id)
    # a first tender for part of it (a wallet, say, once there is one)
    first = await create_tender(
        city,
        payable,
        provider="stripe",
        provider_ref="pay_first_part",
        attempt=1,
        amount=4000,
        state=PaymentState.SUCCEEDED,
        idempotency_key=f"booking-{ready.id}-payment-1",
    )
    await ledger.record_payment(first)
    assert (first.application_fee, await _shares(first)) == (
        480,
        [("merchant_share", 3520), ("platform_commission", 480)],
    )

    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW
    )
    card = await Payment.get(provider_ref=started.provider_ref)
    assert (card.attempt, card.amount, card.application_fee) == (2, 8000, 960)
    assert await _shares(card) == [("merchant_share", 7040), ("platform_commission", 960)]

    with pytest.raises(EventRefused):  # the payable's amount is not this tender's
        await apply_event(city, provider, provider.paid(started, amount=12000), now=NOW)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    assert (await Booking.get(id=ready.id)).state == "confirmed"

    await Booking.filter(id=ready.id).update(state="cancelled_by_merchant", refund_due=10000)
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    assert await refund_what_is_due(city, Settings(), now=NOW) == 2
    assert await refund_what_is_due(city, Settings(), now=NOW) == 0  # once
    refunds = await Refund.all().order_by("id").values_list("payment_id", "amount", "state")
    assert refunds == [(card.id, 8000, "succeeded"), (first.id, 2000, "succeeded")]
    assert (await Payment.get(id=card.id)).state == PaymentState.REFUNDED
    assert (await Payment.get(id=first.id)).state == PaymentState.PARTIALLY_REFUNDED
    assert await reconcile() == []


async def test_a_purchase_is_confirmed_once_its_tenders_cover_it(db: str, city, provider) -> None:
    ready = await held_booking(city)
    payable = await payable_of("booking", ready.id)
    part = await create_tender(
        city,
        payable,
        provider="stripe",
        attempt=1,
        amount=5000,
        state=PaymentState.STARTED,
        idempotency_key=f"booking-{ready.id}-payment-1",
    )
    event = provider.paid(
        await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    )
    # the open attempt was the part: the provider was asked for 5000, not 12000
    assert (event.amount, event.provider_ref) == (
        5000,
        (await Payment.get(id=part.id)).provider_ref,
    )
    await apply_event(city, provider, event, now=NOW)
    assert (await Payment.get(id=part.id)).state == PaymentState.SUCCEEDED
    assert (await Booking.get(id=ready.id)).state == "pending_payment"  # 7000 still to pay

    rest = await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert (await Payment.get(provider_ref=rest.provider_ref)).amount == 7000
    await apply_event(city, provider, provider.paid(rest), now=NOW)
    assert (await Booking.get(id=ready.id)).state == "confirmed"
    assert await reconcile() == []
