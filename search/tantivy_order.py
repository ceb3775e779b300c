"""One page of a tantivy match set in the reference's order (`search.reference._sort_key`),
touching as few listings as the order allows.

- rating and price: tantivy sorts on a packed key and hands over the first page's worth; the
  listings tied on the last key are fetched too and the lot is ordered exactly.
- nearest first (distance, or relevance from a point): only the listings within a growing circle
  that holds enough matches are measured.
- relevance without a point: the id, or, when words can match in better and worse ways, the
  score (`search.tantivy_query`) and then the id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import tantivy
from numpy.typing import NDArray

from geo.coords import LatLng
from search.interfaces import Radius, SearchQuery, SortBy
from search.tantivy_columns import addresses, all_hits, count, floats, integers
from search.tantivy_geo import (
    TRUSTED_M,
    approx_m,
    circle_cover,
    error_bound_m,
    exact_m,
    nearest,
)
from search.tantivy_query import QueryBuilder, all_of
from search.tantivy_sort_keys import FLAG, surely_unique

ASC = tantivy.Order.Asc
MEASURE_ALL = 3000  # below this many matches, measuring them all is cheaper than narrowing


Hits = list[tuple[float, tantivy.DocAddress]]


@dataclass(frozen=True)
class Matches:
    """Everything a search matches: what the index query finds, and the listings `named` one by
    one (never among the query's), with their scores."""

    query: tantivy.Query
    named: Hits
    # the query's filters and geography without its words (None: nothing but words)
    restriction: tantivy.Query | None = None


@dataclass(frozen=True)
class Page:
    addresses: list[tantivy.DocAddress]
    distances: list[float | None]
    total: int
    scores: list[float] | None = None  # tantivy scores, when the order used them


class Orderer:
    def __init__(self, builder: QueryBuilder) -> None:
        self.q = builder

    def page(
        self,
        searcher: tantivy.Searcher,
        matches: Matches,
        query: SearchQuery,
        tiers: bool,
        matched: int | None = None,
    ) -> Page:
        """The requested page; `matched` is how many the index query matches, when known."""
        first = (query.page - 1) * query.page_size
        wanted = first + query.page_size
        origin = query.reference_point()
        if query.sort in (SortBy.RATING, SortBy.PRICE_ASC, SortBy.PRICE_DESC):
            return self._keyed(searcher, matches, query, first, wanted)
        if tiers:
            return self._tiered(searcher, matches, origin, first, wanted)
        if origin is not None:
            return self._nearest(searcher, matches, query, first, wanted, matched)
        found = searcher.search(
            matches.query, limit=wanted, count=True, order_by_field="id", order=ASC
        )
        where = addresses(found.hits) + addresses(matches.named)
        ids = [int(k) for k, _ in found.hits] + integers(
            searcher, "id", addresses(matches.named)
        ).tolist()
        order = sorted(range(len(where)), key=ids.__getitem__)[first:wanted]
        chosen = [where[i] for i in order]
        return Page(chosen, [None] * len(chosen), int(found.count) + len(matches.named))

    # --- packed keys ---------------------------------------------------------------------

    def _keyed(
        self,
        searcher: tantivy.Searcher,
        matches: Matches,
        query: SearchQuery,
        first: int,
        wanted: int,
    ) -> Page:
        field = {
            SortBy.RATING: "rating_key",
            SortBy.PRICE_ASC: "price_asc_key",
            SortBy.PRICE_DESC: "price_desc_key",
        }[query.sort]
        found = searcher.search(
            matches.query, limit=wanted, count=True, order_by_field=field, order=ASC
        )
        total = int(found.count) + len(matches.named)
        hits = found.hits
        where = addresses(hits)
        if len(hits) == wanted and found.count > wanted:
            edge = int(hits[-1][0])
            if not surely_unique(field, edge):
                kind = tantivy.FieldType.Unsigned
                ties = all_of([matches.query, self.q.range(field, kind, edge, edge)])
                where = [a for k, a in hits if int(k) < edge] + addresses(all_hits(searcher, ties))
        where += addresses(matches.named)
        keys = _exact_keys(searcher, query.sort, where)
        order = sorted(range(len(where)), key=keys.__getitem__)[first:wanted]
        chosen = [where[i] for i in order]
        return Page(chosen, _distances(searcher, query.reference_point(), chosen), total)

    # --- nearest first -------------------------------------------------------------------

    def _nearest(
        self,
        searcher: tantivy.Searcher,
        matches: Matches,
        query: SearchQuery,
        first: int,
        wanted: int,
        matched: int | None,
    ) -> Page:
        origin = query.reference_point()
        assert origin is not None
        named = addresses(matches.named)
        total = (count(searcher, matches.query) if matched is None else matched) + len(named)
        if first >= total:
            return Page([], [], total)
        last = min(wanted, total)
        radius = query.geo.metres if isinstance(query.geo, Radius) else None
        reach = 1000.0 if radius is None else radius * min(1.0, (3.0 * last / total) ** 0.5)
        while total > MEASURE_ALL and (radius is None or reach < radius) and reach <= TRUSTED_M:
            cover = circle_cover(origin, reach)
            if cover is None:
                break
            near = all_of([matches.query, self.q.term_set("cells", cover.inside + cover.edge)])
            where = addresses(all_hits(searcher, near)) + named
            lat, lng = floats(searcher, "lat", where), floats(searcher, "lng", where)
            surely = approx_m(origin, lat, lng) <= reach - error_bound_m(reach)
            if int(np.count_nonzero(surely)) >= last:
                # every listing nearer than `reach` is here, and the first `last` are nearer
                ids = integers(searcher, "id", where)
                return _nearest_page(origin, where, lat, lng, ids, first, last, total)
            reach *= 2
        where = addresses(all_hits(searcher, matches.query)) + named
        lat, lng = floats(searcher, "lat", where), floats(searcher, "lng", where)
        ids = integers(searcher, "id", where)
        return _nearest_page(origin, where, lat, lng, ids, first, last, total)

    # --- relevance scores ----------------------------------------------------------------

    def tier_walk(
        self,
        searcher: tantivy.Searcher,
        tiers: list[tuple[float, tantivy.Query]],
        restriction: tantivy.Query | None,
        first: int,
        wanted: int,
    ) -> Page:
        """Relevance without a point for one word: its tiers best first, each in id order, so
        tantivy hands over a page's worth of each and counts the rest; nothing is loaded whole.
        (`_tiered` loads every match: 15 ms for a typo of a word 10,000 listings have.)"""
        chosen: list[tantivy.DocAddress] = []
        scores: list[float] = []
        start = 0
        for score, tier in tiers:
            query = tier if restriction is None else all_of([tier, restriction])
            need = wanted - start
            if need <= 0:
                start += count(searcher, query)
                continue
            found = searcher.search(query, limit=need, count=True, order_by_field="id", order=ASC)
            hits = addresses(found.hits)[max(first - start, 0) :]
            chosen += hits
            scores += [score] * len(hits)
            start += int(found.count)
        return Page(chosen, [None] * len(chosen), start, scores)

    def _tiered(
        self,
        searcher: tantivy.Searcher,
        matches: Matches,
        origin: LatLng | None,
        first: int,
        wanted: int,
    ) -> Page:
        hits = all_hits(searcher, matches.query) + matches.named
        total = len(hits)
        where = addresses(hits)
        scores = np.array([s for s, _ in hits], dtype=np.float64)
        ids = integers(searcher, "id", where)
        if origin is None:
            order = np.lexsort((ids, -scores))[first:wanted]
            chosen = [where[i] for i in order]
            return Page(chosen, [None] * len(order), total, scores[order].tolist())
        lat, lng = floats(searcher, "lat", where), floats(searcher, "lng", where)
        picked: list[int] = []
        metres: list[float] = []
        start = 0
        for score in sorted(set(scores.tolist()), reverse=True):
            if start >= wanted:
                break
            tier = np.flatnonzero(scores == score)
            end = start + len(tier)
            if end > first:
                upto = min(wanted, end) - start
                got, dist = nearest(origin, lat[tier], lng[tier], ids[tier], upto)
                skip = max(first - start, 0)
                picked += tier[got][skip:].tolist()
                metres += dist[skip:].tolist()
            start = end
        chosen = [where[i] for i in picked]
        return Page(chosen, list(metres), total, scores[picked].tolist())


def _nearest_page(
    origin: LatLng,
    where: list[tantivy.DocAddress],
    lat: NDArray[np.float64],
    lng: NDArray[np.float64],
    ids: NDArray[np.int64],
    first: int,
    last: int,
    total: int,
) -> Page:
    got, metres = nearest(origin, lat, lng, ids, last)
    return Page([where[i] for i in got[first:]], metres[first:].tolist(), total)


def _distances(
    searcher: tantivy.Searcher, origin: LatLng | None, where: list[tantivy.DocAddress]
) -> list[float | None]:
    if origin is None:
        return [None] * len(where)
    lat, lng = floats(searcher, "lat", where), floats(searcher, "lng", where)
    return list(exact_m(origin, lat, lng).tolist())


def _exact_keys(
    searcher: tantivy.Searcher, sort: SortBy, where: Sequence[tantivy.DocAddress]
) -> list[tuple[float | int, ...]]:
    """The reference's sort keys of these listings, from their fast fields."""
    where = list(where)
    if not where:
        return []
    ids = integers(searcher, "id", where).tolist()
    if sort is SortBy.RATING:
        rated = [k < FLAG for k in searcher.fast_field_values("rating_key", where)]
        avg = floats(searcher, "rating_avg", where).tolist()
        counts = integers(searcher, "rating_count", where).tolist()
        return [
            (not r, -(a if r else 0.0), -c, i)
            for r, a, c, i in zip(rated, avg, counts, ids, strict=True)
        ]
    field = "price_asc_key" if sort is SortBy.PRICE_ASC else "price_desc_key"
    priced = [k < FLAG for k in searcher.fast_field_values(field, where)]
    prices = searcher.fast_field_values("price_from", where)
    sign = 1 if sort is SortBy.PRICE_ASC else -1
    return [
        (not p, sign * int(v) if p else 0, i) for p, v, i in zip(priced, prices, ids, strict=True)
    ]
