"""`reindex` removes exactly the outbox rows it made redundant: a fresh deployment's worker does
not write the seed again, and a change committed during the rebuild, or still in flight when it
began, is still applied afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

import pytest

from listings import catalogue
from listings.index_outbox import SearchOutbox
from listings.models import Listing
from marketplace.accounts.models import Account
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from marketplace.notices.services import atomic
from search import outbox
from search.documents import ListingDocument
from search.interfaces import SearchQuery
from search.reindex import reindex
from search.tantivy_engine import TantivyEngine


class HookedEngine(TantivyEngine):
    """A real index that runs `before_first_upsert` when the rebuild writes its first batch:
    the rebuild has read what it clears by then, and is reading listings."""

    def __init__(self, path: Path, before_first_upsert: Callable[[], Awaitable[None]]) -> None:
        super().__init__(path)
        self._hook: Callable[[], Awaitable[None]] | None = before_first_upsert

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:  # type: ignore[override]
        hook, self._hook = self._hook, None
        if hook is not None:
            await hook()
        await super().upsert(documents)


async def _ids(engine: TantivyEngine, text: str) -> set[int]:
    found = await engine.search(SearchQuery(text=text, page_size=100))
    return {hit.listing_id for hit in found.hits}


async def _rename(city: City, listing: Listing, en: str) -> None:
    owner = await Account.get(id=(await listing.merchant).owner_id)  # type: ignore[attr-defined]
    await catalogue.update_listing(city, owner, listing, {"name": {**listing.name, "en": en}})


async def _queued() -> list[int]:
    return list(await SearchOutbox.all().order_by("id").values_list("listing_id", flat=True))


async def test_a_reindex_after_the_seed_leaves_the_worker_nothing_to_do(
    db: str, city: City, tmp_path: Path
) -> None:
    await seed_demo(city, count=12)
    assert len(await _queued()) >= 12  # the seed queued every listing it wrote

    engine = TantivyEngine(tmp_path / "index")
    report = await reindex(city, engine, batch=5)

    assert report.indexed == 12 == await engine.count()
    assert await _queued() == [] and report.cleared >= 12
    assert await outbox.drain(city, engine) == 0


async def test_a_change_committed_during_the_rebuild_is_applied_afterwards(
    db: str, city: City, tmp_path: Path
) -> None:
    await seed_demo(city, count=12)
    first = await Listing.filter(status="published").order_by("id").first()
    assert first is not None

    # the first batch (which holds `first`) has been read when its upsert starts
    engine = HookedEngine(tmp_path / "index", lambda: _rename(city, first, "Quincehouse"))
    await reindex(city, engine, batch=5)

    assert await _queued() == [first.id]  # the change made during the rebuild stays queued
    assert await _ids(engine, "quincehouse") == set()  # the rebuild read the state before it
    assert await outbox.drain(city, engine) == 1
    assert await _ids(engine, "quincehouse") == {first.id}
    assert await engine.count() == 12


async def test_a_change_still_in_flight_when_the_rebuild_starts_stays_queued(
    db: str, city: City, tmp_path: Path
) -> None:
    if db == "sqlite":
        pytest.skip("SQLite has one writer: its outbox ids are allocated in commit order")
    await seed_demo(city, count=12)
    slow, quick = await Listing.filter(status="published").order_by("-id").limit(2)
    await SearchOutbox.all().delete()
    written, release = asyncio.Event(), asyncio.Event()

    async def in_flight() -> None:
        async with atomic():
            await _rename(city, slow, "Medlarhouse")  # its outbox row gets the smaller id
            written.set()
            await release.wait()

    writer = asyncio.create_task(in_flight())
    while not written.is_set():
        if writer.done():
            writer.result()  # it failed before writing: show why instead of waiting forever
        await asyncio.sleep(0.01)
    await _rename(city, quick, "Loquathouse")  # a larger id, committed first
    ids = list(await SearchOutbox.all().order_by("id").values_list("listing_id", flat=True))
    assert ids == [quick.id]  # the in-flight row is invisible to others until it commits

    async def commit_the_slow_one() -> None:
        release.set()
        await writer

    engine = HookedEngine(tmp_path / "index", commit_the_slow_one)
    report = await reindex(city, engine, batch=5)

    assert report.cleared == 1  # the committed change the rebuild read, not the in-flight one
    assert await _queued() == [slow.id]
    await outbox.drain(city, engine)
    assert await _ids(engine, "medlarhouse") == {slow.id}
    assert await _ids(engine, "loquathouse") == {quick.id}
