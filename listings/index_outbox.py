"""Listings whose search index entry must be brought up to date (table `search_outbox`).

Every listing change writes a row here in the transaction that makes it (`listings.audit.record`),
so the index learns of every committed change and of no rolled-back one. The table belongs to
listings, below search: listings reports what changed without knowing any engine, and
`search.outbox` drains the rows into the index, deleting a row only once the engine has
accepted the listing's new state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from tortoise import fields
from tortoise.models import Model

from marketplace import clock


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


async def enqueue(listing_ids: Iterable[int], *, now: Callable[[], datetime] = clock.now) -> None:
    """Note that these listings changed; call inside the transaction that changes them."""
    at = now()
    rows = [SearchOutbox(listing_id=i, next_attempt_at=at) for i in dict.fromkeys(listing_ids)]
    if rows:
        await SearchOutbox.bulk_create(rows, batch_size=500)
