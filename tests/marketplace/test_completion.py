"""Completing by code is exact, on both databases: only from the city's lead time before the
start until its limit after the end (the refusal says when); money due at the store is
recorded with the completion (tender, split, balanced ledger) or waived with a reason; and two
merchants confirming at once record one payment."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import time_machine

from marketplace.bookings.models import Booking, BookingEvent
from marketplace.bookings.services import confirm_booking
from marketplace.bookings.types import BookingState
from marketplace.completion import WithoutPayment, read_note
from marketplace.errors import ValidationFailed
from marketplace.orders.models import Order
from marketplace.orders.services import confirm_order, make_ready
from marketplace.orders.types import OrderState
from marketplace.purchases.errors import CodeAlreadyUsed, CompletionTooEarly, CompletionTooLate
from marketplace.redeem import Settlement, complete_code, look_up_code
from payments import reports
from payments.ledger import balances, reconcile
from payments.models import LedgerEntry, Payable, PayableLine, Payment
from payments.types import LedgerAccount
from tests.payments.conftest import held_booking, held_order
from tests.support.bookables import NOW, THURSDAY_9

PRICE = 12000  # a 3-hour clean at 12 % commission: 1440
STARTS, ENDS = THURSDAY_9, THURSDAY_9 + timedelta(hours=3)


async def _at_store(city, *, price: int = PRICE, key: str = "booking-key-1"):
    ready = await held_booking(city, price=price, key=key)
    await confirm_booking(city, ready.resident, ready.id, "pay_at_store", now=NOW)
    owner = await (await ready.listing.merchant).owner
    booking = await Booking.get(id=ready.id)
    return ready, owner, booking


async def _completion_note(booking_id: int):
    event = await BookingEvent.get(booking_id=booking_id, to_state="completed")
    return read_note(event.reason)


# --- the window -----------------------------------------------------------------------------


async def test_exactly_the_lead_time_before_the_start_completes(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    lead = timedelta(minutes=city.completion.before_start_minutes)
    assert lead == timedelta(minutes=60)
    with time_machine.travel(STARTS - lead, tick=False):  # the clock itself, not `now=`
        check = await look_up_code(city, owner, booking.code)
        assert check.due_at_store == PRICE
        assert (check.opens_at, check.closes_at) == (
            STARTS - lead,
            ENDS + timedelta(minutes=city.completion.after_end_minutes),
        )
        done = await complete_code(city, owner, booking.code, Settlement(received=PRICE))
    assert done.state == BookingState.COMPLETED


async def test_a_minute_earlier_is_refused_and_says_when(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    opens = STARTS - timedelta(minutes=60)
    with time_machine.travel(opens - timedelta(minutes=1), tick=False):
        with pytest.raises(CompletionTooEarly) as early:
            await look_up_code(city, owner, booking.code)
        with pytest.raises(CompletionTooEarly):
            await complete_code(city, owner, booking.code, Settlement(received=PRICE))
    assert early.value.opens_at == opens
    assert early.value.status == 409 and early.value.code == "completion_too_early"
    # 08:00 in Changzhou on the day
    assert "2026-11-26 08:00" in early.value.message
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED
    assert await Payment.all().count() == 0


async def test_two_days_ahead_is_refused(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    with pytest.raises(CompletionTooEarly):
        await complete_code(
            city, owner, booking.code, Settlement(received=PRICE), now=STARTS - timedelta(days=2)
        )


async def test_after_the_end_limit_is_refused(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    limit = ENDS + timedelta(minutes=city.completion.after_end_minutes)
    with pytest.raises(CompletionTooLate) as late:
        await look_up_code(city, owner, booking.code, now=limit + timedelta(minutes=1))
    assert late.value.closed_at == limit and late.value.status == 409
    # the last minute still works
    done = await complete_code(city, owner, booking.code, Settlement(received=PRICE), now=limit)
    assert done.state == BookingState.COMPLETED


async def test_a_city_file_without_the_section_gets_the_defaults(city) -> None:
    from marketplace.city.schema import CompletionSettings

    assert CompletionSettings() == CompletionSettings(
        before_start_minutes=60, after_end_minutes=1440
    )


# --- money at the store ---------------------------------------------------------------------


async def test_the_amount_due_is_recorded_with_the_completion(db: str, city) -> None:
    ready, owner, booking = await _at_store(city)
    done = await complete_code(city, owner, booking.code, Settlement(received=PRICE), now=STARTS)
    assert done.state == BookingState.COMPLETED
    payment = await Payment.get()
    assert (payment.provider, payment.amount, payment.application_fee) == (
        "pay_at_store",
        PRICE,
        1440,
    )
    assert await reconcile() == []
    found = await balances(ready.merchant_id)
    assert found[(LedgerAccount.CASH_AT_STORE.value, "CNY")] == PRICE
    assert found[(LedgerAccount.PLATFORM_COMMISSION.value, "CNY")] == 1440
    summary = (await reports.earnings("CNY", city.tz, ready.merchant_id)).total
    assert (summary.gross, summary.commission, summary.net) == (PRICE, 1440, PRICE - 1440)
    assert summary.payable == -1440  # owed to the platform, from the cash the merchant kept
    assert read_note((await BookingEvent.get(to_state="completed")).reason).how == "paid"


async def test_less_than_due_is_a_merchant_discount_with_its_reason(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    with pytest.raises(ValidationFailed) as no_reason:
        await complete_code(city, owner, booking.code, Settlement(received=10000), now=STARTS)
    assert no_reason.value.errors[0].field == "note"
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED

    settlement = Settlement(received=10000, note="老顾客 抹零")
    await complete_code(city, owner, booking.code, settlement, now=STARTS)
    payable = await Payable.get(kind="booking", ref_id=booking.id)
    assert payable.amount_due == 10000
    line = await PayableLine.filter(payable_id=payable.id).order_by("-position").first()
    assert (line.kind, line.amount, line.funded_by, line.ref) == (
        "adjustment",
        -2000,
        "merchant",
        "store_discount",
    )
    assert "老顾客 抹零" in line.label["zh-CN"]
    payment = await Payment.get()
    assert (payment.amount, payment.application_fee) == (10000, 1200)  # 12 % of what was paid
    assert await reconcile() == []
    note = await _completion_note(booking.id)
    assert (note.how, note.received, note.note) == ("discount", 10000, "老顾客 抹零")


async def test_more_than_due_is_refused(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    with pytest.raises(ValidationFailed) as more:
        await complete_code(city, owner, booking.code, Settlement(received=PRICE + 1), now=STARTS)
    assert more.value.errors[0].field == "received"
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED
    assert await Payment.all().count() == 0


async def test_money_due_and_nothing_said_is_refused(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    with pytest.raises(ValidationFailed) as missing:
        await complete_code(city, owner, booking.code, now=STARTS)
    assert missing.value.errors[0].field == "received"
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED


async def test_without_payment_with_a_reason_moves_no_money(db: str, city) -> None:
    _, owner, booking = await _at_store(city)
    with pytest.raises(ValidationFailed) as other:
        await complete_code(
            city, owner, booking.code, Settlement(without_payment=WithoutPayment.OTHER), now=STARTS
        )
    assert other.value.errors[0].field == "note"
    free = Settlement(without_payment=WithoutPayment.ON_THE_HOUSE)
    done = await complete_code(city, owner, booking.code, free, now=STARTS)
    assert done.state == BookingState.COMPLETED
    assert await Payment.all().count() == 0
    assert await LedgerEntry.all().count() == 0  # no money, no commission
    payable = await Payable.get(kind="booking", ref_id=booking.id)
    assert payable.amount_due == 0
    note = await _completion_note(booking.id)
    assert (note.how, note.reason) == ("without_payment", "on_the_house")


async def test_paid_online_owes_nothing_at_the_store(db: str, city) -> None:
    ready = await held_booking(city)
    await Booking.filter(id=ready.id).update(
        state=BookingState.CONFIRMED, payment_mode="online", hold_expires_at=None
    )
    owner = await (await ready.listing.merchant).owner
    booking = await Booking.get(id=ready.id)
    assert (await look_up_code(city, owner, booking.code, now=STARTS)).due_at_store == 0
    with pytest.raises(ValidationFailed):  # nothing to receive
        await complete_code(city, owner, booking.code, Settlement(received=100), now=STARTS)
    done = await complete_code(city, owner, booking.code, now=STARTS)
    assert done.state == BookingState.COMPLETED
    assert await Payment.all().count() == 0


async def test_a_pay_at_store_order_is_settled_by_the_same_verb(db: str, city) -> None:
    ready = await held_order(city, price=1500, quantity=2)
    await confirm_order(city, ready.resident, ready.id, "pay_at_store", now=NOW)
    owner = await (await ready.listing.merchant).owner
    await make_ready(owner, ready.id, now=NOW)  # a code hands over only an order 待取货
    order = await Order.get(id=ready.id)
    assert (await look_up_code(city, owner, order.code, now=NOW)).due_at_store == 3000
    done = await complete_code(city, owner, order.code, Settlement(received=3000), now=NOW)
    assert done.state == OrderState.PICKED_UP
    payment = await Payment.get()
    assert (payment.amount, payment.application_fee) == (3000, 150)  # shop: 5 %
    assert await reconcile() == []


# --- two merchants confirming at once -------------------------------------------------------

TIMES = 8


async def test_two_confirms_at_once_record_one_payment(db: str, city) -> None:
    ready, owner, booking = await _at_store(city)

    async def confirm() -> str:
        try:
            await complete_code(city, owner, booking.code, Settlement(received=PRICE), now=STARTS)
        except CodeAlreadyUsed:
            return "used"
        return "done"

    outcomes = await asyncio.gather(*(confirm() for _ in range(TIMES)))
    assert outcomes.count("done") == 1 and outcomes.count("used") == TIMES - 1
    assert await Payment.all().count() == 1
    assert await BookingEvent.filter(booking_id=booking.id, to_state="completed").count() == 1
    assert await LedgerEntry.all().distinct().values_list("transaction", flat=True) == [
        f"store:{(await Payment.get()).id}"
    ]
    assert await reconcile() == []
    summary = (await reports.earnings("CNY", city.tz, ready.merchant_id)).total
    assert summary.gross == PRICE
