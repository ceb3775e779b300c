"""A listing document as an index stores it beside its fields (tantivy's stored bytes,
Meilisearch's `doc` attribute), so a search refines candidates without the database."""

from __future__ import annotations

import json
from typing import Any

from shapely import wkb
from shapely.geometry import Polygon

from listings.types import Vertical
from search.documents import ListingDocument


def encode(doc: ListingDocument, tokens: list[str]) -> bytes:
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
