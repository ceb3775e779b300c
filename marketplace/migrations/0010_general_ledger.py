"""The general ledger: every entry names its source and its party, the payment link is optional,
and on PostgreSQL the entries are append-only.

Existing entries are carried over: the source from the transaction's name ("payment:17" and
"store:17" record payment 17, "refund:4" and "refund-reversal:4" refund 4), the party from the
account (resident_payments and refunds: the payment's resident; merchant_payable and
cash_at_store: the merchant; platform_commission: the platform). The new columns are added
nullable, filled, then made NOT NULL, and payment_id loses its NOT NULL: PostgreSQL alters the
columns; SQLite cannot, so the table is rebuilt from its own CREATE statement with the columns'
NOT NULL changed (SQLite's documented procedure, as in 0007). Nothing references
ledger_entries, so the rebuild keeps foreign keys on and runs inside the migration's
transaction.

The trigger makes PostgreSQL refuse UPDATE and DELETE of any entry, so a mistake is corrected by
posting a reversing transaction, never by editing history. It is a row trigger: TRUNCATE (which
the test suite uses to empty tables) is not a row deletion and is not refused.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from payments.types import LedgerAccount, PartyKind

TABLE = "ledger_entries"

# (column, the field as the model has it once this migration is done)
FINAL_FIELDS: list[tuple[str, str, Any]] = [
    (
        "payment",
        "payment_id",
        fields.ForeignKeyField(
            "taocity.Payment",
            source_field="payment_id",
            null=True,
            db_constraint=True,
            to_field="id",
            related_name="ledger_entries",
            on_delete=OnDelete.RESTRICT,
        ),
    ),
    ("source_kind", "source_kind", fields.CharField(max_length=24)),
    ("source_id", "source_id", fields.BigIntField()),
    (
        "party_kind",
        "party_kind",
        fields.CharEnumField(
            description="RESIDENT: resident\nMERCHANT: merchant\nPROMOTER: promoter\n"
            "PLATFORM: platform",
            enum_type=PartyKind,
            max_length=16,
        ),
    ),
]

BACKFILL = [
    f"""UPDATE "{TABLE}" SET source_kind = 'payment', source_id = payment_id
        WHERE "transaction" LIKE 'payment:%' OR "transaction" LIKE 'store:%'""",
    f"""UPDATE "{TABLE}" SET source_kind = 'refund', source_id = refund_id
        WHERE "transaction" LIKE 'refund:%' OR "transaction" LIKE 'refund-reversal:%'""",
    f"""UPDATE "{TABLE}" SET party_kind = 'resident',
        party_id = (SELECT p.resident_id FROM payments p WHERE p.id = "{TABLE}".payment_id)
        WHERE account IN ('resident_payments', 'refunds')""",
    f"""UPDATE "{TABLE}" SET party_kind = 'merchant', party_id = merchant_id
        WHERE account IN ('merchant_payable', 'cash_at_store')""",
    f"""UPDATE "{TABLE}" SET party_kind = 'platform', party_id = NULL
        WHERE account = 'platform_commission'""",
]

TRIGGER = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{TABLE} is append-only: % of entry % refused; post a reversing transaction',
        TG_OP, OLD.id USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS {TABLE}_append_only ON "{TABLE}";
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON "{TABLE}"
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
"""
DROP_TRIGGER = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON "{TABLE}";
DROP FUNCTION IF EXISTS {TABLE}_append_only();
"""


def _dialect(schema_editor: Any) -> str:
    return str(schema_editor.client.capabilities.dialect)


async def backfill(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    for statement in BACKFILL:
        await client.execute_script(statement)
    _, left = await client.execute_query(
        f'SELECT DISTINCT "transaction", account FROM "{TABLE}"'  # nosec B608
        " WHERE source_kind IS NULL OR party_kind IS NULL"
    )
    if left:
        found = ", ".join(f"{r['transaction']} ({r['account']})" for r in left)
        raise RuntimeError(f"ledger entries with no known source or party: {found}")


async def add_trigger(apps: Any, schema_editor: Any) -> None:
    if _dialect(schema_editor) == "postgres":
        await schema_editor.client.execute_script(TRIGGER)


async def drop_trigger(apps: Any, schema_editor: Any) -> None:
    if _dialect(schema_editor) == "postgres":
        await schema_editor.client.execute_script(DROP_TRIGGER)


def _set_not_null(create: str, column: str, not_null: bool) -> str:
    """`create` with `column`'s NOT NULL added or removed (the type follows the quoted name)."""
    pattern = re.compile(rf'("{column}" [A-Z]+(?:\(\d+\))?)( NOT NULL)?')
    if not pattern.search(create):
        raise RuntimeError(f"column {column} not found in {create}")
    return pattern.sub(lambda m: m.group(1) + (" NOT NULL" if not_null else ""), create, count=1)


