"""The search outbox (app label `taocity`): listings whose index entry must be brought up to date.

A row is written in the same transaction as the change it reports, so the index learns of every
committed change and of no rolled-back one. The worker deletes a row only once the engine has
accepted the listing's new state.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SearchOutbox(Model):
    id = fields.BigIntField(primary_key=True)
    # a plain id, not a foreign key: the row outlives its listing so the deletion reaches the index
    listing_id = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.TextField(null=True)

    class Meta:
        table = "search_outbox"
        indexes = (("next_attempt_at",),)
