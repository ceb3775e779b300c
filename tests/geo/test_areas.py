"""CityArea lookups and reading polygons from GeoJSON with precise problem paths."""

from __future__ import annotations

import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from geo.areas import (
    CityArea,
    District,
    GeoProblem,
    boundary_from_geojson,
    features_of,
    overlapping_pairs,
    pick_name,
    point_from_geojson,
    polygonal_from_geojson,
    share_outside,
)
from geo.coords import LatLng

WEST = District("west", {"fr": "Ouest", "en": "West"}, box(0.0, 0.0, 1.0, 1.0))
EAST = District("east", {"fr": "Est", "en": "East"}, box(1.0, 0.0, 2.0, 1.0))


@pytest.fixture
def area() -> CityArea:
    return CityArea(box(0.0, 0.0, 2.0, 1.0), (WEST, EAST))


def square(lng: float, lat: float, size: float = 1.0) -> list[list[list[float]]]:
    return [
        [[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]
    ]


def read(geometry: object) -> tuple[object, list[GeoProblem]]:
    problems: list[GeoProblem] = []
    return polygonal_from_geojson(geometry, "geometry", problems), problems


class TestCityArea:
    def test_inside_and_outside(self, area: CityArea) -> None:
        assert area.contains(LatLng(0.5, 1.5))
        assert not area.contains(LatLng(1.5, 0.5))
        assert not area.contains(LatLng(0.5, -0.01))

    def test_boundary_points_count_as_inside(self, area: CityArea) -> None:
        assert area.contains(LatLng(1.0, 0.5))  # on the top edge
        assert area.contains(LatLng(0.0, 0.0))  # a corner

    def test_district_at(self, area: CityArea) -> None:
        assert area.district_at(LatLng(0.5, 0.5)) is WEST
        assert area.district_at(LatLng(0.5, 1.5)) is EAST
        assert area.district_at(LatLng(0.5, 2.5)) is None

    def test_shared_edge_goes_to_the_first_listed(self, area: CityArea) -> None:
        assert area.district_at(LatLng(0.5, 1.0)) is WEST
        flipped = CityArea(area.boundary, (EAST, WEST))
        assert flipped.district_at(LatLng(0.5, 1.0)) is EAST

    def test_point_in_boundary_but_in_no_district(self) -> None:
        area = CityArea(box(0.0, 0.0, 3.0, 1.0), (WEST,))
        assert area.contains(LatLng(0.5, 2.5))
        assert area.district_at(LatLng(0.5, 2.5)) is None

    def test_district_by_slug_and_name(self, area: CityArea) -> None:
        assert area.district("east") is EAST
        assert area.district("north") is None
        assert EAST.display_name("en") == "East"
        assert EAST.display_name("de") == "Est"  # unknown locale: the first name

    def test_multipolygon_boundary(self) -> None:
        islands = MultiPolygon([box(0, 0, 1, 1), box(5, 5, 6, 6)])
        area = CityArea(islands)
        assert area.contains(LatLng(5.5, 5.5))
        assert not area.contains(LatLng(3.0, 3.0))
        assert area.district_at(LatLng(5.5, 5.5)) is None

    def test_is_immutable(self, area: CityArea) -> None:
        with pytest.raises(AttributeError):
            area.boundary = box(0, 0, 9, 9)  # type: ignore[misc]


class TestReadingPolygons:
    def test_polygon(self) -> None:
        shape, problems = read({"type": "Polygon", "coordinates": square(119.0, 31.0)})
        assert problems == []
        assert isinstance(shape, Polygon)
        assert shape.bounds == (119.0, 31.0, 120.0, 32.0)  # x is longitude

    def test_multipolygon(self) -> None:
        coords = [square(0, 0), square(3, 3)]
        shape, problems = read({"type": "MultiPolygon", "coordinates": coords})
        assert problems == [] and isinstance(shape, MultiPolygon)

    def test_latitude_out_of_range_names_the_position(self) -> None:
        coords = square(119.0, 31.0)
        coords[0][2] = [120.0, 91.0]
        shape, problems = read({"type": "Polygon", "coordinates": coords})
        assert shape is None
        assert problems == [
            GeoProblem("geometry.coordinates[0][2]", "lat: must be between -90 and 90, got 91")
        ]

    def test_every_bad_position_is_reported(self) -> None:
        coords = square(0.0, 0.0)
        coords[0][1] = [181.0, 0.0]
        coords[0][2] = [1.0, "north"]
        _, problems = read({"type": "Polygon", "coordinates": coords})
        assert [p.field for p in problems] == [
            "geometry.coordinates[0][1]",
            "geometry.coordinates[0][2]",
        ]
        assert problems[0].reason == "lng: must be between -180 and 180, got 181"
        assert problems[1].reason == "lat: must be a number"

    def test_ring_not_closed(self) -> None:
        ring = [*square(0.0, 0.0)[0][:-1], [0.0, 0.5]]
        _, problems = read({"type": "Polygon", "coordinates": [ring]})
        assert problems == [
            GeoProblem(
                "geometry.coordinates[0]",
                "ring is not closed: the last position must equal the first",
            )
        ]

    def test_ring_too_short(self) -> None:
        _, problems = read({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [0, 0]]]})
        assert problems == [
            GeoProblem("geometry.coordinates[0]", "a ring needs at least 4 positions, got 3")
        ]

    def test_bow_tie_is_not_valid(self) -> None:
        bow_tie = [[[0.0, 0.0], [2.0, 2.0], [2.0, 0.0], [0.0, 2.0], [0.0, 0.0]]]
        shape, problems = read({"type": "Polygon", "coordinates": bow_tie})
        assert shape is None
        assert problems == [GeoProblem("geometry", "not valid: Self-intersection[1 1]")]

    def test_wrong_geometry_type(self) -> None:
        _, problems = read({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})
        assert problems == [
            GeoProblem("geometry.type", "must be Polygon or MultiPolygon, got 'LineString'")
        ]


