"""The exactness arguments behind the tantivy engine's parts, checked on random inputs: the
distance approximation's error bound, circle covers, opening-hour blocks and packed sort keys."""

from __future__ import annotations

import random
from itertools import pairwise

import numpy as np
from shapely.geometry import box

from geo.coords import LatLng
from geo.distance import WGS84, geodesic_m
from listings.hours import in_minute_ranges
from listings.types import Vertical
from search.documents import ListingDocument
from search.interfaces import WEEK_MINUTES, SortBy
from search.reference import Evaluated, TextMatch, _sort_key
from search.tantivy_geo import (
    FINEST_DEG,
    TRUSTED_LAT,
    TRUSTED_M,
    approx_m,
    circle_cover,
    error_bound_m,
    exact_m,
    nearest,
    point_cells,
    within,
)
from search.tantivy_hours import minute_terms, open_terms
from search.tantivy_sort_keys import price_key, rating_key, surely_unique


def _points(rng: np.random.Generator, origin_lat: float, n: int, reach: float) -> tuple:
    lat0 = np.full(n, origin_lat)
    lng0 = np.full(n, 119.97)
    lng, lat, _ = WGS84.fwd(lng0, lat0, rng.uniform(0, 360, n), rng.uniform(0, reach, n))
    return np.asarray(lat), np.asarray(lng)


def test_the_approximation_stays_within_its_error_bound() -> None:
    rng = np.random.default_rng(3)
    for origin_lat in (-TRUSTED_LAT, -45.0, 0.0, 31.8, 60.0, TRUSTED_LAT):
        origin = LatLng(origin_lat, 119.97)
        lat, lng = _points(rng, origin_lat, 20_000, TRUSTED_M)
        error = np.abs(approx_m(origin, lat, lng) - exact_m(origin, lat, lng))
        assert (error <= error_bound_m(exact_m(origin, lat, lng)) / 4).all()


def test_exact_distances_are_the_references() -> None:
    origin = LatLng(31.78, 119.97)
    lat, lng = _points(np.random.default_rng(4), 31.78, 200, 30_000)
    metres = exact_m(origin, lat, lng)
    assert metres.tolist() == [
        geodesic_m(origin, LatLng(a, b)) for a, b in zip(lat, lng, strict=True)
    ]


def test_within_and_nearest_agree_with_the_geodesic() -> None:
    rng = np.random.default_rng(5)
    origin = LatLng(31.78, 119.97)
    lat, lng = _points(rng, 31.78, 5000, 6000)
    exact = exact_m(origin, lat, lng)
    # radii exactly on listings, and just short of them
    for metres in [*exact[:20].tolist(), *(exact[:20] - 1e-7).tolist(), 3000.0]:
        assert (within(origin, metres, lat, lng) == (exact <= metres)).all()
    ids = np.arange(len(lat), dtype=np.int64)[::-1].copy()
    got, dist = nearest(origin, lat, lng, ids, 50)
    want = sorted(range(len(lat)), key=lambda i: (exact[i], ids[i]))[:50]
    assert got.tolist() == want and dist.tolist() == exact[want].tolist()


def _cell_of(term: str) -> tuple[float, float, float]:
    level, row, col = (int(p) for p in term.split("."))
    size = FINEST_DEG * (1 << level)
    return (row << level) * FINEST_DEG - 90.0, (col << level) * FINEST_DEG - 180.0, size


def test_a_circle_cover_is_certain_about_what_it_says() -> None:
    rng = random.Random(6)
    for _ in range(30):
        origin = LatLng(rng.uniform(31.2, 32.0), rng.uniform(119.2, 120.1))
        metres = rng.choice((50.0, 400.0, 1000.0, 3000.0, 5000.0, 30_000.0))
        cover = circle_cover(origin, metres)
        assert cover is not None
        inside, edge = set(cover.inside), set(cover.edge)
        lat, lng = _points(np.random.default_rng(rng.randrange(1000)), origin.lat, 4000,
                           metres * 1.5)  # fmt: skip
        exact = exact_m(origin, lat, lng)
        for a, b, d in zip(lat.tolist(), lng.tolist(), exact.tolist(), strict=True):
            cells = set(point_cells(a, b))
            in_inside, in_edge = bool(cells & inside), bool(cells & edge)
            assert not (in_inside and in_edge)
            if in_inside:
                assert d <= metres
            if d <= metres:
                assert in_inside or in_edge
        for term in cover.inside:  # the corners of an inside cell are inside
            south, west, size = _cell_of(term)
            corners = [(south, west), (south + size, west + size), (south, west + size)]
            assert all(geodesic_m(origin, LatLng(a, b)) <= metres for a, b in corners)


