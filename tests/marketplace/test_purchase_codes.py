"""Codes are unique across every kind of purchase: an order never gets a code a booking has,
one look-up finds either, and migration 0011 fills `purchase_codes` from existing rows (giving
an order whose code a booking has a new one), on both databases."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from tortoise import connections

from marketplace import codes
from marketplace import db as database
from marketplace.bookings.models import Booking
from marketplace.orders.models import Order
from marketplace.orders.services import make_ready
from marketplace.purchases import codes as purchase_codes
from marketplace.purchases.models import PurchaseCode
from marketplace.redeem import Settlement, complete_code
from tests.support.bookables import (
    cleaning_service,
    confirmed_booking,
    confirmed_order,
    shop_with_stock,
)
from tests.support.factories import make_account

MIGRATION = "0011_purchase_codes"
FRESH = "BCDFGHJK"


def _drawing(*drawn: str) -> Iterator[str]:
    yield from drawn
    raise AssertionError("more codes drawn than the test expected")


async def test_an_order_never_gets_a_code_a_booking_has(
    db: str, city, monkeypatch: pytest.MonkeyPatch
) -> None:
    listing, offering = await cleaning_service(capacity=2)
    booking = await confirmed_booking(city, await make_account(), listing, offering)
    shop, product = await shop_with_stock()
    # the random source draws the booking's code first, then a fresh one
    draws = _drawing(booking.code, FRESH)
    monkeypatch.setattr(codes, "new_code", lambda: next(draws))
    order = await confirmed_order(city, await make_account(), shop, product)
    assert order.code == FRESH != booking.code
    rows = {(r.code, r.kind, r.ref_id) for r in await PurchaseCode.all()}
    assert rows == {(booking.code, "booking", booking.id), (FRESH, "order", order.id)}
    assert await Order.filter(code=booking.code).count() == 0


async def test_one_look_up_finds_a_purchase_of_either_kind(db: str, city) -> None:
    listing, offering = await cleaning_service()
    booking = await confirmed_booking(city, await make_account(), listing, offering)
    shop, product = await shop_with_stock()
    order = await confirmed_order(city, await make_account(), shop, product)
    found_booking = await purchase_codes.find(booking.code)
    found_order = await purchase_codes.find(order.code)
    assert found_booking is not None and found_order is not None
    assert (found_booking[0].name, found_booking[1].id) == ("booking", booking.id)
    assert (found_order[0].name, found_order[1].id) == ("order", order.id)
    assert await purchase_codes.find("XXXXXXXX") is None
    owner = await (await shop.merchant).owner
    await make_ready(owner, order.id)
    # paid at the store: what was received is recorded with the hand-over
    handed = await complete_code(city, owner, order.code, Settlement(received=order.amount))
    assert isinstance(handed, Order)


async def _migrate_to(target: str | None) -> None:
    from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

    executor = MigrationExecutor(
        connections.get("default"),
        {database.APP_LABEL: database.tortoise_config("sqlite://:memory:")["apps"]["taocity"]},
    )
    targets = None if target is None else [MigrationTarget(database.APP_LABEL, target)]
    await executor.migrate(targets)


async def test_migration_fills_the_codes_and_recodes_a_colliding_order(db: str, city) -> None:
    listing, offering = await cleaning_service(capacity=3)
    bookings = [
        await confirmed_booking(city, await make_account(), listing, offering) for _ in range(2)
    ]
    shop, product = await shop_with_stock()
    clash = await confirmed_order(city, await make_account(), shop, product)
    other = await confirmed_order(city, await make_account(), shop, product)
    # as before codes were unique across kinds: an order with a booking's code
    await Order.filter(id=clash.id).update(code=bookings[0].code)
    migration = importlib.import_module(f"marketplace.migrations.{MIGRATION}")
    (parent,) = migration.Migration.dependencies
    await _migrate_to(parent[1])
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'purchase_codes'"
            if db == "sqlite"
            else "SELECT COUNT(*) AS n FROM pg_tables WHERE tablename = 'purchase_codes'"
        )
        assert rows[0]["n"] == 0
    finally:
        await _migrate_to(None)
    recoded = await Order.get(id=clash.id)
    assert recoded.code != bookings[0].code and codes.normalise_code(recoded.code) == recoded.code
    assert (await Order.get(id=other.id)).code == other.code
    assert [b.code for b in await Booking.all().order_by("id")] == [b.code for b in bookings]
    rows = {(r.code, r.kind, r.ref_id) for r in await PurchaseCode.all()}
    assert rows == {
        (bookings[0].code, "booking", bookings[0].id),
        (bookings[1].code, "booking", bookings[1].id),
        (recoded.code, "order", clash.id),
        (other.code, "order", other.id),
    }
    applied, pending = await database.migration_status()
    assert pending == [] and f"taocity.{MIGRATION}" in applied
