"""Geometries travel to and from both databases as hex EWKB strings with SRID 4326.

asyncpg has no codec for `geography`, but PostGIS casts hex EWKB text to geography and returns
geography as hex EWKB; SQLite keeps the same string in a TEXT column. One encoding serves both.
"""

from __future__ import annotations

from functools import lru_cache

import shapely
from shapely.geometry.base import BaseGeometry

WGS84_SRID = 4326


def to_hex_ewkb(geometry: BaseGeometry) -> str:
    return shapely.to_wkb(shapely.set_srid(geometry, WGS84_SRID), hex=True, include_srid=True)


@lru_cache(maxsize=65536)
def from_hex_ewkb(text: str) -> BaseGeometry:
    """Cached because SQLite's spatial functions decode the same row values query after query."""
    return shapely.from_wkb(text)
