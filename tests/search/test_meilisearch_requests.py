"""The Meilisearch engine's exact HTTP requests, and its handling of documented answers and errors.

The server is `tests.search.meili_fake`: answers shaped like Meilisearch's documented responses,
not a Meilisearch. What a real server does with these requests is the contract suite's business
(`test_contract_meilisearch.py`, run when MEILI_URL answers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from marketplace.city import City
from marketplace.settings import Settings
from search import meilisearch_client
from search.factory import engine_for
from search.interfaces import (
    SearchQuery,
    SearchUnavailable,
)
from search.meilisearch_client import MeilisearchError
from search.meilisearch_engine import MeilisearchEngine
from search.meilisearch_query import SETTINGS
from search.tantivy_engine import TantivyEngine
from tests.search.contract import EDGE, edge_documents
from tests.search.meili_fake import INDEX, KEY, URL, FakeMeili, error_object, refusing

AUTH = f"Bearer {KEY}"
SEARCH = f"/indexes/{INDEX}/search"


@pytest.fixture(autouse=True)
def _fast_polling(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meilisearch_client, "TASK_POLL_S", 0.0)


@pytest.fixture
def fake() -> FakeMeili:
    return FakeMeili()


@pytest.fixture
async def engine(fake: FakeMeili) -> AsyncIterator[MeilisearchEngine]:
    client = fake.client()
    yield MeilisearchEngine(URL, KEY, INDEX, client=client)
    await client.aclose()


def calls(fake: FakeMeili) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.requests]


# --- index, settings and writes --------------------------------------------------------------


async def test_prepare_creates_the_index_then_applies_settings_awaiting_each_task(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    await engine.prepare()
    assert calls(fake) == [
        ("POST", "/indexes"),
        ("GET", "/tasks/0"),
        ("PATCH", f"/indexes/{INDEX}/settings"),
        ("GET", "/tasks/1"),
    ]
    assert fake.requests[0].body == {"uid": INDEX, "primaryKey": "id"}
    settings = fake.requests[2].body
    assert settings == SETTINGS
    assert settings["searchableAttributes"] == ["tokens"]
    assert set(settings["filterableAttributes"]) >= {
        "vertical", "category", "district", "tags", "price_from", "rating_avg", "_geo", "_geojson",
    }  # fmt: skip
    assert set(settings["sortableAttributes"]) == {
        "_geo", "rating_avg", "rating_count", "price_from", "id",
    }  # fmt: skip
    assert settings["rankingRules"][0] == "sort"
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert all(r.authorization == AUTH for r in fake.requests)


async def test_prepare_again_accepts_an_index_that_already_exists(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    fake.statuses[0] = ["failed"]
    fake.task_errors[0] = error_object("index_already_exists", f"Index `{INDEX}` already exists.")
    await engine.prepare()
    assert calls(fake)[-2:] == [("PATCH", f"/indexes/{INDEX}/settings"), ("GET", "/tasks/1")]


async def test_upsert_sends_whole_documents_with_geo_geojson_and_tokens(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    documents = edge_documents()
    await engine.upsert(documents)
    assert calls(fake) == [("POST", f"/indexes/{INDEX}/documents"), ("GET", "/tasks/0")]
    sent = {d["id"]: d for d in fake.requests[0].body}
    assert set(sent) == {d.id for d in documents}
    noodles = sent[EDGE + 4]
    assert noodles["_geo"] == {"lat": 31.7787, "lng": 119.9741}
    assert {"面馆", "银丝", "面", "silver", "noodles"} <= set(noodles["tokens"].split(" "))
    assert noodles["vertical"] == "restaurant" and noodles["price_from"] == 1800
    assert noodles["rating_avg"] == 4.0 and noodles["rating_count"] == 3
    assert "_geojson" not in noodles  # no service area
    remote = sent[EDGE + 7]
    assert remote["_geojson"]["type"] == "Feature"
    assert remote["_geojson"]["geometry"]["type"] == "Polygon"
    ring = remote["_geojson"]["geometry"]["coordinates"][0]  # GeoJSON order: [lng, lat]
    assert ring[0] == ring[-1] and {tuple(p) for p in ring} == {
        (119.45, 31.35),
        (119.45, 31.45),
        (119.35, 31.45),
        (119.35, 31.35),
    }  # fmt: skip
    assert (remote["area_south"], remote["area_north"]) == (31.35, 31.45)
    assert (remote["area_west"], remote["area_east"]) == (119.35, 119.45)
    assert remote["open_minutes"] == [[0, 10_080]]
    assert isinstance(remote["doc"], str)


async def test_delete_and_clear(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    await engine.delete([EDGE + 1, 5])
    await engine.clear()
    assert calls(fake) == [
        ("POST", f"/indexes/{INDEX}/documents/delete-batch"),
        ("GET", "/tasks/0"),
        ("DELETE", f"/indexes/{INDEX}/documents"),
        ("GET", "/tasks/1"),
    ]
    assert fake.requests[0].body == [EDGE + 1, 5]
    assert fake.requests[2].body is None


async def test_empty_writes_send_nothing(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    await engine.upsert([])
    await engine.delete([])
    assert fake.requests == []


async def test_count_reads_the_index_stats(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    assert await engine.count() == 7
    assert calls(fake) == [("GET", f"/indexes/{INDEX}/stats")]


async def test_a_write_waits_through_enqueued_and_processing(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    fake.statuses[0] = ["enqueued", "processing", "processing", "succeeded"]
    await engine.delete([1])
    assert fake.polls() == ["/tasks/0"] * 4


async def test_a_write_without_waiting_only_enqueues(fake: FakeMeili) -> None:
    async with fake.client() as client:
        engine = MeilisearchEngine(URL, KEY, INDEX, client=client, wait=False)
        await engine.delete([1])
    assert calls(fake) == [("POST", f"/indexes/{INDEX}/documents/delete-batch")]


async def test_a_failed_task_is_our_error_with_meilisearchs_code(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    fake.statuses[0] = ["processing", "failed"]
    fake.task_errors[0] = error_object(
        "invalid_document_geo_field", "The `_geo` field in the document with the id: `3` is bad."
    )
    with pytest.raises(MeilisearchError) as caught:
        await engine.upsert(edge_documents()[:1])
    assert caught.value.meili_code == "invalid_document_geo_field"
    assert "`_geo` field" in caught.value.meili_message


async def test_a_task_that_never_ends_is_unavailable(
    engine: MeilisearchEngine, fake: FakeMeili, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(meilisearch_client, "TASK_TIMEOUT_S", 0.0)
    fake.statuses[0] = ["processing"]
    with pytest.raises(SearchUnavailable):
        await engine.delete([1])


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ReadTimeout])
async def test_transport_failures_are_search_unavailable(exc: type[httpx.TransportError]) -> None:
    async with httpx.AsyncClient(transport=httpx.MockTransport(refusing(exc))) as client:
        engine = MeilisearchEngine(URL, KEY, INDEX, client=client)
        with pytest.raises(SearchUnavailable):
            await engine.search(SearchQuery(text="面馆"))
        with pytest.raises(SearchUnavailable):
            await engine.upsert(edge_documents())


async def test_a_closed_port_is_search_unavailable() -> None:
    engine = MeilisearchEngine("http://127.0.0.1:9", KEY, INDEX)
    with pytest.raises(SearchUnavailable):
        await engine.count()
    await engine.close()


async def test_a_5xx_is_search_unavailable(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    fake.override = (503, error_object("internal", "overloaded", "internal"))
    with pytest.raises(SearchUnavailable):
        await engine.search(SearchQuery())


@pytest.mark.parametrize(
    ("status", "code", "type_"),
    [(401, "invalid_api_key", "auth"), (400, "invalid_search_filter", "invalid_request")],
)
async def test_error_objects_are_our_error_with_the_code(
    engine: MeilisearchEngine, fake: FakeMeili, status: int, code: str, type_: str
) -> None:
    fake.override = (status, error_object(code, f"{code} happened", type_))
    with pytest.raises(MeilisearchError) as caught:
        await engine.search(SearchQuery(text="noodles"))
    assert (caught.value.meili_code, caught.value.error_type) == (code, type_)
    assert caught.value.meili_message == f"{code} happened"
    assert code in str(caught.value)


async def test_no_key_sends_no_authorization(fake: FakeMeili) -> None:
    async with fake.client() as client:
        await MeilisearchEngine(URL, None, INDEX, client=client).count()
    assert fake.requests[0].authorization is None


async def test_meili_url_chooses_meilisearch_with_one_index_per_city(city: City) -> None:
    chosen = engine_for(city, Settings(meili_url=URL, meili_key=KEY))
    assert isinstance(chosen, MeilisearchEngine)
    assert chosen.index_uid == f"taocity-{city.slug}"
    await chosen.close()
    assert isinstance(engine_for(city, Settings()), TantivyEngine)


async def test_an_answer_of_an_unexpected_shape_is_our_error(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    fake.override = (200, {"results": []})
    with pytest.raises(MeilisearchError) as caught:
        await engine.search(SearchQuery())
    assert caught.value.meili_code == "unexpected_answer"
    fake.override = (202, {"status": "enqueued"})
    with pytest.raises(MeilisearchError):
        await engine.delete([1])
