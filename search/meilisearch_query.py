"""What the Meilisearch engine sends: index settings, documents and search bodies.

Pure functions of our documents and queries, so the exact requests can be tested without a server.

Two ways to search:
- native: Meilisearch filters, sorts, pages and counts facets itself (`page`/`hitsPerPage`, so the
  total is exact `totalHits`).
- refined: when a part of the query has no exact Meilisearch equivalent (opening hours, service
  area coverage, the radius, because Meilisearch measures on a sphere and we on the WGS84
  ellipsoid, boxes, because its geo filters also match service areas, and text, whose matching
  and relevance order differ: see `needs_refinement`), Meilisearch returns every candidate of a
  wider filter with the stored document, and the reference's `evaluate`/`assemble` decide, as
  the tantivy engine does.
"""

from __future__ import annotations

import json
from typing import Any

from geo.distance import bounding_box
from search.documents import ListingDocument
from search.interfaces import BoundingBox, InDistrict, Radius, SearchQuery, ServesPoint, SortBy
from search.paging import bounded_page
from search.reference import document_tokens
from search.stored import encode
from search.text import query_terms

# every candidate of a refined search must come back in one answer; a city holds fewer listings
MAX_TOTAL_HITS = 10_000
# degrees added around geo prefilters so float rounding never loses a candidate
PAD = 1e-4
FACET_FIELDS = ("vertical", "category", "district", "tags")
FILTER_FIELDS = (*FACET_FIELDS, "price_from", "rating_avg")
AREA_FIELDS = ("area_south", "area_north", "area_west", "area_east")

SETTINGS: dict[str, Any] = {
    "searchableAttributes": ["tokens"],
    "filterableAttributes": [*FILTER_FIELDS, *AREA_FIELDS, "_geo", "_geojson"],
    "sortableAttributes": ["_geo", "rating_avg", "rating_count", "price_from", "id"],
    # "sort" first: a chosen sort orders everything, as in the reference; text quality orders
    # only relevance searches (all words required, fewer typos first, then exact before prefix)
    "rankingRules": ["sort", "words", "typo", "exactness", "proximity", "attribute"],
    "typoTolerance": {"enabled": True, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9}},
    "pagination": {"maxTotalHits": MAX_TOTAL_HITS},
    "faceting": {"maxValuesPerFacet": 1000},
}


def to_meili(doc: ListingDocument) -> dict[str, Any]:
    tokens = sorted(document_tokens(doc))
    body: dict[str, Any] = {
        "id": doc.id,
        # the shared bigram tokens, so Chinese recall is the embedded engine's
        "tokens": " ".join(tokens),
        "vertical": str(doc.vertical),
        "category": doc.category,
        "district": doc.district,
        "tags": list(doc.tags),
        "_geo": {"lat": doc.lat, "lng": doc.lng},
        "price_from": doc.price_from,
        "price_to": doc.price_to,
        "rating_avg": doc.rating_avg,
        "rating_count": doc.rating_count,
        "open_minutes": [list(r) for r in doc.open_minutes],
        # the whole document, for the exact refinement of hours and service areas
        "doc": encode(doc, tokens).decode(),
    }
    if doc.service_area is not None:
        ring = [[x, y] for x, y in doc.service_area.exterior.coords]  # GeoJSON is [lng, lat]
        # a Feature, the shape Meilisearch's GeoJSON documentation indexes (v1.22+)
        polygon = {"type": "Polygon", "coordinates": [ring]}
        body["_geojson"] = {"type": "Feature", "geometry": polygon, "properties": {}}
        west, south, east, north = doc.service_area.bounds
        body.update(area_south=south, area_north=north, area_west=west, area_east=east)
    return body


def _quoted(values: Any) -> str:
    # a JSON string is a valid Meilisearch filter string: double quotes, backslash escapes
    return ", ".join(json.dumps(str(v), ensure_ascii=False) for v in values)


def query_text(query: SearchQuery) -> str:
    """The query as the same tokens the documents hold: CJK words as their bigrams."""
    words: list[str] = []
    for term in query_terms(query.text):
        words.extend(term.grams if term.word is None else [term.word])
    return " ".join(words)


