"""The brute-force engine that defines search semantics; every other engine is compared with it.

It checks every document against every part of the query in plain Python, so it is obviously
right rather than fast. The exact evaluation (`evaluate`) and the ordering, paging and facet
counting (`assemble`) are public so an engine that retrieves candidates some faster way can
refine them to exactly these answers.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from shapely.geometry import Point

from geo.coords import LatLng
from geo.distance import geodesic_m
from listings.hours import in_minute_ranges
from search.documents import ListingDocument
from search.interfaces import (
    BoundingBox,
    Facet,
    Hit,
    InDistrict,
    Radius,
    SearchQuery,
    SearchResults,
    ServesPoint,
    SortBy,
)
from search.paging import bounded_page
from search.text import Term, damerau_levenshtein, index_tokens, query_terms


def document_tokens(document: ListingDocument) -> frozenset[str]:
    return frozenset(t for text in document.searchable_texts() for t in index_tokens(text))


@dataclass(frozen=True)
class TextMatch:
    exact: int  # terms matched exactly (CJK terms always are)
    typos: int  # edits spent on terms matched only with typos


def _term_quality(term: Term, tokens: frozenset[str]) -> tuple[bool, int] | None:
    """(exact, typos) of the best way `term` matches, or None. Prefix is neither exact nor a typo,
    which ranks it between the two."""
    if term.word is None:
        return (True, 0) if all(g in tokens for g in term.grams) else None
    word = term.word
    if word in tokens:
        return True, 0
    if term.prefix and any(t.startswith(word) for t in tokens):
        return False, 0
    best: int | None = None
    if term.typos:
        for token in tokens:
            if abs(len(token) - len(word)) > term.typos:
                continue
            edits = damerau_levenshtein(word, token, term.typos)
            if edits <= term.typos and (best is None or edits < best):
                best = edits
    return None if best is None else (False, best)


def match_text(terms: Sequence[Term], tokens: frozenset[str]) -> TextMatch | None:
    """Every term must match some token; no terms match everything."""
    exact = typos = 0
    for term in terms:
        quality = _term_quality(term, tokens)
        if quality is None:
            return None
        exact += quality[0]
        typos += quality[1]
    return TextMatch(exact, typos)


def passes_filters(doc: ListingDocument, query: SearchQuery) -> bool:
    if query.verticals and doc.vertical not in query.verticals:
        return False
    if query.categories and doc.category not in query.categories:
        return False
    if query.tags and not set(query.tags) <= set(doc.tags):
        return False
    if query.price_min is not None or query.price_max is not None:
        if doc.price_from is None:
            return False
        if query.price_min is not None and doc.price_from < query.price_min:
            return False
        if query.price_max is not None and doc.price_from > query.price_max:
            return False
    if query.min_rating is not None:
        if doc.rating_avg is None or doc.rating_avg < query.min_rating:
            return False
    if query.open_at is not None and not in_minute_ranges(doc.open_minutes, query.open_at):
        return False
    return _passes_geo(doc, query)


def _passes_geo(doc: ListingDocument, query: SearchQuery) -> bool:
    geo = query.geo
    if geo is None:
        return True
    if isinstance(geo, Radius):
        return geodesic_m(geo.center, LatLng(doc.lat, doc.lng)) <= geo.metres
    if isinstance(geo, BoundingBox):
        sw, ne = geo.south_west, geo.north_east
        return sw.lat <= doc.lat <= ne.lat and sw.lng <= doc.lng <= ne.lng
    if isinstance(geo, InDistrict):
        return doc.district == geo.slug
    if isinstance(geo, ServesPoint):
        area = doc.service_area
        return area is not None and bool(area.covers(Point(geo.point.lng, geo.point.lat)))
    raise TypeError(f"unknown geo filter {geo!r}")


@dataclass(frozen=True)
class Evaluated:
    doc: ListingDocument
    text: TextMatch
    distance_m: float | None


def evaluate(
    doc: ListingDocument, tokens: frozenset[str], query: SearchQuery, terms: Sequence[Term]
) -> Evaluated | None:
    """The document as a result of `query`, or None when it does not match."""
    if not passes_filters(doc, query):
        return None
    text = match_text(terms, tokens)
    if text is None:
        return None
    origin = query.reference_point()
    distance = None if origin is None else geodesic_m(origin, LatLng(doc.lat, doc.lng))
    return Evaluated(doc, text, distance)


def _sort_key(sort: SortBy, e: Evaluated) -> tuple[float | int, ...]:
    doc = e.doc
    if sort is SortBy.RELEVANCE:
        return (-e.text.exact, e.text.typos, e.distance_m or 0.0, doc.id)
    if sort is SortBy.DISTANCE:
        return (e.distance_m or 0.0, doc.id)
    if sort is SortBy.RATING:
        rated = doc.rating_avg is not None
        return (not rated, -(doc.rating_avg or 0.0), -doc.rating_count, doc.id)
    price = doc.price_from
    signed = 0 if price is None else (price if sort is SortBy.PRICE_ASC else -price)
    return (price is None, signed, doc.id)


def _facet_values(doc: ListingDocument, facet: Facet) -> Iterable[str]:
    if facet is Facet.VERTICAL:
        return (str(doc.vertical),)
    if facet is Facet.CATEGORY:
        return (doc.category,)
    if facet is Facet.DISTRICT:
        return () if doc.district is None else (doc.district,)
    return doc.tags


def assemble(matches: list[Evaluated], query: SearchQuery, started: float) -> SearchResults:
    """Order, page and count facets over every match (not just the page)."""
    matches.sort(key=lambda e: _sort_key(query.sort, e))
    query = bounded_page(query, len(matches))
    first = (query.page - 1) * query.page_size
    page = matches[first : first + query.page_size]
    facets = {
        facet.value: dict(Counter(v for e in matches for v in _facet_values(e.doc, facet)))
        for facet in query.facets
    }
    return SearchResults(
        hits=[Hit(e.doc.id, e.distance_m, float(e.text.exact)) for e in page],
        total=len(matches),
        facets=facets,
        took_ms=(time.perf_counter() - started) * 1000,
    )


class ReferenceEngine:
    """Every document in a dict, every query a full scan."""

    def __init__(self) -> None:
        self._docs: dict[int, tuple[ListingDocument, frozenset[str]]] = {}

    async def prepare(self) -> None:
        return None

    async def upsert(self, documents: Sequence[ListingDocument]) -> None:  # type: ignore[override]
        for doc in documents:
            self._docs[doc.id] = (doc, document_tokens(doc))

    async def delete(self, listing_ids: Sequence[int]) -> None:
        for listing_id in listing_ids:
            self._docs.pop(listing_id, None)

    async def clear(self) -> None:
        self._docs.clear()

    async def search(self, query: SearchQuery) -> SearchResults:
        started = time.perf_counter()
        terms = query_terms(query.text)
        matches = [
            e
            for doc, tokens in self._docs.values()
            if (e := evaluate(doc, tokens, query, terms)) is not None
        ]
        return assemble(matches, query, started)

    async def count(self) -> int:
        return len(self._docs)

    async def close(self) -> None:
        return None
