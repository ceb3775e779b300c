"""Orders follow the shop's day: pickup times from its opening hours and preparation time (near
midnight, on a closed day, while closed: the next opening), the chosen time checked with a
precise error, and the shop's steps 新订单 → 已接单 → 备货中 → 待取货 → 已取货 taken one at a time,
each with its time, a double tap moving once (both databases)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from listings.hours import Schedule
from listings.models import Listing
from marketplace.errors import MarketplaceError
from marketplace.lifecycle import StateChanged, TransitionNotAllowed
from marketplace.orders.checkout import place_order
from marketplace.orders.errors import OrderNotReady, PickupNotPossible
from marketplace.orders.models import Order, OrderEvent
from marketplace.orders.pickup import PickupRules, check_pickup, choice, pickup_choice, rules_for
from marketplace.orders.queries import order_history
from marketplace.orders.requests import LineIn, OrderRequest
from marketplace.orders.services import advance_order, confirm_order, make_ready
from marketplace.orders.types import OrderState
from marketplace.redeem import Settlement, complete_code
from tests.support.bookables import shop_with_stock
from tests.support.factories import make_account

TZ = ZoneInfo("Asia/Shanghai")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NINE_TO_NINE = {d: [["09:00", "21:00"]] for d in DAYS}
# open every evening into the night, but not on Thursdays
NIGHTS = {d: [["18:00", "02:00"]] for d in DAYS if d != "thu"}


def at(text: str) -> datetime:
    """A local Changzhou time: 2026-11-25 is a Wednesday."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def rules(weekly: dict[str, object] | None, prep: int = 20, days: int = 2) -> PickupRules:
    return PickupRules(
        Schedule.from_json(weekly) if weekly is not None else None,
        TZ,
        timedelta(minutes=prep),
        timedelta(minutes=15),
        timedelta(days=days),
    )


def local(times: tuple[datetime, ...]) -> list[str]:
    return [t.astimezone(TZ).strftime("%a %H:%M") for t in times]


def test_slots_come_from_the_hours_and_the_preparation_time() -> None:
    found = choice(rules(NINE_TO_NINE), at("2026-11-25T10:07"))
    assert found.open_now and not found.for_next_opening
    slots = local(found.slots)
    # as soon as possible: now plus 20 minutes; then the quarter hours while the shop is open
    assert slots[:4] == ["Wed 10:27", "Wed 10:30", "Wed 10:45", "Wed 11:00"]
    assert "Wed 20:45" in slots and "Wed 21:00" not in slots
    # the next day starts with its opening plus the preparation time
    assert slots[slots.index("Wed 20:45") + 1] == "Thu 09:20"


def test_near_midnight_the_night_range_runs_on_and_ends_at_its_close() -> None:
    late = choice(rules(NIGHTS), at("2026-11-25T23:50"))
    assert late.open_now
    assert local(late.slots)[:3] == ["Thu 00:10", "Thu 00:15", "Thu 00:30"]
    assert "Thu 01:45" in local(late.slots) and "Thu 02:00" not in local(late.slots)
    # ten minutes before closing there is no time to prepare: the next opening is the first
    closing = choice(rules(NIGHTS), at("2026-11-26T01:50"))
    assert closing.open_now and closing.for_next_opening is False
    # Thursday has no evening: Friday 18:20
    assert local(closing.slots)[0] == "Fri 18:20"


def test_a_closed_day_and_a_closed_shop_wait_for_the_next_opening() -> None:
    found = choice(rules(NIGHTS), at("2026-11-26T12:00"))  # Thursday noon: closed all day
    assert not found.open_now and found.for_next_opening
    assert found.asap is not None and local((found.asap,)) == ["Fri 18:20"]
    evening = choice(rules(NINE_TO_NINE), at("2026-11-25T21:30"))
    assert evening.for_next_opening and local((evening.asap,)) == ["Thu 09:20"]  # type: ignore[arg-type]


def test_a_shop_without_hours_is_always_open() -> None:
    found = choice(rules(None), at("2026-11-25T03:00"))
    assert found.open_now and local(found.slots)[:2] == ["Wed 03:20", "Wed 03:30"]


@pytest.mark.parametrize(
    ("chosen", "why"),
    [
        ("2026-11-25T09:00", "is in the past"),
        ("2026-11-25T10:10", "needs 20 minutes to prepare"),
        ("2026-11-25T22:00", "the shop is closed then"),
        ("2026-11-26T09:10", "after opening"),
        ("2026-11-28T10:00", "too far ahead"),
    ],
)
def test_a_chosen_time_the_shop_cannot_meet_is_refused_with_the_reason(
    chosen: str, why: str
) -> None:
    with pytest.raises(PickupNotPossible) as refused:
        check_pickup(rules(NINE_TO_NINE), at(chosen), at("2026-11-25T10:00"))
    (error,) = refused.value.errors
    assert error.field == "pickup_at" and why in error.reason
    assert refused.value.status == 422


