"""A city's area: its boundary and districts, read from GeoJSON and queried by point.

Reading reports every problem as a `GeoProblem` (a dotted path into the GeoJSON document and a
sentence) instead of raising on the first, so a configuration check can list them all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon
from shapely.prepared import PreparedGeometry, prep
from shapely.validation import explain_validity

from geo.coords import CoordinateError, LatLng

Polygonal = Polygon | MultiPolygon

# Outlines of neighbouring areas are drawn by hand and never share edges exactly, so a district
# may stick out of its boundary by this share of its own area before it counts as outside.
OUTSIDE_TOLERANCE = 0.01


@dataclass(frozen=True, slots=True)
class GeoProblem:
    field: str
    reason: str


def pick_name(names: Mapping[str, str], locale: str) -> str:
    """The name for `locale`; else one in the same language; else the first (the default)."""
    if locale in names:
        return names[locale]
    language = locale.replace("_", "-").split("-")[0].lower()
    for tag, text in names.items():
        if tag.split("-")[0].lower() == language:
            return text
    return next(iter(names.values()), "")


@dataclass(frozen=True)
class District:
    slug: str
    name: Mapping[str, str]
    polygon: Polygonal

    def display_name(self, locale: str) -> str:
        return pick_name(self.name, locale)


@dataclass(frozen=True)
class CityArea:
    boundary: Polygonal
    districts: tuple[District, ...] = ()
    # Point lookups run for every listing and search, so the geometry is prepared once.
    _prepared: PreparedGeometry = field(init=False, repr=False, compare=False)
    _tree: shapely.STRtree = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "districts", tuple(self.districts))
        object.__setattr__(self, "_prepared", prep(self.boundary))
        object.__setattr__(self, "_tree", shapely.STRtree([d.polygon for d in self.districts]))

    def contains(self, point: LatLng) -> bool:
        """True inside the boundary or on it: a shop on the border line is still in the city."""
        return bool(self._prepared.covers(point.to_point()))

    def district_at(self, point: LatLng) -> District | None:
        """The district covering `point`; on a shared edge, the one listed first."""
        hits = self._tree.query(point.to_point(), predicate="covered_by")
        if len(hits) == 0:
            return None
        return self.districts[int(min(hits))]

    def district(self, slug: str) -> District | None:
        return next((d for d in self.districts if d.slug == slug), None)


def share_outside(inner: Polygonal, outer: Polygonal) -> float:
    """Share of `inner`'s area lying outside `outer` (0.0 to 1.0).

    Areas are in square degrees; over one city the distortion is the same for both terms of the
    ratio, so the share is good enough for a tolerance check without projecting.
    """
    if inner.area == 0:
        return 0.0
    return float(shapely.difference(inner, outer).area / inner.area)


def join_path(prefix: str, part: str | int) -> str:
    """Extend a dotted path: ("features[2]", "properties") -> "features[2].properties"."""
    if isinstance(part, int):
        return f"{prefix}[{part}]"
    return f"{prefix}.{part}" if prefix else part


def _position(value: object, path: str, problems: list[GeoProblem]) -> LatLng | None:
    if not isinstance(value, list):
        problems.append(GeoProblem(path, "must be a [longitude, latitude] array"))
        return None
    try:
        return LatLng.from_geojson(value)
    except CoordinateError as exc:
        problems.append(GeoProblem(path, str(exc)))
        return None


def _ring(value: object, path: str, problems: list[GeoProblem]) -> list[tuple[float, ...]] | None:
    if not isinstance(value, list):
        problems.append(GeoProblem(path, "must be an array of positions"))
        return None
    before = len(problems)
    positions = [_position(p, join_path(path, i), problems) for i, p in enumerate(value)]
    if len(problems) > before:
        return None
    ring = [tuple(p.to_geojson()) for p in positions if p is not None]
    if len(ring) < 4:
        problems.append(GeoProblem(path, f"a ring needs at least 4 positions, got {len(ring)}"))
        return None
    if ring[0] != ring[-1]:
        problems.append(
            GeoProblem(path, "ring is not closed: the last position must equal the first")
        )
        return None
    return ring


def _polygon(value: object, path: str, problems: list[GeoProblem]) -> Polygon | None:
    if not isinstance(value, list) or not value:
        problems.append(GeoProblem(path, "must be a non-empty array of rings"))
        return None
    rings = [_ring(r, join_path(path, i), problems) for i, r in enumerate(value)]
    if any(r is None for r in rings):
        return None
    shell, *holes = (r for r in rings if r is not None)
    return Polygon(shell, holes)


def polygonal_from_geojson(
    geometry: object, path: str, problems: list[GeoProblem]
) -> Polygonal | None:
    """A GeoJSON Polygon or MultiPolygon as shapely, or None with the reasons in `problems`."""
    if not isinstance(geometry, dict):
        problems.append(GeoProblem(path, "must be a GeoJSON geometry object"))
        return None
    kind = geometry.get("type")
    coords_path = join_path(path, "coordinates")
    coords = geometry.get("coordinates")
    shape: Polygonal | None
    if kind == "Polygon":
        shape = _polygon(coords, coords_path, problems)
    elif kind == "MultiPolygon":
        if not isinstance(coords, list) or not coords:
            problems.append(GeoProblem(coords_path, "must be a non-empty array of polygons"))
            return None
        parts = [_polygon(p, join_path(coords_path, i), problems) for i, p in enumerate(coords)]
        if any(p is None for p in parts):
            return None
        shape = MultiPolygon([p for p in parts if p is not None])
    else:
        problems.append(
            GeoProblem(join_path(path, "type"), f"must be Polygon or MultiPolygon, got {kind!r}")
        )
        return None
    if shape is None:
        return None
    if not shapely.is_valid(shape):
        problems.append(GeoProblem(path or "(geometry)", f"not valid: {explain_validity(shape)}"))
        return None
    if shape.area == 0:
        problems.append(GeoProblem(path or "(geometry)", "has no area"))
        return None
    return shape


def point_from_geojson(geometry: object, path: str, problems: list[GeoProblem]) -> LatLng | None:
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        problems.append(GeoProblem(path, "must be a GeoJSON Point"))
        return None
    return _position(geometry.get("coordinates"), join_path(path, "coordinates"), problems)


def features_of(document: object, problems: list[GeoProblem]) -> list[dict[str, Any]]:
    """The features of a FeatureCollection, each checked to be a Feature object."""
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        problems.append(GeoProblem("type", "must be a GeoJSON FeatureCollection"))
        return []
    features = document.get("features")
    if not isinstance(features, list):
        problems.append(GeoProblem("features", "must be an array of features"))
        return []
    good: list[dict[str, Any]] = []
    for i, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.append(GeoProblem(join_path("features", i), "must be a GeoJSON Feature"))
            good.append({})
        else:
            good.append(feature)
    return good


def boundary_from_geojson(document: object, problems: list[GeoProblem]) -> Polygonal | None:
    """A boundary file holds a Polygon, a MultiPolygon, a Feature or a one-feature collection."""
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = features_of(document, problems)
        if len(features) != 1:
            problems.append(
                GeoProblem("features", f"must hold exactly one feature, got {len(features)}")
            )
            return None
        if not features[0]:
            return None
        return polygonal_from_geojson(features[0].get("geometry"), "features[0].geometry", problems)
    if isinstance(document, dict) and document.get("type") == "Feature":
        return polygonal_from_geojson(document.get("geometry"), "geometry", problems)
    return polygonal_from_geojson(document, "", problems)


def overlapping_pairs(shapes: list[Polygonal], tolerance: float) -> list[tuple[int, int, float]]:
    """Pairs (i, j, share) whose overlap exceeds `tolerance` of the smaller one's area."""
    tree = shapely.STRtree(shapes)
    pairs: list[tuple[int, int, float]] = []
    for i, shape in enumerate(shapes):
        for j in (int(k) for k in tree.query(shape, predicate="intersects")):
            if j <= i:
                continue
            other = shapes[j]
            smaller = min(shape.area, other.area)
            share = shapely.intersection(shape, other).area / smaller if smaller else 0.0
            if share > tolerance:
                pairs.append((i, j, float(share)))
    return pairs


__all__ = [
    "OUTSIDE_TOLERANCE",
    "CityArea",
    "District",
    "GeoProblem",
    "Polygonal",
    "boundary_from_geojson",
    "features_of",
    "join_path",
    "overlapping_pairs",
    "pick_name",
    "point_from_geojson",
    "polygonal_from_geojson",
    "share_outside",
]
