"""Geography for the tantivy index: grid cells as index terms, and distances in bulk.

tantivy has no geo type. Each listing's point is indexed as the grid cells that hold it, one term
per level of a quadtree of latitude/longitude squares (0.0025° to 0.16°). A circle becomes the
cells surely inside it (matched by term, no arithmetic) and the thin ring of finest cells its
edge crosses, whose listings are measured one by one.

Measuring is cheap first and exact only where it decides something: a local ellipsoidal
approximation, with a proven error bound (`error_bound_m`), classifies most points; the exact
geodesic (`geo.distance.WGS84`, as the reference uses) settles those within that bound of the
edge, and gives every distance a result shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from geo.coords import LatLng
from geo.distance import WGS84

FINEST_DEG = 0.0025
LEVELS = 7  # cells of FINEST_DEG * 2**level, level 0..6
_A = 6378137.0
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)
# where the approximation's error bound is proven (tests/search/test_tantivy_geo.py)
TRUSTED_M = 100_000.0
TRUSTED_LAT = 75.0

Floats = NDArray[np.float64]


def _index(lat: float, lng: float) -> tuple[int, int]:
    return math.floor((lat + 90.0) / FINEST_DEG), math.floor((lng + 180.0) / FINEST_DEG)


def cell_term(level: int, row: int, col: int) -> str:
    return f"{level}.{row}.{col}"


def point_cells(lat: float, lng: float) -> list[str]:
    """The cell terms of a point, every level derived from the finest index so they nest."""
    row, col = _index(lat, lng)
    return [cell_term(k, row >> k, col >> k) for k in range(LEVELS)]


def error_bound_m(distance_m: float | Floats) -> float | Floats:
    """How far `approx_m` may be from the geodesic, for trusted distances and latitudes."""
    return 0.05 + 1e-3 * distance_m


def approx_m(origin: LatLng, lat: Floats, lng: Floats) -> Floats:
    """Distances from `origin` on the tangent plane at each pair's mid-latitude (radii of
    curvature of the WGS84 ellipsoid there)."""
    mid = np.radians((lat + origin.lat) * 0.5)
    s = np.sin(mid)
    w = np.sqrt(1.0 - _E2 * s * s)
    north = _A * (1.0 - _E2) / (w * w * w) * np.radians(lat - origin.lat)
    dlng = (lng - origin.lng + 180.0) % 360.0 - 180.0
    east = _A / w * np.cos(mid) * np.radians(dlng)
    return np.hypot(north, east)


def exact_m(origin: LatLng, lat: Floats, lng: Floats) -> Floats:
    """Geodesic distances, the same computation as `geo.distance.geodesic_m`."""
    if len(lat) == 0:
        return np.zeros(0)
    n = len(lat)
    _, _, metres = WGS84.inv(np.full(n, origin.lng), np.full(n, origin.lat), lng, lat)
    return np.asarray(metres, dtype=np.float64)


def trusted(origin: LatLng) -> bool:
    return abs(origin.lat) <= TRUSTED_LAT


def within(origin: LatLng, metres: float, lat: Floats, lng: Floats) -> NDArray[np.bool_]:
    """Exactly `geodesic_m(origin, point) <= metres` for each point."""
    if not trusted(origin) or metres > TRUSTED_M:
        return exact_m(origin, lat, lng) <= metres
    approx = approx_m(origin, lat, lng)
    bound = error_bound_m(metres)
    inside = approx <= metres - bound
    unsure = np.flatnonzero(~inside & (approx <= metres + bound))
    if len(unsure):
        inside[unsure] = exact_m(origin, lat[unsure], lng[unsure]) <= metres
    return inside


def nearest(
    origin: LatLng, lat: Floats, lng: Floats, ids: NDArray[np.int64], count: int
) -> tuple[NDArray[np.intp], Floats]:
    """Positions of the `count` points nearest `origin` in the reference's order (exact distance,
    then id), and their exact distances. Only points that may be among them are measured
    exactly: any of the true first `count` is within two error bounds of the count-th
    approximate distance."""
    count = min(count, len(lat))
    if count == 0:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    if trusted(origin):
        approx = approx_m(origin, lat, lng)
        kth = float(np.partition(approx, count - 1)[count - 1])
        if kth <= TRUSTED_M:
            chosen = np.flatnonzero(approx <= kth + 2 * error_bound_m(kth) + 1e-9)
        else:
            chosen = np.arange(len(lat))
    else:
        chosen = np.arange(len(lat))
    metres = exact_m(origin, lat[chosen], lng[chosen])
    order = np.lexsort((ids[chosen], metres))[:count]
    return chosen[order], metres[order]


@dataclass(frozen=True)
class Cover:
    """Cells of a circle: `inside` surely within it, `edge` (finest cells) crossing it."""

    inside: list[str]
    edge: list[str]


def start_level(metres: float) -> int:
    """The coarsest level whose cells can lie inside a circle of `metres`: a cell's side north to
    south is at least 110,574 m per degree, so a cell taller than the diameter never does. The
    walk starts there; coarser cells would only be split again, the same cells in the end."""
    level = LEVELS - 1
    while level > 0 and FINEST_DEG * (1 << level) * 110_000.0 > 2.0 * metres:
        level -= 1
    return level


def circle_cover(origin: LatLng, metres: float) -> Cover | None:
    """The cells of the circle, or None where the approximation is not trusted (the caller then
    measures every candidate). Classification keeps a margin far above the approximation's
    error and the curvature of a cell's sides, so `inside` and skipped cells are certain.
    Walks down the quadtree one level at a time, all of a level's cells at once."""
    if not trusted(origin) or metres > TRUSTED_M:
        return None
    margin = 1.0 + 3e-3 * metres
    level = start_level(metres)
    pad_lat = (metres + margin) / 110_000.0
    pad_lng = pad_lat / max(math.cos(math.radians(abs(origin.lat) + 1.0)), 0.2)
    row0, col0 = _index(origin.lat - pad_lat, origin.lng - pad_lng)
    row1, col1 = _index(origin.lat + pad_lat, origin.lng + pad_lng)
    rows, cols = np.meshgrid(
        np.arange(row0 >> level, (row1 >> level) + 1, dtype=np.int64),
        np.arange(col0 >> level, (col1 >> level) + 1, dtype=np.int64),
        indexing="ij",
    )
    rows, cols = rows.ravel(), cols.ravel()
    inside: list[str] = []
    edge: list[str] = []
    while len(rows):
        size = FINEST_DEG * (1 << level)
        south = (rows << level) * FINEST_DEG - 90.0
        west = (cols << level) * FINEST_DEG - 180.0
        cell_margin = margin + 2e-3 * size * 111_000.0
        # the nearest point of each cell and its four corners, measured in one call
        n = len(rows)
        lats = np.concatenate(
            [np.clip(origin.lat, south, south + size), south, south, south + size, south + size]
        )
        lngs = np.concatenate(
            [np.clip(origin.lng, west, west + size), west, west + size, west, west + size]
        )
        metres_all = approx_m(origin, lats, lngs).reshape(5, n)
        near = metres_all[0]
        far = metres_all[1:].max(axis=0)
        keep = near <= metres + cell_margin
        full = keep & (far <= metres - cell_margin)
        part = keep & ~full
        inside += [
            cell_term(level, r, c)
            for r, c in zip(rows[full].tolist(), cols[full].tolist(), strict=True)
        ]
        if level == 0:
            edge += [
                cell_term(0, r, c)
                for r, c in zip(rows[part].tolist(), cols[part].tolist(), strict=True)
            ]
            break
        rows = np.concatenate([2 * rows[part] + dr for dr in (0, 1) for _ in (0, 1)])
        cols = np.concatenate([2 * cols[part] + dc for _ in (0, 1) for dc in (0, 1)])
        level -= 1
    return Cover(inside=inside, edge=edge)
