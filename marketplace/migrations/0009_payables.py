"""Payables with lines, tenders linked to them, and each tender's split.

Every booking and order becomes a payable (kind, ref_id) priced into lines as it was priced
when held: a booking has one item line (its offering's name, party size x unit price); an order
has one item line per order line and a `fee` line for a non-zero delivery fee. Each existing
payment becomes a tender of its booking's or order's payable (`payments.payable_id`) with its
split stored (merchant: amount - application fee; platform: the fee), and the columns that
named the purchase directly (`kind`, `booking_id`, `order_id`) go.

PostgreSQL drops the columns with ALTER TABLE. SQLite cannot drop a column a foreign key uses,
so `payments` is rebuilt (SQLite's documented procedure, as 0007 does): new table, rows copied,
old dropped, new renamed, indexes re-created, with foreign keys off meanwhile (refunds, ledger
entries and splits point at it) and checked before the commit. SQLite ignores that switch
inside a transaction, so this migration is not atomic as a whole: the copy runs in a
transaction of its own.
"""

import functools
import json
from json import dumps, loads
from typing import Any

from tortoise import fields, migrations
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops
from tortoise.transactions import in_transaction

from payments.types import FundedBy, LineKind, PartyKind

# the delivery fee's label: the words the order pages use for it
FEE_LABEL = {"zh-CN": "配送费", "en": "Delivery fee"}

SQLITE_PAYMENTS = """CREATE TABLE "new__payments" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "provider" VARCHAR(24) NOT NULL,
    "provider_ref" VARCHAR(255)  UNIQUE,
    "attempt" INT NOT NULL,
    "amount" BIGINT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "application_fee" BIGINT NOT NULL,
    "state" VARCHAR(24) NOT NULL,
    "refunded_amount" BIGINT NOT NULL,
    "refund_owed" INT NOT NULL,
    "idempotency_key" VARCHAR(80) NOT NULL UNIQUE,
    "created_at" TIMESTAMP NOT NULL,
    "updated_at" TIMESTAMP NOT NULL,
    "merchant_id" INT NOT NULL REFERENCES "merchants" ("id") ON DELETE RESTRICT,
    "resident_id" INT NOT NULL REFERENCES "accounts" ("id") ON DELETE RESTRICT,
    "payable_id" BIGINT NOT NULL REFERENCES "payables" ("id") ON DELETE RESTRICT
)"""
KEPT = (
    "id, provider, provider_ref, attempt, amount, currency, application_fee, state,"
    " refunded_amount, refund_owed, idempotency_key, created_at, updated_at, merchant_id,"
    " resident_id, payable_id"
)


