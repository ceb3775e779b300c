"""Merchant forms <-> service input: what a posted form means, and a stored row as form values.

Form fields are named after the paths the services report errors under ("name.zh-CN",
"attributes.seats"), so an error lands next to the field that caused it. Values stay the text
the merchant typed; the services parse and check them, this module only reshapes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from shapely.geometry import mapping

from geo.coords import LatLng
from listings.hours import DAYS
from listings.models import Listing, Offering
from listings.offerings import offering_as_input
from listings.types import DishTag, OfferingKind, ServiceAreaMode, Vertical
from listings.verticals import ATTRIBUTES, as_input
from marketplace.city import City
from marketplace.errors import FieldError, MarketplaceError, ValidationFailed
from web.i18n import N_
from web.routes.merchant_fields import AREA_SWITCH, ATTR_FIELDS, AttrField

Form = dict[str, str]

AREA_MODE = "attributes.service_area_mode"
AREA_RADIUS = "attributes.service_radius_m"
AREA_SHAPE = "service_area"


_LIST_SPLIT = re.compile(r"[,，、;；\n]+")
_RANGE = re.compile(r"(\d{1,2}):(\d{2})\s*(?:-|–|—|~|至|到)\s*(\d{1,2}):(\d{2})")


def texts(form: Form, key: str, locales: tuple[str, ...]) -> dict[str, str]:
    return {locale: form.get(f"{key}.{locale}", "") for locale in locales}


def words(text: str) -> list[str]:
    return [w.strip() for w in _LIST_SPLIT.split(text) if w.strip()]


def number(text: str) -> float | str | None:
    """A typed coordinate as a float; anything else is passed on for the service to name."""
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        return cleaned


def checked(form: Form, name: str) -> bool:
    return form.get(name, "") not in ("", "0", "off", "false")


# --- opening hours as one line per day ---------------------------------------------------------


def parse_day_hours(text: str) -> list[list[str]]:
    """ "09:00-14:00, 17:00-02:00" as [["09:00", "14:00"], ["17:00", "02:00"]]; blank is closed.

    ValueError when a part is not a range of two times; the schedule's own rules (overlaps,
    times of day) are checked by the service, which names the day.
    """
    ranges: list[list[str]] = []
    for part in _LIST_SPLIT.split(unicodedata.normalize("NFKC", text)):
        if not part.strip():
            continue
        match = _RANGE.fullmatch(part.strip())
        if match is None:
            raise ValueError(part.strip())
        h1, m1, h2, m2 = match.groups()
        ranges.append([f"{int(h1):02d}:{m1}", f"{int(h2):02d}:{m2}"])
    return ranges


def day_hours_text(ranges: object) -> str:
    if not isinstance(ranges, list):
        return ""
    return ", ".join(f"{r[0]}-{r[1]}" for r in ranges if isinstance(r, list) and len(r) == 2)


HOURS_FORMAT = N_("Write times like 09:00-21:00, several separated by commas.")


def weekly_hours(form: Form) -> tuple[dict[str, list[list[str]]], list[FieldError]]:
    week: dict[str, list[list[str]]] = {}
    errors: list[FieldError] = []
    for day in DAYS:
        try:
            week[day.value] = parse_day_hours(form.get(f"hours.{day.value}", ""))
        except ValueError:
            errors.append(FieldError(f"hours.{day.value}", HOURS_FORMAT))
    return week, errors


# --- holiday hours and temporary closures, one form row each -----------------------------------

HOLIDAY = "holiday"  # holiday.{i}.date, holiday.{i}.hours, holiday.{i}.closed
CLOSURE = "closure"  # closure.{i}.start, closure.{i}.end, closure.{i}.reason
MAX_ROWS = 40  # row numbers beyond this are not read: a form cannot ask for endless work
_ROW = re.compile(r"(holiday|closure)\.(\d{1,3})\.")
_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type=datetime-local> sends and shows

DATE_MISSING = N_("Choose a date.")
DATE_FORMAT = N_("Write the date like 2026-10-01.")
DATE_TWICE = N_("This date is listed twice.")
HOLIDAY_HOURS_MISSING = N_("Enter the hours, or tick closed all day.")
START_MISSING = N_("Enter when the closure starts.")
DATETIME_FORMAT = N_("Enter a date and time like 2026-10-01 09:00.")


def rows_in(form: Form, kind: str) -> int:
    """How many rows of `kind` the form has (the highest row number + 1)."""
    numbers = [
        int(m.group(2))
        for name in form
        if (m := _ROW.match(name)) and m.group(1) == kind and int(m.group(2)) < MAX_ROWS
    ]
    return max(numbers, default=-1) + 1


def _row_blank(form: Form, prefix: str, names: tuple[str, ...]) -> bool:
    return not any(form.get(f"{prefix}.{name}", "").strip() for name in names)


def _local_date(text: str) -> date | None:
    cleaned = unicodedata.normalize("NFKC", text).strip()
    if not _DATE.fullmatch(cleaned):
        return None
    year, month, day = (int(part) for part in cleaned.split("-"))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _local_instant(text: str, tz: ZoneInfo) -> datetime | None:
    """A wall-clock time typed in the city ("2026-10-01T09:00") as an aware datetime."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("/", "-")
    try:
        value = datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return value if value.utcoffset() is not None else value.replace(tzinfo=tz)


