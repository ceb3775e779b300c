"""The tantivy index's fields, and a listing document to and from what the index stores.

tantivy has no geo field: the point is two fast float fields for latitude/longitude ranges, and a
service area is its bounding box (four float fields) for a first cut; the exact checks run in
Python on the stored document, which carries everything (the area as WKB hex).
"""

from __future__ import annotations

import json
from typing import Any

import tantivy
from shapely import wkb
from shapely.geometry import Polygon

from listings.types import Vertical
from search.documents import ListingDocument
from search.reference import document_tokens

# fields that only filter: one raw token each, so a term query is an exact comparison
KEYWORD_FIELDS = ("vertical", "category", "district", "tags")
AREA_FIELDS = ("area_south", "area_north", "area_west", "area_east")


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    # the pre-tokenised `index_tokens`, one value each: the raw tokenizer keeps them as they are
    builder.add_text_field("tokens", tokenizer_name="raw", index_option="freq")
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("lat", "lng", "rating_avg", *AREA_FIELDS):
        builder.add_float_field(name, indexed=True, fast=True)
    for name in ("price_from", "rating_count"):
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


def _encode(doc: ListingDocument, tokens: list[str]) -> bytes:
    data: dict[str, Any] = {
        # kept so a search needs not tokenise every candidate again
        "tokens": tokens,
        "id": doc.id,
        "vertical": str(doc.vertical),
        "category": doc.category,
        "district": doc.district,
        "tags": list(doc.tags),
        "name": doc.name,
        "description": doc.description,
        "category_name": doc.category_name,
        "offering_names": list(doc.offering_names),
        "lat": doc.lat,
        "lng": doc.lng,
        "service_area": None if doc.service_area is None else doc.service_area.wkb_hex,
        "price_from": doc.price_from,
        "price_to": doc.price_to,
        "rating_avg": doc.rating_avg,
        "rating_count": doc.rating_count,
        "open_minutes": [list(r) for r in doc.open_minutes],
    }
    return json.dumps(data, ensure_ascii=False).encode()


def decode(stored: bytes) -> tuple[ListingDocument, frozenset[str]]:
    """The document and its searchable tokens."""
    data = json.loads(stored)
    area = data["service_area"]
    polygon = None if area is None else wkb.loads(area, hex=True)
    doc = ListingDocument(
        id=data["id"],
        vertical=Vertical(data["vertical"]),
        category=data["category"],
        district=data["district"],
        tags=tuple(data["tags"]),
        name=data["name"],
        description=data["description"],
        category_name=data["category_name"],
        offering_names=tuple(data["offering_names"]),
        lat=data["lat"],
        lng=data["lng"],
        service_area=polygon if isinstance(polygon, Polygon) else None,
        price_from=data["price_from"],
        price_to=data["price_to"],
        rating_avg=data["rating_avg"],
        rating_count=data["rating_count"],
        open_minutes=tuple((a, b) for a, b in data["open_minutes"]),
    )
    return doc, frozenset(data["tokens"])


def to_tantivy(doc: ListingDocument) -> tantivy.Document:
    tokens = sorted(document_tokens(doc))
    fields: dict[str, Any] = {
        "id": doc.id,
        "tokens": tokens,
        "vertical": str(doc.vertical),
        "category": doc.category,
        "tags": list(doc.tags),
        "lat": doc.lat,
        "lng": doc.lng,
        "rating_count": doc.rating_count,
        "doc": _encode(doc, tokens),
    }
    # absent values are absent fields, so a range filter never matches them
    if doc.district is not None:
        fields["district"] = doc.district
    if doc.price_from is not None:
        fields["price_from"] = doc.price_from
    if doc.rating_avg is not None:
        fields["rating_avg"] = float(doc.rating_avg)
    if doc.service_area is not None:
        west, south, east, north = doc.service_area.bounds
        fields.update(area_south=south, area_north=north, area_west=west, area_east=east)
    return tantivy.Document(**fields)
