"""The Meilisearch engine's search bodies for every kind of query, and how answers become results.

The server is `tests.search.meili_fake`: answers shaped like Meilisearch's documented responses,
not a Meilisearch; the hits it returns are scripted here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from shapely.geometry import box

from geo.coords import LatLng
from geo.distance import bounding_box, geodesic_m
from listings.types import Vertical
from search.interfaces import (
    BoundingBox,
    Facet,
    InDistrict,
    Radius,
    SearchQuery,
    ServesPoint,
    SortBy,
)
from search.meilisearch_engine import MeilisearchEngine
from search.meilisearch_query import MAX_TOTAL_HITS, to_meili
from search.reference import ReferenceEngine
from tests.search.contract import CENTRE, EDGE, edge_documents
from tests.search.meili_fake import INDEX, KEY, URL, FakeMeili

SEARCH = f"/indexes/{INDEX}/search"
NATIVE = {"page": 1, "hitsPerPage": 20, "attributesToRetrieve": ["id", "_geo"]}
REFINED = {"offset": 0, "limit": MAX_TOTAL_HITS, "attributesToRetrieve": ["id", "doc"]}


@pytest.fixture
def fake() -> FakeMeili:
    return FakeMeili(
        search_answer={
            "hits": [],
            "query": "",
            "processingTimeMs": 0,
            "hitsPerPage": 20,
            "page": 1,
            "totalPages": 0,
            "totalHits": 0,
            "facetDistribution": {},
            "facetStats": {},
        }
    )


@pytest.fixture
async def engine(fake: FakeMeili) -> AsyncIterator[MeilisearchEngine]:
    client = fake.client()
    yield MeilisearchEngine(URL, KEY, INDEX, client=client)
    await client.aclose()


async def body_of(engine: MeilisearchEngine, fake: FakeMeili, **fields: Any) -> dict[str, Any]:
    await engine.search(SearchQuery(**fields))
    last = fake.requests[-1]
    assert (last.method, last.path, last.authorization) == ("POST", SEARCH, f"Bearer {KEY}")
    return dict(last.body)


def native(**extra: Any) -> dict[str, Any]:
    # without text every match ranks the same: the reference's tie-break, the id
    return {"q": "", "matchingStrategy": "all", "sort": ["id:asc"], **NATIVE, **extra}


def refined(**extra: Any) -> dict[str, Any]:
    return {"q": "", "matchingStrategy": "all", "sort": ["id:asc"], **extra, **REFINED}


def near(point: LatLng) -> list[str]:
    return [f"_geoPoint({point.lat}, {point.lng}):asc", "id:asc"]


@pytest.mark.parametrize(
    ("text", "q"),
    [
        ("月嫂", "月嫂"),  # a word jieba does not know, joined again from its characters
        ("小笼包", "小笼 笼包"),  # a word is required as all of its bigrams
        ("面", "面"),
        ("Golden  MATERNITY", "golden maternity"),
        ("ＮＯＯＤＬＥＳ 面馆", "noodles 面馆"),  # full-width letters are ASCII
    ],
)
async def test_text_is_sent_as_the_shared_tokens(
    engine: MeilisearchEngine, fake: FakeMeili, text: str, q: str
) -> None:
    # every candidate comes back, and the reference's rules decide and order them
    assert await body_of(engine, fake, text=text) == refined(q=q)
    rating = ["rating_avg:desc", "rating_count:desc", "id:asc"]
    assert await body_of(engine, fake, text=text, sort=SortBy.RATING) == refined(q=q, sort=rating)


async def test_browsing_without_text_is_nearest_first_when_there_is_a_point(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    assert await body_of(engine, fake) == native()
    assert await body_of(engine, fake, origin=CENTRE) == native(sort=near(CENTRE))


async def test_every_filter(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    body = await body_of(
        engine, fake,
        verticals=(Vertical.RESTAURANT, Vertical.SHOP), categories=("noodles", 'say "hi"'),
        tags=("math", "一对一"), price_min=100, price_max=5000, min_rating=4,
    )  # fmt: skip
    assert body == native(
        filter=[
            'vertical IN ["restaurant", "shop"]',
            'category IN ["noodles", "say \\"hi\\""]',
            'tags = "math"',
            'tags = "一对一"',
            "price_from >= 100",
            "price_from <= 5000",
            "rating_avg >= 4.0",
        ]
    )


async def test_district_and_bounding_box(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    assert await body_of(engine, fake, geo=InDistrict(slug="tianning")) == native(
        filter=['district = "tianning"']
    )
    area = BoundingBox(south_west=LatLng(31.7, 119.9), north_east=LatLng(31.8, 120.0))
    # [north-east], [south-west], widened: Meilisearch's box also matches service areas
    assert await body_of(engine, fake, geo=area) == refined(
        filter=["_geoBoundingBox([31.8001, 120.0001], [31.6999, 119.8999])"]
    )


async def test_radius_asks_for_the_padded_box_and_refines(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    body = await body_of(engine, fake, geo=Radius(center=CENTRE, metres=1500))
    sw, ne = bounding_box(CENTRE, 1500)
    pad = 1e-4
    assert body == refined(
        filter=[
            f"_geoBoundingBox([{ne.lat + pad}, {ne.lng + pad}], [{sw.lat - pad}, {sw.lng - pad}])"
        ],
        sort=near(CENTRE),
    )


async def test_serves_point_asks_for_areas_whose_box_holds_it(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    body = await body_of(engine, fake, geo=ServesPoint(point=LatLng(31.4, 119.4)))
    assert body == refined(
        filter=[
            f"area_south <= {31.4 + 1e-4}",
            f"area_north >= {31.4 - 1e-4}",
            f"area_west <= {119.4 + 1e-4}",
            f"area_east >= {119.4 - 1e-4}",
        ],
        sort=near(LatLng(31.4, 119.4)),
    )


async def test_open_at_is_refined(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    assert await body_of(engine, fake, open_at=600) == refined()


@pytest.mark.parametrize(
    ("sort", "rules"),
    [
        (SortBy.DISTANCE, [f"_geoPoint({CENTRE.lat}, {CENTRE.lng}):asc", "id:asc"]),
        (SortBy.RATING, ["rating_avg:desc", "rating_count:desc", "id:asc"]),
        (SortBy.PRICE_ASC, ["price_from:asc", "id:asc"]),
        (SortBy.PRICE_DESC, ["price_from:desc", "id:asc"]),
    ],
)
async def test_each_sort(
    engine: MeilisearchEngine, fake: FakeMeili, sort: SortBy, rules: list[str]
) -> None:
    assert await body_of(engine, fake, sort=sort, origin=CENTRE) == native(sort=rules)


async def test_facets_and_paging(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    body = await body_of(engine, fake, facets=(Facet.VERTICAL, Facet.TAGS), page=3, page_size=7)
    assert body == native(page=3, hitsPerPage=7, facets=["vertical", "tags"])


async def test_a_native_answer_becomes_results(engine: MeilisearchEngine, fake: FakeMeili) -> None:
    fake.search_answer = {
        "hits": [
            {"id": 7, "_geo": {"lat": 31.79, "lng": 119.95}, "_geoDistance": 2523},
            {"id": 3, "_geo": {"lat": 31.7787, "lng": 119.9740}, "_geoDistance": 0},
        ],
        "query": "", "processingTimeMs": 1, "hitsPerPage": 2, "page": 2, "totalPages": 3,
        "totalHits": 5, "facetDistribution": {"vertical": {"shop": 4, "restaurant": 1}},
        "facetStats": {},
    }  # fmt: skip
    query = SearchQuery(
        sort=SortBy.DISTANCE, origin=CENTRE, page=2, page_size=2,
        facets=(Facet.VERTICAL, Facet.DISTRICT),
    )  # fmt: skip
    results = await engine.search(query)
    assert [h.listing_id for h in results.hits] == [7, 3]
    # our ellipsoidal metres from `_geo`, not the spherical `_geoDistance`
    assert results.hits[0].distance_m == geodesic_m(CENTRE, LatLng(31.79, 119.95))
    assert results.hits[1].distance_m == 0.0
    assert results.total == 5
    assert results.facets == {"vertical": {"shop": 4, "restaurant": 1}, "district": {}}


async def test_without_a_reference_point_hits_have_no_distance(
    engine: MeilisearchEngine, fake: FakeMeili
) -> None:
    fake.search_answer = {**fake.search_answer, "hits": [{"id": 1}], "totalHits": 1}
    results = await engine.search(SearchQuery())
    assert results.hits[0].distance_m is None and results.total == 1


@pytest.mark.parametrize(
    "query",
    [
        SearchQuery(geo=ServesPoint(point=LatLng(31.44, 119.44)), facets=(Facet.VERTICAL,)),
        SearchQuery(geo=ServesPoint(point=LatLng(31.449, 119.351))),
        SearchQuery(geo=Radius(center=CENTRE, metres=800), sort=SortBy.DISTANCE, page_size=2),
        SearchQuery(open_at=600, facets=(Facet.VERTICAL, Facet.TAGS)),
        SearchQuery(geo=BoundingBox(south_west=CENTRE, north_east=LatLng(31.8, 119.98))),
        SearchQuery(text="twin", page=2, page_size=1),
        # Meilisearch's prefix with a typo lets `noodles` through; our rules refuse it
        SearchQuery(text="noodel", sort=SortBy.RATING, facets=(Facet.VERTICAL,)),
    ],
)
async def test_refined_candidates_are_decided_by_the_reference_rules(
    engine: MeilisearchEngine, fake: FakeMeili, query: SearchQuery
) -> None:
    # candidates a wider filter lets through: an area whose box holds the point but which has
    # a notch where the point is, listings outside the circle, closed listings
    notched = box(119.35, 31.35, 119.45, 31.45).difference(box(119.35, 31.445, 119.355, 31.45))
    documents = edge_documents()
    documents.append(replace(documents[6], id=EDGE + 9, service_area=notched))
    fake.search_answer = {
        "hits": [{"id": d.id, "doc": to_meili(d)["doc"]} for d in documents],
        "query": "", "processingTimeMs": 1, "limit": MAX_TOTAL_HITS, "offset": 0,
        "estimatedTotalHits": len(documents),
    }  # fmt: skip
    reference = ReferenceEngine()
    await reference.upsert(documents)
    got, want = await engine.search(query), await reference.search(query)
    assert [h.listing_id for h in got.hits] == [h.listing_id for h in want.hits]
    assert (got.total, got.facets) == (want.total, want.facets)
    assert [h.distance_m for h in got.hits] == [h.distance_m for h in want.hits]
