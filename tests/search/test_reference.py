"""The reference engine against answers worked out by hand on tiny documents."""

from __future__ import annotations

from shapely.geometry import box

from geo.coords import LatLng
from listings.types import Vertical
from search.documents import ListingDocument
from search.interfaces import (
    BoundingBox,
    Facet,
    InDistrict,
    Radius,
    SearchQuery,
    ServesPoint,
    SortBy,
)
from search.reference import ReferenceEngine


def doc(
    id: int,
    name: str,
    *,
    vertical: Vertical = Vertical.RESTAURANT,
    lat: float = 31.78,
    lng: float = 119.95,
    price: int | None = None,
    rating: float | None = None,
    rating_count: int = 0,
    tags: tuple[str, ...] = (),
    district: str | None = None,
    open_minutes: tuple[tuple[int, int], ...] = (),
    area: tuple[float, float, float, float] | None = None,
) -> ListingDocument:
    return ListingDocument(
        id=id,
        vertical=vertical,
        category="misc",
        district=district,
        tags=tags,
        name={"zh-CN": name},
        description={},
        category_name={},
        offering_names=(),
        lat=lat,
        lng=lng,
        service_area=None if area is None else box(*area),
        price_from=price,
        price_to=price,
        rating_avg=rating,
        rating_count=rating_count,
        open_minutes=open_minutes,
    )


async def ids(engine: ReferenceEngine, **query: object) -> list[int]:
    results = await engine.search(SearchQuery(**query))  # type: ignore[arg-type]
    return [h.listing_id for h in results.hits]


async def test_chinese_words_inside_longer_names_and_every_term_required() -> None:
    engine = ReferenceEngine()
    await engine.upsert([doc(1, "老字号银丝面馆"), doc(2, "金牌月嫂服务"), doc(3, "面包店")])
    assert await ids(engine, text="面馆") == [1]
    assert await ids(engine, text="月嫂") == [2]
    assert await ids(engine, text="面") == [1, 3]
    assert await ids(engine, text="面馆 月嫂") == []
    assert await ids(engine, text="") == [1, 2, 3]


async def test_typos_by_word_length_and_prefix_of_the_last_word_only() -> None:
    engine = ReferenceEngine()
    await engine.upsert([doc(1, "Silver noodles"), doc(2, "Fish house"), doc(3, "Noodle bar")])
    assert await ids(engine, text="noodels") == [1]  # 7 letters: one transposition allowed
    assert await ids(engine, text="fsih") == []  # 4 letters: no typo
    assert await ids(engine, text="hou") == [2]  # prefix of the last word
    assert await ids(engine, text="hou fish") == []  # ...but not of an earlier one
    # exact before prefix: "noodle" is exact in 3 and a prefix of "noodles" in 1
    assert await ids(engine, text="noodle") == [3, 1]


async def test_filters_and_geo_shapes() -> None:
    engine = ReferenceEngine()
    await engine.upsert(
        [
            doc(1, "甲", price=1000, rating=4.5, tags=("a", "b"), district="x",
                open_minutes=((0, 600),), area=(119.9, 31.7, 120.0, 31.8)),
            doc(2, "乙", price=3000, rating=3.0, tags=("a",), lat=31.79, lng=119.96,
                open_minutes=((600, 1200),)),
            doc(3, "丙", lat=31.90, lng=120.10),
        ]
    )  # fmt: skip
    assert await ids(engine, price_min=1000, price_max=1000) == [1]
    assert await ids(engine, price_max=5000) == [1, 2]  # no price never matches a price filter
    assert await ids(engine, min_rating=3.0) == [1, 2]
    assert await ids(engine, tags=("a", "b")) == [1]
    assert await ids(engine, open_at=600) == [2]  # ranges are half open
    assert await ids(engine, open_at=599) == [1]
    centre = LatLng(31.78, 119.95)
    # 1 is at the centre, 2 about 1.46 km away, 3 about 20 km
    assert await ids(engine, geo=Radius(center=centre, metres=1500)) == [1, 2]
    assert await ids(engine, geo=Radius(center=centre, metres=1000)) == [1]
    corner = BoundingBox(south_west=LatLng(31.78, 119.95), north_east=LatLng(31.79, 119.96))
    assert await ids(engine, geo=corner) == [1, 2]  # inclusive edges
    assert await ids(engine, geo=InDistrict(slug="x")) == [1]
    assert await ids(engine, geo=ServesPoint(point=LatLng(31.75, 119.91))) == [1]
    assert await ids(engine, geo=ServesPoint(point=LatLng(31.85, 119.91))) == []


async def test_sorts_pages_and_facets() -> None:
    engine = ReferenceEngine()
    await engine.upsert(
        [
            doc(1, "店", price=2000, rating=4.0, rating_count=5, tags=("a",), lat=31.80),
            doc(2, "店", price=1000, rating=4.0, rating_count=9, tags=("a", "b"), lat=31.79),
            doc(3, "店", price=None, rating=None, lat=31.781),
        ]
    )
    origin = LatLng(31.78, 119.95)
    assert await ids(engine, sort=SortBy.DISTANCE, origin=origin) == [3, 2, 1]
    assert await ids(engine, sort=SortBy.RATING) == [2, 1, 3]
    assert await ids(engine, sort=SortBy.PRICE_ASC) == [2, 1, 3]
    assert await ids(engine, sort=SortBy.PRICE_DESC) == [1, 2, 3]
    assert await ids(engine, sort=SortBy.PRICE_ASC, page=2, page_size=2) == [3]
    beyond = await engine.search(SearchQuery(page=3, page_size=2, facets=(Facet.TAGS,)))
    assert beyond.hits == [] and beyond.total == 3
    assert beyond.facets == {"tags": {"a": 2, "b": 1}}
    near = await engine.search(SearchQuery(origin=origin, page_size=1))
    assert near.hits[0].distance_m is not None and 100 < near.hits[0].distance_m < 120
    await engine.delete([2])
    assert await ids(engine) == [1, 3] and await engine.count() == 2
