"""Tortoise model of the console's memory (app label `taocity`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class ConsoleChoice(Model):
    """The business an account last opened in the merchant console: one row per account.

    Staff who run many businesses come back to the one they were working on, on any device."""

    id = fields.IntField(primary_key=True)
    account = fields.OneToOneField(
        "taocity.Account", related_name="console_choice", on_delete=fields.CASCADE
    )
    merchant = fields.ForeignKeyField(
        "taocity.Merchant", related_name="console_choices", on_delete=fields.CASCADE
    )
    chosen_at = fields.DatetimeField()

    class Meta:
        table = "merchant_console_choices"
