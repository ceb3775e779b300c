"""Starting a payment: a redirect for the payable's own resident, an idempotency key derived
from our ids, nothing moved when the provider is unreachable and the retry reusing the key; pay
at store confirms with payment due at the merchant; the factory picks providers by config."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.bookings.models import Booking, BookingEvent
from marketplace.bookings.types import BookingState
from marketplace.orders.models import Order
from marketplace.orders.types import OrderState
from marketplace.settings import Settings
from payments.errors import (
    AlreadyPaid,
    MerchantCannotTakePayments,
    NotPayable,
    PayableNotFound,
    ProviderNotAvailable,
)
from payments.events import apply_event
from payments.factory import available_providers, provider_for
from payments.interfaces import ProviderUnavailable
from payments.models import LedgerEntry, Payment
from payments.pay_at_store import PayAtStoreProvider
from payments.starting import merchant_can_take_online_payments, start_payment
from payments.types import PaymentState
from tests.payments.conftest import URLS, held_booking, held_order
from tests.support.bookables import NOW, cleaning_service
from tests.support.factories import make_account


async def test_start_returns_a_redirect_and_marks_pending(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW
    )
    assert started.redirect_url and started.provider_ref
    assert provider.start_calls == [f"booking-{ready.id}-payment-1"]
    payable = provider.payable(started)
    assert (payable.amount, payable.currency, payable.application_fee) == (12000, "CNY", 1440)
    assert payable.merchant_account == f"acct_{ready.merchant_id}"
    assert payable.reference == f"booking:{ready.id}"
    booking = await Booking.get(id=ready.id)
    assert (booking.state, booking.payment_mode) == (BookingState.PENDING_PAYMENT, "online")
    payment = await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    assert (payment.state, payment.provider_ref) == (PaymentState.STARTED, started.provider_ref)
    assert payment.idempotency_key == f"booking-{ready.id}-payment-1"
    assert await LedgerEntry.all().count() == 0  # nothing moves money before the provider says


async def test_an_order_starts_the_same_way(db: str, city, provider) -> None:
    ready = await held_order(city)
    started = await start_payment(city, provider, ready.resident, "order", ready.id, URLS, now=NOW)
    assert provider.payable(started).application_fee == 150  # 5 % of 30 yuan
    assert (await Order.get(id=ready.id)).state == OrderState.PENDING_PAYMENT


async def test_starting_again_reuses_the_attempt_and_its_key(db: str, city, provider) -> None:
    ready = await held_booking(city)
    first = await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    again = await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert first == again
    assert len(set(provider.start_calls)) == 1
    assert await Payment.all().count() == 1


async def test_unreachable_provider_leaves_the_booking_held_and_a_retry_works(
    db: str, city, provider
) -> None:
    ready = await held_booking(city)
    provider.unreachable = True
    with pytest.raises(ProviderUnavailable) as caught:
        await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert caught.value.status == 503 and "try again" in caught.value.message
    assert (await Booking.get(id=ready.id)).state == BookingState.HELD
    assert await BookingEvent.filter(booking_id=ready.id).count() == 1  # only "held"

    provider.unreachable = False
    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW + timedelta(minutes=1)
    )
    assert provider.start_calls == [f"booking-{ready.id}-payment-1"] * 2  # the same key
    assert (await Booking.get(id=ready.id)).state == BookingState.PENDING_PAYMENT
    assert (
        await Payment.get(payable__kind="booking", payable__ref_id=ready.id)
    ).provider_ref == started.provider_ref


async def test_someone_elses_booking_is_not_found(db: str, city, provider, caplog) -> None:
    ready = await held_booking(city)
    stranger = await make_account()
    with pytest.raises(PayableNotFound):
        await start_payment(city, provider, stranger, "booking", ready.id, URLS, now=NOW)
    assert provider.start_calls == [] and "not theirs" in caplog.text
    assert (await Booking.get(id=ready.id)).state == BookingState.HELD
    assert await Payment.all().count() == 0


async def test_an_expired_hold_cannot_be_paid(db: str, city, provider) -> None:
    ready = await held_booking(city)
    later = NOW + timedelta(minutes=city.cancellation.hold_minutes)
    with pytest.raises(NotPayable):
        await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=later)
    assert provider.start_calls == [] and await Payment.all().count() == 0


async def test_a_merchant_without_a_payout_account_cannot_take_payments(
    db: str, city, provider
) -> None:
    listing, offering = await cleaning_service()
    assert not await merchant_can_take_online_payments(listing.merchant_id)
    ready = await held_booking(city, listing=(listing, offering))
    with pytest.raises(MerchantCannotTakePayments):
        await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert (await Booking.get(id=ready.id)).state == BookingState.HELD


async def test_a_paid_booking_is_not_started_again(db: str, city, provider) -> None:
    ready = await held_booking(city)
    started = await start_payment(
        city, provider, ready.resident, "booking", ready.id, URLS, now=NOW
    )
    await apply_event(city, provider, provider.paid(started), now=NOW)
    with pytest.raises((AlreadyPaid, NotPayable)):
        await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert len(provider.start_calls) == 1


async def test_a_failed_attempt_is_followed_by_a_new_one(db: str, city, provider) -> None:
    ready = await held_booking(city)
    first = await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    await apply_event(city, provider, provider.failed(first), now=NOW)
    assert (await Booking.get(id=ready.id)).state == BookingState.HELD
    second = await start_payment(city, provider, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert second.provider_ref != first.provider_ref
    assert provider.start_calls[-1] == f"booking-{ready.id}-payment-2"
    await apply_event(city, provider, provider.paid(second), now=NOW)
    assert (await Booking.get(id=ready.id)).state == BookingState.CONFIRMED


async def test_pay_at_store_confirms_with_payment_due_at_the_merchant(db: str, city) -> None:
    ready = await held_booking(city)
    store = PayAtStoreProvider()
    started = await start_payment(city, store, ready.resident, "booking", ready.id, URLS, now=NOW)
    assert started.redirect_url is None and started.client_secret is None
    booking = await Booking.get(id=ready.id)
    assert (booking.state, booking.payment_mode) == (BookingState.CONFIRMED, "pay_at_store")
    assert await Payment.all().count() == 0 and await LedgerEntry.all().count() == 0


def test_factory_offers_pay_at_store_always_and_stripe_only_with_a_key(city) -> None:
    bare = Settings(stripe_secret_key=None)
    assert available_providers(city, bare) == ["pay_at_store"]
    assert provider_for(city, bare).name == "pay_at_store"  # Changzhou's default
    with pytest.raises(ProviderNotAvailable, match="STRIPE_SECRET_KEY"):
        provider_for(city, bare, "stripe")
    with pytest.raises(ProviderNotAvailable, match="does not offer"):
        provider_for(city, bare, "paypal")
    keyed = Settings(stripe_secret_key="sk_test_x", stripe_webhook_secret="whsec_x")
    assert available_providers(city, keyed) == ["stripe", "pay_at_store"]
    # without the webhook secret no payment could ever be confirmed: not offered, and said so
    unsigned = Settings(stripe_secret_key="sk_test_x", stripe_webhook_secret=None)
    assert available_providers(city, unsigned) == ["pay_at_store"]
    with pytest.raises(ProviderNotAvailable, match="STRIPE_WEBHOOK_SECRET"):
        provider_for(city, unsigned, "stripe")
