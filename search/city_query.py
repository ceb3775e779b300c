"""A resident's search parameters, as the API and the results page take them, checked against
the city and turned into a `SearchQuery`.

Everything a person can type is checked here, against the city's own configuration (its
categories, boundary, districts, maximum radius, currency and time zone); a bad value is a
ValidationFailed naming the parameter, never an engine error.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geo.coords import CoordinateError, LatLng
from listings.hours import minute_of_week
from listings.money import parse_price
from listings.types import Vertical
from marketplace.errors import FieldError, ValidationFailed
from marketplace.input_bounds import MAX_PAGE, page_number, strip_controls, whole_number
from search.interfaces import (
    MAX_PAGE_SIZE,
    MAX_TEXT,
    BoundingBox,
    Facet,
    GeoFilter,
    InDistrict,
    Radius,
    SearchQuery,
    ServesPoint,
    SortBy,
)

if TYPE_CHECKING:
    from marketplace.city import City

INVALID_SEARCH = "The search parameters are not valid."


class SearchParams(BaseModel):
    """The query string of /api/v1/search and /search, as given (texts, checked later)."""

    model_config = ConfigDict(extra="ignore")

    q: str = Field("", description=f"words to find, at most {MAX_TEXT} characters")
    vertical: list[str] = Field([], description="repeatable: restaurant, housekeeping, ...")
    category: list[str] = Field([], description="repeatable category slug of the city")
    tag: list[str] = Field([], description="repeatable; every tag must be present")
    price_min: str | None = Field(None, description="major units of the city's currency")
    price_max: str | None = Field(None, description="major units of the city's currency")
    min_rating: str | None = Field(None, description="0 to 5")
    open_now: str | None = Field(None, description="true: open now in the city's time zone")
    open_at: str | None = Field(None, description="ISO 8601 date and time: open at that moment")
    lat: str | None = Field(None, description="latitude of the origin (with lng)")
    lng: str | None = Field(None, description="longitude of the origin (with lat)")
    radius_m: str | None = Field(None, description="metres around lat/lng, up to the city's max")
    bbox: str | None = Field(None, description="south,west,north,east")
    district: str | None = Field(None, description="district slug of the city")
    serves: str | None = Field(None, description="lat,lng: listings whose service area covers it")
    sort: str | None = Field(None, description="relevance, distance, rating, price_asc, price_desc")
    page: str | None = Field(
        None,
        description=f"1 to {MAX_PAGE}; a page beyond the end answers 200 with no hits and the "
        "total",
    )
    page_size: str | None = Field(None, description=f"1 to {MAX_PAGE_SIZE}, default 20")
    facets: list[str] = Field([], description="repeatable: vertical, category, district, tags")


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, field: str, reason: str) -> None:
        self.items.append(FieldError(field, reason))


def _float(value: str | None, field: str, errors: _Errors) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value.strip())
    except ValueError:
        errors.add(field, "must be a number")
        return None
    if number != number or number in (float("inf"), float("-inf")):
        errors.add(field, "must be a finite number")
        return None
    return number


def _bool(value: str | None, field: str, errors: _Errors) -> bool:
    if value is None or value.strip().lower() in ("", "0", "false", "no", "off"):
        return False
    if value.strip().lower() in ("1", "true", "yes", "on"):
        return True
    errors.add(field, "must be true or false")
    return False


def _text(value: str, errors: _Errors) -> str:
    if len(value) > MAX_TEXT:
        errors.add("q", f"must be at most {MAX_TEXT} characters")
        return ""
    # control characters are never typed by a person; dropping them keeps the words they meant
    return " ".join(strip_controls(value).split())


def _in_city(city: City, field: str, point: LatLng, errors: _Errors) -> LatLng | None:
    if not city.area.contains(point):
        errors.add(field, "is outside the city")
        return None
    return point


def _point(text: str | None, field: str, errors: _Errors) -> LatLng | None:
    if not text:
        return None
    try:
        return LatLng.parse(text)
    except CoordinateError as exc:
        errors.add(field, exc.reason)
        return None


def _origin(city: City, params: SearchParams, errors: _Errors) -> LatLng | None:
    lat = _float(params.lat, "lat", errors)
    lng = _float(params.lng, "lng", errors)
    if lat is None and lng is None:
        return None
    if lat is None or lng is None:
        errors.add("lat" if lat is None else "lng", "lat and lng go together")
        return None
    try:
        point = LatLng(lat, lng)
    except CoordinateError as exc:
        errors.add(exc.field, exc.reason)
        return None
    return _in_city(city, "lat", point, errors)


def _bbox(text: str, errors: _Errors) -> BoundingBox | None:
    parts = text.split(",")
    try:
        south, west, north, east = (float(p) for p in parts)
        box = BoundingBox(south_west=LatLng(south, west), north_east=LatLng(north, east))
    except (ValueError, CoordinateError, ValidationError) as exc:
        reason = "must be south,west,north,east with south below north and west of east"
        if isinstance(exc, CoordinateError):
            reason = exc.reason
        errors.add("bbox", reason)
        return None
    return box


def _geo(
    city: City, params: SearchParams, origin: LatLng | None, errors: _Errors
) -> GeoFilter | None:
    given = [name for name in ("radius_m", "bbox", "district", "serves") if getattr(params, name)]
    if len(given) > 1:
        errors.add(given[1], f"cannot be combined with {given[0]}")
        return None
    radius = _float(params.radius_m, "radius_m", errors)
    if radius is not None:
        if radius <= 0 or radius > city.search.max_radius_m:
            errors.add("radius_m", f"must be above 0 and at most {city.search.max_radius_m}")
        elif origin is None:
            errors.add("radius_m", "needs lat and lng")
        else:
            return Radius(center=origin, metres=radius)
    if params.bbox:
        return _bbox(params.bbox, errors)
    if params.district:
        if city.area.district(params.district) is None:
            errors.add("district", "is not a district of this city")
            return None
        return InDistrict(slug=params.district)
    point = _point(params.serves, "serves", errors)
    if point is not None and _in_city(city, "serves", point, errors):
        return ServesPoint(point=point)
    return None


def _choices(values: list[str], allowed: set[str], field: str, errors: _Errors) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v for v in values if v))
    for value in chosen:
        if value not in allowed:
            errors.add(field, f"unknown value {value[:40]!r}")
    return tuple(v for v in chosen if v in allowed)


def _prices(city: City, params: SearchParams, errors: _Errors) -> tuple[int | None, int | None]:
    found: list[int | None] = []
    for field in ("price_min", "price_max"):
        raw = getattr(params, field)
        try:
            found.append(parse_price(raw, currency=city.currency, field=field) if raw else None)
        except ValidationFailed as exc:
            errors.items += exc.errors
            found.append(None)
    return found[0], found[1]


def _open_at(city: City, params: SearchParams, now: datetime, errors: _Errors) -> int | None:
    if params.open_at:
        try:
            at = datetime.fromisoformat(params.open_at)
        except ValueError:
            errors.add("open_at", "must be an ISO 8601 date and time")
            return None
        # a time without an offset is the city's local time, as a resident means it
        return minute_of_week(at if at.tzinfo else at.replace(tzinfo=city.tz), city.tz)
    if _bool(params.open_now, "open_now", errors):
        return minute_of_week(now, city.tz)
    return None


def build_query(city: City, params: SearchParams, now: datetime) -> SearchQuery:
    """The engine query for `params`; ValidationFailed listing every bad parameter."""
    errors = _Errors()
    text = _text(params.q, errors)
    verticals = _choices(params.vertical, {v.value for v in Vertical}, "vertical", errors)
    slugs = {c.slug for v in verticals or Vertical for c in city.categories.get(Vertical(v), ())}
    categories = _choices(params.category, slugs, "category", errors)
    facets = _choices(params.facets, {f.value for f in Facet}, "facets", errors)
    sort = _choices([params.sort or SortBy.RELEVANCE.value], set(SortBy), "sort", errors)
    origin = _origin(city, params, errors)
    geo = _geo(city, params, origin, errors)
    price_min, price_max = _prices(city, params, errors)
    rating = _float(params.min_rating, "min_rating", errors)
    if rating is not None and not 0 <= rating <= 5:
        errors.add("min_rating", "must be between 0 and 5")
    try:
        page = page_number(params.page)
    except ValidationFailed as exc:
        errors.items += exc.errors
        page = 1
    try:
        size = whole_number(params.page_size, "page_size", low=1, high=MAX_PAGE_SIZE)
    except ValidationFailed as exc:
        errors.items += exc.errors
        size = None
    size = 20 if size is None else size
    open_at = _open_at(city, params, now, errors)
    if price_min is not None and price_max is not None and price_min > price_max:
        errors.add("price_min", "must not be above price_max")
    if (
        sort
        and sort[0] == SortBy.DISTANCE
        and origin is None
        and not isinstance(geo, (Radius, ServesPoint))
    ):
        errors.add("sort", "sorting by distance needs lat and lng")
    if errors.items:
        raise ValidationFailed(INVALID_SEARCH, errors=errors.items)
    return SearchQuery(
        text=text,
        verticals=tuple(Vertical(v) for v in verticals),
        categories=categories,
        tags=tuple(dict.fromkeys(t for t in params.tag if t)),
        price_min=price_min,
        price_max=price_max,
        min_rating=rating,
        open_at=open_at,
        geo=geo,
        origin=origin,
        sort=SortBy(sort[0]),
        page=page,
        page_size=size,
        facets=tuple(Facet(f) for f in facets),
    )
