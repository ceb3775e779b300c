"""The contract every search engine meets, written against the SearchEngine protocol only.

Each case is a query built from the corpus (so it works on any seeded data); the engine under
test and the brute-force `ReferenceEngine`, loaded with the same documents, must agree on the ids
in order (every sort ends on the id, so the order is total), the total, the facet counts and the
distances (within a metre). Some cases also carry a hand-worked check on the reference's answer,
so a case cannot pass vacuously (an empty answer where matches were meant).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from shapely.geometry import box

from geo.coords import LatLng
from geo.distance import geodesic_m
from listings.types import Vertical
from search.documents import ListingDocument
from search.interfaces import (
    BoundingBox,
    Facet,
    InDistrict,
    Radius,
    SearchEngine,
    SearchQuery,
    SearchResults,
    ServesPoint,
    SortBy,
)
from search.reference import ReferenceEngine

CENTRE = LatLng(31.7787, 119.9740)
EDGE = 900_000  # ids of the hand-made documents, clear of any seeded listing


def _edge(id: int, zh: str, en: str, **fields: Any) -> ListingDocument:
    base: dict[str, Any] = dict(
        vertical=Vertical.SHOP, category="misc", district=None, tags=(), description={},
        category_name={}, offering_names=(), lat=CENTRE.lat, lng=CENTRE.lng, service_area=None,
        price_from=None, price_to=None, rating_avg=None, rating_count=0, open_minutes=(),
    )  # fmt: skip
    base.update(fields)
    return ListingDocument(id=EDGE + id, name={"zh-CN": zh, "en": en}, **base)


def edge_documents() -> list[ListingDocument]:
    """Documents for the edges the seeded data may not hold."""
    return [
        _edge(1, "老城区金牌月嫂中心", "Golden maternity nurses", vertical=Vertical.HOUSEKEEPING,
              price_from=880_000, rating_avg=4.9, rating_count=12, district="tianning"),
        _edge(2, "状元家教辅导", "Champion tutoring", vertical=Vertical.TUTORING, tags=("math",)),
        _edge(3, "鱼市场", "Fish market", lat=31.80, lng=119.90, price_from=500, rating_avg=4.0),
        _edge(4, "老字号银丝面馆", "Silver noodles", vertical=Vertical.RESTAURANT,
              lat=31.7787, lng=119.9741, rating_avg=4.0, rating_count=3, price_from=1800),
        _edge(5, "同点店甲", "Twin point", lat=31.7900, lng=119.9500, rating_avg=4.0,
              rating_count=3, price_from=1800),
        _edge(6, "同点店乙", "Twin point", lat=31.7900, lng=119.9500, rating_avg=4.0,
              rating_count=3, price_from=1800),
        _edge(7, "远郊上门保洁", "Remote cleaning", vertical=Vertical.HOUSEKEEPING,
              lat=31.40, lng=119.40, service_area=box(119.35, 31.35, 119.45, 31.45),
              open_minutes=((0, 10_080),)),
        # hours ending off the quarter hour and wrapping over the week's end; unpriced,
        # unrated, a repeated tag
        _edge(11, "夜宵小铺", "Night owl snacks", lat=31.7788, lng=119.9742,
              open_minutes=((0, 7), (599, 601), (1439, 1441), (10_073, 10_080)),
              tags=("late_night", "late_night"), rating_count=5),
        _edge(12, "同价店", "Same price", lat=31.7790, lng=119.9745, rating_avg=4.0,
              rating_count=3, price_from=1800),
        _edge(13, "均分店", "Thirds rating", lat=31.7791, lng=119.9746,
              rating_avg=13 / 3, rating_count=3, price_from=None),
    ]  # fmt: skip


@dataclass
class Corpus:
    documents: list[ListingDocument]

    def doc(self, id: int) -> ListingDocument:
        return next(d for d in self.documents if d.id == id)

    def most_common(self, values: Callable[[ListingDocument], list[str]], rank: int = 0) -> str:
        counts = Counter(v for d in self.documents for v in values(d))
        return counts.most_common()[rank][0]

    def tag_pair(self) -> tuple[str, str]:
        counts = Counter(p for d in self.documents for p in zip(d.tags, d.tags[1:], strict=False))
        return counts.most_common(1)[0][0]

    def served_point(self) -> LatLng:
        area = next(d.service_area for d in self.documents if d.service_area and d.id < EDGE)
        point = area.representative_point()
        return LatLng(point.y, point.x)


Check = Callable[[SearchResults, Corpus], object]


@dataclass(frozen=True)
class Case:
    name: str
    query: Callable[[Corpus], SearchQuery]
    check: Check | None = None  # on the reference's answer: truthy when as worked out by hand


def q(**fields: Any) -> Callable[[Corpus], SearchQuery]:
    return lambda _: SearchQuery(**fields)


def ids(results: SearchResults) -> list[int]:
    return [h.listing_id for h in results.hits]


def has(*edge_ids: int) -> Check:
    return lambda r, _: {EDGE + i for i in edge_ids} <= set(ids(r))


def lacks(*edge_ids: int) -> Check:
    return lambda r, _: not {EDGE + i for i in edge_ids} & set(ids(r))


def some(r: SearchResults, _: Corpus) -> bool:
    return r.total > 0


def none(r: SearchResults, _: Corpus) -> bool:
    return r.total == 0 and r.hits == []


def everything(r: SearchResults, c: Corpus) -> bool:
    return r.total == len(c.documents)


def _metres(origin: LatLng, doc: ListingDocument) -> float:
    return geodesic_m(origin, LatLng(doc.lat, doc.lng))


def _vertical(d: ListingDocument) -> list[str]:
    return [str(d.vertical)]


def _district(d: ListingDocument) -> list[str]:
    return [d.district] if d.district else []


ALL_FACETS = tuple(Facet)

CASES: list[Case] = [
    # Chinese: two-character words inside longer names, phrases, single characters
    Case("zh_noodle_shop", q(text="面馆"), has(4)),
    Case("zh_tutor", q(text="家教"), has(2)),
    Case("zh_maternity_nurse", q(text="月嫂"), has(1)),
    Case("zh_cleaning", q(text="保洁"), has(7)),
    Case("zh_longer_phrase", q(text="银丝面馆"), has(4)),
    Case("zh_single_character", q(text="面"), has(4)),
    Case("zh_nothing", q(text="火星快递"), none),
    Case("zh_and_english", q(text="面馆 noodles"), has(4)),
    # English words, typos, prefixes
    Case("en_word", q(text="noodles"), has(4)),
    Case("en_two_words", q(text="maternity nurses"), has(1)),
    Case("en_full_width_upper_case", q(text="ＮＯＯＤＬＥＳ"), has(4)),
    Case("typo_transposition", q(text="noodels"), has(4)),
    Case("typo_deletion", q(text="maternty nurses"), has(1)),
    Case("typo_two_edits_nine_letters", q(text="matrenitx"), has(1)),
    Case("typo_deletion_long_word", q(text="champin tutoring"), has(2)),
    Case("typo_insertion_long_word", q(text="maternnity"), has(1)),
    Case("typo_two_substitutions", q(text="matirnety"), has(1)),
    Case("typo_three_edits_refused", q(text="hoisekeepimgs", page_size=100), none),
    Case("typo_five_letters", q(text="braed", page_size=100)),
    Case("typo_refused_in_four_letters", q(text="fsih market"), lacks(3)),
    Case("four_letters_exact", q(text="fish"), has(3)),
    Case("prefix_last_word", q(text="nood"), has(4)),
    Case("prefix_not_for_earlier_words", q(text="nood silver"), lacks(4)),
    Case("exact_before_typo", q(text="cleaning", origin=CENTRE), some),
    Case("empty_text_is_everything", q(), everything),
    # filters
    Case("vertical", q(verticals=(Vertical.RESTAURANT,), page_size=100), has(4)),
    Case("two_verticals", q(verticals=(Vertical.TUTORING, Vertical.SHOP)), lacks(4)),
    Case("category", lambda c: SearchQuery(categories=(c.most_common(lambda d: [d.category]),))),
    Case("tag", lambda c: SearchQuery(tags=(c.most_common(lambda d: list(d.tags)),)), some),
    Case("two_tags", lambda c: SearchQuery(tags=c.tag_pair()), some),
    Case("price_min", q(price_min=5000), lacks(3)),
    Case("price_max", q(price_max=1800, page_size=100), some),
    Case("price_range", q(price_min=1800, price_max=1800), has(4, 5, 6)),
    Case("min_rating", q(min_rating=4.5, text="月嫂"), has(1)),
    Case("open_monday_morning", q(open_at=600, text="保洁"), has(7)),
    Case("open_sunday_night", q(open_at=10_079, page_size=100), has(7)),
    Case(
        "text_and_filters",
        q(text="面馆", verticals=(Vertical.RESTAURANT,), min_rating=3.5, price_max=100_000),
        has(4),
    ),
    # geography
    Case("radius", q(geo=Radius(center=CENTRE, metres=2000), page_size=100), some),
    Case("radius_small", q(geo=Radius(center=CENTRE, metres=50)), has(4)),
    Case(
        "radius_whole_city_by_distance",
        q(geo=Radius(center=CENTRE, metres=30_000), sort=SortBy.DISTANCE),
        some,
    ),
    Case(
        "bounding_box",
        q(
            geo=BoundingBox(south_west=LatLng(31.75, 119.93), north_east=LatLng(31.80, 119.99)),
            page_size=100,
        ),
        some,
    ),
    Case(
        "bounding_box_of_a_point",
        q(geo=BoundingBox(south_west=LatLng(31.79, 119.95), north_east=LatLng(31.79, 119.95))),
        lambda r, _: ids(r) == [EDGE + 5, EDGE + 6],
    ),
    Case("district", lambda c: SearchQuery(geo=InDistrict(slug=c.most_common(_district))), some),
    Case("district_unknown", q(geo=InDistrict(slug="atlantis")), none),
    Case("serves_point", lambda c: SearchQuery(geo=ServesPoint(point=c.served_point())), some),
    Case(
        "serves_remote_point",
        q(geo=ServesPoint(point=LatLng(31.41, 119.41))),
        lambda r, _: ids(r) == [EDGE + 7],
    ),
    Case("serves_nowhere", q(geo=ServesPoint(point=LatLng(31.0, 121.0))), none),
    # sorts
    Case("sort_distance_from_origin", q(origin=CENTRE, sort=SortBy.DISTANCE, page_size=50)),
    Case("sort_rating", q(sort=SortBy.RATING, page_size=100)),
    Case("sort_price_asc", q(sort=SortBy.PRICE_ASC, page_size=100)),
    Case("sort_price_desc", q(sort=SortBy.PRICE_DESC, page_size=100)),
    Case("relevance_ties_by_distance", q(text="point", origin=CENTRE), has(5, 6)),
    Case("relevance_with_typos_mixed", q(text="cleening", page_size=100), some),
    # facets
    Case(
        "facets_everything",
        q(facets=ALL_FACETS, page_size=1),
        lambda r, c: sum(r.facets["vertical"].values()) == len(c.documents),
    ),
    Case("facets_with_text_on_page_two", q(text="保洁", facets=ALL_FACETS, page=2, page_size=3)),
    Case(
        "facets_with_geo",
        lambda c: SearchQuery(
            geo=Radius(center=CENTRE, metres=3000), facets=(Facet.DISTRICT, Facet.TAGS)
        ),
    ),
    # opening hours on and around block edges, over the week's end
    *(
        Case(f"open_at_{m}", q(open_at=m, page_size=100, sort=SortBy.RATING))
        for m in (0, 6, 7, 598, 599, 600, 601, 1438, 1439, 1440, 1441, 10_072, 10_073, 10_079)
    ),
    Case("open_at_in_a_two_minute_range", q(open_at=600, text="night"), has(11)),
    Case("closed_just_after", q(open_at=601, text="night"), lacks(11)),
    # radius boundaries: a listing exactly on the circle is inside
    Case(
        "radius_through_a_listing",
        lambda c: SearchQuery(
            geo=Radius(center=CENTRE, metres=_metres(CENTRE, c.doc(EDGE + 12))),
            sort=SortBy.DISTANCE,
            page_size=100,
        ),
        has(12),
    ),
    Case(
        "radius_just_short_of_a_listing",
        lambda c: SearchQuery(
            geo=Radius(center=CENTRE, metres=_metres(CENTRE, c.doc(EDGE + 12)) - 1e-6),
            sort=SortBy.DISTANCE,
            page_size=100,
        ),
        lacks(12),
    ),
    Case(
        "radius_large_by_rating",
        q(geo=Radius(center=CENTRE, metres=20_000), sort=SortBy.RATING, facets=ALL_FACETS),
    ),
    Case(
        "radius_large_by_price",
        q(geo=Radius(center=CENTRE, metres=20_000), sort=SortBy.PRICE_DESC, page=3, page_size=7),
    ),
    Case(
        "radius_typo_relevance",
        q(
            text="cleening",
            geo=Radius(center=CENTRE, metres=15_000),
            page_size=100,
            facets=ALL_FACETS,
        ),
    ),
    # sorted pages: ties on the packed keys, no value last, paging across them
    *(
        Case(f"paged_{sort.value}_{page}", q(sort=sort, page=page, page_size=5, origin=CENTRE))
        for sort in SortBy
        for page in (1, 2, 3, 30, 31, 32)
    ),
    Case("rating_ties_by_count_then_id", q(sort=SortBy.RATING, text="店", page_size=100)),
    Case("price_none_last", q(sort=SortBy.PRICE_ASC, page=1000, page_size=1)),
    Case("typo_words_sorted_by_price", q(text="cleening", sort=SortBy.PRICE_ASC, page_size=100)),
    Case("prefix_by_relevance_paged", q(text="sh", page=2, page_size=7)),
    Case("prefix_from_a_point_paged", q(text="sh", origin=CENTRE, page=2, page_size=7)),
    # facets count a repeated tag as the reference does, for a listing on a circle's edge too
    Case(
        "facets_repeated_tag",
        q(text="night", facets=ALL_FACETS),
        lambda r, _: r.facets["tags"].get("late_night", 0) >= 2,
    ),
    Case(
        "facets_edge_of_circle",
        lambda c: SearchQuery(
            geo=Radius(center=CENTRE, metres=_metres(CENTRE, c.doc(EDGE + 11))), facets=ALL_FACETS
        ),
    ),
    Case(
        "serves_with_facets",
        lambda c: SearchQuery(
            geo=ServesPoint(point=c.served_point()), facets=ALL_FACETS, sort=SortBy.RATING
        ),
    ),
    # pagination
    Case("page_size_one", q(page_size=1), lambda r, c: len(r.hits) == 1),
    Case(
        "last_page",
        lambda c: SearchQuery(page=math.ceil(len(c.documents) / 7), page_size=7),
        lambda r, c: 1 <= len(r.hits) <= 7,
    ),
    Case("beyond_the_end", q(page=1000, page_size=10), lambda r, c: not r.hits and r.total > 0),
    Case("largest_page", q(page_size=100, origin=CENTRE)),
]


async def compare(
    engine: SearchEngine, reference: ReferenceEngine, query: SearchQuery
) -> SearchResults:
    """The engine's answer must be the reference's; returns the reference's."""
    got, want = await engine.search(query), await reference.search(query)
    assert ids(got) == ids(want), f"ids differ for {query!r}"
    assert got.total == want.total, f"totals differ for {query!r}"
    assert got.facets == want.facets, f"facets differ for {query!r}"
    for g, w in zip(got.hits, want.hits, strict=True):
        if w.distance_m is None:
            assert g.distance_m is None
        else:
            assert g.distance_m is not None and abs(g.distance_m - w.distance_m) <= 1.0
    return want


