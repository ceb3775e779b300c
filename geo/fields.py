"""A Tortoise field holding a shapely geometry.

PostgreSQL stores `geography(<type>, 4326)`; every other dialect a TEXT column of hex EWKB. The
constructor's arguments stay attributes of the same names because native migrations rebuild the
field from them.
"""

from __future__ import annotations

from typing import Any

from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from tortoise.exceptions import ValidationError
from tortoise.fields.base import Field

from geo.wkb import from_hex_ewkb, to_hex_ewkb

_ACCEPTED: dict[str, tuple[type[BaseGeometry], ...]] = {
    "Point": (Point,),
    "Polygon": (Polygon,),
    "MultiPolygon": (MultiPolygon, Polygon),
}


class GeographyField(Field[BaseGeometry]):
    field_type = BaseGeometry
    SQL_TYPE = "TEXT"

    def __init__(self, geometry_type: str = "Point", srid: int = 4326, **kwargs: Any) -> None:
        if geometry_type not in _ACCEPTED:
            raise ValueError(f"geometry_type must be one of {sorted(_ACCEPTED)}")
        if srid != 4326:
            raise ValueError("only WGS84 (SRID 4326) is supported")
        # a B-tree over a geography column is useless; the GIST index is created by migration
        kwargs.pop("db_index", None)
        super().__init__(**kwargs)
        self.geometry_type = geometry_type
        self.srid = srid

    @property
    def constraints(self) -> dict[str, Any]:
        return {}

    class _db_postgres:
        def __init__(self, field: GeographyField) -> None:
            self.field = field

        @property
        def SQL_TYPE(self) -> str:
            return f"geography({self.field.geometry_type},{self.field.srid})"

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = from_hex_ewkb(value)
        if not isinstance(value, _ACCEPTED[self.geometry_type]):
            raise ValidationError(
                f"{self.model_field_name}: expected a {self.geometry_type}, "
                f"got {type(value).__name__}"
            )
        if self.geometry_type == "MultiPolygon" and isinstance(value, Polygon):
            value = MultiPolygon([value])
        return to_hex_ewkb(value)

    def to_python_value(self, value: Any) -> BaseGeometry | None:
        if value is None or isinstance(value, BaseGeometry):
            return value
        if isinstance(value, (bytes, memoryview)):
            value = bytes(value).hex()
        return from_hex_ewkb(value)


def PointField(**kwargs: Any) -> GeographyField:
    return GeographyField(geometry_type="Point", **kwargs)


def PolygonField(**kwargs: Any) -> GeographyField:
    return GeographyField(geometry_type="Polygon", **kwargs)
