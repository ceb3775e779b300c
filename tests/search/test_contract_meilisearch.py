"""The shared contract on a live Meilisearch, when MEILI_URL answers; skipped otherwise.

No Meilisearch can be installed on the development machines, so these run where one is reachable
(MEILI_URL, and MEILI_KEY when it needs one). Each test gets its own index, deleted afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from listings.models import Listing
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from search.documents import documents_for
from search.interfaces import SearchEngine
from search.meilisearch_engine import MeilisearchEngine
from search.reference import ReferenceEngine
from tests.search.contract import CASES, MUTATIONS, Case, Corpus, edge_documents, run_case

_CORPORA: dict[str, Corpus] = {}
_HEALTH: dict[str, str | None] = {}
HEALTH_TIMEOUT_S = 1.0


async def _unreachable(url: str) -> str | None:
    """Why `url` is not a live Meilisearch, or None when its /health answers."""
    try:
        async with httpx.AsyncClient(timeout=HEALTH_TIMEOUT_S) as client:
            health = await client.get(url.rstrip("/") + "/health")
    except httpx.HTTPError as exc:
        return f"{url} does not answer ({exc!r})"
    if health.status_code != 200:
        return f"{url}/health answered {health.status_code}"
    return None


@pytest.fixture
async def meili_url() -> str:
    url = os.environ.get("MEILI_URL")
    if not url:
        pytest.skip("no live Meilisearch: MEILI_URL is not set")
    if url not in _HEALTH:  # asked once per run, not once per case
        _HEALTH[url] = await _unreachable(url)
    if (reason := _HEALTH[url]) is not None:
        pytest.skip(f"no live Meilisearch: {reason}")
    return url


@pytest.fixture
async def corpus(meili_url: str, db: str, city: City) -> Corpus:
    # takes meili_url first so a missing server skips before the slow seeding
    if db not in _CORPORA:
        await seed_demo(city, count=150)
        ids = await Listing.all().values_list("id", flat=True)
        documents, _ = await documents_for(city, list(ids))
        _CORPORA[db] = Corpus([*documents, *edge_documents()])
    return _CORPORA[db]


@pytest.fixture
async def engines(
    meili_url: str, corpus: Corpus
) -> AsyncIterator[tuple[SearchEngine, ReferenceEngine]]:
    key = os.environ.get("MEILI_KEY")
    uid = f"taocity-contract-{uuid.uuid4().hex[:12]}"
    engine, reference = MeilisearchEngine(meili_url, key, uid), ReferenceEngine()
    for e in (engine, reference):
        await e.prepare()
        await e.upsert(corpus.documents)  # type: ignore[arg-type]
    try:
        yield engine, reference
    finally:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        async with httpx.AsyncClient(timeout=10) as client:
            await client.delete(f"{meili_url.rstrip('/')}/indexes/{uid}", headers=headers)
        await engine.close()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_search_contract(
    case: Case, engines: tuple[SearchEngine, ReferenceEngine], corpus: Corpus
) -> None:
    await run_case(case, *engines, corpus)


@pytest.mark.parametrize("name", list(MUTATIONS))
async def test_writes_become_visible(
    name: str, engines: tuple[SearchEngine, ReferenceEngine], corpus: Corpus
) -> None:
    await MUTATIONS[name](engines, corpus)
