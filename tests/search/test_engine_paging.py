"""A page number, however large, costs an engine no more than its index holds.

tantivy's top-N collector allocates `page * page_size` slots before it looks at a document, so
`page=99999999999` once aborted the whole process ("memory allocation of 95999999999040 bytes
failed"). The engines are called directly here, past the web layer's own bound, in a child
process: a regression fails this test instead of taking pytest down with it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pydantic
import pytest

from search.interfaces import SearchQuery, SortBy
from search.meilisearch_query import MAX_TOTAL_HITS, search_body
from search.paging import first_empty_page

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from geo.coords import LatLng
    from search.interfaces import SearchQuery, SortBy
    from search.reference import ReferenceEngine
    from search.tantivy_engine import TantivyEngine
    from tests.search.contract import edge_documents

    ORIGIN = LatLng(31.7787, 119.974)
    QUERIES = [
        SearchQuery(),
        SearchQuery(text="面馆"),
        SearchQuery(text="noodles"),
        SearchQuery(text="nodles"),
        SearchQuery(sort=SortBy.RATING),
        SearchQuery(sort=SortBy.PRICE_ASC),
        SearchQuery(sort=SortBy.PRICE_DESC),
        SearchQuery(origin=ORIGIN, sort=SortBy.DISTANCE),
        SearchQuery(text="noodles", origin=ORIGIN),
    ]

    async def main() -> None:
        for engine in (TantivyEngine(Path(sys.argv[1])), ReferenceEngine()):
            await engine.prepare()
            await engine.upsert(edge_documents())
            for query in QUERIES:
                whole = await engine.search(query.model_copy(update={"page_size": 100}))
                for page in (99_999_999_999, 100_000_000, 2**63, 10**30):
                    for size in (1, 20, 100):
                        asked = query.model_copy(update={"page": page, "page_size": size})
                        found = await engine.search(asked)
                        assert found.hits == [], (query, page, found.hits)
                        assert found.total == whole.total, (query, page, found.total)
            await engine.close()
            print(type(engine).__name__, "answered every huge page")

    asyncio.run(main())
    """
)


def test_engines_answer_a_huge_page_with_an_empty_page_and_the_true_total(tmp_path: Path) -> None:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "index")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    # an abort shows as a negative return code (SIGABRT) and tantivy's message on stderr
    assert child.returncode == 0, (child.returncode, child.stderr[-2000:])
    assert "TantivyEngine answered every huge page" in child.stdout
    assert "ReferenceEngine answered every huge page" in child.stdout


def test_meilisearch_is_never_asked_for_a_page_past_what_it_can_answer() -> None:
    query = SearchQuery(sort=SortBy.RATING, page_size=20)
    for page in (99_999_999_999, 2**63, 10**30):
        body = search_body(query.model_copy(update={"page": page}))
        assert body["page"] == first_empty_page(MAX_TOTAL_HITS, 20) == 501
        assert body["hitsPerPage"] == 20
    assert search_body(query.model_copy(update={"page": 7}))["page"] == 7


def test_a_query_beyond_the_maximum_page_is_refused_when_built() -> None:
    with pytest.raises(pydantic.ValidationError):
        SearchQuery(page=10_001)