def holiday_hours(
    form: Form,
) -> tuple[dict[str, list[list[str]]], dict[str, int], list[FieldError]]:
    """{"YYYY-MM-DD": ranges} ([] closed all day), which row each date came from, mistakes."""
    special: dict[str, list[list[str]]] = {}
    rows: dict[str, int] = {}
    errors: list[FieldError] = []
    for i in range(rows_in(form, HOLIDAY)):
        prefix = f"{HOLIDAY}.{i}"
        closed = checked(form, f"{prefix}.closed")
        if not closed and _row_blank(form, prefix, ("date", "hours")):
            continue
        raw_date = form.get(f"{prefix}.date", "")
        day = _local_date(raw_date)
        if day is None:
            reason = DATE_FORMAT if raw_date.strip() else DATE_MISSING
            errors.append(FieldError(f"{prefix}.date", reason))
        elif day.isoformat() in special:
            errors.append(FieldError(f"{prefix}.date", DATE_TWICE))
        ranges: list[list[str]] = []
        if not closed:
            try:
                ranges = parse_day_hours(form.get(f"{prefix}.hours", ""))
            except ValueError:
                errors.append(FieldError(f"{prefix}.hours", HOURS_FORMAT))
            else:
                if not ranges:
                    errors.append(FieldError(f"{prefix}.hours", HOLIDAY_HOURS_MISSING))
        if day is not None and day.isoformat() not in special:
            special[day.isoformat()] = ranges
            rows[day.isoformat()] = i
    return special, rows, errors


def closures(form: Form, tz: ZoneInfo) -> tuple[list[dict[str, Any]], list[int], list[FieldError]]:
    """Closures as the service takes them (aware ISO times), the row of each, and mistakes."""
    found: list[dict[str, Any]] = []
    rows: list[int] = []
    errors: list[FieldError] = []
    for i in range(rows_in(form, CLOSURE)):
        prefix = f"{CLOSURE}.{i}"
        if _row_blank(form, prefix, ("start", "end", "reason")):
            continue
        raw_start, raw_end = form.get(f"{prefix}.start", ""), form.get(f"{prefix}.end", "")
        start = _local_instant(raw_start, tz)
        if start is None:
            reason = DATETIME_FORMAT if raw_start.strip() else START_MISSING
            errors.append(FieldError(f"{prefix}.start", reason))
        end = _local_instant(raw_end, tz) if raw_end.strip() else None
        if raw_end.strip() and end is None:
            errors.append(FieldError(f"{prefix}.end", DATETIME_FORMAT))
        found.append(
            {
                "start": start.isoformat() if start else None,
                "end": end.isoformat() if end else None,
                "reason": form.get(f"{prefix}.reason", ""),
            }
        )
        rows.append(i)
    return found, rows, errors


_SERVICE_HOLIDAY = re.compile(r"hours_exceptions\.(\d{4}-\d{2}-\d{2})\b.*")
_SERVICE_CLOSURE = re.compile(r"closures\[(\d+)\](?:\.(start|end|reason))?.*")


def on_rows(exc: MarketplaceError, form: Form, tz: ZoneInfo) -> MarketplaceError:
    """`exc` with the service's paths of holidays and closures turned into the form's rows, so
    each reason shows next to the row that caused it."""
    if not isinstance(exc, ValidationFailed) or not exc.errors:
        return exc
    _, holiday_rows, _ = holiday_hours(form)
    _, closure_rows, _ = closures(form, tz)
    moved: list[FieldError] = []
    for error in exc.errors:
        field = error.field
        if (m := _SERVICE_HOLIDAY.fullmatch(field)) and m.group(1) in holiday_rows:
            field = f"{HOLIDAY}.{holiday_rows[m.group(1)]}.hours"
        elif (m := _SERVICE_CLOSURE.fullmatch(field)) and int(m.group(1)) < len(closure_rows):
            field = f"{CLOSURE}.{closure_rows[int(m.group(1))]}.{m.group(2) or 'start'}"
        moved.append(FieldError(field, error.reason))
    return ValidationFailed(exc.message, errors=moved)


