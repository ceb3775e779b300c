"""Distances in metres on the WGS84 ellipsoid.

PostGIS computes `geography` distances on the WGS84 spheroid by default; pyproj's `Geod` solves the
same geodesic problem (Karney's algorithm), so SQLite and PostGIS agree to well under a metre for
points. For a polygon the distance is to its nearest edge point, found in degrees by shapely and
then measured geodesically: a close approximation at city scale.
"""

from __future__ import annotations

from pyproj import Geod
from shapely import ops
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from geo.coords import LatLng

WGS84 = Geod(ellps="WGS84")


def geodesic_m(a: LatLng, b: LatLng) -> float:
    _, _, metres = WGS84.inv(a.lng, a.lat, b.lng, b.lat)
    return float(metres)


def distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """Shortest geodesic distance between two geometries; 0 when they touch or overlap."""
    if isinstance(a, Point) and isinstance(b, Point):
        _, _, metres = WGS84.inv(a.x, a.y, b.x, b.y)
        return float(metres)
    if a.intersects(b):
        return 0.0
    pa, pb = ops.nearest_points(a, b)
    _, _, metres = WGS84.inv(pa.x, pa.y, pb.x, pb.y)
    return float(metres)


def destination(start: LatLng, azimuth_deg: float, metres: float) -> LatLng:
    """The point `metres` away from `start` along the geodesic leaving at `azimuth_deg`."""
    lng, lat, _ = WGS84.fwd(start.lng, start.lat, azimuth_deg, metres)
    return LatLng(float(lat), float(lng))


def bounding_box(center: LatLng, radius_m: float) -> tuple[LatLng, LatLng]:
    """South-west and north-east corners of a box that contains the circle around `center`."""
    lngs, lats, _ = WGS84.fwd([center.lng] * 4, [center.lat] * 4, [0, 90, 180, 270], [radius_m] * 4)
    return LatLng(min(lats), min(lngs)), LatLng(max(lats), max(lngs))