def needs_refinement(query: SearchQuery) -> bool:
    return (
        # Meilisearch's text matching is wider than ours (prefixes with typos, split and joined
        # words, its own Chinese segmentation of the tokens) and its relevance ranks typos before
        # exactness and ties by insertion order: text matches are decided and ordered by our rules
        bool(query_text(query))
        or query.open_at is not None
        # Meilisearch's geo filters also match a document whose `_geojson` area meets the shape,
        # where ours ask about the listing's point: a box is widened, then checked exactly
        or isinstance(query.geo, Radius | BoundingBox | ServesPoint)
    )


def _geo_filter(query: SearchQuery) -> list[str]:
    geo = query.geo
    if isinstance(geo, Radius):
        # the circle's padded box; the exact geodesic radius is applied afterwards
        sw, ne = bounding_box(geo.center, geo.metres)
        return [
            f"_geoBoundingBox([{ne.lat + PAD}, {ne.lng + PAD}], [{sw.lat - PAD}, {sw.lng - PAD}])"
        ]
    if isinstance(geo, BoundingBox):
        sw, ne = geo.south_west, geo.north_east
        return [
            f"_geoBoundingBox([{ne.lat + PAD}, {ne.lng + PAD}], [{sw.lat - PAD}, {sw.lng - PAD}])"
        ]
    if isinstance(geo, InDistrict):
        return [f"district = {_quoted([geo.slug])}"]
    if isinstance(geo, ServesPoint):
        # the area's bounding box holds the point; coverage itself is checked exactly afterwards
        p = geo.point
        return [
            f"area_south <= {p.lat + PAD}",
            f"area_north >= {p.lat - PAD}",
            f"area_west <= {p.lng + PAD}",
            f"area_east >= {p.lng - PAD}",
        ]
    return []


def filters(query: SearchQuery) -> list[str]:
    """Filter expressions, all required (Meilisearch ANDs the strings of an array)."""
    out: list[str] = []
    if query.verticals:
        out.append(f"vertical IN [{_quoted(query.verticals)}]")
    if query.categories:
        out.append(f"category IN [{_quoted(query.categories)}]")
    out.extend(f"tags = {_quoted([tag])}" for tag in query.tags)
    if query.price_min is not None:
        out.append(f"price_from >= {query.price_min}")
    if query.price_max is not None:
        out.append(f"price_from <= {query.price_max}")
    if query.min_rating is not None:
        out.append(f"rating_avg >= {float(query.min_rating)}")
    out.extend(_geo_filter(query))
    return out


def sort(query: SearchQuery) -> list[str]:
    """Sort rules, each ending on the id as the reference's order does. (Refined searches are
    ordered again afterwards; here the order decides which candidates come first.)"""
    if query.sort is SortBy.DISTANCE:
        origin = query.reference_point()
        assert origin is not None  # SearchQuery refuses a distance sort without one
        return [f"_geoPoint({origin.lat}, {origin.lng}):asc", "id:asc"]
    if query.sort is SortBy.RATING:
        return ["rating_avg:desc", "rating_count:desc", "id:asc"]
    if query.sort is SortBy.PRICE_ASC:
        return ["price_from:asc", "id:asc"]
    if query.sort is SortBy.PRICE_DESC:
        return ["price_from:desc", "id:asc"]
    # relevance without text: every document ranks the same, so nearest first, then the id
    origin = query.reference_point()
    if origin is not None:
        return [f"_geoPoint({origin.lat}, {origin.lng}):asc", "id:asc"]
    return ["id:asc"]


def search_body(query: SearchQuery) -> dict[str, Any]:
    body: dict[str, Any] = {"q": query_text(query), "matchingStrategy": "all"}
    if found := filters(query):
        body["filter"] = found
    if rules := sort(query):
        body["sort"] = rules
    if needs_refinement(query):
        # every candidate with its stored document; paging and facets happen after refinement
        body.update(offset=0, limit=MAX_TOTAL_HITS, attributesToRetrieve=["id", "doc"])
        return body
    body.update(
        # Meilisearch answers no more than MAX_TOTAL_HITS: every page past them is empty
        page=bounded_page(query, MAX_TOTAL_HITS).page,
        hitsPerPage=query.page_size,
        attributesToRetrieve=["id", "_geo"],
    )
    if query.facets:
        body["facets"] = [f.value for f in query.facets]
    return body
