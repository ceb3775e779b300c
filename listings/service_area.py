"""The area a travelling listing serves: drawn on a map, or a radius around its point.

Decisions:
- A drawn area must be a valid GeoJSON Polygon (a Feature holding one is accepted too, since map
  drawing tools hand out Features). A self-intersecting ring is refused with shapely's reason.
- A drawn area that reaches outside the city is clipped to the boundary, with a note saying how
  much was cut. When clipping leaves several pieces, the largest is kept (noted too). An area
  wholly outside the city is refused.
- A drawn area need NOT cover the listing's own point: a housekeeping firm may keep its office
  in a business park and clean homes in other districts. "Serves my address" only asks whether
  the area covers the resident's point.
- A radius becomes a geodesic circle around the listing's point, clipped to the city keeping the
  piece that holds the point. It is recomputed whenever the point moves, so it stays centred.
Errors name `service_area` (or the path inside it); the radius itself is
`attributes.service_radius_m`, checked by `listings.verticals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import shapely
from shapely.geometry import Polygon
from shapely.geometry.polygon import orient

from geo.areas import GeoProblem, polygonal_from_geojson
from geo.coords import LatLng
from geo.service_areas import clip_to, geodesic_circle
from listings.errors import OutsideCity
from listings.types import ServiceAreaMode
from listings.verticals import ListingAttributes
from marketplace.errors import FieldError, ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City

FIELD = "service_area"
MAX_VERTICES = 2000  # far more than anyone draws by hand, few enough to bound the work


@dataclass(frozen=True)
class ServiceArea:
    polygon: Polygon
    notes: tuple[str, ...] = ()


def _failed(problems: list[GeoProblem]) -> ValidationFailed:
    errors = [FieldError(p.field, p.reason) for p in problems]
    return ValidationFailed("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


def parse_drawn(value: object, *, field: str = FIELD) -> Polygon:
    """A GeoJSON Polygon (or a Feature holding one) as a valid shapely polygon."""
    geometry, path = value, field
    if isinstance(value, dict) and value.get("type") == "Feature":
        geometry, path = value.get("geometry"), f"{field}.geometry"
    if not isinstance(geometry, dict):
        raise ValidationFailed.on(path, "must be a GeoJSON Polygon")
    if geometry.get("type") != "Polygon":
        raise ValidationFailed.on(f"{path}.type", f"must be Polygon, got {geometry.get('type')!r}")
    rings = geometry.get("coordinates")
    if isinstance(rings, list) and sum(len(r) for r in rings if isinstance(r, list)) > MAX_VERTICES:
        raise ValidationFailed.on(f"{path}.coordinates", f"has more than {MAX_VERTICES} points")
    problems: list[GeoProblem] = []
    shape = polygonal_from_geojson(geometry, path, problems)
    if problems or not isinstance(shape, Polygon):
        raise _failed(problems or [GeoProblem(path, "must be a GeoJSON Polygon")])
    return shape


def _percent(part: float, whole: float) -> str:
    share = 100.0 * part / whole if whole else 0.0
    return f"{share:.0f}%" if share >= 1 else "less than 1%"


def drawn_area(city: City, value: object, *, field: str = FIELD) -> ServiceArea:
    """A drawn area checked and fitted to the city (see the module's decisions)."""
    polygon = parse_drawn(value, field=field)
    boundary = city.area.boundary
    if boundary.covers(polygon):
        return ServiceArea(orient(polygon, sign=1.0))
    clipped = shapely.intersection(polygon, boundary)
    pieces = [
        g
        for g in getattr(clipped, "geoms", [clipped])
        if isinstance(g, Polygon) and not g.is_empty and g.area > 0
    ]
    if not pieces:
        reason = f"lies outside {city.display_name('en')}"
        raise OutsideCity(f"{field}: {reason}", errors=[FieldError(field, reason)])
    kept = max(pieces, key=lambda g: g.area)
    notes = [
        f"clipped to the city boundary: {_percent(polygon.area - clipped.area, polygon.area)} "
        "of the drawn area was outside"
    ]
    if len(pieces) > 1:
        notes.append(f"the boundary split the area into {len(pieces)} parts; kept the largest")
    return ServiceArea(orient(kept, sign=1.0), tuple(notes))


def radius_area(city: City, point: LatLng, radius_m: float) -> ServiceArea:
    """A geodesic circle around a point inside the city, clipped to the boundary."""
    circle = geodesic_circle(point, radius_m)
    if city.area.boundary.covers(circle):
        return ServiceArea(circle)
    clipped = clip_to(circle, city.area.boundary, point)
    if clipped is None:  # only when the point itself is outside, which `locate` refuses first
        raise ValidationFailed.on("location", "is outside the city, so no area can be drawn")
    return ServiceArea(clipped, (f"the {radius_m:g} m circle was clipped to the city boundary",))


def area_for(
    city: City,
    attributes: ListingAttributes,
    point: LatLng,
    drawn: object | None,
    *,
    current: Polygon | None = None,
    field: str = FIELD,
) -> ServiceArea | None:
    """The area a listing with these attributes serves.

    `drawn` is what the caller sent under `service_area` (None when nothing was sent);
    `current` the polygon already stored, kept in polygon mode when nothing new was drawn.
    """
    if not attributes.needs_service_area():
        if drawn is not None:
            raise ValidationFailed.on(
                field,
                "only for listings that go to their customers "
                "(housekeeping, tutoring at home, shop delivery)",
            )
        return None
    if attributes.service_area_mode is ServiceAreaMode.RADIUS:
        if drawn is not None:
            raise ValidationFailed.on(
                field, "not used when service_area_mode is radius; draw it in polygon mode"
            )
        return radius_area(city, point, float(attributes.service_radius_m or 0))
    if drawn is not None:
        return drawn_area(city, drawn, field=field)
    if current is not None:
        return ServiceArea(current)
    raise ValidationFailed.on(
        field, "is required: draw the area served, or give attributes.service_radius_m"
    )
