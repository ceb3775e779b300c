"""The demo catalogue, generated without a database: deterministic, complete and well-formed."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon

from geo.coords import LatLng
from listings.service_area import radius_area
from listings.types import OfferingKind, Vertical
from marketplace.city import Category, City
from marketplace.demo import DEFAULT_SEED
from marketplace.demo.catalog import (
    DAYS,
    DemoError,
    DemoListing,
    generate_catalog,
    price,
    short_place_name,
    vertical_counts,
)

DEMO_SOURCES = Path(__file__).resolve().parents[2] / "marketplace" / "demo"
HHMM = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
GEOD = Geod(ellps="WGS84")
KIND = {
    Vertical.RESTAURANT: OfferingKind.DISH,
    Vertical.HOUSEKEEPING: OfferingKind.SERVICE,
    Vertical.TUTORING: OfferingKind.LESSON,
    Vertical.SHOP: OfferingKind.PRODUCT,
}


def canonical(catalog: list[DemoListing]) -> str:
    """Every field as text, geometry as WKB: equal strings mean byte-for-byte equal data."""

    def one(item: DemoListing) -> dict[str, Any]:
        data = dict(item.__dict__)
        data["point"] = [item.point.lat, item.point.lng]
        data["service_area"] = item.service_area.wkb_hex if item.service_area else None
        data["offerings"] = [o.__dict__ for o in item.offerings]
        return data

    return json.dumps([one(i) for i in catalog], ensure_ascii=False, sort_keys=True, default=str)


@pytest.fixture(scope="module")
def catalog(city: City) -> list[DemoListing]:
    return generate_catalog(city)


def needs_area(item: DemoListing) -> bool:
    if item.vertical is Vertical.HOUSEKEEPING:
        return True
    if item.vertical is Vertical.TUTORING:
        return "at_home" in item.attributes["formats"]
    return item.vertical is Vertical.SHOP and item.attributes["delivery"]


class TestDeterminism:
    def test_same_seed_same_catalogue(self, city: City, catalog: list[DemoListing]) -> None:
        assert canonical(generate_catalog(city, 600, DEFAULT_SEED)) == canonical(catalog)

    def test_another_seed_another_catalogue(self, city: City, catalog: list[DemoListing]) -> None:
        other = generate_catalog(city, 600, DEFAULT_SEED + 1)
        assert canonical(other) != canonical(catalog)
        assert [i.point for i in other] != [i.point for i in catalog]

    def test_external_ids_are_numbered(self, catalog: list[DemoListing]) -> None:
        assert [i.external_id for i in catalog] == [f"demo-{n:04d}" for n in range(1, 601)]


class TestCoverage:
    def test_default_size_and_shares(self, catalog: list[DemoListing]) -> None:
        assert len(catalog) == 600
        counts = Counter(i.vertical for i in catalog)
        assert counts == {
            Vertical.RESTAURANT: 240,
            Vertical.HOUSEKEEPING: 120,
            Vertical.TUTORING: 90,
            Vertical.SHOP: 150,
        }

    @pytest.mark.parametrize("count", [7, 601, 1003])
    def test_shares_add_up(self, count: int) -> None:
        counts = vertical_counts(count)
        assert sum(counts.values()) == count
        assert counts[Vertical.RESTAURANT] >= counts[Vertical.SHOP] >= counts[Vertical.TUTORING]

    @pytest.mark.parametrize("count", [60, 600])
    def test_every_category_and_district(self, city: City, count: int) -> None:
        items = generate_catalog(city, count, 7)
        wanted = {(v, c.slug) for v, cats in city.categories.items() for c in cats}
        assert {(i.vertical, i.category) for i in items} == wanted
        assert {i.district for i in items} == {d.slug for d in city.area.districts}

    def test_urban_districts_get_more(self, city: City, catalog: list[DemoListing]) -> None:
        landmarks = Counter(lm.district for lm in city.landmarks)
        by_district = Counter(i.district for i in catalog)
        most = max(city.area.districts, key=lambda d: landmarks[d.slug])
        fewest = min(city.area.districts, key=lambda d: landmarks[d.slug])
        assert by_district[most.slug] > 1.5 * by_district[fewest.slug]


class TestPlaces:
    def test_points_inside_their_district_and_the_city(
        self, city: City, catalog: list[DemoListing]
    ) -> None:
        for item in catalog:
            assert city.area.contains(item.point), item.external_id
            district = city.area.district(item.district)
            assert district is not None
            assert district.polygon.covers(item.point.to_point()), item.external_id
            assert city.area.district_at(item.point) is district

    def test_restaurants_cluster_near_landmarks_and_centre(
        self, city: City, catalog: list[DemoListing]
    ) -> None:
        anchors = [city.center, *(lm.point for lm in city.landmarks)]

        def nearest_m(p: LatLng) -> float:
            return min(GEOD.inv(p.lng, p.lat, a.lng, a.lat)[2] for a in anchors)

        restaurants = [i for i in catalog if i.vertical is Vertical.RESTAURANT]
        near = sum(nearest_m(i.point) < 4000 for i in restaurants)
        assert near > 0.65 * len(restaurants)

    def test_service_areas(self, city: City, catalog: list[DemoListing]) -> None:
        with_area = [i for i in catalog if i.service_area is not None]
        assert [i.external_id for i in with_area] == [
            i.external_id for i in catalog if needs_area(i)
        ]
        assert {i.vertical for i in with_area} == {
            Vertical.HOUSEKEEPING,
            Vertical.TUTORING,
            Vertical.SHOP,
        }
        tolerance = city.area.boundary.buffer(1e-9)
        for item in with_area:
            area = item.service_area
            assert isinstance(area, Polygon) and area.is_valid, item.external_id
            assert area.covers(item.point.to_point()), item.external_id
            assert tolerance.covers(area), item.external_id
            radius = item.attributes.get("service_radius_m") or item.attributes["delivery_radius_m"]
            assert 3000 <= radius <= 8000
            reach = max(
                GEOD.inv(item.point.lng, item.point.lat, lng, lat)[2]
                for lng, lat in area.exterior.coords
            )
            assert reach <= radius + 1, item.external_id

    def test_a_circle_near_the_edge_is_clipped(self, city: City) -> None:
        west, _, _, _ = city.area.boundary.bounds
        # walk east from the boundary's western extreme until a point is inside the city
        lat = city.center.lat
        inside = next(
            LatLng(lat, west + k * 0.005)
            for k in range(1, 400)
            if city.area.contains(LatLng(lat, west + k * 0.005))
        )
        area = radius_area(city, inside, 8000).polygon
        full = radius_area(city, city.center, 8000).polygon
        assert area.area < 0.9 * full.area
        assert shapely.is_ccw(area.exterior)  # GeoJSON (RFC 7946) winding


class TestText:
    def test_every_text_in_every_locale(self, city: City, catalog: list[DemoListing]) -> None:
        locales = set(city.locales)
        for item in catalog:
            for texts in (item.name, item.description, item.address):
                assert set(texts) == locales, item.external_id
                assert all(t.strip() and "{" not in t for t in texts.values()), texts
            for offering in item.offerings:
                assert set(offering.name) == locales
                assert all(t.strip() for t in offering.name.values())

    def test_languages_differ(self, catalog: list[DemoListing]) -> None:
        cjk = re.compile(r"[\u4e00-\u9fff]")
        for item in catalog:
            assert cjk.search(item.name["zh-CN"]), item.name
            assert not cjk.search(item.name["en"]), item.name
            assert not cjk.search(item.address["en"]), item.address

    def test_no_duplicate_name_in_a_district(self, catalog: list[DemoListing]) -> None:
        for locale in ("zh-CN", "en"):
            pairs = Counter((i.name[locale], i.district) for i in catalog)
            assert pairs.most_common(1)[0][1] == 1, pairs.most_common(3)

    def test_addresses_name_the_district(self, city: City, catalog: list[DemoListing]) -> None:
        for item in catalog:
            district = city.area.district(item.district)
            assert district is not None
            for locale in city.locales:
                assert district.name[locale] in item.address[locale]
            assert re.search(r"\d+号$", item.address["zh-CN"]), item.address

    def test_short_place_names(self) -> None:
        short = short_place_name({"zh-CN": "东湖区", "en": "Donghu District", "fr": "Est"})
        assert short == {"zh-CN": "东湖", "en": "Donghu", "fr": "Est"}
        assert short_place_name({"zh-CN": "市", "en": " City"})["zh-CN"] == "市"

    def test_code_names_no_city(self, city: City) -> None:
        forbidden = {city.slug, *city.name.values(), *(lm.name["en"] for lm in city.landmarks)}
        for path in DEMO_SOURCES.glob("*.py"):
            text = path.read_text(encoding="utf-8")
            for word in forbidden:
                assert word.lower() not in text.lower(), f"{path.name} mentions {word}"


class TestNumbers:
    def test_prices_are_positive_integers(self, city: City, catalog: list[DemoListing]) -> None:
        scale = 10**city.minor_units
        for item in catalog:
            assert 2 <= len(item.offerings) <= 8, item.external_id
            for offering in item.offerings:
                assert type(offering.price) is int and offering.price > 0
                assert offering.price % (scale // 2) == 0, offering  # whole or half units
                assert offering.kind is KIND[item.vertical]
                if offering.kind is OfferingKind.DISH:
                    assert 8 * scale <= offering.price <= 168 * scale

    def test_price_rounding(self) -> None:
        from random import Random

        rng = Random(1)
        assert all(price(rng, 12800, 100) % 10_000 == 0 for _ in range(50))  # to 100 units
        assert all(price(rng, 300, 100) % 1000 == 0 for _ in range(50))  # to 10 units
        assert all(price(rng, 9, 1) >= 1 for _ in range(50))  # no halves without minor units
        assert price(rng, 120, 100, jitter=False) == 12000

    def test_services_lessons_products(self, catalog: list[DemoListing]) -> None:
        stocks: list[int] = []
        for item in catalog:
            for offering in item.offerings:
                if offering.kind is OfferingKind.SERVICE:
                    assert offering.duration_min is not None and offering.duration_min > 0
                elif offering.kind is OfferingKind.LESSON:
                    assert offering.duration_min is not None
                    assert 45 <= offering.duration_min <= 120
                elif offering.kind is OfferingKind.PRODUCT:
                    assert offering.stock is not None and 0 <= offering.stock <= 200
                    stocks.append(offering.stock)
                else:
                    assert offering.stock is None and offering.duration_min is None
            if item.vertical is Vertical.TUTORING:
                trials = [o for o in item.offerings if o.attributes.get("trial")]
                assert len(trials) == int(item.attributes["trial_lesson"])
        assert 0 < stocks.count(0) < 0.2 * len(stocks)
        tutors = [i for i in catalog if i.vertical is Vertical.TUTORING]
        assert sum(i.attributes["trial_lesson"] for i in tutors) > 0.7 * len(tutors)

    def test_ratings(self, catalog: list[DemoListing]) -> None:
        unrated = [i for i in catalog if i.rating_count == 0]
        assert 0 < len(unrated) < 0.1 * len(catalog)
        assert all(i.rating_avg is None for i in unrated)
        for item in catalog:
            if item.rating_count:
                assert item.rating_avg is not None and 3.5 <= item.rating_avg <= 5.0
                assert round(item.rating_avg, 1) == item.rating_avg
                assert 1 <= item.rating_count <= 2000

    def test_attributes_per_vertical(self, city: City, catalog: list[DemoListing]) -> None:
        scale = 10**city.minor_units
        for item in catalog:
            a = item.attributes
            if item.vertical is Vertical.RESTAURANT:
                assert isinstance(a["cuisine"], str) and a["seats"] > 0
                assert type(a["avg_price_per_person"]) is int
                assert a["avg_price_per_person"] % scale == 0
            elif item.vertical is Vertical.HOUSEKEEPING:
                assert a["min_notice_hours"] > 0 and a["service_radius_m"] > 0
            elif item.vertical is Vertical.TUTORING:
                assert a["subjects"] and a["grades"]
                assert a["formats"] and set(a["formats"]) <= {"at_home", "at_centre", "online"}
                assert isinstance(a["trial_lesson"], bool)
            else:
                assert isinstance(a["pickup"], bool) and isinstance(a["delivery"], bool)
                assert a["pickup"] or a["delivery"]
            assert item.tags and all(re.fullmatch(r"[a-z0-9_]+", t) for t in item.tags)

    def test_hours_well_formed(self, catalog: list[DemoListing]) -> None:
        overnight = 0
        for item in catalog:
            assert tuple(item.weekly_hours) == DAYS
            assert any(item.weekly_hours.values()), item.external_id
            for ranges in item.weekly_hours.values():
                for start, end in ranges:
                    assert HHMM.fullmatch(start), start
                    assert HHMM.fullmatch(end) or end == "24:00", end
                    assert start != end
                    overnight += start > end
            if item.vertical is Vertical.HOUSEKEEPING:
                assert item.weekly_hours["sat"] and item.weekly_hours["mon"]
        assert overnight > 0  # late-night barbecue crosses midnight


class TestOtherCities:
    def test_a_category_without_a_pool_uses_its_own_name(self, city: City) -> None:
        karaoke = Category(slug="karaoke", name={"zh-CN": "练歌房", "en": "Karaoke"})
        categories = dict(city.categories)
        categories[Vertical.RESTAURANT] = (karaoke,)
        other = city.model_copy(update={"categories": categories})
        items = [i for i in generate_catalog(other, 80, 3) if i.category == "karaoke"]
        assert len(items) == 32
        assert all("练歌房" in i.name["zh-CN"] and "Karaoke" in i.name["en"] for i in items)

    def test_a_currency_without_minor_units(self, city: City) -> None:
        other = city.model_copy(update={"currency": "JPY"})
        assert other.minor_units == 0
        items = generate_catalog(other, 60, 5)
        dishes = [o for i in items for o in i.offerings if o.kind is OfferingKind.DISH]
        assert dishes and all(8 <= o.price <= 168 for o in dishes)

    def test_count_must_be_positive(self, city: City) -> None:
        with pytest.raises(DemoError):
            generate_catalog(city, 0)