UNIT_SQUARE = {"type": "Polygon", "coordinates": square(0.0, 0.0)}


class TestBoundaryDocuments:
    def test_bare_geometry_feature_and_collection(self) -> None:
        feature = {"type": "Feature", "properties": {}, "geometry": UNIT_SQUARE}
        collection = {"type": "FeatureCollection", "features": [feature]}
        for document in (UNIT_SQUARE, feature, collection):
            problems: list[GeoProblem] = []
            assert boundary_from_geojson(document, problems) is not None
            assert problems == []

    def test_collection_must_hold_one_feature(self) -> None:
        feature = {"type": "Feature", "properties": {}, "geometry": UNIT_SQUARE}
        problems: list[GeoProblem] = []
        document = {"type": "FeatureCollection", "features": [feature, feature]}
        assert boundary_from_geojson(document, problems) is None
        assert problems == [GeoProblem("features", "must hold exactly one feature, got 2")]

    def test_paths_inside_a_collection(self) -> None:
        coords = square(0.0, 0.0)
        coords[0][1] = [1.0, -95.0]
        feature = {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": coords}}
        problems: list[GeoProblem] = []
        boundary_from_geojson({"type": "FeatureCollection", "features": [feature]}, problems)
        assert [p.field for p in problems] == ["features[0].geometry.coordinates[0][1]"]

    def test_features_of_flags_non_features(self) -> None:
        problems: list[GeoProblem] = []
        features = features_of({"type": "FeatureCollection", "features": [{"a": 1}]}, problems)
        assert features == [{}]
        assert problems == [GeoProblem("features[0]", "must be a GeoJSON Feature")]
        problems.clear()
        assert features_of({"type": "Feature"}, problems) == []
        assert problems == [GeoProblem("type", "must be a GeoJSON FeatureCollection")]

    def test_point(self) -> None:
        problems: list[GeoProblem] = []
        point = point_from_geojson({"type": "Point", "coordinates": [119.97, 31.78]}, "g", problems)
        assert point == LatLng(31.78, 119.97)
        assert point_from_geojson({"type": "Point", "coordinates": [0, 99]}, "g", problems) is None
        assert problems == [GeoProblem("g.coordinates", "lat: must be between -90 and 90, got 99")]


class TestMeasures:
    def test_share_outside(self) -> None:
        assert share_outside(box(0, 0, 1, 1), box(0, 0, 2, 2)) == 0.0
        assert share_outside(box(0, 0, 2, 1), box(0, 0, 1, 1)) == pytest.approx(0.5)
        assert share_outside(box(5, 5, 6, 6), box(0, 0, 1, 1)) == 1.0

    def test_overlapping_pairs_ignores_shared_edges(self) -> None:
        shapes = [box(0, 0, 1, 1), box(1, 0, 2, 1), box(1.5, 0, 2.5, 1)]
        assert overlapping_pairs(shapes, 0.01) == [(1, 2, pytest.approx(0.5))]

    def test_pick_name(self) -> None:
        names = {"zh-CN": "面馆", "en": "Noodles"}
        assert pick_name(names, "en") == "Noodles"
        assert pick_name(names, "en-GB") == "Noodles"
        assert pick_name(names, "zh_CN") == "面馆"
        assert pick_name(names, "fr") == "面馆"
