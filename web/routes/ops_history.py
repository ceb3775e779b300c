"""How the operator console shows a listing's audit trail: field names people read, and each
old and new value in words (money as money, a drawn area as "an area on the map")."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from babel.dates import get_day_names
from starlette.requests import Request

from listings.hours import DAYS, Day
from listings.types import ListingStatus
from web.i18n import N_, babel_locale, request_locale, translator
from web.routes.listing_pages import LESSON_FORMATS, grade_text, listed
from web.routes.pages import VERTICAL_TEXT
from web.templating import format_money

STATUS_NAMES = {
    ListingStatus.DRAFT.value: N_("Draft"),
    ListingStatus.PUBLISHED.value: N_("Published"),
    ListingStatus.HIDDEN.value: N_("Hidden"),
}
ACTION_NAMES = {
    "created": N_("Created"),
    "updated": N_("Changed"),
    "published": N_("Published"),
    "unpublished": N_("Back to draft"),
    "hidden": N_("Hidden"),
    "restored": N_("Restored"),
    "offering_added": N_("Item added"),
    "offering_updated": N_("Item changed"),
    "offering_removed": N_("Item removed"),
}
FIELD_NAMES = {
    "name": N_("Listing name"),
    "description": N_("Description"),
    "address": N_("Address"),
    "location": N_("Location"),
    "district": N_("District"),
    "vertical": N_("Business"),
    "category": N_("Category"),
    "service_area": N_("Service area"),
    "weekly_hours": N_("Opening hours"),
    "hours_exceptions": N_("Special hours"),
    "closures": N_("Temporary closures"),
    "tags": N_("Tags"),
    "status": N_("Status"),
    "hidden_reason": N_("Reason for hiding"),
    "hidden_by_operator": N_("Hidden by an operator"),
    "external_id": N_("Import id"),
    "kind": N_("Kind"),
    "price": N_("Price"),
    "stock": N_("Stock"),
    "duration_min": N_("Duration (min)"),
    "is_active": N_("On sale"),
    "sort_order": N_("Position"),
}
# listing and offering attributes, by key; keys not listed show as stored
ATTRIBUTE_NAMES = {
    "cuisine": N_("Cuisine"),
    "avg_price_per_person": N_("Average price per person"),
    "seats": N_("Seats"),
    "tables": N_("Tables"),
    "reservations": N_("Table reservations"),
    "min_notice_hours": N_("Book ahead (hours)"),
    "service_area_mode": N_("Service area drawn as"),
    "service_radius_m": N_("Service radius (m)"),
    "subjects": N_("Subjects"),
    "grades": N_("Grades"),
    "grade": N_("Grades"),
    "formats": N_("Lesson formats"),
    "format": N_("Lesson formats"),
    "lesson_minutes": N_("Lesson length (min)"),
    "trial_lesson": N_("Trial lesson"),
    "trial": N_("Trial lesson"),
    "trial_price": N_("Trial lesson price"),
    "pickup": N_("Pickup in store"),
    "delivery": N_("Delivery"),
    "delivery_fee": N_("Delivery fee"),
    "min_order": N_("Minimum order"),
    "tags": N_("Tags"),
    "sku": N_("SKU"),
}
KIND_NAMES = {
    "dish": N_("Dish"),
    "service": N_("Service"),
    "lesson": N_("Lesson"),
    "product": N_("Product"),
}
# audited fields holding integer minor units, recognised by how their names end
MONEY_FIELDS = ("price", "avg_price_per_person", "delivery_fee", "min_order", "trial_price")
MAX_VALUE = 160


def field_label(request: Request) -> Callable[[str], str]:
    """ "offering.12.price" -> "项目 #12 · 价格"; attribute names stay as stored."""
    _ = translator(request)

    def label(path: str) -> str:
        head, _sep, rest = path.partition(".")
        if head == "offering" and "." in rest:
            number, _sep, field = rest.partition(".")
            return _("Item #%(id)s · %(field)s") % {"id": number, "field": label(field)}
        if head == "attributes" and rest in ATTRIBUTE_NAMES:
            return _(ATTRIBUTE_NAMES[rest])
        return _(FIELD_NAMES[path]) if path in FIELD_NAMES else path

    return label


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def change_text(request: Request) -> Callable[[str, Any], str]:
    """One audited value as an operator reads it: money as money, names side by side, slugs
    by their names, an area as words rather than a page of coordinates."""
    _ = translator(request)
    city, locale = request.app.state.city, request_locale(request)
    days = get_day_names("abbreviated", locale=babel_locale(locale))
    categories = {c.slug: c for group in city.categories.values() for c in group}
    verticals = {v.value: title for v, (title, _blurb) in VERTICAL_TEXT.items()}

    def hours(week: dict[str, Any]) -> str:
        text = "; ".join(
            f"{days[DAYS.index(Day(day))]} " + ", ".join(f"{a}–{b}" for a, b in ranges)
            for day, ranges in week.items()
            if day in DAYS and ranges
        )
        return text or _("Closed all day")

    def show(path: str, value: Any) -> str:
        if value is None or value in ("", [], {}):
            return "—"
        if path == "status" and value in STATUS_NAMES:
            return _(STATUS_NAMES[value])
        if path == "vertical" and value in verticals:
            return _(verticals[value])
        if path == "category" and value in categories:
            return categories[value].display_name(locale)
        if path == "district" and (district := city.area.district(str(value))):
            return district.display_name(locale)
        if path == "weekly_hours" and isinstance(value, dict):
            return hours(value)
        if path.endswith(".kind") and value in KIND_NAMES:
            return _(KIND_NAMES[value])
        if path.endswith(("format", "formats")):
            return listed([_(LESSON_FORMATS.get(f, f)) for f in _as_list(value)], locale)
        if path.endswith(("grade", "grades")):
            return listed([grade_text(str(g), _) for g in _as_list(value)], locale)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if isinstance(value, int) and path.endswith(MONEY_FIELDS):
            return format_money(value, locale, city.currency, city.minor_units, whole=False)
        if isinstance(value, dict) and value.get("type") in ("Polygon", "MultiPolygon"):
            return _("an area on the map")
        if isinstance(value, dict) and set(value) == {"lat", "lng"}:
            return f"{value['lat']:.5f}, {value['lng']:.5f}"
        if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
            # a text per locale, in the city's order (PostgreSQL's jsonb keeps no key order)
            ordered = [value[tag] for tag in city.locales if tag in value]
            return " / ".join(ordered + [t for k, t in value.items() if k not in city.locales])
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"

    return show
