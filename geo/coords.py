"""WGS84 coordinates. The code says (lat, lng); GeoJSON says [lng, lat]; only this module swaps."""

from __future__ import annotations

import math
from dataclasses import dataclass

from shapely.geometry import Point


class CoordinateError(ValueError):
    """A coordinate that is not a WGS84 position; `field` names which part is wrong."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


@dataclass(frozen=True, slots=True)
class LatLng:
    lat: float
    lng: float

    def __post_init__(self) -> None:
        for name, value, limit in (("lat", self.lat, 90.0), ("lng", self.lng, 180.0)):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise CoordinateError(name, "must be a number")
            if not math.isfinite(value):
                raise CoordinateError(name, "must be a finite number")
            if not -limit <= value <= limit:
                raise CoordinateError(
                    name, f"must be between -{limit:g} and {limit:g}, got {value:g}"
                )

    @classmethod
    def from_geojson(cls, position: list[float] | tuple[float, ...]) -> LatLng:
        """A GeoJSON position is [lng, lat]."""
        if len(position) < 2:
            raise CoordinateError("position", "needs [longitude, latitude]")
        return cls(lat=position[1], lng=position[0])

    @classmethod
    def from_point(cls, point: Point) -> LatLng:
        return cls(lat=point.y, lng=point.x)

    @classmethod
    def parse(cls, text: str) -> LatLng:
        """Parse "LAT,LNG" as typed on a command line or in a form."""
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 2:
            raise CoordinateError("coordinates", f"expected LAT,LNG, got {text!r}")
        try:
            lat, lng = float(parts[0]), float(parts[1])
        except ValueError:
            raise CoordinateError("coordinates", f"expected two numbers, got {text!r}") from None
        return cls(lat, lng)

    def to_geojson(self) -> list[float]:
        return [self.lng, self.lat]

    def to_point(self) -> Point:
        return Point(self.lng, self.lat)
