"""A booking's life through the services, on both databases: hold, confirm, code, cancel with
the policy's refund, no-show, expiry, reminders; and every refusal leaves places and states as
they were."""

from __future__ import annotations

from datetime import timedelta

import pytest

from listings.models import Offering
from marketplace.bookings.errors import (
    AddressRequired,
    BeyondHorizon,
    CodeAlreadyUsed,
    CodeNotFound,
    HoldExpired,
    NoSuchSlot,
    NotBookable,
    OutsideServiceArea,
    PartyTooLarge,
    SlotInPast,
)
from marketplace.bookings.models import Booking, BookingEvent, Slot
from marketplace.bookings.queries import next_open_slots, slots_on_date
from marketplace.bookings.requests import BookingRequest
from marketplace.bookings.services import (
    cancel_booking,
    confirm_booking,
    expire_holds,
    hold_booking,
    mark_no_show,
    send_reminders,
)
from marketplace.bookings.setup import set_table_reservations
from marketplace.bookings.types import BookingState
from marketplace.errors import ValidationFailed
from marketplace.idempotency import IdempotencyKeyReused
from marketplace.lifecycle import TransitionNotAllowed
from marketplace.notices.models import Notice
from marketplace.redeem import Settlement, complete_code
from tests.support.bookables import (
    FAR_AWAY,
    HOME,
    NEAR_HOME,
    NOW,
    THURSDAY_9,
    cleaning_service,
    every_day,
)
from tests.support.factories import make_account, make_listing, make_merchant


def _request(listing_id: int, offering_id: int | None, **extra: object) -> BookingRequest:
    values: dict[str, object] = {
        "listing_id": listing_id,
        "offering_id": offering_id,
        "starts_at": THURSDAY_9,
        "address": {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
    }
    values.update(extra)
    return BookingRequest(**values)


async def _taken(offering: Offering) -> int:
    slot = await Slot.get_or_none(bookable=f"o{offering.id}", starts_at=THURSDAY_9)
    return 0 if slot is None else slot.taken


async def _owner(listing) -> object:
    merchant = await listing.merchant
    return await merchant.owner


async def test_hold_confirm_and_complete_with_the_code(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=2)
    resident = await make_account()
    booking, created = await hold_booking(
        city, resident, _request(listing.id, offering.id), "first-click-1", now=NOW
    )
    assert created and booking.state == BookingState.HELD
    assert booking.hold_expires_at == NOW + timedelta(minutes=city.cancellation.hold_minutes)
    assert booking.amount == 12000 and booking.currency == "CNY"
    assert booking.cancellation_policy == city.cancellation.default_policy

    confirmed = await confirm_booking(city, resident, booking.id, "pay_at_store", now=NOW)
    assert confirmed.state == BookingState.CONFIRMED and confirmed.hold_expires_at is None
    kinds = set(await Notice.all().values_list("kind", flat=True))
    assert {"booking_confirmed", "merchant_booking_confirmed"} <= kinds

    owner = await _owner(listing)
    typed = f" {booking.code[:4].lower()}-{booking.code[4:].lower()} "  # as a person types it
    # paid at the store: what was received is recorded with the completion
    done = await complete_code(city, owner, typed, Settlement(received=12000), now=THURSDAY_9)
    assert isinstance(done, Booking) and done.state == BookingState.COMPLETED
    with pytest.raises(CodeAlreadyUsed):
        await complete_code(city, owner, booking.code, now=THURSDAY_9)
    events = (
        await BookingEvent.filter(booking_id=booking.id)
        .order_by("id")
        .values_list("to_state", "actor_role")
    )
    assert events == [
        ("held", "resident"),
        ("confirmed", "resident"),
        ("completed", "merchant"),
    ]
    assert await _taken(offering) == 1  # a completed job still used its place


async def test_another_merchants_code_is_not_found_and_changes_nothing(db: str, city) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-other-1", now=NOW
    )
    await confirm_booking(city, resident, booking.id, "pay_at_store", now=NOW)
    stranger = await (await make_merchant()).owner
    with pytest.raises(CodeNotFound):
        await complete_code(city, stranger, booking.code, now=THURSDAY_9)
    assert (await Booking.get(id=booking.id)).state == BookingState.CONFIRMED
    with pytest.raises(ValidationFailed):
        await complete_code(city, stranger, "not a code!", now=THURSDAY_9)


