"""PostGIS's spatial function names as Python functions for SQLite connections.

The arguments arrive as hex EWKB text (what `GeographyField` stores); results match PostGIS's
geography semantics: metres on the WGS84 ellipsoid, and "covers" including the boundary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from geo.distance import distance_m
from geo.wkb import from_hex_ewkb


def st_distance(a: str | None, b: str | None) -> float | None:
    if a is None or b is None:
        return None
    return distance_m(from_hex_ewkb(a), from_hex_ewkb(b))


def st_dwithin(a: str | None, b: str | None, metres: float | None) -> int | None:
    if a is None or b is None or metres is None:
        return None
    return int(distance_m(from_hex_ewkb(a), from_hex_ewkb(b)) <= metres)


def st_covers(a: str | None, b: str | None) -> int | None:
    if a is None or b is None:
        return None
    return int(from_hex_ewkb(a).covers(from_hex_ewkb(b)))


FUNCTIONS: tuple[tuple[str, int, Callable[..., Any]], ...] = (
    ("ST_Distance", 2, st_distance),
    ("ST_DWithin", 3, st_dwithin),
    ("ST_Covers", 2, st_covers),
)
