"""Orders follow the shop's day: a pickup time on every order, and the shop's accepting an order
(已接单) as a state of its own before it is prepared (备货中).

Existing orders were all "as soon as it is ready": their pickup time is the time they were
placed. Their states keep their meaning: a `preparing` order was accepted and is being prepared,
so it stays 备货中; none is put back to 已接单.
Going back: an `accepted` order becomes `preparing` (the old "the shop accepted it") and the
column is dropped.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from marketplace.orders.types import OrderState

TABLE = "orders"


async def fill_pickup_times(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_script(
        f'UPDATE "{TABLE}" SET "pickup_at" = "created_at" WHERE "pickup_at" IS NULL'
    )


async def unaccept(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    await schema_editor.client.execute_script(
        f"UPDATE \"{TABLE}\" SET \"state\" = 'preparing' WHERE \"state\" = 'accepted'"
    )


async def nothing(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    return None


class DescribeField(ops.AlterField):
    """A change of the state field's description only (the enum's values listed): the column
    stays as it is; Tortoise's SQLite alter_field would rebuild the table."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        return None


class AddColumn(ops.AddField):
    """AddField whose reverse on SQLite drops the column in place (SQLite 3.35+): Tortoise's
    SQLite remove_field rebuilds the table and would drop its unique constraints."""

    async def database_backward(self, app_label, old_state, new_state, state_editor=None):  # type: ignore[no-untyped-def]
        if state_editor is None:
            return
        client = state_editor.client
        if client.capabilities.dialect != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)
            return
        for row in (await client.execute_query(f"PRAGMA index_list('{TABLE}')"))[1]:
            name = row["name"]
            if "pickup" in name:
                await client.execute_script(f'DROP INDEX IF EXISTS "{name}"')
        await client.execute_script(f'ALTER TABLE "{TABLE}" DROP COLUMN "{self.name}"')


class Migration(migrations.Migration):
    dependencies = [("taocity", "0014_merchant_console")]

    initial = False

    operations = [
        DescribeField(
            model_name="Order",
            name="state",
            field=fields.CharEnumField(
                db_index=True,
                description="HELD: held\nPENDING_PAYMENT: pending_payment\nCONFIRMED: confirmed\n"
                "ACCEPTED: accepted\nPREPARING: preparing\nREADY: ready\nPICKED_UP: picked_up\n"
                "DELIVERED: delivered\nCANCELLED_BY_RESIDENT: cancelled_by_resident\n"
                "CANCELLED_BY_MERCHANT: cancelled_by_merchant\nEXPIRED: expired",
                enum_type=OrderState,
                max_length=24,
            ),
        ),
        ops.RunPython(nothing, unaccept),
        AddColumn(
            model_name="Order",
            name="pickup_at",
            field=fields.DatetimeField(null=True, db_index=True),
        ),
        ops.RunPython(fill_pickup_times, nothing),
    ]
