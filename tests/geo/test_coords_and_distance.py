from __future__ import annotations

import math

import pytest
from shapely.geometry import Point, Polygon

from geo.coords import CoordinateError, LatLng
from geo.distance import bounding_box, distance_m, geodesic_m
from geo.fields import GeographyField
from geo.sqlite_functions import st_covers, st_distance, st_dwithin
from geo.wkb import from_hex_ewkb, to_hex_ewkb
from tests.geo.haversine import haversine_m

STATION = LatLng(31.7794, 119.9722)
DINOSAUR_PARK = LatLng(31.8222, 119.9710)


@pytest.mark.parametrize(
    ("lat", "lng", "field"),
    [(91, 120, "lat"), (-90.5, 0, "lat"), (31, 180.01, "lng"), (math.nan, 0, "lat")],
)
def test_out_of_range_coordinates_name_the_field(lat: float, lng: float, field: str) -> None:
    with pytest.raises(CoordinateError) as err:
        LatLng(lat, lng)
    assert err.value.field == field


def test_parse_and_geojson_order() -> None:
    here = LatLng.parse(" 31.78 , 119.97 ")
    assert here == LatLng(31.78, 119.97)
    assert here.to_geojson() == [119.97, 31.78]
    assert LatLng.from_geojson([119.97, 31.78]) == here
    assert here.to_point().x == 119.97
    with pytest.raises(CoordinateError):
        LatLng.parse("31.78")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (STATION, DINOSAUR_PARK),  # ~4.8 km across town
        (STATION, LatLng(31.7795, 119.9723)),  # ~15 m
        (STATION, LatLng(31.22, 119.46)),  # to the far south-west of the prefecture
        (LatLng(0, 0), LatLng(0, 1)),
        (LatLng(60, 10), LatLng(-33.9, 151.2)),  # across the globe
    ],
)
def test_geodesic_agrees_with_haversine_within_half_a_percent(a: LatLng, b: LatLng) -> None:
    expected = haversine_m(a.lat, a.lng, b.lat, b.lng)
    assert geodesic_m(a, b) == pytest.approx(expected, rel=0.005)
    assert distance_m(a.to_point(), b.to_point()) == pytest.approx(expected, rel=0.005)


def test_distance_to_a_polygon_is_zero_inside_and_to_the_edge_outside() -> None:
    square = Polygon([(119.97, 31.77), (119.98, 31.77), (119.98, 31.78), (119.97, 31.78)])
    assert distance_m(square, Point(119.975, 31.775)) == 0.0
    east = Point(119.99, 31.775)  # 0.01 degrees east of the east edge
    expected = haversine_m(31.775, 119.98, 31.775, 119.99)
    assert distance_m(square, east) == pytest.approx(expected, rel=0.005)


def test_bounding_box_contains_the_circle() -> None:
    sw, ne = bounding_box(STATION, 3000)
    for bearing_point in (LatLng(sw.lat, STATION.lng), LatLng(ne.lat, STATION.lng)):
        assert geodesic_m(STATION, bearing_point) == pytest.approx(3000, rel=0.001)
    assert sw.lng < STATION.lng < ne.lng


def test_hex_ewkb_round_trip_keeps_srid_and_shape() -> None:
    poly = Polygon([(119.9, 31.7), (120.0, 31.7), (120.0, 31.8), (119.9, 31.7)])
    text = to_hex_ewkb(poly)
    assert set(text) <= set("0123456789ABCDEF")
    back = from_hex_ewkb(text)
    assert back.equals(poly)
    import shapely

    assert shapely.get_srid(back) == 4326


def test_sqlite_functions_follow_postgis_semantics() -> None:
    a, b = to_hex_ewkb(STATION.to_point()), to_hex_ewkb(DINOSAUR_PARK.to_point())
    d = st_distance(a, b)
    assert d == pytest.approx(haversine_m(*[*vars_of(STATION), *vars_of(DINOSAUR_PARK)]), rel=0.005)
    assert st_dwithin(a, b, d + 1) == 1
    assert st_dwithin(a, b, d - 1) == 0
    square = Polygon([(119.97, 31.77), (119.98, 31.77), (119.98, 31.78), (119.97, 31.78)])
    corner = to_hex_ewkb(Point(119.97, 31.77))
    assert st_covers(to_hex_ewkb(square), corner) == 1  # the boundary counts
    assert st_covers(to_hex_ewkb(square), b) == 0
    assert st_distance(None, b) is None


def vars_of(p: LatLng) -> tuple[float, float]:
    return p.lat, p.lng


def test_field_refuses_the_wrong_geometry_type() -> None:
    from tortoise.exceptions import ValidationError

    field = GeographyField(geometry_type="Point")
    field.model_field_name = "location"
    with pytest.raises(ValidationError, match="location: expected a Point"):
        field.to_db_value(Polygon([(0, 0), (1, 0), (1, 1)]), None)
    assert field.to_python_value(field.to_db_value(STATION.to_point(), None)).equals(
        STATION.to_point()
    )
    assert field.get_for_dialect("postgres", "SQL_TYPE") == "geography(Point,4326)"
    assert field.get_for_dialect("sqlite", "SQL_TYPE") == "TEXT"
