"""Rebuild a city's index from the database: after a lost index, a new engine, a new schema, and
once on a fresh deployment after its data was loaded."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listings.index_outbox import SearchOutbox
from listings.models import Listing
from listings.types import ListingStatus
from search.documents import documents_for
from search.interfaces import SearchEngine

if TYPE_CHECKING:
    from marketplace.city import City

BATCH = 500
DELETE_BATCH = 1000  # outbox ids per DELETE, well under any database's parameter limit


@dataclass(frozen=True)
class ReindexReport:
    indexed: int
    seconds: float
    cleared: int = 0  # outbox rows the rebuild made redundant, removed


async def _committed_outbox_ids() -> list[int]:
    return list(await SearchOutbox.all().order_by("id").values_list("id", flat=True))


async def _remove(ids: list[int]) -> int:
    removed = 0
    for start in range(0, len(ids), DELETE_BATCH):
        removed += await SearchOutbox.filter(id__in=ids[start : start + DELETE_BATCH]).delete()
    return removed


async def reindex(city: City, engine: SearchEngine, *, batch: int = BATCH) -> ReindexReport:
    """Empty the engine, then index every published listing, `batch` at a time by id; then
    remove the outbox rows the rebuild has made redundant.

    Those are exactly the rows this reads before reading any listing. A row is committed with the
    change it reports, so every listing read afterwards (each read sees what was committed
    before it began) already shows that change. Rows not yet committed at that moment (on
    PostgreSQL a smaller id may commit after a larger one, so no id bound would do) and rows of
    later changes stay for the worker. Nothing is removed when the engine fails: the rows then
    still say what the index lacks.
    """
    started = time.perf_counter()
    redundant = await _committed_outbox_ids()
    await engine.prepare()
    await engine.clear()
    indexed, after = 0, 0
    while True:
        ids = list(
            await Listing.filter(status=ListingStatus.PUBLISHED, id__gt=after)
            .order_by("id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        if not ids:
            break
        documents, _ = await documents_for(city, ids)
        if documents:
            await engine.upsert(documents)
        indexed += len(documents)
        after = ids[-1]
    cleared = await _remove(redundant)
    return ReindexReport(indexed=indexed, seconds=time.perf_counter() - started, cleared=cleared)
