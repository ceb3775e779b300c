"""The merchant console: the business each account last opened, and notices that name the
business they are about, so one business's console never shows another's news.

Notices written before this have no business. Those of an account that runs exactly one
business are about that business and are given it; an owner of several keeps older notices
unassigned (the text does not say which business a booking notice was for), and the console
shows them on none of its businesses.
Going back drops the table and the column.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

# notice kinds written for a merchant's owner (listings.merchant_notices, merchant_<event>)
MERCHANT_KINDS = ("staff_joined", "listing_hidden")


async def assign_notices(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    client = schema_editor.client
    kinds = ", ".join(f"'{kind}'" for kind in MERCHANT_KINDS)
    await client.execute_script(
        f"""
        UPDATE "notices" SET "merchant_id" = (
            SELECT MIN("merchants"."id") FROM "merchants"
            WHERE "merchants"."owner_id" = "notices"."account_id"
        )
        WHERE "merchant_id" IS NULL
          AND ("kind" LIKE 'merchant\\_%' ESCAPE '\\' OR "kind" IN ({kinds}))
          AND (
            SELECT COUNT(*) FROM "merchants"
            WHERE "merchants"."owner_id" = "notices"."account_id"
          ) = 1
        """
    )


async def nothing(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    """Going back: the column goes with the step before."""


class Migration(migrations.Migration):
    dependencies = [("taocity", "0013_favourites")]

    initial = False

    operations = [
        ops.CreateModel(
            name="ConsoleChoice",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "account",
                    fields.OneToOneField(
                        "taocity.Account",
                        source_field="account_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="console_choice",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "merchant",
                    fields.ForeignKeyField(
                        "taocity.Merchant",
                        source_field="merchant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="console_choices",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("chosen_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "merchant_console_choices",
                "app": "taocity",
                "pk_attr": "id",
                "table_description": (
                    "The business an account last opened in the merchant console: one row per"
                    " account."
                ),
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Notice",
            name="merchant_id",
            field=fields.IntField(null=True),
        ),
        ops.AddIndex(
            model_name="Notice",
            index=Index(fields=["account_id", "merchant_id", "read_at"]),
        ),
        ops.RunPython(assign_notices, nothing),
    ]