def _json(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    return dict(json.loads(value) if isinstance(value, str) else value)


class _Sql:
    """Raw statements written with `?` placeholders, numbered for PostgreSQL."""

    def __init__(self, client: BaseDBAsyncClient) -> None:
        self.client = client
        self.postgres = client.capabilities.dialect == "postgres"

    def _sql(self, sql: str) -> str:
        if not self.postgres:
            return sql
        parts = sql.split("?")
        return "".join(f"{p}${i}" for i, p in enumerate(parts[:-1], 1)) + parts[-1]

    async def rows(self, sql: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        _, rows = await self.client.execute_query(self._sql(sql), values or [])
        return [dict(r) for r in rows]

    async def insert(self, sql: str, values: list[Any]) -> int:
        returning = " RETURNING id" if self.postgres else ""
        if self.postgres:  # execute_query answers an INSERT with its row count only
            rows = await self.client.execute_query_dict(self._sql(sql) + returning, values)
            return int(rows[0]["id"])
        return int(await self.client.execute_insert(sql, values))


async def _payable(
    sql: _Sql, kind: str, record: dict[str, Any], lines: list[tuple[str, dict, int, int, str | None]]
) -> None:
    label_json = "CAST(? AS JSONB)" if sql.postgres else "?"
    payable_id = await sql.insert(
        "INSERT INTO payables (kind, ref_id, resident_id, merchant_id, vertical, currency,"
        " amount_due, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            kind,
            record["id"],
            record["resident_id"],
            record["merchant_id"],
            record["vertical"],
            record["currency"],
            record["amount"],
            record["created_at"],
        ],
    )
    for position, (line_kind, label, quantity, unit, ref) in enumerate(lines, 1):
        await sql.rows(
            "INSERT INTO payable_lines (payable_id, position, kind, label, quantity, unit_amount,"
            f" amount, funded_by, ref) VALUES (?, ?, ?, {label_json}, ?, ?, ?, ?, ?)",
            [
                payable_id,
                position,
                line_kind,
                json.dumps(label, ensure_ascii=False),
                quantity,
                unit,
                quantity * unit,
                FundedBy.NONE.value,
                ref,
            ],
        )


async def _backfill(sql: _Sql) -> None:
    for b in await sql.rows(
        "SELECT b.id, b.resident_id, b.offering_id, b.party_size, b.unit_price, b.amount,"
        " b.currency, b.created_at, l.merchant_id, l.vertical, l.name AS listing_name,"
        " o.name AS offering_name FROM bookings b JOIN listings l ON l.id = b.listing_id"
        " LEFT JOIN offerings o ON o.id = b.offering_id ORDER BY b.id"
    ):
        label = _json(b["offering_name"]) or _json(b["listing_name"])
        ref = f"offering:{b['offering_id']}" if b["offering_id"] is not None else None
        item = (LineKind.ITEM.value, label, b["party_size"], b["unit_price"], ref)
        await _payable(sql, "booking", b, [item])
    for o in await sql.rows(
        "SELECT o.id, o.resident_id, o.delivery_fee, o.amount, o.currency, o.created_at,"
        " l.merchant_id, l.vertical FROM orders o JOIN listings l ON l.id = o.listing_id"
        " ORDER BY o.id"
    ):
        lines = [
            (
                LineKind.ITEM.value,
                _json(line["name"]),
                line["quantity"],
                line["unit_price"],
                f"offering:{line['offering_id']}",
            )
            for line in await sql.rows(
                "SELECT offering_id, name, quantity, unit_price FROM order_lines"
                " WHERE order_id = ? ORDER BY offering_id, id",
                [o["id"]],
            )
        ]
        if o["delivery_fee"]:
            lines.append((LineKind.FEE.value, dict(FEE_LABEL), 1, o["delivery_fee"], None))
        await _payable(sql, "order", o, lines)


# Each existing payment's split, as it was computed: the platform kept `application_fee`, the
# merchant the rest (what `payments.split` gives a payable without adjustments).
SPLITS = (
    "INSERT INTO payment_splits (payment_id, position, share, party_kind, party_id, amount, basis)"
    " SELECT id, 1, 'merchant_share', 'merchant', merchant_id, amount - application_fee,"
    " 'amount - application fee, as paid before splits were stored' FROM payments"
    " UNION ALL SELECT id, 2, 'platform_commission', 'platform', NULL, application_fee,"
    " 'application fee, as paid before splits were stored' FROM payments"
)


async def _forward(apps: Any, schema_editor: Any) -> None:
    client: BaseDBAsyncClient = schema_editor.client
    sql = _Sql(client)
    link = (
        "UPDATE payments SET payable_id = (SELECT p.id FROM payables p WHERE"
        " (p.kind = 'booking' AND p.ref_id = payments.booking_id) OR"
        " (p.kind = 'order' AND p.ref_id = payments.order_id))"
    )
    if sql.postgres:
        async with in_transaction(client.connection_name) as tx:
            tx_sql = _Sql(tx)
            await tx.execute_script(
                'ALTER TABLE "payments" ADD COLUMN "payable_id" BIGINT'
                ' REFERENCES "payables" ("id") ON DELETE RESTRICT'
            )
            await _backfill(tx_sql)
            await tx.execute_script(link)
            await tx.execute_script(SPLITS)
            await tx.execute_script(
                'ALTER TABLE "payments" ALTER COLUMN "payable_id" SET NOT NULL;'
                'ALTER TABLE "payments" DROP COLUMN "kind", DROP COLUMN "booking_id",'
                ' DROP COLUMN "order_id"'
            )
        return
    _, extras = await client.execute_query(
        "SELECT sql FROM sqlite_master WHERE tbl_name = 'payments' AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL"
    )
    await client.execute_script("PRAGMA foreign_keys = OFF")
    try:
        async with in_transaction(client.connection_name) as tx:
            await _backfill(_Sql(tx))
            await tx.execute_query('ALTER TABLE "payments" ADD COLUMN "payable_id" BIGINT')
            await tx.execute_query(link)
            await tx.execute_query(SPLITS)
            await tx.execute_query(SQLITE_PAYMENTS)
            await tx.execute_query(
                f'INSERT INTO "new__payments" ({KEPT}) SELECT {KEPT} FROM "payments"'  # nosec B608
            )
            await tx.execute_query('DROP TABLE "payments"')
            await tx.execute_query('ALTER TABLE "new__payments" RENAME TO "payments"')
            for row in extras:
                await tx.execute_query(row["sql"])
            _, broken = await tx.execute_query("PRAGMA foreign_key_check")
            if broken:
                raise RuntimeError(f"rebuilding payments broke foreign keys: {broken}")
    finally:
        await client.execute_script("PRAGMA foreign_keys = ON")


class StateOnlyAddField(ops.AddField):
    """The column is added (and filled) by `_forward`."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None


class StateOnlyRemoveField(ops.RemoveField):
    """The column is dropped by `_forward`."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None


class Migration(migrations.Migration):
    dependencies = [("taocity", "0008_accounts_signup_attempts")]

    initial = False
    atomic = False  # see the module's docstring

    operations = [
        ops.CreateModel(
            name='Payable',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=24)),
                ('ref_id', fields.BigIntField()),
                ('resident', fields.ForeignKeyField('taocity.Account', source_field='resident_id', db_constraint=True, to_field='id', related_name='payables', on_delete=OnDelete.RESTRICT)),
                ('merchant', fields.ForeignKeyField('taocity.Merchant', source_field='merchant_id', db_constraint=True, to_field='id', related_name='payables', on_delete=OnDelete.RESTRICT)),
                ('vertical', fields.CharField(max_length=24)),
                ('currency', fields.CharField(max_length=3)),
                ('amount_due', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payables', 'app': 'taocity', 'unique_together': (('kind', 'ref_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayableLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payable', fields.ForeignKeyField('taocity.Payable', source_field='payable_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
                ('kind', fields.CharEnumField(description='ITEM: item\nADJUSTMENT: adjustment\nFEE: fee', enum_type=LineKind, max_length=16)),
                ('label', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('quantity', fields.IntField(default=1)),
                ('unit_amount', fields.BigIntField()),
                ('amount', fields.BigIntField()),
                ('funded_by', fields.CharEnumField(default=FundedBy.NONE, description='PLATFORM: platform\nMERCHANT: merchant\nNONE: none', enum_type=FundedBy, max_length=16)),
                ('ref', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'payable_lines', 'app': 'taocity', 'unique_together': (('payable', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SplitShare',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('payment', fields.ForeignKeyField('taocity.Payment', source_field='payment_id', db_constraint=True, to_field='id', related_name='split', on_delete=OnDelete.RESTRICT)),
                ('position', fields.IntField()),
                ('share', fields.CharField(max_length=32)),
                ('party_kind', fields.CharEnumField(description='RESIDENT: resident\nMERCHANT: merchant\nPROMOTER: promoter\nPLATFORM: platform', enum_type=PartyKind, max_length=16)),
                ('party_id', fields.BigIntField(null=True)),
                ('amount', fields.BigIntField()),
                ('basis', fields.CharField(max_length=120)),
            ],
            options={'table': 'payment_splits', 'app': 'taocity', 'unique_together': (('payment', 'position'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(_forward),
        StateOnlyAddField(
            model_name="Payment",
            name="payable",
            field=fields.ForeignKeyField(
                "taocity.Payable",
                source_field="payable_id",
                db_constraint=True,
                to_field="id",
                related_name="tenders",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
        StateOnlyRemoveField(model_name="Payment", name="booking"),
        StateOnlyRemoveField(model_name="Payment", name="kind"),
        StateOnlyRemoveField(model_name="Payment", name="order"),
    ]
