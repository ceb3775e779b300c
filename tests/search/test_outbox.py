"""The outbox keeps the index in step: one row per change in the change's own transaction, applied
by the worker, kept and retried with backoff while the engine is down, and a rebuild on demand."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from listings import catalogue, offerings, onboarding
from listings.index_outbox import SearchOutbox
from listings.models import Listing, Merchant
from marketplace import db as db_module
from marketplace.accounts.models import Account
from marketplace.app import create_app
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from marketplace.errors import ValidationFailed
from marketplace.notices import services as notices
from marketplace.notices.services import atomic
from marketplace.settings import Settings
from marketplace.worker import JobContext, job_loop
from search import outbox
from search.documents import ListingDocument
from search.interfaces import SearchQuery, SearchResults, SearchUnavailable
from search.reindex import reindex
from search.tantivy_engine import TantivyEngine
from tests.support.catalogue_inputs import CapturingMailer, make_operator, merchant_with_owner
from tests.web.conftest import client_for

EVERYTHING = SearchQuery(page_size=100)


class Clock:
    """A clock the test moves by hand, so a backoff passes without sleeping."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


class SwitchableEngine:
    """A real tantivy engine that refuses writes while `down`, as an unreachable engine would."""

    def __init__(self, inner: TantivyEngine) -> None:
        self.inner = inner
        self.down = False
        self.refused = 0

    def _check(self) -> None:
        if self.down:
            self.refused += 1
            raise SearchUnavailable("the search engine is down")

    async def prepare(self) -> None:
        await self.inner.prepare()

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:
        self._check()
        await self.inner.upsert(documents)

    async def delete(self, listing_ids: Sequence[int]) -> None:
        self._check()
        await self.inner.delete(listing_ids)

    async def clear(self) -> None:
        self._check()
        await self.inner.clear()

    async def search(self, query: SearchQuery) -> SearchResults:
        return await self.inner.search(query)

    async def count(self) -> int:
        return await self.inner.count()

    async def close(self) -> None:
        await self.inner.close()


@pytest.fixture
async def engine(tmp_path: Path) -> TantivyEngine:
    engine = TantivyEngine(tmp_path / "index")
    await engine.prepare()
    return engine


def _named(en: str) -> dict[str, object]:
    return {"name": {"zh-CN": "水果店", "en": en}}


async def _merchant() -> tuple[Merchant, Account]:
    return await merchant_with_owner()


async def _published(city: City, owner: Account, merchant: Merchant, en: str) -> Listing:
    listing = await catalogue.create_listing(
        city,
        owner,
        merchant,
        vertical="shop",
        category="fruit",
        name={"zh-CN": "水果店", "en": en},
        lat=31.78,
        lng=119.96,
    )
    return await catalogue.publish(owner, listing)


async def _ids(engine: object, text: str = "") -> set[int]:
    query = SearchQuery(text=text, page_size=100)
    return {hit.listing_id for hit in (await engine.search(query)).hits}  # type: ignore[attr-defined]


async def _rows() -> list[tuple[int, int]]:
    return [(r.listing_id, r.attempts) for r in await SearchOutbox.all().order_by("id")]


async def test_a_change_writes_one_row_in_its_transaction_and_a_refused_one_none(
    db: str, city: City
) -> None:
    merchant, owner = await _merchant()
    listing = await _published(city, owner, merchant, "Apple corner")
    await SearchOutbox.all().delete()

    await catalogue.update_listing(city, owner, listing, _named("Pear corner"))
    assert await _rows() == [(listing.id, 0)]

    await SearchOutbox.all().delete()
    with pytest.raises(ValidationFailed):
        await catalogue.update_listing(city, owner, listing, {"lat": 10.0, "lng": 10.0})
    assert await _rows() == []

    # the row belongs to the change's transaction: rolled back together with it
    with pytest.raises(RuntimeError):
        async with atomic():
            await catalogue.update_listing(city, owner, listing, _named("Plum corner"))
            raise RuntimeError("the caller's transaction fails after the change")
    assert await _rows() == []
    assert (await Listing.get(id=listing.id)).name["en"] == "Pear corner"


async def test_every_kind_of_change_is_queued(db: str, city: City) -> None:
    merchant, owner = await _merchant()
    listing = await _published(city, owner, merchant, "Apple corner")
    await SearchOutbox.all().delete()
    offering = await offerings.add_offering(
        city, owner, listing, {"name": {"zh-CN": "苹果"}, "price": "5", "stock": 10}
    )
    await offerings.update_offering(city, owner, offering, {"price": "6"})
    await offerings.remove_offering(owner, offering)
    await catalogue.hide(owner, listing)
    await catalogue.restore(owner, listing)
    await catalogue.unpublish(owner, listing)
    assert await _rows() == [(listing.id, 0)] * 6


