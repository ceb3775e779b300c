"""The embedded engine: a tantivy index on disk, in this process.

Every part of a query is an index query that matches exactly the reference's listings
(`search.tantivy_query` for words and filters, `search.tantivy_places` for the geography, where
only the listings on a circle's edge or under a service area are checked in Python), so tantivy
counts the total and the facets itself, and `search.tantivy_order` reads only what it takes to put
the requested page in the reference's order. No stored document is decoded on the way.

One writer per index (tantivy refuses a second with LockBusy): writes are serialised by a lock,
and readers reload after each commit so the change is visible to the next search.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import tantivy

from search.documents import ListingDocument
from search.interfaces import Hit, SearchQuery, SearchResults, SearchUnavailable, SortBy
from search.paging import bounded_page
from search.tantivy_columns import addresses, all_hits, integers
from search.tantivy_facets import FacetCounter
from search.tantivy_order import Matches, Orderer
from search.tantivy_places import Places
from search.tantivy_query import (
    QueryBuilder,
    all_of,
    exact_words,
    has_typo_tiers,
    unscored,
)
from search.tantivy_schema import build_schema, to_tantivy
from search.tantivy_vocabulary import Vocabulary, Words
from search.text import Term, query_terms

WRITER_HEAP = 50_000_000
SEARCH_THREADS = 1  # per engine, so per process (see TantivyEngine._searching)
T = TypeVar("T")


class TantivyEngine:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._schema = build_schema()
        self._index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._write_lock = threading.Lock()
        self._builder = QueryBuilder(self._schema)
        self._places = Places(self._builder)
        self._orderer = Orderer(self._builder)
        self._facet_counter = FacetCounter()
        self._vocabulary = Vocabulary(path)
        self._searches: ThreadPoolExecutor | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def _open(self) -> tantivy.Index:
        if self._index is None:
            self.path.mkdir(parents=True, exist_ok=True)
            try:
                self._index = tantivy.Index(self._schema, path=str(self.path))
            except (OSError, ValueError) as exc:
                raise SearchUnavailable(f"cannot open the search index: {exc}") from exc
        return self._index

    def _writer_for(self, index: tantivy.Index) -> tantivy.IndexWriter:
        if self._writer is None:
            try:
                # one thread: writes come in small batches from the outbox worker
                self._writer = index.writer(heap_size=WRITER_HEAP, num_threads=1)
            except ValueError as exc:
                # another writer holds the index (LockBusy): the outbox retries later
                raise SearchUnavailable(f"the search index is busy: {exc}") from exc
        return self._writer

    async def prepare(self) -> None:
        await asyncio.to_thread(self._open)

    async def close(self) -> None:
        with self._write_lock:
            searches, self._searches = self._searches, None
            # dropping the writer releases the index's writer lock for another process
            self._writer = None
            self._index = None
            self._vocabulary.forget()
        if searches is not None:
            searches.shutdown(wait=True)

    # --- writes ------------------------------------------------------------------------------

    def _write(
        self, upserts: Sequence[ListingDocument], deletes: Sequence[int], wipe: bool
    ) -> None:
        with self._write_lock:
            index = self._open()
            writer = self._writer_for(index)
            if wipe:
                writer.delete_all_documents()
            for listing_id in [*deletes, *(d.id for d in upserts)]:
                writer.delete_documents_by_term("id", listing_id)
            for doc in upserts:
                writer.add_document(to_tantivy(doc))
            writer.commit()
            index.reload()
            self._vocabulary.forget()

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:  # type: ignore[override]
        await asyncio.to_thread(self._write, list(documents), [], False)

    async def delete(self, listing_ids: Sequence[int]) -> None:
        await asyncio.to_thread(self._write, [], list(listing_ids), False)

    async def clear(self) -> None:
        await asyncio.to_thread(self._write, [], [], True)

    async def count(self) -> int:
        return await asyncio.to_thread(lambda: self._open().searcher().num_docs)

    # --- queries ---------------------------------------------------------------------------

    def _vocabulary_for(self, terms: Sequence[Term]) -> Words | None:
        """The index's Latin words, when a query word can match by prefix or with typos."""
        if not has_typo_tiers(terms):
            return None
        return self._vocabulary.current(self._open())

    def _matches(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        terms: Sequence[Term],
        tiers: bool,
        vocabulary: Words | None,
    ) -> Matches:
        """Exactly the reference's matches; scored by word quality when `tiers`."""
        words = self._builder.words(terms, tiers, vocabulary)
        filters = self._builder.filters(query)
        rest = all_of([*words, unscored(all_of(filters))]) if filters else all_of(words)
        place = self._places.resolve(searcher, query.geo, rest, selective=bool(terms))
        if place.query is not None:
            filters = [*filters, place.query]
        restriction = unscored(all_of(filters)) if filters else None
        if restriction is None:
            return Matches(all_of(words), place.named)
        return Matches(all_of([*words, restriction]), place.named, restriction)

    @staticmethod
    def _walks_tiers(
        query: SearchQuery, terms: Sequence[Term], matches: Matches, relevance: bool
    ) -> bool:
        """One Latin word ranked by relevance, with no point and nothing named one by one."""
        return (
            relevance
            and len(terms) == 1
            and terms[0].word is not None
            and query.reference_point() is None
            and not matches.named
        )

    def _scores(
        self,
        searcher: tantivy.Searcher,
        terms: Sequence[Term],
        vocabulary: Words | None,
        page: list[tantivy.DocAddress],
    ) -> list[float]:
        """Word-quality scores of a page ordered by something else."""
        ids = integers(searcher, "id", page).tolist()
        only_page = unscored(self._builder.term_set("id", ids))
        words = self._builder.words(terms, True, vocabulary)
        hits = all_hits(searcher, all_of([*words, only_page]), len(ids))
        found = integers(searcher, "id", addresses(hits)).tolist()
        by_id = dict(zip(found, [score for score, _ in hits], strict=True))
        return [by_id[i] for i in ids]

    def _search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        terms = query_terms(query.text)
        vocabulary = self._vocabulary_for(terms)
        searcher = self._open().searcher()
        if not searcher.num_docs:  # limit=0 crashes tantivy: an empty index answers here
            facets = {f.value: {} for f in query.facets}
            return SearchResults([], 0, facets, (time.perf_counter() - started) * 1000)
        tiers = has_typo_tiers(terms)
        relevance = tiers and query.sort is SortBy.RELEVANCE
        matches = self._matches(searcher, query, terms, relevance, vocabulary)
        # no match set is larger than the index: page no further than its end
        query = bounded_page(query, searcher.num_docs + len(matches.named))
        facets: dict[str, dict[str, int]] = {}
        matched = None
        if query.facets:
            names = [f.value for f in query.facets]
            named = addresses(matches.named)
            facets, matched = self._facet_counter.count(searcher, matches.query, named, names)
        if self._walks_tiers(query, terms, matches, relevance) and vocabulary is not None:
            first = (query.page - 1) * query.page_size
            tiers = self._builder.tiers(terms[0], vocabulary)
            page = self._orderer.tier_walk(
                searcher, tiers, matches.restriction, first, first + query.page_size
            )
        else:
            page = self._orderer.page(searcher, matches, query, relevance, matched)
        ids = integers(searcher, "id", page.addresses).tolist()
        if page.scores is not None:
            exact = [exact_words(s, terms) for s in page.scores]
        elif tiers and ids:
            scores = self._scores(searcher, terms, vocabulary, page.addresses)
            exact = [exact_words(s, terms) for s in scores]
        else:
            exact = [len(terms)] * len(ids)
        hits = [Hit(i, d, float(e)) for i, d, e in zip(ids, page.distances, exact, strict=True)]
        return SearchResults(hits, page.total, facets, (time.perf_counter() - started) * 1000)

    def _candidates(self, query: SearchQuery) -> list[int]:
        searcher = self._open().searcher()
        if not searcher.num_docs:
            return []
        terms = query_terms(query.text)
        matches = self._matches(searcher, query, terms, False, self._vocabulary_for(terms))
        where = addresses(all_hits(searcher, matches.query)) + addresses(matches.named)
        return sorted(integers(searcher, "id", where).tolist())

    async def candidates(self, query: SearchQuery) -> list[int]:
        """The ids tantivy's index query matches, before any ordering: for tests and
        diagnostics."""
        return await self._on_search_thread(self._candidates, query)

    def _searching(self) -> ThreadPoolExecutor:
        """The thread searches run on: one per engine. A search is CPU-bound and runs without
        the GIL; a serving process has a core to itself, and several searches at once there only
        interleave, stretching each (at 100,000 listings, 8 clients on 2 processes: p95 44 ms
        with the shared pool, 32 ms with one thread each). The event loop stays free meanwhile."""
        with self._write_lock:
            if self._searches is None:
                self._searches = ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="search")
            return self._searches

    async def _on_search_thread(self, call: Callable[[SearchQuery], T], query: SearchQuery) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._searching(), call, query)

    async def search(self, query: SearchQuery) -> SearchResults:
        return await self._on_search_thread(self._search, query)
