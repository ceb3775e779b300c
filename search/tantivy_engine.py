"""The embedded engine: a tantivy index on disk, in this process.

tantivy finds the candidates (text terms and filters as index queries, geo as latitude/longitude
ranges); each candidate is then checked exactly and ordered in Python with the reference's rules
(`search.reference.evaluate` and `assemble`). At city scale the candidates of a query are at most a
few thousand stored documents, so this costs little and keeps the answers identical to the
reference: exact distance, half-open hours, polygon coverage, and ranking exact > prefix > typo,
which tantivy's scores cannot express (every fuzzy match scores the same).

One writer per index (tantivy refuses a second with LockBusy): writes are serialised by a lock,
and readers reload after each commit so the change is visible to the next search.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import tantivy

from geo.distance import bounding_box
from search.documents import ListingDocument
from search.interfaces import (
    BoundingBox,
    InDistrict,
    Radius,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
    ServesPoint,
)
from search.reference import assemble, evaluate
from search.stored import decode
from search.tantivy_schema import build_schema, to_tantivy
from search.text import Term, query_terms

Occur = tantivy.Occur
FLOAT = tantivy.FieldType.Float
INTEGER = tantivy.FieldType.Integer
# degrees added around geo boxes so float rounding never loses a candidate; exact checks follow
PAD = 1e-4
WRITER_HEAP = 50_000_000


class TantivyEngine:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._schema = build_schema()
        self._index: tantivy.Index | None = None
        self._writer: tantivy.IndexWriter | None = None
        self._write_lock = threading.Lock()

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
            # dropping the writer releases the index's writer lock for another process
            self._writer = None
            self._index = None

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

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:  # type: ignore[override]
        await asyncio.to_thread(self._write, list(documents), [], False)

    async def delete(self, listing_ids: Sequence[int]) -> None:
        await asyncio.to_thread(self._write, [], list(listing_ids), False)

    async def clear(self) -> None:
        await asyncio.to_thread(self._write, [], [], True)

    async def count(self) -> int:
        return await asyncio.to_thread(lambda: self._open().searcher().num_docs)

    # --- queries -----------------------------------------------------------------------------

    def _term_query(self, term: Term) -> tantivy.Query:
        schema = self._schema
        if term.word is None:
            grams = [tantivy.Query.term_query(schema, "tokens", g) for g in term.grams]
            return tantivy.Query.boolean_query([(Occur.Must, q) for q in grams])
        # boosts only order tantivy's own scores; the final order is computed exactly afterwards
        options = [
            tantivy.Query.boost_query(tantivy.Query.term_query(schema, "tokens", term.word), 4.0)
        ]
        if term.prefix:
            # words are [0-9a-z] only (see search.text), so nothing in them needs escaping
            prefix = tantivy.Query.regex_query(schema, "tokens", f"{term.word}.*")
            options.append(tantivy.Query.boost_query(prefix, 2.0))
        if term.typos:
            fuzzy = tantivy.Query.fuzzy_term_query(
                schema, "tokens", term.word, distance=term.typos, transposition_cost_one=True
            )
            options.append(fuzzy)
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in options])

    def _range(
        self, field: str, kind: tantivy.FieldType, low: object, high: object
    ) -> tantivy.Query:
        return tantivy.Query.range_query(self._schema, field, kind, low, high)

    def _keyword_any(self, field: str, values: Sequence[str]) -> tantivy.Query:
        terms = [tantivy.Query.term_query(self._schema, field, v) for v in values]
        return tantivy.Query.boolean_query([(Occur.Should, q) for q in terms])

    def _geo_queries(self, query: SearchQuery) -> list[tantivy.Query]:
        geo = query.geo
        if isinstance(geo, Radius):
            sw, ne = bounding_box(geo.center, geo.metres)
            return [
                self._range("lat", FLOAT, sw.lat - PAD, ne.lat + PAD),
                self._range("lng", FLOAT, sw.lng - PAD, ne.lng + PAD),
            ]
        if isinstance(geo, BoundingBox):
            sw, ne = geo.south_west, geo.north_east
            return [
                self._range("lat", FLOAT, sw.lat - PAD, ne.lat + PAD),
                self._range("lng", FLOAT, sw.lng - PAD, ne.lng + PAD),
            ]
        if isinstance(geo, InDistrict):
            return [tantivy.Query.term_query(self._schema, "district", geo.slug)]
        if isinstance(geo, ServesPoint):
            p = geo.point
            # the area's bounding box holds the point; coverage itself is checked exactly later
            return [
                self._range("area_south", FLOAT, None, p.lat + PAD),
                self._range("area_north", FLOAT, p.lat - PAD, None),
                self._range("area_west", FLOAT, None, p.lng + PAD),
                self._range("area_east", FLOAT, p.lng - PAD, None),
            ]
        return []

    def _build(self, query: SearchQuery, terms: Sequence[Term]) -> tantivy.Query:
        must: list[tantivy.Query] = [self._term_query(t) for t in terms]
        if query.verticals:
            must.append(self._keyword_any("vertical", [str(v) for v in query.verticals]))
        if query.categories:
            must.append(self._keyword_any("category", list(query.categories)))
        for tag in query.tags:
            must.append(tantivy.Query.term_query(self._schema, "tags", tag))
        if query.price_min is not None or query.price_max is not None:
            must.append(self._range("price_from", INTEGER, query.price_min, query.price_max))
        if query.min_rating is not None:
            must.append(self._range("rating_avg", FLOAT, float(query.min_rating), None))
        must.extend(self._geo_queries(query))
        if not must:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query([(Occur.Must, q) for q in must])

    def _search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        terms = query_terms(query.text)
        searcher = self._open().searcher()
        matches = []
        if searcher.num_docs:  # limit=0 crashes tantivy: an empty index answers here
            found = searcher.search(self._build(query, terms), limit=searcher.num_docs, count=False)
            for _, address in found.hits:
                doc, tokens = decode(searcher.doc(address)["doc"][0])
                evaluated = evaluate(doc, tokens, query, terms)
                if evaluated is not None:
                    matches.append(evaluated)
        return assemble(matches, query, started)

    def _candidates(self, query: SearchQuery) -> list[int]:
        searcher = self._open().searcher()
        if not searcher.num_docs:
            return []
        found = searcher.search(
            self._build(query, query_terms(query.text)), limit=searcher.num_docs, count=False
        )
        return sorted(searcher.doc(address)["id"][0] for _, address in found.hits)

    async def candidates(self, query: SearchQuery) -> list[int]:
        """The ids tantivy alone finds, before the exact checks: for tests and diagnostics."""
        return await asyncio.to_thread(self._candidates, query)

    async def search(self, query: SearchQuery) -> SearchResults:
        return await asyncio.to_thread(self._search, query)