async def test_drain_makes_changes_searchable_and_unpublished_listings_disappear(
    db: str, city: City, engine: TantivyEngine
) -> None:
    merchant, owner = await _merchant()
    listing = await _published(city, owner, merchant, "Apple corner")
    assert await _ids(engine, "apple") == set()  # nothing reaches the engine before a drain
    assert await outbox.drain(city, engine) >= 1
    assert await _ids(engine, "apple") == {listing.id}

    await catalogue.update_listing(city, owner, listing, _named("Persimmon yard"))
    await outbox.drain(city, engine)
    assert await _ids(engine, "persimmon") == {listing.id}
    assert await _ids(engine, "apple") == set()

    await catalogue.unpublish(owner, listing)
    await outbox.drain(city, engine)
    assert await _ids(engine) == set()
    assert await _rows() == []


async def test_suspending_a_merchant_takes_its_listings_out_of_the_index(
    db: str, city: City, engine: TantivyEngine
) -> None:
    merchant, owner = await _merchant()
    listing = await _published(city, owner, merchant, "Apple corner")
    await outbox.drain(city, engine)
    previous = notices.use_mailer(CapturingMailer())
    try:
        await onboarding.suspend(await make_operator(), merchant, "unpaid fees")
    finally:
        notices.use_mailer(previous)
    assert listing.id in {row[0] for row in await _rows()}
    await outbox.drain(city, engine)
    assert await _ids(engine) == set()


async def test_the_index_catches_up_after_an_outage(db: str, city: City, tmp_path: Path) -> None:
    engine = SwitchableEngine(TantivyEngine(tmp_path / "index"))
    await engine.prepare()
    merchant, owner = await _merchant()
    kept = await _published(city, owner, merchant, "Apple corner")
    await outbox.drain(city, engine)

    engine.down = True
    # writes succeed while the engine is down
    renamed = await _published(city, owner, merchant, "Cherry stall")
    await catalogue.update_listing(city, owner, renamed, _named("Quince stall"))
    gone = await _published(city, owner, merchant, "Banana stand")
    await catalogue.unpublish(owner, kept)
    pending = await _rows()
    assert len(pending) >= 4

    clock = Clock()
    assert await outbox.drain(city, engine, now=clock) == 0
    assert engine.refused == 1
    rows = await SearchOutbox.all()
    assert [(r.listing_id, r.attempts) for r in rows] == [(i, 1) for i, _ in pending]
    assert all(r.next_attempt_at > clock() for r in rows)
    assert all("SearchUnavailable" in (r.last_error or "") for r in rows)
    # not due yet: a second drain at the same moment does not even try the engine
    assert await outbox.drain(city, engine, now=clock) == 0
    assert engine.refused == 1
    clock.advance(1.01)  # the first backoff is at most 1 s; a second failure waits longer
    assert await outbox.drain(city, engine, now=clock) == 0
    assert {r.attempts for r in await SearchOutbox.all()} == {2}
    assert await _ids(engine) == {kept.id}  # the index still shows the state before the outage

    engine.down = False
    clock.advance(outbox.BACKOFF_CAP_S)
    assert await outbox.drain(city, engine, now=clock) == len(pending)
    assert await _rows() == []

    fresh = TantivyEngine(tmp_path / "fresh")
    await reindex(city, fresh)
    assert await _ids(engine) == await _ids(fresh) == {renamed.id, gone.id}
    assert await _ids(engine, "quince") == {renamed.id}
    assert await _ids(engine, "cherry") == set()


def test_backoff_doubles_up_to_a_cap_with_jitter_below_it() -> None:
    exact = [outbox.backoff_s(n, jitter=lambda: 0.0) for n in range(1, 12)]
    assert exact[:5] == [1, 2, 4, 8, 16]
    assert exact[-1] == outbox.BACKOFF_CAP_S and max(exact) == outbox.BACKOFF_CAP_S
    assert outbox.backoff_s(3, jitter=lambda: 1.0) == 3.0
    assert all(0.75 <= outbox.backoff_s(1) <= 1 for _ in range(50))


async def test_reindex_rebuilds_the_index_from_the_database(
    db: str, city: City, engine: TantivyEngine
) -> None:
    report = await seed_demo(city, count=30)
    merchant, owner = await _merchant()
    await catalogue.create_listing(
        city,
        owner,
        merchant,
        vertical="shop",
        category="fruit",
        name={"zh-CN": "草稿", "en": "Draft only"},
        lat=31.78,
        lng=119.96,
    )
    stale = await _published(city, owner, merchant, "Stale entry")
    await outbox.drain(city, engine)
    await Listing.filter(id=stale.id).delete()  # a deletion the index never heard of

    result = await reindex(city, engine, batch=7)  # several batches, the last one short
    published = await Listing.filter(status="published").values_list("id", flat=True)
    assert result.indexed == report.listings == len(published) == await engine.count()
    assert await _ids(engine) == set(published) and stale.id not in set(published)


