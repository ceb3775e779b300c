"""Codes unique across every kind of purchase: the `purchase_codes` table, filled from today's
bookings and orders.

Every booking's code is claimed first, as it is. An order whose code a booking (or an earlier
order) already has cannot keep it: it is given a newly drawn code, written to the order, and the
code it had stops working. Codes were unique within each table only, so such a collision is
rare (one in about 2.8e11 per pair); how many orders were given a new code is logged
(`taocity.migrations`, a warning).
Going back drops the table; an order given a new code keeps it.
"""

import logging
import secrets

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

# the alphabet of `marketplace.codes`, repeated so the migration does not change with it
ALPHABET = "23456789BCDFGHJKMNPQRSTVWXZ"
CODE_LENGTH = 8

log = logging.getLogger("taocity.migrations")


def _draw(taken: set[str]) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


async def fill_codes(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    postgres = client.capabilities.dialect == "postgres"
    mark = "$1, $2, $3" if postgres else "?, ?, ?"
    insert = f'INSERT INTO "purchase_codes" ("code", "kind", "ref_id") VALUES ({mark})'
    recode = 'UPDATE "orders" SET "code" = {} WHERE "id" = {}'.format(
        *(("$1", "$2") if postgres else ("?", "?"))
    )
    taken: set[str] = set()
    _, bookings = await client.execute_query('SELECT "id", "code" FROM "bookings" ORDER BY "id"')
    for row in bookings:
        await client.execute_query(insert, [row["code"], "booking", row["id"]])
        taken.add(row["code"])
    _, orders = await client.execute_query('SELECT "id", "code" FROM "orders" ORDER BY "id"')
    _, order_codes = await client.execute_query('SELECT "code" FROM "orders"')
    taken_by_orders = {row["code"] for row in order_codes}
    recoded = 0
    for row in orders:
        code = row["code"]
        if code in taken:
            # a new code no booking and no order has: the order's own unique index must hold too
            code = _draw(taken | taken_by_orders)
            await client.execute_query(recode, [code, row["id"]])
            taken_by_orders.add(code)
            recoded += 1
        await client.execute_query(insert, [code, "order", row["id"]])
        taken.add(code)
    if recoded:
        log.warning("purchase_codes: %d order(s) given a new code (a booking had theirs)", recoded)


async def keep_codes(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Going back: the table is dropped by the step before; orders keep the codes they have."""


class Migration(migrations.Migration):
    dependencies = [("taocity", "0010_general_ledger")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PurchaseCode",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("code", fields.CharField(unique=True, max_length=8)),
                ("kind", fields.CharField(max_length=24)),
                ("ref_id", fields.BigIntField()),
            ],
            options={
                "table": "purchase_codes",
                "app": "taocity",
                "unique_together": (("kind", "ref_id"),),
                "pk_attr": "id",
                "table_description": (
                    "A purchase's code, unique across every kind, so one look-up finds any"
                    " purchase."
                ),
            },
            bases=["Model"],
        ),
        ops.RunPython(fill_codes, keep_codes),
    ]
