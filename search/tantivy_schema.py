"""The tantivy index's fields.

Every part of a query is answered by the index itself: keywords and tokens as terms, prices and
ratings as ranges, opening hours as block terms (`search.tantivy_hours`), the point as latitude and
longitude ranges and grid cell terms (`search.tantivy_geo`). Sorting reads packed keys
(`search.tantivy_sort_keys`) and facets are terms aggregations, so a search touches no stored
document. The only stored value is the service area (WKB), read for a "serves" query's candidates
whose area is not cached yet; `stamp` (a hash of it) keys that cache, so a change written by
another process is never answered from a stale copy. Facet values are also kept as numeric codes
and stored (`search.tantivy_facets`).
"""

from __future__ import annotations

import hashlib

import tantivy

from search.documents import ListingDocument
from search.reference import document_tokens
from search.tantivy_facets import add_facet_codes, add_facet_fields
from search.tantivy_geo import point_cells
from search.tantivy_hours import open_terms
from search.tantivy_sort_keys import price_key, rating_key

# one raw token each, so a term query is an exact comparison; fast for terms aggregations
FACET_FIELDS = ("vertical", "category", "district", "tags")
AREA_FIELDS = ("area_south", "area_north", "area_west", "area_east")
KEY_FIELDS = ("rating_key", "price_asc_key", "price_desc_key")


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    # the pre-tokenised `index_tokens`, one value each: the raw tokenizer keeps them as they are
    builder.add_text_field("tokens", tokenizer_name="raw", index_option="freq")
    for name in FACET_FIELDS:
        builder.add_text_field(
            name, stored=True, tokenizer_name="raw", index_option="basic", fast=True
        )
    add_facet_fields(builder)
    for name in ("cells", "open"):
        builder.add_text_field(name, tokenizer_name="raw", index_option="basic")
    for name in ("lat", "lng", "rating_avg", *AREA_FIELDS):
        builder.add_float_field(name, indexed=True, fast=True)
    for name in ("price_from", "rating_count"):
        builder.add_integer_field(name, indexed=True, fast=True)
    for name in (*KEY_FIELDS, "stamp"):
        builder.add_unsigned_field(name, indexed=True, fast=True)
    builder.add_bytes_field("area", stored=True)
    return builder.build()


def stamp(wkb: bytes | None) -> int:
    """Changes whenever what is cached of a listing (its service area) changes."""
    digest = hashlib.blake2b(b"-" if wkb is None else b"+" + wkb, digest_size=8).digest()
    return int.from_bytes(digest, "big")


def to_tantivy(doc: ListingDocument) -> tantivy.Document:
    out = tantivy.Document()
    out.add_integer("id", doc.id)
    for token in sorted(document_tokens(doc)):
        out.add_text("tokens", token)
    out.add_text("vertical", str(doc.vertical))
    out.add_text("category", doc.category)
    for tag in doc.tags:
        out.add_text("tags", tag)
    add_facet_codes(out, doc.tags, str(doc.vertical), doc.category, doc.district)
    for cell in point_cells(doc.lat, doc.lng):
        out.add_text("cells", cell)
    for block in open_terms(doc.open_minutes):
        out.add_text("open", block)
    out.add_float("lat", doc.lat)
    out.add_float("lng", doc.lng)
    out.add_integer("rating_count", doc.rating_count)
    out.add_unsigned("rating_key", rating_key(doc))
    out.add_unsigned("price_asc_key", price_key(doc, descending=False))
    out.add_unsigned("price_desc_key", price_key(doc, descending=True))
    # absent values are absent fields, so a range filter never matches them
    if doc.district is not None:
        out.add_text("district", doc.district)
    if doc.price_from is not None:
        out.add_integer("price_from", doc.price_from)
    if doc.rating_avg is not None:
        out.add_float("rating_avg", float(doc.rating_avg))
    wkb = None
    if doc.service_area is not None:
        west, south, east, north = doc.service_area.bounds
        for name, value in zip(AREA_FIELDS, (south, north, west, east), strict=True):
            out.add_float(name, value)
        wkb = bytes(doc.service_area.wkb)
        out.add_bytes("area", wkb)
    out.add_unsigned("stamp", stamp(wkb))
    return out
