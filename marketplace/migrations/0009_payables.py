"""Tables for a payable with its lines and a tender's split, and a tender's link to its payable.

Schema only: the columns are created empty and `payments.payable` stays null for payments made
before it.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from payments.types import FundedBy, LineKind, PartyKind
from tortoise.fields.base import OnDelete
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [("taocity", "0008_accounts_signup_attempts")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Payable",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("kind", fields.CharField(max_length=24)),
                ("ref_id", fields.BigIntField()),
                (
                    "resident",
                    fields.ForeignKeyField(
                        "taocity.Account",
                        source_field="resident_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payables",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "merchant",
                    fields.ForeignKeyField(
                        "taocity.Merchant",
                        source_field="merchant_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="payables",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("vertical", fields.CharField(max_length=24)),
                ("currency", fields.CharField(max_length=3)),
                ("amount_due", fields.BigIntField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "payables",
                "app": "taocity",
                "unique_together": (("kind", "ref_id"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="PayableLine",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "payable",
                    fields.ForeignKeyField(
                        "taocity.Payable",
                        source_field="payable_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="lines",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField()),
                (
                    "kind",
                    fields.CharEnumField(
                        description="ITEM: item\nADJUSTMENT: adjustment\nFEE: fee",
                        enum_type=LineKind,
                        max_length=16,
                    ),
                ),
                (
                    "label",
                    fields.JSONField(
                        encoder=functools.partial(dumps, separators=(",", ":")), decoder=loads
                    ),
                ),
                ("quantity", fields.IntField(default=1)),
                ("unit_amount", fields.BigIntField()),
                ("amount", fields.BigIntField()),
                (
                    "funded_by",
                    fields.CharEnumField(
                        default=FundedBy.NONE,
                        description="PLATFORM: platform\nMERCHANT: merchant\nNONE: none",
                        enum_type=FundedBy,
                        max_length=16,
                    ),
                ),
                ("ref", fields.CharField(null=True, max_length=64)),
            ],
            options={
                "table": "payable_lines",
                "app": "taocity",
                "unique_together": (("payable", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SplitShare",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "payment",
                    fields.ForeignKeyField(
                        "taocity.Payment",
                        source_field="payment_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="split",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                ("position", fields.IntField()),
                ("share", fields.CharField(max_length=32)),
                (
                    "party_kind",
                    fields.CharEnumField(
                        description="RESIDENT: resident\nMERCHANT: merchant\nPROMOTER: promoter\nPLATFORM: platform",
                        enum_type=PartyKind,
                        max_length=16,
                    ),
                ),
                ("party_id", fields.BigIntField(null=True)),
                ("amount", fields.BigIntField()),
                ("basis", fields.CharField(max_length=120)),
            ],
            options={
                "table": "payment_splits",
                "app": "taocity",
                "unique_together": (("payment", "position"),),
                "pk_attr": "id",
            },
            bases=["Model"],
        ),
        ops.AddField(
            model_name="Payment",
            name="payable",
            field=fields.ForeignKeyField(
                "taocity.Payable",
                source_field="payable_id",
                null=True,
                db_constraint=True,
                to_field="id",
                related_name="tenders",
                on_delete=OnDelete.RESTRICT,
            ),
        ),
    ]
