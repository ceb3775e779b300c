"""The code box's two steps without a browser, on both databases: a too-early code refused with
the time it opens (409), step two prefilled with the amount due, a
discount needing its reason beside the field, completing without payment with a reason shown
in the queue, and the payouts page agreeing with the ledger."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx

from marketplace.accounts.models import Account
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.city import City
from payments.ledger import reconcile
from payments.models import Payment
from tests.support.bookables import cleaning_of, confirmed_booking, every_day, owned_business
from tests.web.merchant_helpers import account, form_token, signed_in, visible_text

ALL_DAY = every_day("00:00", "24:00", 60, 3)


async def _setup(city: City, operator: Account, time_machine, hour: int = 10):
    """A booking for 10:00 in the city, booked the day before; the clock at 08:30 that day."""
    owner = await account("owner@example.com", "王老板")
    resident = await account("mei@example.com", "小美")
    merchant = await owned_business(city, owner, operator)
    listing, offering = await cleaning_of(merchant, ALL_DAY)
    starts = datetime(2026, 12, 8, hour, tzinfo=city.tz)
    time_machine.move_to(starts - timedelta(days=1))
    booking = await confirmed_booking(
        city, resident, listing, offering, starts_at=starts, party_size=2
    )
    return owner, merchant.id, booking


def _box(token: str, mid: int, code: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "merchant": str(mid), "queue": "bookings", "code": code, **extra}


async def test_too_early_is_refused_with_the_time_it_opens(
    client: httpx.AsyncClient, city: City, operator: Account, time_machine
) -> None:
    owner, mid, booking = await _setup(city, operator, time_machine)
    time_machine.move_to(datetime(2026, 12, 8, 8, 59, tzinfo=city.tz))
    await signed_in(client, owner)
    token = await form_token(client, f"/merchant/{mid}/bookings")
    early = await client.post("/merchant/redeem/check", data=_box(token, mid, booking.code))
    assert early.status_code == 409
    text = visible_text(early.text)
    assert "还不能完成：12月8日 09:00 起才可以用这个码完成。" in text
    assert 'data-testid="code-check-step"' not in early.text
    # the second step is refused too, whatever was posted
    sent = await client.post(
        "/merchant/redeem/complete", data=_box(token, mid, booking.code, received="240")
    )
    assert sent.status_code == 409
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED
    # a minute later it opens
    time_machine.move_to(datetime(2026, 12, 8, 9, 0, tzinfo=city.tz))
    checked = await client.post("/merchant/redeem/check", data=_box(token, mid, booking.code))
    assert checked.status_code == 200


async def test_step_two_is_prefilled_and_a_discount_needs_its_reason(
    client: httpx.AsyncClient, city: City, operator: Account, time_machine
) -> None:
    owner, mid, booking = await _setup(city, operator, time_machine)
    time_machine.move_to(datetime(2026, 12, 8, 9, 30, tzinfo=city.tz))
    await signed_in(client, owner)
    token = await form_token(client, f"/merchant/{mid}/bookings")
    checked = await client.post("/merchant/redeem/check", data=_box(token, mid, booking.code))
    assert checked.status_code == 200
    step = visible_text(checked.text)
    assert "完成这个预约？" in step and "到店应收" in step and "¥240.00" in step
    assert 'name="received" value="240.00"' in checked.text

    too_much = await client.post(
        "/merchant/redeem/complete", data=_box(token, mid, booking.code, received="300")
    )
    assert too_much.status_code == 422
    assert "实收不能多于应收金额，多收的请找零。" in visible_text(too_much.text)
    no_reason = await client.post(
        "/merchant/redeem/complete", data=_box(token, mid, booking.code, received="200")
    )
    assert no_reason.status_code == 422
    assert "实收少于应收时，请说明原因。" in visible_text(no_reason.text)
    assert 'name="received" value="200"' in no_reason.text  # what was typed is kept
    not_money = await client.post(
        "/merchant/redeem/complete", data=_box(token, mid, booking.code, received="二百")
    )
    assert not_money.status_code == 422 and 'id="e-f-received"' in not_money.text
    assert await Payment.all().count() == 0

    done = await client.post(
        "/merchant/redeem/complete",
        data=_box(token, mid, booking.code, received="200", note="老顾客抹零"),
    )
    assert done.status_code == 303, visible_text(done.text)
    page = visible_text((await client.get(done.headers["location"])).text)
    assert "预订已完成" in page and "到店实收：¥200.00" in page
    assert "门店优惠：老顾客抹零" in page
    payment = await Payment.get()
    assert (payment.amount, payment.application_fee) == (20000, 2400)
    assert await reconcile() == []
    payouts = visible_text((await client.get(f"/merchant/{mid}/payouts")).text)
    assert "总收款 ¥200.00" in payouts and "平台佣金 ¥24.00" in payouts
    assert "净收入 ¥176.00" in payouts


async def test_without_payment_with_a_reason_shows_in_the_queue(
    client: httpx.AsyncClient, city: City, operator: Account, time_machine
) -> None:
    owner, mid, booking = await _setup(city, operator, time_machine)
    time_machine.move_to(datetime(2026, 12, 8, 12, 0, tzinfo=city.tz))
    await signed_in(client, owner)
    token = await form_token(client, f"/merchant/{mid}/bookings")
    other = await client.post(
        "/merchant/redeem/complete",
        data=_box(token, mid, booking.code, without_payment="other"),
    )
    assert other.status_code == 422 and "请说明不收款的原因。" in visible_text(other.text)
    bad = await client.post(
        "/merchant/redeem/complete",
        data=_box(token, mid, booking.code, without_payment="friends"),
    )
    assert bad.status_code == 422
    done = await client.post(
        "/merchant/redeem/complete",
        data=_box(token, mid, booking.code, without_payment="on_the_house"),
    )
    assert done.status_code == 303
    queue = await client.get(f"/merchant/{mid}/bookings?date=2026-12-08")
    row = visible_text(queue.text)
    assert "未收款：免单" in row
    assert 'data-testid="store-paid"' not in queue.text  # nothing is left to record
    assert await Payment.all().count() == 0
    # a day after the end the code has closed
    later = await confirmed_booking(
        city,
        await account("lei@example.com", "小雷"),
        *(await _listing_of(booking)),
        starts_at=datetime(2026, 12, 8, 14, tzinfo=city.tz),
        now=datetime(2026, 12, 8, 12, tzinfo=city.tz),
    )
    time_machine.move_to(datetime(2026, 12, 9, 15, 1, tzinfo=city.tz))
    late = await client.post("/merchant/redeem/check", data=_box(token, mid, later.code))
    assert late.status_code == 409
    assert "已超时" in visible_text(late.text) and "12月9日 15:00" in visible_text(late.text)


async def _listing_of(booking: Booking):
    from listings.models import Listing, Offering

    return (
        await Listing.get(id=booking.listing_id),  # type: ignore[attr-defined]
        await Offering.get(id=booking.offering_id),  # type: ignore[attr-defined]
    )