async def test_the_demo_seed_queues_every_listing_it_writes(
    db: str, city: City, engine: TantivyEngine
) -> None:
    await seed_demo(city, count=12)
    assert len({row[0] for row in await _rows()}) == 12
    await outbox.drain(city, engine, batch=5)
    assert await engine.count() == 5
    assert await job_loop(JobContext(Settings(), city, engine), once=True) is None
    assert await engine.count() == 12 and await _rows() == []


async def test_the_worker_job_loop_drains_the_outbox(
    db: str, city: City, engine: TantivyEngine
) -> None:
    merchant, owner = await _merchant()
    listing = await _published(city, owner, merchant, "Apple corner")
    # without a city and an engine (bare settings) the outbox job has nothing to write to
    await job_loop(Settings(), once=True)
    assert await _rows() != []
    await job_loop(JobContext(Settings(), city, engine), once=True)
    assert await _rows() == []
    assert await _ids(engine, "apple") == {listing.id}


async def test_healthz_reports_the_lag_and_stays_healthy(
    db: str, db_url: str, city: City, tmp_path: Path
) -> None:
    settings = Settings(
        database_url=db_url,
        search_dir=tmp_path / "search",
        media_dir=tmp_path / "media",
        session_secret="test-session-secret-not-for-production",
    )
    app = create_app(city, settings, manage_database=False)
    async with client_for(app) as client:
        body = (await client.get("/healthz")).json()
        assert body["search"] == {"pending": 0, "oldest_s": 0.0}

        await outbox.enqueue([1, 2, 3])
        old = datetime.now(UTC) - timedelta(seconds=90)
        await SearchOutbox.filter(listing_id=1).update(created_at=old)
        response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    lag = response.json()["search"]
    assert lag["pending"] == 3 and 90 <= lag["oldest_s"] < 120


class SlowEngine(SwitchableEngine):
    """Counts what each upsert receives and yields mid-write, so two drains overlap."""

    def __init__(self, inner: TantivyEngine) -> None:
        super().__init__(inner)
        self.upserted: list[int] = []

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:
        self.upserted += [d.id for d in documents]
        await asyncio.sleep(0.02)
        await super().upsert(documents)


async def test_two_drains_at_once_never_apply_the_same_row_twice(
    db: str, city: City, tmp_path: Path
) -> None:
    await seed_demo(city, count=20)
    engine = SlowEngine(TantivyEngine(tmp_path / "index"))
    await engine.prepare()
    applied = await asyncio.gather(*(outbox.drain(city, engine, batch=6) for _ in range(4)))
    while await outbox.drain(city, engine, batch=6):
        pass
    assert sum(applied) <= 20
    assert sorted(engine.upserted) == sorted(set(engine.upserted)) and len(engine.upserted) == 20
    assert await engine.count() == 20 and await _rows() == []


def test_the_embedded_web_process_keeps_its_index_in_step(tmp_path: Path, city: City) -> None:
    url = f"sqlite://{tmp_path / 'embedded.sqlite3'}"
    settings = Settings(
        database_url=url,
        session_secret="test-session-secret-0123456789-abcdef",
        search_dir=tmp_path / "search",
    )

    async def scenario() -> tuple[int, int]:
        await db_module.migrate(url)
        await db_module.init_db(url)
        await seed_demo(city, count=15)
        await db_module.close_db()
        app = create_app(city, settings)
        async with app.router.lifespan_context(app):
            for _ in range(100):
                if not await SearchOutbox.all().count():
                    break
                await asyncio.sleep(0.1)
            return await app.state.search.count(), await SearchOutbox.all().count()

    assert asyncio.run(scenario()) == (15, 0)


def test_the_reindex_command_prints_counts_and_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from marketplace.cli import main
    from tests.conftest import CITY_DIR

    url = f"sqlite://{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("CITY_DIR", str(CITY_DIR))
    monkeypatch.setenv("SEARCH_DIR", str(tmp_path / "search"))
    runner = CliRunner()
    assert runner.invoke(main, ["db", "migrate"]).exit_code == 0
    assert runner.invoke(main, ["demo", "seed", "--count", "9"]).exit_code == 0
    result = runner.invoke(main, ["search", "reindex", "--batch", "4"])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(
        r"indexed 9 listing\(s\) in \d+\.\d\d s; 9 outbox row\(s\) made redundant removed\n",
        result.output,
    )