@pytest.mark.parametrize(
    ("hours_before", "refund"),
    [(25, 12000), (24, 12000), (23, 6000), (-1, 6000)],  # moderate: free until 24 h, then 50 %
)
async def test_resident_cancellation_refunds_by_the_policy(
    db: str, city, hours_before: int, refund: int
) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-cancel-1", now=NOW
    )
    # paid online: the payments side marks it confirmed
    await Booking.filter(id=booking.id).update(
        state=BookingState.CONFIRMED, payment_mode="online", hold_expires_at=None
    )
    at = THURSDAY_9 - timedelta(hours=hours_before)
    cancelled = await cancel_booking(city, resident, booking.id, now=at)
    assert cancelled.state == BookingState.CANCELLED_BY_RESIDENT
    assert cancelled.refund_due == refund
    assert await _taken(offering) == 0


async def test_merchant_cancellation_refunds_everything(db: str, city) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-mcancel", now=NOW
    )
    await Booking.filter(id=booking.id).update(
        state=BookingState.CONFIRMED, payment_mode="online", hold_expires_at=None
    )
    owner = await _owner(listing)
    cancelled = await cancel_booking(city, owner, booking.id, reason="生病", now=THURSDAY_9)
    assert (cancelled.state, cancelled.refund_due) == (BookingState.CANCELLED_BY_MERCHANT, 12000)
    # a cancelled booking cannot be completed, and its code no longer works
    with pytest.raises(TransitionNotAllowed):
        await complete_code(city, owner, booking.code, now=THURSDAY_9)
    assert (await Booking.get(id=booking.id)).state == BookingState.CANCELLED_BY_MERCHANT


async def test_no_show_only_after_the_start(db: str, city) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-noshow", now=NOW
    )
    await confirm_booking(city, resident, booking.id, "pay_at_store", now=NOW)
    owner = await _owner(listing)
    with pytest.raises(ValidationFailed):
        await mark_no_show(city, owner, booking.id, now=THURSDAY_9 - timedelta(minutes=1))
    marked = await mark_no_show(city, owner, booking.id, now=THURSDAY_9 + timedelta(minutes=20))
    assert marked.state == BookingState.NO_SHOW
    with pytest.raises(TransitionNotAllowed):
        await cancel_booking(city, resident, booking.id, now=THURSDAY_9)
    with pytest.raises(TransitionNotAllowed):  # the resident cannot mark themselves a no-show
        await mark_no_show(city, resident, booking.id, now=THURSDAY_9 + timedelta(hours=1))


async def test_confirming_after_the_hold_ran_out_releases_it(db: str, city) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-late-1", now=NOW
    )
    late = NOW + timedelta(minutes=city.cancellation.hold_minutes)
    with pytest.raises(HoldExpired):
        await confirm_booking(city, resident, booking.id, "pay_at_store", now=late)
    assert (await Booking.get(id=booking.id)).state == BookingState.EXPIRED
    assert await _taken(offering) == 0
    assert await expire_holds(city, now=late) == 0  # already released, not twice


