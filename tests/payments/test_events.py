"""Provider events: applied once whatever the order or number of deliveries; a payment after
the hold expired is refunded in full and the resident told; bad events change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.bookings.models import Booking, Slot
from marketplace.bookings.services import expire_holds
from marketplace.bookings.types import BookingState
from marketplace.notices.models import Notice
from marketplace.orders.models import Order
from marketplace.orders.services import expire_orders
from marketplace.orders.types import OrderState
from payments.errors import EventRefused
from payments.events import apply_event
from payments.interfaces import EventKind, InvalidEvent, ProviderEvent
from payments.ledger import balances, reconcile
from payments.models import LedgerEntry, MerchantPayoutAccount, Payment, ProcessedEvent, Refund
from payments.services import handle_webhook
from payments.types import EventOutcome, PaymentState, RefundState
from tests.payments.conftest import URLS, held_booking, held_order
from tests.support.bookables import NOW


async def start(city, provider, ready, kind: str = "booking"):
    from payments.starting import start_payment

    return await start_payment(city, provider, ready.resident, kind, ready.id, URLS, now=NOW)


async def _state() -> tuple:
    """Everything an event can change, to compare before and after."""
    return (
        await Booking.all().order_by("id").values_list("id", "state", "hold_expires_at"),
        await Order.all().order_by("id").values_list("id", "state"),
        await Payment.all().order_by("id").values_list("id", "state", "refunded_amount"),
        await Refund.all().order_by("id").values_list("id", "state", "amount"),
        await LedgerEntry.all().count(),
        await ProcessedEvent.all().count(),
        await Notice.all().count(),
    )


async def test_paid_confirms_and_posts_the_ledger(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    outcome = await apply_event(city, provider, provider.paid(started), now=NOW)
    assert outcome is EventOutcome.APPLIED
    booking = await Booking.get(id=ready.id)
    assert (booking.state, booking.hold_expires_at) == (BookingState.CONFIRMED, None)
    assert (
        await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    ).state == PaymentState.SUCCEEDED
    assert await balances(ready.merchant_id) == {
        ("resident_payments", "CNY"): -12000,
        ("platform_commission", "CNY"): 1440,
        ("merchant_payable", "CNY"): 10560,
    }
    assert await reconcile() == []
    assert "booking_confirmed" in await Notice.all().values_list("kind", flat=True)


async def test_an_order_is_confirmed_by_its_payment(db: str, city, provider) -> None:
    ready = await held_order(city)
    started = await start(city, provider, ready, "order")
    await apply_event(city, provider, provider.paid(started), now=NOW)
    assert (await Order.get(id=ready.id)).state == OrderState.CONFIRMED
    assert await reconcile() == []


async def test_the_same_event_delivered_three_times_counts_once(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    event = provider.paid(started)
    outcomes = [await apply_event(city, provider, event, now=NOW) for _ in range(3)]
    assert outcomes == [EventOutcome.APPLIED, EventOutcome.ALREADY, EventOutcome.ALREADY]
    assert await LedgerEntry.all().count() == 3
    assert await ProcessedEvent.all().count() == 1


async def test_two_events_saying_paid_count_once(db: str, city, provider) -> None:
    """A provider may say it twice under two ids (a session completed, its intent succeeded)."""
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    again = await apply_event(city, provider, provider.paid(started), now=NOW)
    assert again is EventOutcome.ALREADY
    assert await LedgerEntry.all().count() == 3


async def test_webhook_before_the_resident_returns_from_checkout(db: str, city, provider) -> None:
    """The event arrives before our own start call has stored the provider's reference."""
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    await Payment.filter(payable__kind="booking", payable__ref_id=ready.id).update(
        provider_ref=None
    )  # not stored yet
    await apply_event(city, provider, provider.paid(started), now=NOW)
    payment = await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    assert (payment.state, payment.provider_ref) == (PaymentState.SUCCEEDED, started.provider_ref)
    assert (await Booking.get(id=ready.id)).state == BookingState.CONFIRMED
    # the resident comes back and the page asks again: nothing new is started or paid
    assert (await Booking.get(id=ready.id)).state == BookingState.CONFIRMED
    assert len(provider.start_calls) == 1 and await reconcile() == []


async def test_paid_after_the_hold_expired_and_the_slot_was_released(
    db: str, city, provider
) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    later = NOW + timedelta(minutes=city.cancellation.hold_minutes, seconds=1)
    assert await expire_holds(city, now=later) == 1
    assert (await Slot.get(id=ready.record.slot_id)).taken == 0  # somebody else may book it

    await apply_event(city, provider, provider.paid(started), now=later)
    booking = await Booking.get(id=ready.id)
    assert booking.state == BookingState.EXPIRED
    payment = await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, 12000)
    refund = await Refund.get(payment_id=payment.id)
    assert (refund.amount, refund.state, refund.reason) == (
        12000,
        RefundState.SUCCEEDED,
        "slot_gone",
    )
    assert provider.refund_calls == [f"booking-{ready.id}-refund-1"]
    notice = await Notice.get(account_id=ready.resident.id, kind="payment_refunded_hold_expired")
    assert "全额退款" in notice.title["zh-CN"]
    assert await balances(ready.merchant_id) == {
        ("resident_payments", "CNY"): -12000,
        ("refunds", "CNY"): 12000,
        ("platform_commission", "CNY"): 0,  # the commission's share goes back too
        ("merchant_payable", "CNY"): 0,
    }
    assert await reconcile() == []


