"""Tortoise model of the notices domain (app label `taocity`)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Notice(Model):
    """Something an account should read: a decision on an application, an invitation accepted.

    Title and body are stored per locale so the reader sees them in their own language, even
    when they change language later.
    """

    id = fields.BigIntField(primary_key=True)
    account = fields.ForeignKeyField(
        "taocity.Account", related_name="notices", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=40)  # machine-readable, e.g. "merchant_rejected"
    title = fields.JSONField()  # per locale
    body = fields.JSONField(default=dict)  # per locale
    link = fields.CharField(max_length=500, null=True)  # a path inside the site
    # the business the notice is about, when it is about one: a merchant console shows each
    # business only its own (a plain id, as the kernel knows no merchants)
    merchant_id = fields.IntField(null=True)
    read_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notices"
        indexes = (("account_id", "read_at"), ("account_id", "merchant_id", "read_at"))