@pytest.mark.parametrize(
    ("change", "error", "field"),
    [
        ({"starts_at": NOW - timedelta(hours=1)}, SlotInPast, "starts_at"),
        ({"starts_at": THURSDAY_9 + timedelta(days=400)}, BeyondHorizon, "starts_at"),
        ({"starts_at": THURSDAY_9 + timedelta(minutes=30)}, NoSuchSlot, "starts_at"),
        ({"party_size": 2}, PartyTooLarge, "party_size"),
        ({"address": None}, AddressRequired, "address"),
        ({"address": {"lat": FAR_AWAY.lat, "lng": FAR_AWAY.lng}}, OutsideServiceArea, "address"),
        ({"address": {"lat": 40.0, "lng": 116.4}}, ValidationFailed, "address"),  # Beijing
        ({"offering_id": 999999}, NotBookable, "offering_id"),
    ],
)
async def test_bad_requests_are_refused_and_change_nothing(
    db: str, city, change: dict, error: type[Exception], field: str
) -> None:
    listing, offering = await cleaning_service(capacity=1)
    resident = await make_account()
    values = {"offering_id": offering.id, **change}
    offering_id = values.pop("offering_id")
    with pytest.raises(error) as caught:
        await hold_booking(
            city, resident, _request(listing.id, offering_id, **values), "key-bad-01", now=NOW
        )
    assert caught.value.errors[0].field == field  # type: ignore[attr-defined]
    assert await Booking.all().count() == 0
    assert await _taken(offering) == 0


async def test_a_reused_key_with_another_body_is_refused(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=3)
    resident = await make_account()
    await hold_booking(city, resident, _request(listing.id, offering.id), "key-reuse-1", now=NOW)
    other = _request(listing.id, offering.id, note="请带拖把")
    with pytest.raises(IdempotencyKeyReused):
        await hold_booking(city, resident, other, "key-reuse-1", now=NOW)
    assert await _taken(offering) == 1
    assert await Booking.all().count() == 1


async def test_free_places_are_shown_per_slot(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=2)
    day = THURSDAY_9.date()
    before = await slots_on_date(city, listing, day, now=NOW)
    # 09:00, 12:00, 15:00 local (01, 04, 07 UTC): three 3-hour jobs fit in 09:00-18:00
    assert [s.starts_at.hour for s in before] == [1, 4, 7]
    assert all(s.remaining == 2 for s in before)
    for i in range(2):
        await hold_booking(
            city, await make_account(), _request(listing.id, offering.id), f"key-full-{i}", now=NOW
        )
    after = {s.starts_at: s.remaining for s in await slots_on_date(city, listing, day, now=NOW)}
    assert after[THURSDAY_9] == 0
    upcoming = await next_open_slots(city, listing, now=NOW)
    assert THURSDAY_9 not in [s.starts_at for s in upcoming]  # a full slot is not offered


async def test_table_reservations_count_covers(db: str, city) -> None:
    listing = await make_listing(HOME)  # a restaurant
    owner = await _owner(listing)
    await set_table_reservations(owner, listing.id, every_day("09:00", "10:00", 60, 10))
    reservation = _request(listing.id, None, address=None, party_size=6)
    first, _ = await hold_booking(city, await make_account(), reservation, "table-0001", now=NOW)
    assert first.amount == 0
    with pytest.raises(Exception) as full:
        await hold_booking(city, await make_account(), reservation, "table-0002", now=NOW)
    assert getattr(full.value, "code", None) == "slot_full"
    four = _request(listing.id, None, address=None, party_size=4)
    await hold_booking(city, await make_account(), four, "table-0003", now=NOW)
    slot = await Slot.get(bookable=f"t{listing.id}")
    assert (slot.taken, slot.capacity) == (10, 10)


async def test_reminders_go_out_once(db: str, city) -> None:
    listing, offering = await cleaning_service()
    resident = await make_account()
    booking, _ = await hold_booking(
        city, resident, _request(listing.id, offering.id), "key-remind", now=NOW
    )
    await confirm_booking(city, resident, booking.id, "pay_at_store", now=NOW)
    early = THURSDAY_9 - timedelta(hours=city.cancellation.reminder_hours + 1)
    assert await send_reminders(city, now=early) == 0
    soon = THURSDAY_9 - timedelta(hours=2)
    assert await send_reminders(city, now=soon) == 1
    assert await send_reminders(city, now=soon) == 0
    assert await Notice.filter(kind="booking_reminder", account_id=resident.id).count() == 1
