"""Checking what a merchant sends for a listing, field by field, before anything is written.

`check_listing` turns input (names, position, attributes, hours, service area, tags) into column
values, collecting every problem into one `ValidationFailed` so a form can mark them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from geo.coords import LatLng
from listings.errors import OutsideCity
from listings.hours import Schedule
from listings.input_checks import (
    ADDRESS_MAX,
    DESCRIPTION_MAX,
    NAME_MAX,
    clean_names,
    failed,
    names_errors,
)
from listings.models import Listing
from listings.service_area import area_for
from listings.services import locate
from listings.types import Vertical
from listings.verticals import ATTRIBUTES, ListingAttributes, as_input, validate_attributes
from marketplace.errors import FieldError, ValidationFailed

if TYPE_CHECKING:
    from marketplace.city import City

TAG_MAX = 30
TAGS_MAX = 20
HOURS_KEYS = ("weekly_hours", "hours_exceptions", "closures")
_T = TypeVar("_T")
# input keys a listing accepts; `vertical` is fixed once the listing exists
EDITABLE = frozenset(
    {
        "category",
        "name",
        "description",
        "address",
        "lat",
        "lng",
        "attributes",
        *HOURS_KEYS,
        "service_area",
        "tags",
    }
)


@dataclass
class Checked:
    """Column values ready to write, and notes for the merchant (e.g. an area was clipped)."""

    columns: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _hours_path(path: str) -> str:
    # Schedule names exceptions and closures under its one field; a listing stores three
    for key, column in (("exceptions", "hours_exceptions"), ("closures", "closures")):
        prefix = f"weekly_hours.{key}"
        if path == prefix or path.startswith((f"{prefix}.", f"{prefix}[")):
            return column + path[len(prefix) :]
    return path


def _check_hours(values: Mapping[str, Any], current: Listing | None, out: Checked) -> None:
    def pick(key: str) -> Any:
        if key in values:
            return values[key]
        return getattr(current, key) if current is not None else None

    try:
        schedule = Schedule.from_json(
            pick("weekly_hours"), pick("hours_exceptions"), pick("closures"), field="weekly_hours"
        )
    except ValidationFailed as exc:
        raise failed([FieldError(_hours_path(e.field), e.reason) for e in exc.errors]) from None
    stored = schedule.to_json()
    out.columns.update(
        weekly_hours=stored["weekly"],
        hours_exceptions=stored["exceptions"],
        closures=stored["closures"],
    )


def _check_category(city: City, vertical: Vertical, category: object, out: Checked) -> None:
    if not isinstance(category, str) or city.category(vertical, category) is None:
        raise ValidationFailed.on("category", f"unknown {vertical.value} category {category!r}")
    out.columns["category"] = category


def _check_tags(tags: object) -> list[str]:
    if not isinstance(tags, list) or len(tags) > TAGS_MAX:
        raise ValidationFailed.on("tags", f"must be a list of at most {TAGS_MAX} words")
    errors = [
        FieldError(f"tags[{i}]", f"must be a word of 1 to {TAG_MAX} characters")
        for i, tag in enumerate(tags)
        if not isinstance(tag, str) or not 0 < len(tag.strip()) <= TAG_MAX
    ]
    if errors:
        raise failed(errors)
    return list(dict.fromkeys(t.strip() for t in tags))


def _stored_attributes(
    city: City, vertical: Vertical, stored: Mapping[str, Any]
) -> ListingAttributes:
    # stored money is in minor units: turn it back into input before checking it again
    return validate_attributes(
        vertical, as_input(ATTRIBUTES[vertical], stored, city.minor_units), currency=city.currency
    )


def _check_texts(city: City, values: Mapping[str, Any], creating: bool, out: Checked) -> None:
    errors: list[FieldError] = []
    for key, required, limit in (
        ("name", city.locales, NAME_MAX),
        ("description", (), DESCRIPTION_MAX),
        ("address", (), ADDRESS_MAX),
    ):
        if key not in values and not (key == "name" and creating):
            continue
        texts = values.get(key) if key == "name" else values.get(key) or {}
        problems = names_errors(texts, city.locales, key, required=required, limit=limit)
        errors += problems
        if not problems:
            out.columns[key] = clean_names(texts)
    if errors:
        raise failed(errors)


def _check_point(
    city: City, values: Mapping[str, Any], current: Listing | None, out: Checked
) -> LatLng:
    if current is not None and "lat" not in values and "lng" not in values:
        return LatLng.from_point(current.location)
    lat = values.get("lat", current.location.y if current is not None else None)
    lng = values.get("lng", current.location.x if current is not None else None)
    point, district = locate(city, lat, lng)
    out.columns.update(location=point.to_point(), district=district or None)
    return point


def _check_attributes(
    city: City, vertical: Vertical, values: Mapping[str, Any], current: Listing | None, out: Checked
) -> ListingAttributes | None:
    """The attributes to decide the service area with; None when the area cannot change."""
    if "attributes" in values or current is None:
        attributes = validate_attributes(
            vertical, values.get("attributes") or {}, currency=city.currency
        )
        out.columns["attributes"] = attributes.stored()
        return attributes
    if {"lat", "lng", "service_area"} & values.keys():
        return _stored_attributes(city, vertical, current.attributes or {})
    return None


def _check_area(
    city: City,
    attributes: ListingAttributes,
    point: LatLng,
    values: Mapping[str, Any],
    current: Listing | None,
    out: Checked,
) -> None:
    existing = current.service_area if current is not None else None
    area = area_for(city, attributes, point, values.get("service_area"), current=existing)
    out.columns["service_area"] = area.polygon if area is not None else None
    if area is not None:
        out.notes += area.notes


def check_listing(
    city: City,
    vertical: Vertical | None,
    values: Mapping[str, Any],
    *,
    current: Listing | None = None,
) -> Checked:
    """Check `values` for a new listing (`current` None) or changes to `current`.

    With `vertical` None (an unknown one, already reported by the caller) the checks that depend
    on it are skipped and the rest still run, so every other mistake is reported too.
    """
    out = Checked()
    errors = [
        FieldError(k, "cannot be changed" if k == "vertical" else "unknown field")
        for k in values
        if k not in EDITABLE
    ]

    def attempt(check: Callable[[], _T]) -> _T | None:
        try:
            return check()
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            return None

    creating = current is None
    if vertical is not None and ("category" in values or creating):
        attempt(lambda: _check_category(city, vertical, values.get("category"), out))
    attempt(lambda: _check_texts(city, values, creating, out))
    point = attempt(lambda: _check_point(city, values, current, out))
    if vertical is not None:
        attributes = attempt(lambda: _check_attributes(city, vertical, values, current, out))
        if attributes is not None and point is not None:
            attempt(lambda: _check_area(city, attributes, point, values, current, out))
    if "tags" in values:
        attempt(lambda: out.columns.update(tags=_check_tags(values["tags"])))
    if creating or any(k in values for k in HOURS_KEYS):
        attempt(lambda: _check_hours(values, current, out))

    if errors:
        if len(errors) == 1 and errors[0].field == "location":
            # keep the precise type (OutsideCity) when it is the only problem
            raise OutsideCity(f"location: {errors[0].reason}", errors=errors)
        raise failed(errors)
    return out