def test_a_possible_time_is_kept_and_none_means_the_first() -> None:
    now = at("2026-11-25T10:00")
    assert check_pickup(rules(NINE_TO_NINE), at("2026-11-25T15:00"), now) == at("2026-11-25T15:00")
    assert check_pickup(rules(NINE_TO_NINE), None, now) == at("2026-11-25T10:20")


# --- with the database: placing an order, the listing's own preparation time, the steps ---


async def _shop(weekly: dict[str, object], **attributes: object) -> tuple[Listing, int]:
    listing, product = await shop_with_stock(stock=10)
    listing.weekly_hours = weekly
    listing.attributes = {**(listing.attributes or {}), **attributes}
    await listing.save()
    return listing, product.id


def _cart(listing: Listing, product: int, pickup_at: datetime | None = None) -> OrderRequest:
    return OrderRequest(
        listing_id=listing.id, lines=(LineIn(offering_id=product, quantity=1),), pickup_at=pickup_at
    )


async def test_an_order_placed_while_closed_is_for_the_next_opening(db: str, city) -> None:
    listing, product = await _shop(NINE_TO_NINE)
    resident = await make_account()
    evening = at("2026-11-25T22:40")
    order, _ = await place_order(city, resident, _cart(listing, product), "k-closed", now=evening)
    assert order.pickup_at == at("2026-11-26T09:20")
    choice_then = pickup_choice(city, listing, evening)
    assert choice_then.for_next_opening and choice_then.asap == order.pickup_at
    with pytest.raises(PickupNotPossible):
        await place_order(
            city, resident, _cart(listing, product, at("2026-11-25T23:00")), "k-no", now=evening
        )
    assert await Order.filter(idempotency_key="k-no").count() == 0


async def test_a_listing_may_say_its_own_preparation_time(db: str, city) -> None:
    listing, product = await _shop(NINE_TO_NINE, preparation_minutes=45)
    assert rules_for(city, listing).preparation == timedelta(minutes=45)
    noon = at("2026-11-25T12:00")
    order, _ = await place_order(city, await make_account(), _cart(listing, product), "k", now=noon)
    assert order.pickup_at == at("2026-11-25T12:45")
    plain, _other = await _shop(NINE_TO_NINE)
    assert rules_for(city, plain).preparation == timedelta(minutes=city.orders.preparation_minutes)


async def _placed(city, listing: Listing, product: int) -> tuple[Order, object]:
    resident = await make_account()
    order, _ = await place_order(city, resident, _cart(listing, product), f"k-{resident.id}")
    order = await confirm_order(city, resident, order.id, "pay_at_store")
    owner = await (await listing.merchant).owner
    return order, owner


async def test_the_shop_takes_each_step_in_turn_and_none_can_be_skipped(db: str, city) -> None:
    listing, product = await _shop({})
    order, owner = await _placed(city, listing, product)
    with pytest.raises(TransitionNotAllowed):
        await advance_order(owner, order.id, "preparing")
    with pytest.raises(TransitionNotAllowed):
        await advance_order(owner, order.id, "ready")
    times = [datetime.now(TZ) + timedelta(minutes=m) for m in (1, 2, 3)]
    for step, when in zip(("accepted", "preparing", "ready"), times, strict=True):
        moved = await advance_order(owner, order.id, step, now=when)
        assert moved.state == step
    history = await order_history(order.id)
    assert [s for s, _ in history] == [
        OrderState.HELD,
        OrderState.CONFIRMED,
        OrderState.ACCEPTED,
        OrderState.PREPARING,
        OrderState.READY,
    ]
    assert [when for _, when in history[2:]] == times


async def test_a_code_completes_only_an_order_ready_for_pickup(db: str, city) -> None:
    listing, product = await _shop({})
    order, owner = await _placed(city, listing, product)
    await advance_order(owner, order.id, "accepted")
    paid = Settlement(received=order.amount)  # at the store, in full
    with pytest.raises(OrderNotReady) as early:
        await complete_code(city, owner, order.code, paid)
    assert (early.value.order_id, early.value.state, early.value.status) == (
        order.id,
        "accepted",
        409,
    )
    assert (await Order.get(id=order.id)).state == OrderState.ACCEPTED
    # the shop confirms it is ready: each step still ahead is taken, then the code completes
    await make_ready(owner, order.id)
    handed = await complete_code(city, owner, order.code, paid)
    assert handed.state == OrderState.PICKED_UP
    assert [s for s, _ in await order_history(order.id)][-3:] == [
        OrderState.PREPARING,
        OrderState.READY,
        OrderState.PICKED_UP,
    ]


async def test_a_double_tap_moves_an_order_once(db: str, city) -> None:
    listing, product = await _shop({})
    order, owner = await _placed(city, listing, product)
    results = await asyncio.gather(
        *(advance_order(owner, order.id, "accepted") for _ in range(8)), return_exceptions=True
    )
    moved = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, MarketplaceError)]
    assert len(moved) == 1 and len(refused) == 7
    assert all(isinstance(r, StateChanged | TransitionNotAllowed) for r in refused)
    assert await OrderEvent.filter(order_id=order.id, to_state="accepted").count() == 1
    assert (await Order.get(id=order.id)).state == OrderState.ACCEPTED
