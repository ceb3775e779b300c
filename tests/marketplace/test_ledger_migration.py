"""Migration 0010 carries a ledger written at 0008 into the general ledger, on both databases.

A database is migrated to 0008 and filled as the code of that time left it: a paid booking
refunded in two parts, an order paid at the store, and an order whose refund was reported done
and later failed (a reversal), with their payments, refunds and ledger entries written in that
schema. After the remaining migrations every entry names its source and party, the books
reconcile, an entry can have no payment, and PostgreSQL refuses to change one; migrating back
before 0010 and forward again changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.migrations.api import migrate as run_migrations

from marketplace import db as database
from marketplace.bookings.models import Booking
from payments import ledger
from payments.commission import fee_refunded
from payments.ledger import Line, Party, Source
from payments.models import LedgerEntry
from payments.types import LedgerAccount, PartyKind
from tests.payments.conftest import held_booking, held_order
from tests.support.bookables import NOW
from tests.support.schema_0008 import add_later_columns, drop_later_columns, write_as_at_0008

BEFORE = "taocity.0008_accounts_signup_attempts"
AFTER_0009 = "taocity.0009_payables"  # the migration before 0010
A = LedgerAccount


@pytest.fixture(params=["sqlite", "postgis"])
async def scratch_url(request: pytest.FixtureRequest, databases, tmp_path) -> AsyncIterator[str]:
    """An empty database of its own (this test migrates it step by step)."""
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'at-0008.sqlite3'}"
        return
    base = databases.raw_url("postgis")
    name = f"ledger_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield base.rsplit("/", 1)[0] + f"/{name}"
    admin = await asyncpg.connect(base)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


class Old:
    """Writes rows in the 0008 schema with the dialect's placeholders."""

    def __init__(self) -> None:
        self.conn = connections.get("default")
        self.postgres = self.conn.capabilities.dialect == "postgres"
        self.entries = 0

    def at(self) -> Any:
        return NOW if self.postgres else NOW.isoformat(sep=" ")

    async def insert(self, table: str, row: dict[str, Any]) -> None:
        names = ", ".join(f'"{k}"' for k in row)
        marks = ", ".join(f"${i}" if self.postgres else "?" for i in range(1, len(row) + 1))
        await self.conn.execute_query(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # nosec B608
            list(row.values()),
        )

    async def payment(
        self, id: int, ready, *, amount: int, fee: int, store: bool, refunded: int = 0
    ) -> None:
        booking = isinstance(ready.record, Booking)
        await self.insert(
            "payments",
            {
                "id": id,
                "kind": "booking" if booking else "order",
                "booking_id": ready.id if booking else None,
                "order_id": None if booking else ready.id,
                "resident_id": ready.resident.id,
                "merchant_id": ready.merchant_id,
                "provider": "pay_at_store" if store else "stripe",
                "provider_ref": f"ref-{id}",
                "attempt": 1,
                "amount": amount,
                "currency": "CNY",
                "application_fee": fee,
                "state": "partially_refunded" if refunded else "succeeded",
                "refunded_amount": refunded,
                "refund_owed": False,
                "idempotency_key": f"payment-{id}",
                "created_at": self.at(),
                "updated_at": self.at(),
            },
        )

    async def refund(self, id: int, payment_id: int, amount: int, state: str) -> None:
        await self.insert(
            "refunds",
            {
                "id": id,
                "payment_id": payment_id,
                "amount": amount,
                "reason": "operator",
                "provider_ref": f"re-{id}",
                "state": state,
                "idempotency_key": f"refund-{id}",
                "created_at": self.at(),
                "updated_at": self.at(),
            },
        )

    async def post(self, tx: str, m: int, payment: int, refund: int | None, lines) -> None:
        for i, (account, amount) in enumerate(lines):
            self.entries += 1
            await self.insert(
                "ledger_entries",
                {
                    "transaction": tx,
                    "line": i,
                    "account": account.value,
                    "merchant_id": m,
                    "payment_id": payment,
                    "refund_id": refund,
                    "amount": amount,
                    "currency": "CNY",
                    "created_at": self.at(),
                },
            )


def _refund_lines(fee: int, amount: int, refund: int, before: int) -> list[tuple[A, int]]:
    """What 0008's ledger posted for a refund (its `_refund_lines`)."""
    back = fee_refunded(fee, amount, before + refund) - fee_refunded(fee, amount, before)
    return [
        (A.REFUNDS, refund),
        (A.PLATFORM_COMMISSION, -back),
        (A.MERCHANT_PAYABLE, back - refund),
    ]


