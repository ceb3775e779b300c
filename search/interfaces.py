"""The one search interface every engine implements, and the vocabulary of queries and results.

Callers build a `SearchQuery` (validated: a bad parameter is a 422 naming it, never an engine
error), hand it to the configured `SearchEngine`, and get `SearchResults` back. Engines index
`ListingDocument`s (see `search.documents`), written by the outbox worker, never by a request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from geo.coords import LatLng
from listings.types import Vertical
from marketplace.errors import MarketplaceError
from marketplace.input_bounds import MAX_PAGE

MAX_PAGE_SIZE = 100
MAX_TEXT = 200  # characters of query text an engine sees; longer text is refused
WEEK_MINUTES = 7 * 24 * 60


class SortBy(StrEnum):
    RELEVANCE = "relevance"
    DISTANCE = "distance"  # nearest first; needs a reference point
    RATING = "rating"  # best rated first, then most rated
    PRICE_ASC = "price_asc"  # cheapest `price_from` first
    PRICE_DESC = "price_desc"


class Facet(StrEnum):
    VERTICAL = "vertical"
    CATEGORY = "category"
    DISTRICT = "district"
    TAGS = "tags"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Radius(_Frozen):
    kind: Literal["radius"] = "radius"
    center: LatLng
    metres: Annotated[float, Field(gt=0)]


class BoundingBox(_Frozen):
    kind: Literal["bbox"] = "bbox"
    south_west: LatLng
    north_east: LatLng

    @model_validator(mode="after")
    def _corners_in_order(self) -> BoundingBox:
        if self.south_west.lat > self.north_east.lat or self.south_west.lng > self.north_east.lng:
            raise ValueError("south_west must be south and west of north_east")
        return self


class InDistrict(_Frozen):
    kind: Literal["district"] = "district"
    slug: str


class ServesPoint(_Frozen):
    """Listings whose service area covers this point (a cleaner that comes to my address)."""

    kind: Literal["serves"] = "serves"
    point: LatLng


GeoFilter = Annotated[Radius | BoundingBox | InDistrict | ServesPoint, Field(discriminator="kind")]


class SearchQuery(_Frozen):
    text: Annotated[str, Field(max_length=MAX_TEXT)] = ""
    verticals: tuple[Vertical, ...] = ()
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # every tag must be present
    price_min: Annotated[int, Field(ge=0)] | None = None  # minor units, on `price_from`
    price_max: Annotated[int, Field(ge=0)] | None = None
    min_rating: Annotated[float, Field(ge=0, le=5)] | None = None
    # minute of the week in the city's time zone (Monday 00:00 = 0): "open at"
    open_at: Annotated[int, Field(ge=0, lt=WEEK_MINUTES)] | None = None
    geo: GeoFilter | None = None
    # where distances are measured from; defaults to the radius centre or the served point
    origin: LatLng | None = None
    sort: SortBy = SortBy.RELEVANCE
    page: Annotated[int, Field(ge=1, le=MAX_PAGE)] = 1
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 20
    facets: tuple[Facet, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> SearchQuery:
        if self.price_min is not None and self.price_max is not None:
            if self.price_min > self.price_max:
                raise ValueError("price_min must not be above price_max")
        if self.sort is SortBy.DISTANCE and self.reference_point() is None:
            raise ValueError("sort by distance needs a location (origin, radius or served point)")
        return self

    def reference_point(self) -> LatLng | None:
        if self.origin is not None:
            return self.origin
        if isinstance(self.geo, Radius):
            return self.geo.center
        if isinstance(self.geo, ServesPoint):
            return self.geo.point
        return None


@dataclass(frozen=True)
class Hit:
    listing_id: int
    distance_m: float | None  # from the query's reference point, when it has one
    score: float = 0.0


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    took_ms: float = 0.0


class SearchUnavailable(MarketplaceError):
    """The engine cannot answer now; writes go on and the outbox catches the index up later."""

    code = "search_unavailable"
    status = 503


class SearchEngine(Protocol):
    """What every engine does. Writes come only from the outbox worker (one writer)."""

    async def prepare(self) -> None:
        """Create the index or apply its settings; safe to call again."""

    async def upsert(self, documents: Sequence[ListingDocumentLike]) -> None: ...

    async def delete(self, listing_ids: Sequence[int]) -> None: ...

    async def clear(self) -> None: ...

    async def search(self, query: SearchQuery) -> SearchResults: ...

    async def count(self) -> int: ...

    async def close(self) -> None: ...


class ListingDocumentLike(Protocol):
    id: int


__all__ = [
    "BoundingBox",
    "Facet",
    "GeoFilter",
    "Hit",
    "InDistrict",
    "Radius",
    "SearchEngine",
    "SearchQuery",
    "SearchResults",
    "SearchUnavailable",
    "ServesPoint",
    "SortBy",
]