async def run_case(case: Case, engine: SearchEngine, reference: ReferenceEngine, c: Corpus) -> None:
    want = await compare(engine, reference, case.query(c))
    if case.check is not None:
        assert case.check(want, c), f"{case.name}: the reference's answer is not the expected one"


# --- writes becoming visible ---------------------------------------------------------------------


async def _both(engines: tuple[SearchEngine, ReferenceEngine], verb: str, arg: Any) -> None:
    for engine in engines:
        await getattr(engine, verb)(*([] if arg is None else [arg]))


async def _renamed(engines: tuple[SearchEngine, ReferenceEngine], c: Corpus) -> None:
    noodles = c.doc(EDGE + 4)
    await _both(
        engines, "upsert", [replace(noodles, name={"zh-CN": "桂花馄饨铺", "en": "Zanzibar"})]
    )
    after = await compare(*engines, SearchQuery(text="zanzibar"))
    assert ids(after) == [EDGE + 4]
    assert EDGE + 4 not in ids(await compare(*engines, SearchQuery(text="银丝面馆")))
    assert EDGE + 4 in ids(await compare(*engines, SearchQuery(text="桂花馄饨铺", page_size=100)))


async def _deleted(engines: tuple[SearchEngine, ReferenceEngine], c: Corpus) -> None:
    await _both(engines, "delete", [EDGE + 1, 123_456_789])  # an unknown id is no error
    assert EDGE + 1 not in ids(await compare(*engines, SearchQuery(text="月嫂")))
    assert (await compare(*engines, SearchQuery())).total == len(c.documents) - 1
    assert await engines[0].count() == len(c.documents) - 1


