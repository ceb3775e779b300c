from __future__ import annotations

import pytest
from shapely.geometry import Polygon

from geo.coords import LatLng
from geo.distance import destination, geodesic_m
from geo.service_areas import clip_to, geodesic_circle
from tests.geo.haversine import haversine_m

HOME = LatLng(31.7787, 119.9740)


def test_geodesic_circle_vertices_lie_at_the_radius() -> None:
    circle = geodesic_circle(HOME, 5000)
    assert circle.is_valid and circle.exterior.is_ccw
    for lng, lat in list(circle.exterior.coords)[:-1]:
        assert haversine_m(HOME.lat, HOME.lng, lat, lng) == pytest.approx(5000, rel=0.005)
    assert circle.covers(HOME.to_point())


def test_destination_walks_the_given_distance() -> None:
    there = destination(HOME, 90, 1234)
    assert geodesic_m(HOME, there) == pytest.approx(1234, abs=0.01)
    assert there.lng > HOME.lng


def test_clip_keeps_the_piece_that_holds_home() -> None:
    # a U-shaped boundary: a circle around a point in the left arm reaches into the right arm
    u = Polygon(
        [
            (119.90, 31.70),
            (120.05, 31.70),
            (120.05, 31.85),
            (120.00, 31.85),
            (120.00, 31.75),
            (119.95, 31.75),
            (119.95, 31.85),
            (119.90, 31.85),
        ]
    )
    home = LatLng(31.82, 119.94)
    # 6.5 km reaches over the gap into the right arm (5.7 km east) but not down to the base
    area = clip_to(geodesic_circle(home, 6500), u, home)
    assert area is not None and area.is_valid
    assert area.covers(home.to_point())
    assert u.buffer(1e-9).covers(area)
    across_the_gap = LatLng(31.82, 120.003)
    assert geodesic_circle(home, 6500).covers(across_the_gap.to_point())
    assert not area.covers(across_the_gap.to_point())  # the other arm is not served
    outside = LatLng(31.60, 119.93)
    assert clip_to(geodesic_circle(outside, 1000), u, outside) is None