async def test_a_late_payment_whose_refund_cannot_be_made_yet_is_refunded_by_the_job(
    db: str, city, provider, monkeypatch
) -> None:
    import payments.factory
    from marketplace.settings import Settings
    from payments.refunds_due import refund_what_is_due

    ready = await held_order(city)
    started = await start(city, provider, ready, "order")
    later = NOW + timedelta(minutes=city.cancellation.hold_minutes, seconds=1)
    await expire_orders(now=later)
    provider.unreachable = True
    await apply_event(city, provider, provider.paid(started), now=later)
    refund = await Refund.get()
    assert (refund.state, refund.provider_ref) == (RefundState.PENDING, None)
    provider.unreachable = False
    monkeypatch.setattr(payments.factory, "provider_for", lambda *_a, **_k: provider)
    assert await refund_what_is_due(city, Settings(), now=later + timedelta(minutes=2)) == 1
    assert (await Refund.get()).state == RefundState.SUCCEEDED
    assert len(set(provider.refund_calls)) == 1  # the retry used the same key
    assert await reconcile() == []


async def test_a_failed_payment_puts_the_booking_back_on_hold(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    await apply_event(city, provider, provider.failed(started), now=NOW)
    booking = await Booking.get(id=ready.id)
    assert booking.state == BookingState.HELD and booking.hold_expires_at is not None
    assert (await Payment.get()).state == PaymentState.FAILED
    assert await LedgerEntry.all().count() == 0


async def test_a_refund_event_before_the_payment_event_ends_the_same(
    db: str, city, provider
) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    paid, refunded = provider.paid(started), provider.refunded(started, 5000, "re_dash_1")
    assert await apply_event(city, provider, refunded, now=NOW) is EventOutcome.DEFERRED
    assert await LedgerEntry.all().count() == 0
    await apply_event(city, provider, paid, now=NOW)
    await apply_event(city, provider, refunded, now=NOW)  # delivered again: already counted
    payment = await Payment.get()
    assert (payment.state, payment.refunded_amount) == (PaymentState.PARTIALLY_REFUNDED, 5000)
    assert await Refund.filter(state=RefundState.SUCCEEDED).count() == 1
    assert await LedgerEntry.all().count() == 6  # payment 3 lines, refund 3
    assert await reconcile() == []


async def test_an_asynchronous_refund_settles_by_its_event(db: str, city, provider) -> None:
    from payments.refunds import request_refund

    ready = await held_booking(city)
    started = await start(city, provider, ready)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    provider.refunds_answer_later = True
    refund = await request_refund(city, provider, await Payment.get(), 3000, "operator", now=NOW)
    assert refund.state == RefundState.PENDING and refund.provider_ref
    assert await LedgerEntry.filter(refund_id=refund.id).count() == 0
    event = provider.refunded(started, 3000, refund.provider_ref)
    assert await apply_event(city, provider, event, now=NOW) is EventOutcome.APPLIED
    assert (await Refund.get(id=refund.id)).state == RefundState.SUCCEEDED
    failed_later = provider.refunded(started, 3000, refund.provider_ref, ok=False)
    await apply_event(city, provider, failed_later, now=NOW)  # the money came back
    payment = await Payment.get()
    assert (payment.state, payment.refunded_amount) == (PaymentState.SUCCEEDED, 0)
    assert await reconcile() == []


async def test_account_updated_sets_the_merchants_flags(db: str, city, provider) -> None:
    ready = await held_booking(city)
    await MerchantPayoutAccount.filter(merchant_id=ready.merchant_id).update(charges_enabled=False)
    event = ProviderEvent(
        id="evt_acct_1",
        kind=EventKind.ACCOUNT_UPDATED,
        account=f"acct_{ready.merchant_id}",
        charges_enabled=True,
        payouts_enabled=False,
    )
    assert await apply_event(city, provider, event, now=NOW) is EventOutcome.APPLIED
    account = await MerchantPayoutAccount.get(merchant_id=ready.merchant_id)
    assert (account.charges_enabled, account.payouts_enabled) == (True, False)


# --- bad input: refused with a clear error, logged, and nothing changes ---


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 11999}, "the event says 11999, the payment is 12000"),
        ({"currency": "USD"}, "the event is in USD"),
        ({"provider_ref": "pay_unknown", "reference": None}, "no stripe payment of ours"),
        ({"reference": "booking:999999"}, "event says booking:999999"),
    ],
)
async def test_a_mismatched_event_is_refused_and_changes_nothing(
    db: str, city, provider, caplog, changes: dict, message: str
) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    before = await _state()
    with pytest.raises(EventRefused, match=message):
        await apply_event(city, provider, provider.paid(started, **changes), now=NOW)
    assert await _state() == before
    assert "refused" in caplog.text


async def test_a_refund_event_larger_than_paid_is_refused(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    await apply_event(city, provider, provider.paid(started), now=NOW)
    before = await _state()
    with pytest.raises(EventRefused):
        await apply_event(city, provider, provider.refunded(started, 12001, "re_x"), now=NOW)
    assert await _state() == before


async def test_a_forged_webhook_is_refused_and_a_replayed_one_changes_nothing(
    db: str, city, provider, caplog
) -> None:
    ready = await held_booking(city)
    started = await start(city, provider, ready)
    payload, headers = provider.webhook(provider.paid(started), secret=b"not-the-secret")
    before = await _state()
    with pytest.raises(InvalidEvent):
        await handle_webhook(city, provider, payload, headers, now=NOW)
    assert await _state() == before and "refused" in caplog.text

    payload, headers = provider.webhook(provider.paid(started))
    assert await handle_webhook(city, provider, payload, headers, now=NOW) is EventOutcome.APPLIED
    after = await _state()
    assert await handle_webhook(city, provider, payload, headers, now=NOW) is EventOutcome.ALREADY
    assert await _state() == after