def row_fields(form: Form, blanks: int) -> list[str]:
    """The names of every holiday and closure field the page shows (for placing errors)."""
    names = [
        f"{HOLIDAY}.{i}.{part}"
        for i in range(rows_in(form, HOLIDAY) + blanks)
        for part in ("date", "hours")
    ]
    names += [
        f"{CLOSURE}.{i}.{part}"
        for i in range(rows_in(form, CLOSURE) + blanks)
        for part in ("start", "end", "reason")
    ]
    return names


def special_hours_form(listing: Listing, tz: ZoneInfo) -> Form:
    """Stored holidays and closures as form rows, in date order."""
    form: Form = {}
    stored = listing.hours_exceptions or {}
    for i, day in enumerate(sorted(stored)):
        form[f"{HOLIDAY}.{i}.date"] = day
        ranges = stored[day]
        form[f"{HOLIDAY}.{i}.hours"] = day_hours_text(ranges)
        form[f"{HOLIDAY}.{i}.closed"] = "" if ranges else "on"
    for i, closure in enumerate(listing.closures or []):
        for part in ("start", "end"):
            value = closure.get(part)
            if value:
                local = datetime.fromisoformat(value).astimezone(tz)
                form[f"{CLOSURE}.{i}.{part}"] = local.strftime(LOCAL_MINUTE)
        form[f"{CLOSURE}.{i}.reason"] = str(closure.get("reason") or "")
    return form


# --- listings ----------------------------------------------------------------------------------


def _attribute(spec: AttrField, form: Form) -> Any:
    if spec.kind == "bool":
        return checked(form, spec.name)
    if spec.kind == "choices":
        return [value for value, _ in spec.choices if checked(form, f"{spec.name}.{value}")]
    text = form.get(spec.name, "").strip()
    if spec.kind == "words":
        return words(text)
    return text or None  # blank optional fields are left out, not sent as ""


def travels(vertical: Vertical, form: Form) -> bool:
    switch = AREA_SWITCH[vertical]
    if switch is None:
        return False
    return switch == "" or checked(form, switch)


def listing_input(
    city: City, vertical: Vertical, form: Form
) -> tuple[dict[str, Any], list[FieldError]]:
    """Keyword arguments for catalogue.create_listing / update_listing, and the form's own
    mistakes (hours that are not times) found before the service is asked."""
    attributes: dict[str, Any] = {}
    for spec in ATTR_FIELDS[vertical]:
        if spec.shown_with and not checked(form, spec.shown_with):
            continue  # hidden on the page: what it still holds is not what the merchant means
        value = _attribute(spec, form)
        if value is not None:
            attributes[spec.key] = value
    values: dict[str, Any] = {
        "category": form.get("category", ""),
        "name": texts(form, "name", city.locales),
        "description": texts(form, "description", city.locales),
        "address": texts(form, "address", city.locales),
        "lat": number(form.get("lat", "")),
        "lng": number(form.get("lng", "")),
        "tags": words(form.get("tags", "")),
        "attributes": attributes,
    }
    if travels(vertical, form):
        mode = form.get(AREA_MODE) or ServiceAreaMode.POLYGON.value
        attributes["service_area_mode"] = mode
        if mode == ServiceAreaMode.RADIUS.value:
            attributes["service_radius_m"] = form.get(AREA_RADIUS, "").strip() or None
        else:
            drawn = form.get(AREA_SHAPE, "").strip()
            if drawn:
                values["service_area"] = _geojson(drawn)
    week, errors = weekly_hours(form)
    values["weekly_hours"] = week
    values["hours_exceptions"], _, holiday_errors = holiday_hours(form)
    values["closures"], _, closure_errors = closures(form, city.tz)
    return values, [*errors, *holiday_errors, *closure_errors]


