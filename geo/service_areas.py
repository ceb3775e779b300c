"""Service areas: the polygon a travelling service (cleaner, tutor, delivery) covers."""

from __future__ import annotations

import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from geo.coords import LatLng
from geo.distance import WGS84

CIRCLE_POINTS = 48


def geodesic_circle(center: LatLng, radius_m: float, points: int = CIRCLE_POINTS) -> Polygon:
    """A polygon whose vertices lie `radius_m` from `center` on the ellipsoid (not a degree buffer,
    which would be an ellipse stretched east-west)."""
    azimuths = [i * 360.0 / points for i in range(points)]
    lngs, lats, _ = WGS84.fwd(
        [center.lng] * points, [center.lat] * points, azimuths, [radius_m] * points
    )
    return orient(Polygon(zip(lngs, lats, strict=True)), sign=1.0)


def clip_to(area: Polygon, boundary: BaseGeometry, home: LatLng) -> Polygon | None:
    """`area` inside `boundary`; when clipping splits it, the largest piece covering `home` (a
    listing serves its own side of a bend in the boundary). None when no piece covers `home`."""
    clipped = shapely.intersection(area, boundary)
    pieces = [
        g for g in getattr(clipped, "geoms", [clipped]) if isinstance(g, Polygon) and not g.is_empty
    ]
    holding = [g for g in pieces if g.covers(home.to_point())]
    if not holding:
        return None
    return orient(max(holding, key=lambda g: g.area), sign=1.0)
