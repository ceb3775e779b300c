"""The shared contract on the embedded tantivy engine, and on the reference itself as a sanity run.

Documents come from the database (150 demo listings through `documents_for`) on each backend, plus
the hand-made edge documents. Seeding is slow, so each backend's documents are built by the first
test that needs them and kept: the documents are plain data and need no database afterwards.
"""

from __future__ import annotations

import random
import string
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from listings.models import Listing
from marketplace.city import City
from marketplace.demo.seed import seed_demo
from search.documents import documents_for
from search.interfaces import SearchEngine, SearchQuery, SearchUnavailable
from search.reference import ReferenceEngine, document_tokens
from search.tantivy_engine import TantivyEngine
from search.text import typo_budget
from tests.search.contract import (
    CASES,
    MUTATIONS,
    Case,
    Corpus,
    compare,
    edge_documents,
    run_case,
)

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


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_search_contract_through_circle_cells_only(
    case: Case, corpus: Corpus, tmp_path: Path
) -> None:
    """The same cases with the box path for words in a circle switched off."""
    engine, reference = TantivyEngine(tmp_path / "index"), ReferenceEngine()
    engine._places.few_in_box = 0
    for e in (engine, reference):
        await e.prepare()
        await e.upsert(corpus.documents)
    try:
        await run_case(case, engine, reference, corpus)
    finally:
        await engine.close()


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


async def test_a_second_writer_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    documents = edge_documents()
    first, second = TantivyEngine(tmp_path / "index"), TantivyEngine(tmp_path / "index")
    await first.upsert(documents)
    with pytest.raises(SearchUnavailable):
        await second.upsert(documents[:1])
    await first.close()
    await second.upsert(documents[:1])
    assert await second.count() == len(documents)
    await second.close()


def _misspell(word: str, rng: random.Random) -> str:
    """The word with one to its typo budget's worth of random edits (sometimes past it)."""
    chars = list(word)
    for _ in range(rng.randint(1, typo_budget(word) + 1)):
        at = rng.randrange(len(chars))
        edit = rng.choice(("insert", "delete", "replace", "swap"))
        letter = rng.choice(string.ascii_lowercase)
        if edit == "insert":
            chars.insert(at, letter)
        elif edit == "delete" and len(chars) > 1:
            del chars[at]
        elif edit == "replace":
            chars[at] = letter
        elif at + 1 < len(chars):
            chars[at], chars[at + 1] = chars[at + 1], chars[at]
    return "".join(chars)


async def test_random_misspellings_find_what_the_reference_finds(
    engines: tuple[SearchEngine, ReferenceEngine], corpus: Corpus
) -> None:
    # the fuzzy automaton must recall every word the reference's edit distance accepts
    rng = random.Random(4)
    words = sorted(
        {t for d in corpus.documents for t in document_tokens(d) if t.isalpha() and len(t) >= 5}
    )
    found = 0
    for word in rng.sample(words, min(60, len(words))):
        query = SearchQuery(text=_misspell(word, rng), page_size=100)
        found += (await compare(*engines, query)).total > 0
    assert found >= 20  # most misspellings stay within the budget


async def _all_ids(engine: ReferenceEngine, query: SearchQuery) -> list[int]:
    found: list[int] = []
    page = 1
    while True:
        results = await engine.search(query.model_copy(update={"page": page, "page_size": 100}))
        found += [h.listing_id for h in results.hits]
        if len(found) >= results.total:
            return sorted(found)
        page += 1


async def test_tantivy_alone_finds_exactly_the_matches(corpus: Corpus, tmp_path: Path) -> None:
    """The index query (with the listings measured on a circle's edge or under a service area)
    is the reference's match set before any ordering: nothing is filtered out afterwards."""
    engine, reference = TantivyEngine(tmp_path / "index"), ReferenceEngine()
    for e in (engine, reference):
        await e.upsert(corpus.documents)
    for case in CASES:
        query = case.query(corpus)
        assert await engine.candidates(query) == await _all_ids(reference, query), case.name
    await engine.close()


async def test_scores_count_the_exactly_matched_words(corpus: Corpus, tmp_path: Path) -> None:
    engine, reference = TantivyEngine(tmp_path / "index"), ReferenceEngine()
    for e in (engine, reference):
        await e.upsert(corpus.documents)
    for case in CASES:
        query = case.query(corpus)
        got, want = await engine.search(query), await reference.search(query)
        assert [h.score for h in got.hits] == [h.score for h in want.hits], case.name
        assert [h.distance_m for h in got.hits] == [h.distance_m for h in want.hits], case.name
    await engine.close()