def _geojson(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # reported by the service as "must be a GeoJSON Polygon"


def listing_form(city: City, listing: Listing) -> Form:
    """A stored listing as the values its edit form starts with."""
    vertical = Vertical(listing.vertical)
    form: Form = {"category": listing.category, "tags": ", ".join(listing.tags or [])}
    for key in ("name", "description", "address"):
        for locale, text in (getattr(listing, key) or {}).items():
            form[f"{key}.{locale}"] = text
    point = LatLng.from_point(listing.location)
    form.update(lat=f"{point.lat:.6f}", lng=f"{point.lng:.6f}")
    for day in DAYS:
        form[f"hours.{day.value}"] = day_hours_text((listing.weekly_hours or {}).get(day.value))
    form.update(special_hours_form(listing, city.tz))
    stored = as_input(ATTRIBUTES[vertical], listing.attributes or {}, city.minor_units)
    for spec in ATTR_FIELDS[vertical]:
        value = stored.get(spec.key)
        if spec.kind == "bool":
            form[spec.name] = "on" if value else ""
        elif spec.kind == "choices":
            for choice in value or []:
                form[f"{spec.name}.{choice}"] = "on"
        elif spec.kind == "words":
            form[spec.name] = ", ".join(value or [])
        elif value is not None:
            form[spec.name] = str(value)
    form[AREA_MODE] = str(stored.get("service_area_mode") or ServiceAreaMode.POLYGON.value)
    if stored.get("service_radius_m") is not None:
        form[AREA_RADIUS] = str(stored["service_radius_m"])
    if listing.service_area is not None and form[AREA_MODE] == ServiceAreaMode.POLYGON.value:
        form[AREA_SHAPE] = json.dumps(mapping(listing.service_area))
    return form


def default_listing_form(vertical: Vertical) -> Form:
    """A new listing starts with the usual choices already made."""
    form: Form = {AREA_MODE: ServiceAreaMode.RADIUS.value, AREA_RADIUS: "3000"}
    if vertical is Vertical.SHOP:
        form["attributes.pickup"] = "on"
    if vertical is Vertical.TUTORING:
        form["attributes.lesson_minutes"] = "60"
    for day in DAYS:
        form[f"hours.{day.value}"] = "09:00-18:00"
    return form


# --- offerings ---------------------------------------------------------------------------------


def offering_input(city: City, kind: OfferingKind, form: Form) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": texts(form, "name", city.locales),
        "description": texts(form, "description", city.locales),
        "price": form.get("price", "").strip(),
        "is_active": checked(form, "is_active"),
    }
    if kind in (OfferingKind.SERVICE, OfferingKind.LESSON):
        data["duration_min"] = form.get("duration_min", "").strip()
    if kind is OfferingKind.PRODUCT:
        data["stock"] = form.get("stock", "").strip()
        if sku := form.get("sku", "").strip():
            data["sku"] = sku
    if kind is OfferingKind.DISH:
        data["tags"] = [t.value for t in DishTag if checked(form, f"tags.{t.value}")]
    if kind is OfferingKind.LESSON:
        data["format"] = form.get("format", "")
        data["trial"] = checked(form, "trial")
        if grade := form.get("grade", ""):
            data["grade"] = grade
    return data


def offering_form(offering: Offering, minor_units: int) -> Form:
    values = offering_as_input(offering, minor_units)
    form: Form = {}
    for key in ("name", "description"):
        for locale, text in (values.get(key) or {}).items():
            form[f"{key}.{locale}"] = text
    for key in ("price", "duration_min", "stock", "sku", "format", "grade"):
        if values.get(key) is not None:
            form[key] = str(values[key])
    form["is_active"] = "on" if values.get("is_active") else ""
    form["trial"] = "on" if values.get("trial") else ""
    for tag in values.get("tags") or []:
        form[f"tags.{tag}"] = "on"
    return form


def new_offering_form(kind: OfferingKind) -> Form:
    form: Form = {"is_active": "on"}
    if kind in (OfferingKind.SERVICE, OfferingKind.LESSON):
        form["duration_min"] = "60"
    return form


# --- applications ------------------------------------------------------------------------------


def apply_input(city: City, form: Form) -> dict[str, Any]:
    vertical, _, category = form.get("kind", "").partition(":")
    return {
        "name": texts(form, "name", city.locales),
        "address": texts(form, "address", city.locales),
        "vertical": vertical,
        "category": category,
        "lat": number(form.get("lat", "")),
        "lng": number(form.get("lng", "")),
        "contact_name": form.get("contact_name", ""),
        "contact_phone": form.get("contact_phone", ""),
        "contact_email": form.get("contact_email", "").strip() or None,
    }


def refused(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)
