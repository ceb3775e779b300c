"""A query's geography, exactly as the reference has it.

Boxes and districts are exact index queries. A radius is its cells surely inside as an index
query, plus the listings of the edge cells, measured in bulk (`search.tantivy_geo.within`): those
inside are named one by one. "Serves" names the listings whose area's bounding box holds the
point and whose area covers it (shapely, on areas cached by id and the listing's stamp).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import shapely
import tantivy
from shapely.geometry.base import BaseGeometry

from geo.coords import LatLng
from geo.distance import bounding_box
from search.interfaces import BoundingBox, GeoFilter, InDistrict, Radius, ServesPoint
from search.tantivy_columns import addresses, all_hits, floats, integers
from search.tantivy_geo import circle_cover, within
from search.tantivy_query import QueryBuilder, all_of, unscored

FLOAT = tantivy.FieldType.Float
# a circle's box holding at most this many word matches: they are all measured instead of
# matching the circle's cells (see Places._few_in_box)
FEW_IN_BOX = 1500
AREA_CACHE = 50_000  # service areas kept decoded; forgotten all at once beyond this


def normal(value: float) -> float:
    """-0.0 as 0.0: Python compares them equal, tantivy's float ordering does not."""
    return value + 0.0


Hits = list[tuple[float, tantivy.DocAddress]]


@dataclass(frozen=True)
class Resolved:
    """`query` restricts the index matches (None: no restriction); `named` are matches found one
    by one (with their scores), never among the query's."""

    query: tantivy.Query | None
    named: Hits


class Places:
    def __init__(self, builder: QueryBuilder) -> None:
        self.q = builder
        self.few_in_box = FEW_IN_BOX
        self._areas: dict[int, tuple[int, BaseGeometry]] = {}
        self._areas_lock = threading.Lock()

    def _box(self, south: float, west: float, north: float, east: float) -> list[tantivy.Query]:
        return [
            self.q.range("lat", FLOAT, normal(south), normal(north)),
            self.q.range("lng", FLOAT, normal(west), normal(east)),
        ]

    def resolve(
        self,
        searcher: tantivy.Searcher,
        geo: GeoFilter | None,
        rest: tantivy.Query,
        selective: bool = False,
    ) -> Resolved:
        """The geography's part of the matches. `rest` (the other parts of the query, scored as
        the search is) limits the listings that have to be measured; `selective` says it is
        likely to match few (it has words)."""
        if geo is None:
            return Resolved(None, [])
        if isinstance(geo, BoundingBox):
            sw, ne = geo.south_west, geo.north_east
            return Resolved(all_of(self._box(sw.lat, sw.lng, ne.lat, ne.lng)), [])
        if isinstance(geo, InDistrict):
            return Resolved(self.q.term("district", geo.slug), [])
        if isinstance(geo, Radius):
            if selective and (few := self._few_in_box(searcher, geo, rest)) is not None:
                return few
            return self._radius(searcher, geo, rest)
        if isinstance(geo, ServesPoint):
            return Resolved(tantivy.Query.empty_query(), self._serves(searcher, geo.point, rest))
        raise TypeError(f"unknown geo filter {geo!r}")

    def _measured(self, searcher: tantivy.Searcher, candidates: tantivy.Query, geo: Radius) -> Hits:
        return self._inside(searcher, all_hits(searcher, candidates), geo)

    def _inside(self, searcher: tantivy.Searcher, hits: Hits, geo: Radius) -> Hits:
        where = addresses(hits)
        lat, lng = floats(searcher, "lat", where), floats(searcher, "lng", where)
        inside = within(geo.center, geo.metres, lat, lng)
        return [h for h, yes in zip(hits, inside.tolist(), strict=True) if yes]

    def _around(self, geo: Radius) -> tantivy.Query:
        """The circle's bounding box, a little wider: float rounding never loses a candidate."""
        sw, ne = bounding_box(geo.center, geo.metres)
        pad = 1e-4  # degrees
        return unscored(all_of(self._box(sw.lat - pad, sw.lng - pad, ne.lat + pad, ne.lng + pad)))

    def _few_in_box(
        self, searcher: tantivy.Searcher, geo: Radius, rest: tantivy.Query
    ) -> Resolved | None:
        """Every listing matching `rest` inside the circle, named one by one, when the circle's
        box holds at most `few_in_box` of them (None otherwise). Words make `rest` selective, and
        tantivy intersects them with the coordinate ranges by skipping through the columns,
        where the circle's cells would each be read in full, in every pass of the search."""
        candidates = all_hits(searcher, all_of([rest, self._around(geo)]), self.few_in_box + 1)
        if len(candidates) > self.few_in_box:
            return None
        return Resolved(tantivy.Query.empty_query(), self._inside(searcher, candidates, geo))

    def _radius(self, searcher: tantivy.Searcher, geo: Radius, rest: tantivy.Query) -> Resolved:
        cover = circle_cover(geo.center, geo.metres)
        if cover is None:
            return Resolved(
                tantivy.Query.empty_query(),
                self._measured(searcher, all_of([rest, self._around(geo)]), geo),
            )
        edge_cells = unscored(self.q.term_set("cells", cover.edge))
        edge = self._measured(searcher, all_of([rest, edge_cells]), geo)
        return Resolved(self.q.term_set("cells", cover.inside), edge)

    def _area(self, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> BaseGeometry:
        stored = searcher.doc(address)["area"][0]
        return shapely.from_wkb(bytes(stored))

    def _serves(self, searcher: tantivy.Searcher, point: LatLng, rest: tantivy.Query) -> Hits:
        lat, lng = normal(point.lat), normal(point.lng)
        # a covered point lies in the area's bounding box, edges included
        bounds = [
            self.q.range("area_south", FLOAT, None, lat),
            self.q.range("area_north", FLOAT, lat, None),
            self.q.range("area_west", FLOAT, None, lng),
            self.q.range("area_east", FLOAT, lng, None),
        ]
        # the bounds score nothing: a named listing keeps the words' score
        hits = all_hits(searcher, all_of([rest, unscored(all_of(bounds))]))
        where = addresses(hits)
        ids = integers(searcher, "id", where).tolist()
        stamps = [int(s) for s in searcher.fast_field_values("stamp", where)] if where else []
        areas: list[BaseGeometry] = []
        with self._areas_lock:
            for listing_id, stamp, address in zip(ids, stamps, where, strict=True):
                cached = self._areas.get(listing_id)
                if cached is None or cached[0] != stamp:
                    if len(self._areas) >= AREA_CACHE:
                        self._areas.clear()
                    cached = (stamp, self._area(searcher, address))
                    self._areas[listing_id] = cached
                areas.append(cached[1])
        if not areas:
            return []
        covered = shapely.covers(np.array(areas, dtype=object), shapely.Point(point.lng, point.lat))
        return [h for h, yes in zip(hits, covered.tolist(), strict=True) if yes]
