"""The shared contract on the embedded tantivy engine, and on the reference itself as a sanity run.

Documents come from the database (150 demo listings through `documents_for`) on each backend, plus
the hand-made edge documents. Seeding is slow, so each backend's documents are built by the first
test that needs them and kept: the documents are plain data and need no database afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from listings.models import Listing
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from search.documents import documents_for
from search.interfaces import SearchEngine
from search.reference import ReferenceEngine
from search.tantivy_engine import TantivyEngine
from tests.search.contract import CASES, MUTATIONS, Case, Corpus, edge_documents, run_case

_CORPORA: dict[str, Corpus] = {}
ENGINES = ("tantivy", "reference")


@pytest.fixture
async def corpus(db: str, city: City) -> Corpus:
    if db not in _CORPORA:
        await seed_demo(city, count=150)
        ids = await Listing.all().values_list("id", flat=True)
        documents, _ = await documents_for(city, list(ids))
        assert len(documents) == 150
        _CORPORA[db] = Corpus([*documents, *edge_documents()])
    return _CORPORA[db]


@pytest.fixture(params=ENGINES)
async def engines(
    request: pytest.FixtureRequest, corpus: Corpus, tmp_path: Path
) -> AsyncIterator[tuple[SearchEngine, ReferenceEngine]]:
    engine: SearchEngine
    engine = TantivyEngine(tmp_path / "index") if request.param == "tantivy" else ReferenceEngine()
    reference = ReferenceEngine()
    for e in (engine, reference):
        await e.prepare()
        await e.upsert(corpus.documents)  # type: ignore[arg-type]
    try:
        yield engine, reference
    finally:
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


async def test_an_index_on_disk_opens_again_with_its_documents(tmp_path: Path) -> None:
    documents = edge_documents()
    first = TantivyEngine(tmp_path / "index")
    await first.upsert(documents)
    await first.close()
    again = TantivyEngine(tmp_path / "index")
    assert await again.count() == len(documents)
    await again.close()