async def _added_and_moved(engines: tuple[SearchEngine, ReferenceEngine], c: Corpus) -> None:
    moved = replace(c.doc(EDGE + 3), lat=31.41, lng=119.41, price_from=99)
    new = replace(c.doc(EDGE + 7), id=EDGE + 8, tags=("new",))
    await _both(engines, "upsert", [moved, new])
    near = SearchQuery(geo=Radius(center=LatLng(31.41, 119.41), metres=5000), sort=SortBy.DISTANCE)
    assert ids(await compare(*engines, near)) == [EDGE + 3, EDGE + 7, EDGE + 8]
    assert ids(await compare(*engines, SearchQuery(tags=("new",)))) == [EDGE + 8]
    assert await engines[0].count() == len(c.documents) + 1


async def _cleared(engines: tuple[SearchEngine, ReferenceEngine], c: Corpus) -> None:
    await _both(engines, "clear", None)
    assert await engines[0].count() == 0
    assert (await compare(*engines, SearchQuery(text="面馆", facets=ALL_FACETS))).total == 0
    await _both(engines, "upsert", c.documents[:3])
    assert (await compare(*engines, SearchQuery())).total == 3


Mutation = Callable[[tuple[SearchEngine, ReferenceEngine], Corpus], Any]

MUTATIONS: dict[str, Mutation] = {
    "upsert_changed_name": _renamed,
    "delete_documents": _deleted,
    "upsert_new_and_moved": _added_and_moved,
    "clear_then_refill": _cleared,
}
