"""Keeps the search index in step with the database through the `search_outbox` table.

Writers call `enqueue` (`listings.index_outbox`, below search, so listings never imports search)
inside the transaction that changes a listing, so the index hears of every committed change and
of no rolled-back one, and a write never waits on the engine. The worker calls `drain`: it
claims due rows, builds the listings' documents as they are now, hands them to the engine and
deletes the rows only after the engine accepted them. When the engine fails the rows stay, to be
tried again after an exponential backoff; none is ever dropped.

Claiming moves a row's `next_attempt_at` a lease ahead in a short transaction of its own (with
`SKIP LOCKED` on PostgreSQL), so two workers never take the same rows, no lock is held while the
engine is called, and rows a crashed worker had claimed come back when the lease ends.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from listings.index_outbox import SearchOutbox
from listings.index_outbox import enqueue as enqueue
from marketplace import clock
from search.documents import documents_for
from search.interfaces import SearchEngine

if TYPE_CHECKING:
    from marketplace.city import City

log = logging.getLogger("taocity.search.outbox")

Clock = Callable[[], datetime]

BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 300.0
# longer than any batch takes; a claim older than this belongs to a worker that died
LEASE_S = 120.0
ERROR_MAX = 1000


def utcnow() -> datetime:
    return clock.now()


def backoff_s(attempts: int, *, jitter: Callable[[], float] = random.random) -> float:
    """Seconds to wait after the `attempts`-th failure: 1, 2, 4 ... up to 5 minutes, each less
    up to a quarter at random so workers that failed together do not all retry together."""
    delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** max(attempts - 1, 0))
    return delay * (1 - 0.25 * jitter())


async def _claim(batch: int, at: datetime) -> list[SearchOutbox]:
    async with in_transaction() as conn:
        rows = (
            await SearchOutbox.filter(next_attempt_at__lte=at)
            .order_by("next_attempt_at", "id")
            .limit(batch)
            .select_for_update(skip_locked=True)
            .using_db(conn)
        )
        if rows:
            await (
                SearchOutbox.filter(id__in=[r.id for r in rows])
                .using_db(conn)
                .update(next_attempt_at=at + timedelta(seconds=LEASE_S))
            )
    return rows


async def _postpone(rows: list[SearchOutbox], error: BaseException, at: datetime) -> None:
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    async with in_transaction() as conn:
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = at + timedelta(seconds=backoff_s(row.attempts))
            row.last_error = text
            await row.save(
                using_db=conn, update_fields=["attempts", "next_attempt_at", "last_error"]
            )


async def drain(city: City, engine: SearchEngine, *, batch: int = 200, now: Clock = utcnow) -> int:
    """Apply one batch of due rows to the engine; returns how many rows were applied (0 when
    nothing was due or the engine failed, in which case the rows wait for their next attempt)."""
    rows = await _claim(batch, now())
    if not rows:
        return 0
    listing_ids = list(dict.fromkeys(row.listing_id for row in rows))
    try:
        # built after the claim committed: a change committed later has a row of its own
        documents, gone = await documents_for(city, listing_ids)
        if documents:
            await engine.upsert(documents)
        if gone:
            await engine.delete(gone)
    except Exception as exc:  # the engine (or the database) failed: keep every row for later
        log.warning("search outbox: %d row(s) kept for retry: %s", len(rows), exc)
        await _postpone(rows, exc, now())
        return 0
    await SearchOutbox.filter(id__in=[row.id for row in rows]).delete()
    return len(rows)


async def lag(*, now: Clock = utcnow) -> dict[str, float | int]:
    """How far the index is behind: rows waiting, and the age of the oldest in seconds."""
    pending = await SearchOutbox.all().count()
    oldest = await SearchOutbox.all().order_by("created_at").first()
    age = (now() - oldest.created_at).total_seconds() if oldest is not None else 0.0
    return {"pending": pending, "oldest_s": round(max(age, 0.0), 3)}
