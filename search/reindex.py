"""Rebuild a city's index from the database: after a lost index, a new engine, a new schema."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from listings.models import Listing
from listings.types import ListingStatus
from search.documents import documents_for
from search.interfaces import SearchEngine

if TYPE_CHECKING:
    from marketplace.city import City

BATCH = 500


@dataclass(frozen=True)
class ReindexReport:
    indexed: int
    seconds: float


async def reindex(city: City, engine: SearchEngine, *, batch: int = BATCH) -> ReindexReport:
    """Empty the engine, then index every published listing, `batch` at a time by id.

    Outbox rows are left alone: a change committed while this runs is applied again by the
    worker, which costs one redundant write and loses nothing.
    """
    started = time.perf_counter()
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
    return ReindexReport(indexed=indexed, seconds=time.perf_counter() - started)