async def _fill_at_0008(city) -> dict[str, Any]:
    cleaning = await held_booking(city, price=12000)
    shop = await held_order(city, price=1999, quantity=3)
    store = await held_booking(city, price=8850, key="booking-key-2")
    old = Old()
    # a booking paid online, refunded 3333 then 1
    await old.payment(1, cleaning, amount=12000, fee=1440, store=False, refunded=3334)
    m1 = cleaning.merchant_id
    await old.post(
        "payment:1",
        m1,
        1,
        None,
        [(A.RESIDENT_PAYMENTS, -12000), (A.PLATFORM_COMMISSION, 1440), (A.MERCHANT_PAYABLE, 10560)],
    )
    await old.refund(1, 1, 3333, "succeeded")
    await old.post("refund:1", m1, 1, 1, _refund_lines(1440, 12000, 3333, 0))
    await old.refund(2, 1, 1, "succeeded")
    await old.post("refund:2", m1, 1, 2, _refund_lines(1440, 12000, 1, 3333))
    # an order paid online whose refund was reported done, then failed
    await old.payment(2, shop, amount=5997, fee=300, store=False)
    m2 = shop.merchant_id
    await old.post(
        "payment:2",
        m2,
        2,
        None,
        [(A.RESIDENT_PAYMENTS, -5997), (A.PLATFORM_COMMISSION, 300), (A.MERCHANT_PAYABLE, 5697)],
    )
    await old.refund(3, 2, 2000, "failed")
    posted = _refund_lines(300, 5997, 2000, 0)
    await old.post("refund:3", m2, 2, 3, posted)
    await old.post("refund-reversal:3", m2, 2, 3, [(a, -v) for a, v in posted])
    # a booking paid at the store
    await old.payment(3, store, amount=8850, fee=1062, store=True)
    m3 = store.merchant_id
    await old.post(
        "store:3",
        m3,
        3,
        None,
        [
            (A.RESIDENT_PAYMENTS, -8850),
            (A.CASH_AT_STORE, 8850),
            (A.PLATFORM_COMMISSION, 1062),
            (A.MERCHANT_PAYABLE, -1062),
        ],
    )
    if old.postgres:  # the rows above were given their ids: move the sequences past them
        for table in ("payments", "refunds"):
            await old.conn.execute_query(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table}"
            )
    return {
        "payments": {1: cleaning, 2: shop, 3: store},
        "entries": old.entries,
    }


async def test_ledger_entries_are_carried_into_the_general_ledger(
    scratch_url: str, city, monkeypatch: pytest.MonkeyPatch
) -> None:
    await database.ensure_postgis(scratch_url)
    await run_migrations(config=database.tortoise_config(scratch_url), target=BEFORE)
    await Tortoise.close_connections()
    await database.init_db(scratch_url)
    try:
        write_as_at_0008(monkeypatch)
        await add_later_columns()
        filled = await _fill_at_0008(city)
        await drop_later_columns()
    finally:
        await database.close_db()

    applied = await database.migrate(scratch_url)
    assert "taocity.0010_general_ledger" in applied

    await database.init_db(scratch_url)
    try:
        entries = await LedgerEntry.all().order_by("id")
        assert len(entries) == filled["entries"] == 6 * 3 + 4
        for e in entries:
            ready = filled["payments"][e.payment_id]
            if e.transaction.startswith(("payment:", "store:")):
                assert (e.source_kind, e.source_id) == ("payment", e.payment_id)
            else:
                assert (e.source_kind, e.source_id) == ("refund", e.refund_id)
            party = {
                A.RESIDENT_PAYMENTS: ("resident", ready.resident.id),
                A.REFUNDS: ("resident", ready.resident.id),
                A.MERCHANT_PAYABLE: ("merchant", ready.merchant_id),
                A.CASH_AT_STORE: ("merchant", ready.merchant_id),
                A.PLATFORM_COMMISSION: ("platform", None),
            }[e.account]
            assert (str(e.party_kind), e.party_id) == party
            assert e.merchant_id == ready.merchant_id
        assert await ledger.reconcile() == []
    finally:
        await database.close_db()

    # back to 0009 and forward again: the same entries, the same constraints
    await run_migrations(config=database.tortoise_config(scratch_url), target=AFTER_0009)
    await Tortoise.close_connections()
    assert (await database.migrate(scratch_url))[0] == "taocity.0010_general_ledger"

    await database.init_db(scratch_url)
    try:
        assert await LedgerEntry.all().count() == filled["entries"]
        assert await ledger.reconcile() == []

        # the payment link is optional now, and the unique (transaction, line) kept
        wallet = Party(PartyKind.RESIDENT, filled["payments"][1].resident.id)
        lines = [
            Line(A.RESIDENT_PAYMENTS, -100, None, wallet),
            Line(A.RESIDENT_WALLET, 100, None, wallet),
        ]
        await ledger.post("wallet_topup:1", lines, currency="CNY", source=Source("wallet_topup", 1))
        assert await LedgerEntry.filter(payment_id=None).count() == 2
        with pytest.raises(IntegrityError):
            await ledger.post("payment:1", lines, currency="CNY", source=Source("payment", 1))

        if database.is_postgres():
            conn = connections.get("default")
            with pytest.raises(OperationalError, match="append-only"):
                await conn.execute_script("UPDATE ledger_entries SET amount = 0")
            with pytest.raises(OperationalError, match="append-only"):
                await conn.execute_script("DELETE FROM ledger_entries")
        assert await LedgerEntry.all().count() == filled["entries"] + 2
    finally:
        await database.close_db()
