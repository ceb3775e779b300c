"""The tantivy index's fields.

tantivy has no geo field: the point is two fast float fields for latitude/longitude ranges, and a
service area is its bounding box (four float fields) for a first cut; the exact checks run in
Python on the stored document, which carries everything (the area as WKB hex).
"""

from __future__ import annotations

from typing import Any

import tantivy

from search.documents import ListingDocument
from search.reference import document_tokens
from search.stored import encode

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
        "doc": encode(doc, tokens),
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