def test_cells_nest_from_level_to_level() -> None:
    rng = random.Random(7)
    for _ in range(2000):
        terms = point_cells(rng.uniform(-89, 89), rng.uniform(-179, 179))
        parsed = [tuple(int(p) for p in t.split(".")) for t in terms]
        for (_, r0, c0), (_, r1, c1) in pairwise(parsed):
            assert (r0 >> 1, c0 >> 1) == (r1, c1)


def test_open_blocks_answer_exactly_as_in_minute_ranges() -> None:
    rng = random.Random(8)
    samples: list[list[tuple[int, int]]] = [[], [(0, WEEK_MINUTES)], [(5, 3)], [(10, 20), (15, 30)]]
    for _ in range(150):
        points = sorted(rng.sample(range(0, WEEK_MINUTES + 1), rng.choice((2, 4, 6, 14))))
        ranges = list(zip(points[::2], points[1::2], strict=True))
        samples.append(ranges)
        samples.append([(s - s % 15, e - e % 15 or 15) for s, e in ranges])
        samples.append(rng.sample(ranges, len(ranges)))  # unsorted: whatever bisect makes of it
    for ranges in samples:
        terms = set(open_terms(ranges))
        minutes = [*rng.sample(range(WEEK_MINUTES), 300), 0, WEEK_MINUTES - 1]
        minutes += [m for s, e in ranges for m in (s - 1, s, s + 1, e - 1, e, e + 1)]
        for m in minutes:
            if 0 <= m < WEEK_MINUTES:
                found = sum(t in terms for t in minute_terms(m))
                assert found <= 1 and bool(found) == in_minute_ranges(ranges, m), (ranges, m)


def _doc(i: int, rng: random.Random) -> ListingDocument:
    return ListingDocument(
        id=rng.choice((i, 1, 2, (1 << 31) + i, (1 << 29) + i)),
        vertical=Vertical.SHOP, category="c", district=None, tags=(), name={}, description={},
        category_name={}, offering_names=(), lat=31.8, lng=119.97,
        service_area=box(0, 0, 1, 1) if i % 2 else None,
        price_from=rng.choice((None, 0, 1800, 1800, 10**10, 1 << 31, rng.randrange(10**6))),
        price_to=None,
        rating_avg=rng.choice((None, 4.0, 4.0, 13 / 3, 4.3333, 5.0, 0.0, 5.5, -1.0,
                               round(rng.uniform(0, 5), 1), rng.uniform(0, 5))),
        rating_count=rng.choice((0, 3, 3, 70_000, 65_535, rng.randrange(100))),
        open_minutes=(),
    )  # fmt: skip


def test_packed_keys_never_contradict_the_references_order() -> None:
    rng = random.Random(9)
    docs = [_doc(i, rng) for i in range(1500)]
    docs = list({d.id: d for d in docs}.values())
    keyed = {
        SortBy.RATING: ("rating_key", rating_key),
        SortBy.PRICE_ASC: ("price_asc_key", lambda d: price_key(d, descending=False)),
        SortBy.PRICE_DESC: ("price_desc_key", lambda d: price_key(d, descending=True)),
    }
    for sort, (field, key) in keyed.items():
        ordered = sorted(docs, key=lambda d: _sort_key(sort, Evaluated(d, TextMatch(0, 0), None)))
        keys = [key(d) for d in ordered]
        assert all(0 <= k < 1 << 64 for k in keys)
        assert keys == sorted(keys), sort  # never a larger key before a smaller one
        for k in keys:
            if surely_unique(field, k):
                assert keys.count(k) == 1