class SetNullability(ops.TortoiseOperation):
    """Alter columns' NOT NULL to what the given fields say (and the migration state with them);
    backwards, the opposite. PostgreSQL alters in place, SQLite rebuilds the table once."""

    def __init__(self, model_name: str, table: str, changes: list[tuple[str, str, Any]]) -> None:
        self.model_name = model_name
        self.table = table
        self.changes = changes

    def describe(self) -> str:
        return f"Set NOT NULL of {', '.join(c for _, c, _ in self.changes)} on {self.table}"

    def state_forward(self, app_label: str, state: Any) -> None:
        model_state = self.get_model_state(state, app_label, self.model_name)
        for name, _, field in self.changes:
            model_state.fields[name] = deepcopy(field)
        state.reload_models({(app_label, self.model_name)})

    async def _apply(self, state_editor: Any, forward: bool) -> None:
        client = state_editor.client
        wanted = {column: (not field.null) == forward for _, column, field in self.changes}
        if client.capabilities.dialect != "sqlite":
            for column, not_null in wanted.items():
                change = "SET" if not_null else "DROP"
                await client.execute_script(
                    f'ALTER TABLE "{self.table}" ALTER COLUMN "{column}" {change} NOT NULL'
                )
            return
        _, rows = await client.execute_query(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [self.table]
        )
        create = rows[0]["sql"]
        for column, not_null in wanted.items():
            create = _set_not_null(create, column, not_null)
        _, extras = await client.execute_query(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
            " AND sql IS NOT NULL",
            [self.table],
        )
        new = f"new__{self.table}"
        _, columns = await client.execute_query(f'PRAGMA table_info("{self.table}")')
        names = ", ".join(f'"{c["name"]}"' for c in columns)
        await client.execute_script(
            create.replace(f'CREATE TABLE "{self.table}"', f'CREATE TABLE "{new}"', 1)
        )
        await client.execute_script(
            f'INSERT INTO "{new}" ({names}) SELECT {names} FROM "{self.table}"'  # nosec B608
        )
        await client.execute_script(f'DROP TABLE "{self.table}"')
        await client.execute_script(f'ALTER TABLE "{new}" RENAME TO "{self.table}"')
        for row in extras:
            await client.execute_script(row["sql"])

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await self._apply(state_editor, forward=True)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is not None:
            await self._apply(state_editor, forward=False)


class DescribeField(ops.AlterField):
    """An AlterField of the migration state alone, for a change of a field's description (the
    enum's values listed): the column itself stays as it is. Tortoise's SQLite alter_field
    rebuilds the table and would drop its unique (transaction, line) constraint."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None


class AddColumn(ops.AddField):
    """AddField whose reverse on SQLite drops the column in place (SQLite 3.35+): Tortoise's
    SQLite remove_field rebuilds the table and would drop its unique (transaction, line)."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is None:
            return
        client = state_editor.client
        if client.capabilities.dialect != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)
            return
        await client.execute_script(f'ALTER TABLE "{TABLE}" DROP COLUMN "{self.name}"')


class Migration(migrations.Migration):
    dependencies = [("taocity", "0009_payables")]

    initial = False

    operations = [
        DescribeField(
            model_name="LedgerEntry",
            name="account",
            field=fields.CharEnumField(
                description="RESIDENT_PAYMENTS: resident_payments\n"
                "PLATFORM_COMMISSION: platform_commission\nMERCHANT_PAYABLE: merchant_payable\n"
                "REFUNDS: refunds\nCASH_AT_STORE: cash_at_store\n"
                "PLATFORM_SUBSIDY: platform_subsidy\nPROMOTER_PAYABLE: promoter_payable\n"
                "RESIDENT_WALLET: resident_wallet\nSTORED_VALUE: stored_value\nPOINTS: points\n"
                "UNREDEEMED_VOUCHERS: unredeemed_vouchers",
                enum_type=LedgerAccount,
                max_length=24,
            ),
        ),
        AddColumn(
            model_name="LedgerEntry",
            name="source_kind",
            field=fields.CharField(max_length=24, null=True),
        ),
        AddColumn(model_name="LedgerEntry", name="source_id", field=fields.BigIntField(null=True)),
        AddColumn(
            model_name="LedgerEntry",
            name="party_kind",
            field=fields.CharEnumField(enum_type=PartyKind, max_length=16, null=True),
        ),
        AddColumn(model_name="LedgerEntry", name="party_id", field=fields.BigIntField(null=True)),
        ops.RunPython(backfill, ops.RunPython.noop),
        SetNullability("LedgerEntry", TABLE, FINAL_FIELDS),
        ops.AddIndex(model_name="LedgerEntry", index=Index(fields=["source_kind", "source_id"])),
        ops.AddIndex(model_name="LedgerEntry", index=Index(fields=["party_kind", "party_id"])),
        ops.RunPython(add_trigger, drop_trigger),
    ]
