"""Migration 0009 carries a database at 0008 into payables: the demo catalogue, held bookings
and orders, a paid online payment, a refunded one and a store payment come through, each
payment a tender of its purchase's payable, on both databases."""

from __future__ import annotations

import asyncpg
import pytest
from tortoise import Tortoise, connections
from tortoise.migrations.api.migrate import migrate as run_migrations

from listings.models import Listing
from marketplace import db as database
from marketplace.bookings.models import Booking
from marketplace.demo.seed import seed_demo
from marketplace.orders.checkout import place_order
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.requests import parse_order_request
from payments.models import Payable, PayableLine, Payment, Refund, SplitShare
from tests.payments.conftest import held_booking, held_order
from tests.support.bookables import NEAR_HOME, NOW
from tests.support.schema_0008 import add_later_columns, drop_later_columns, write_as_at_0008

AT_0008 = "taocity.0008_accounts_signup_attempts"


async def _fresh_url(backend: str, databases, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if backend == "sqlite":
        return f"sqlite://{tmp_path / 'at-0008.sqlite3'}"
    cluster = databases.raw_url(backend)
    name = "taocity_at_0008"
    server = cluster.rsplit("/", 1)[0]
    conn = await asyncpg.connect(f"{server.replace('postgres://', 'postgresql://')}/postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server}/{name}"


async def _insert_payment(values: dict[str, object]) -> int:
    """A payment row as 0008 stores it (kind and booking_id/order_id)."""
    conn = connections.get("default")
    columns = ", ".join(values)
    if conn.capabilities.dialect == "postgres":
        marks = ", ".join(f"${i}" for i in range(1, len(values) + 1))
        rows = await conn.execute_query_dict(
            f"INSERT INTO payments ({columns}) VALUES ({marks}) RETURNING id", list(values.values())
        )
        return int(rows[0]["id"])
    marks = ", ".join("?" for _ in values)
    return int(
        await conn.execute_insert(
            f"INSERT INTO payments ({columns}) VALUES ({marks})", list(values.values())
        )
    )


def _payment(kind: str, record_id: int, ready, **over: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    row: dict[str, object] = {
        "kind": kind,
        "booking_id": record_id if kind == "booking" else None,
        "order_id": record_id if kind == "order" else None,
        "resident_id": ready.resident.id,
        "merchant_id": ready.merchant_id,
        "provider": "stripe",
        "provider_ref": f"pi_{kind}_{record_id}",
        "attempt": 1,
        "amount": int(ready.record.amount),
        "currency": "CNY",
        "application_fee": 0,
        "state": "succeeded",
        "refunded_amount": 0,
        "refund_owed": False,
        "idempotency_key": f"{kind}-{record_id}-payment-1",
        "created_at": ready.record.created_at,
        "updated_at": ready.record.created_at,
    }
    row.update(over)
    return row


@pytest.mark.parametrize("backend", ["sqlite", "postgis"])
async def test_0009_carries_payments_into_payables(
    backend: str, databases, tmp_path, city, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    url = await _fresh_url(backend, databases, tmp_path)
    await database.ensure_postgis(url)
    await run_migrations(config=database.tortoise_config(url), target=AT_0008)
    await Tortoise.close_connections()

    await database.init_db(url)
    try:
        await seed_demo(city, count=12)
        # bookings and orders as the code at 0008 made them: no payable yet
        write_as_at_0008(monkeypatch)
        await add_later_columns()
        paid = await held_booking(city, price=12000, key="paid")
        refunded = await held_booking(city, price=8000, key="refunded")
        store = await held_order(city, price=1500, quantity=2)
        product = (
            await OrderLine.filter(order_id=store.id).first().values_list("offering_id", flat=True)
        )
        cart = {
            "listing_id": store.listing.id,
            "lines": [{"offering_id": product, "quantity": 1}],
            "fulfilment": "delivery",
            "address": {"lat": NEAR_HOME.lat, "lng": NEAR_HOME.lng, "text": "3 幢 201"},
        }
        delivered, _ = await place_order(
            city, store.resident, parse_order_request(cart), "delivered", now=NOW
        )
        paid_id = await _insert_payment(_payment("booking", paid.id, paid, application_fee=1440))
        refunded_id = await _insert_payment(
            _payment(
                "booking",
                refunded.id,
                refunded,
                application_fee=960,
                state="partially_refunded",
                refunded_amount=3000,
            )
        )
        conn = connections.get("default")
        mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
        await conn.execute_query(
            "INSERT INTO refunds (payment_id, amount, reason, provider_ref, state,"
            f" idempotency_key, created_at, updated_at) SELECT id, 3000, 'operator', 're_1',"
            f" 'succeeded', 'booking-x-refund-1', created_at, updated_at FROM payments"
            f" WHERE id = {mark}",
            [refunded_id],
        )
        store_id = await _insert_payment(
            _payment(
                "order",
                store.id,
                store,
                provider="pay_at_store",
                provider_ref=f"store:order:{store.id}",
                application_fee=150,
                idempotency_key=f"order-{store.id}-store",
            )
        )
        listings = await Listing.all().count()
        bookings, orders = await Booking.all().count(), await Order.all().count()
        await drop_later_columns()
    finally:
        await database.close_db()

    assert (await database.migrate(url))[0] == "taocity.0009_payables"

    await database.init_db(url)
    try:
        assert await Listing.all().count() == listings >= 12
        assert await Payable.filter(kind="booking").count() == bookings == 2
        assert await Payable.filter(kind="order").count() == orders == 2
        for ready, payment_id, fee in ((paid, paid_id, 1440), (refunded, refunded_id, 960)):
            booking = await Booking.get(id=ready.id).prefetch_related("offering")
            payable = await Payable.get(kind="booking", ref_id=ready.id)
            assert (payable.amount_due, payable.currency, payable.vertical) == (
                booking.amount,
                "CNY",
                "housekeeping",
            )
            assert (payable.resident_id, payable.merchant_id) == (  # type: ignore[attr-defined]
                ready.resident.id,
                ready.merchant_id,
            )
            [line] = await PayableLine.filter(payable_id=payable.id)
            assert (line.kind, line.quantity, line.unit_amount, line.amount, line.ref) == (
                "item",
                booking.party_size,
                booking.unit_price,
                booking.amount,
                f"offering:{booking.offering.id}",
            )
            assert line.label == booking.offering.name
            tender = await Payment.get(id=payment_id)
            assert tender.payable_id == payable.id  # type: ignore[attr-defined]
            assert (tender.amount, tender.application_fee) == (booking.amount, fee)
            shares = await SplitShare.filter(payment_id=payment_id).order_by("position")
            assert [(x.share, x.party_kind, x.party_id, x.amount) for x in shares] == [
                ("merchant_share", "merchant", ready.merchant_id, booking.amount - fee),
                ("platform_commission", "platform", None, fee),
            ]
        tender = await Payment.get(id=refunded_id)
        assert (tender.state, tender.refunded_amount) == ("partially_refunded", 3000)
        refund = await Refund.get(payment_id=refunded_id)
        assert (refund.amount, refund.state) == (3000, "succeeded")

        order = await Order.get(id=store.id)
        payable = await Payable.get(kind="order", ref_id=store.id)
        assert payable.amount_due == order.amount == 3000
        lines = await PayableLine.filter(payable_id=payable.id).order_by("position")
        order_lines = await OrderLine.filter(order_id=store.id).order_by("offering_id")
        assert [(x.kind, x.label, x.quantity, x.unit_amount, x.ref) for x in lines] == [
            ("item", ol.name, ol.quantity, ol.unit_price, f"offering:{ol.offering_id}")  # type: ignore[attr-defined]
            for ol in order_lines
        ]
        tender = await Payment.get(id=store_id)
        assert (tender.provider, tender.amount, tender.payable_id) == (  # type: ignore[attr-defined]
            "pay_at_store",
            3000,
            payable.id,
        )
        payable = await Payable.get(kind="order", ref_id=delivered.id)
        lines = await PayableLine.filter(payable_id=payable.id).order_by("position")
        assert [(x.kind, x.quantity, x.unit_amount, x.amount) for x in lines] == [
            ("item", 1, 1500, 1500),
            ("fee", 1, 500, 500),
        ]
        assert lines[1].label == {"zh-CN": "配送费", "en": "Delivery fee"}
        assert payable.amount_due == delivered.amount == 2000

        applied, pending = await database.migration_status()
        assert pending == [] and "taocity.0009_payables" in applied
    finally:
        await database.close_db()
