"""The public listing page and its JSON twin: one published listing, as residents see it.

Time comes from `app.state.clock` when set (tests fix it there), otherwise from the system clock;
"open now" is always judged in the city's timezone, never the server's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from babel.dates import get_day_names
from babel.lists import format_list
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from geo.areas import pick_name
from listings.hours import DAYS, Schedule, TimeRange
from listings.hours_display import OpeningState, opening_state
from listings.public import PublicListing, PublicOffering, get_public_listing
from marketplace import clock
from web.i18n import N_, babel_locale, request_locale, translator
from web.openapi import Operation, api_route
from web.routes.listing_json import PublicListingOut, listing_json, media_path

UPCOMING_DAYS = 30  # holiday hours and closures this far ahead are listed under the week
LESSON_FORMATS = {
    "at_home": N_("At your home"),
    "at_centre": N_("At the centre"),
    "online": N_("Online"),
}


def now(request: Request) -> datetime:
    fixed: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return fixed() if fixed is not None else clock.now()


@dataclass(frozen=True, slots=True)
class Badge:
    open: bool
    label: str  # 营业中 / 已打烊 / 暂停营业
    detail: str  # 明天 09:00 开门, or ""


@dataclass(frozen=True, slots=True)
class HoursRow:
    label: str
    ranges: list[str]  # empty: closed all day
    today: bool


def _weekday_names(locale: str, width: str = "abbreviated") -> list[str]:
    names = get_day_names(width, locale=babel_locale(locale))
    return [names[i] for i in range(7)]


def badge(state: OpeningState, locale: str, _: Callable[[str], str]) -> Badge:
    """营业中 · 21:00 打烊 / 已打烊 · 明天 09:00 开门, worded for the reader."""
    if state.closed_reason is not None:
        label = _("Temporarily closed")
    else:
        label = _("Open") if state.open else _("Closed")
    details = [state.closed_reason] if state.closed_reason else []
    change = state.next_change
    if change is not None and state.days_until_change is not None:
        if state.changes_today:
            text = _("opens today at %(time)s") if change.opens else _("closes at %(time)s")
        elif state.changes_tomorrow:
            text = (
                _("opens tomorrow at %(time)s")
                if change.opens
                else _("closes tomorrow at %(time)s")
            )
        else:
            text = (
                _("opens %(day)s at %(time)s") if change.opens else _("closes %(day)s at %(time)s")
            )
        day = _weekday_names(locale)[change.at.weekday()]
        details.append(text % {"time": change.at.strftime("%H:%M"), "day": day})
    return Badge(state.open, label, " · ".join(details))


def range_text(r: TimeRange, _: Callable[[str], str]) -> str:
    if r.overnight:
        return _("%(start)s–%(end)s next day") % {"start": r.start, "end": r.end}
    return f"{r.start}–{r.end}"


def hours_rows(
    schedule: Schedule, today: date, locale: str, _: Callable[[str], str]
) -> list[HoursRow]:
    names = _weekday_names(locale, "wide")
    return [
        HoursRow(names[i], [range_text(r, _) for r in schedule.weekly[day]], i == today.weekday())
        for i, day in enumerate(DAYS)
    ]


def upcoming_exceptions(
    schedule: Schedule, today: date, _: Callable[[str], str]
) -> list[tuple[date, list[str]]]:
    last = today + timedelta(days=UPCOMING_DAYS)
    return [
        (day, [range_text(r, _) for r in ranges])
        for day, ranges in schedule.exceptions.items()
        if today <= day <= last
    ]


def duration_text(minutes: int | None, _: Callable[[str], str]) -> str:
    if not minutes:
        return ""
    days, in_day = divmod(minutes, 24 * 60)
    if days and not in_day:  # live-in care is sold by the day (月嫂 26 天)
        return _("%(d)s days") % {"d": days}
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s h") % {"h": hours}
    return _("%(m)s min") % {"m": rest}


# school stages alone, as listings name them ("primary") or as the grade vocabulary does
STAGES = {
    "preschool": N_("Preschool"),
    "primary": N_("Primary school"),
    "junior": N_("Junior high"),
    "junior_high": N_("Junior high"),
    "senior": N_("Senior high"),
    "senior_high": N_("Senior high"),
    "kids": N_("Children"),
    "teens": N_("Teenagers"),
    "adult": N_("Adults"),
    "adults": N_("Adults"),
}
YEARS = {
    "primary": N_("Primary year %(n)s"),
    "junior": N_("Junior high year %(n)s"),
    "senior": N_("Senior high year %(n)s"),
}


def grade_text(grade: str, _: Callable[[str], str]) -> str:
    """School years as residents say them: primary_3 -> 小学3年级; unknown words as written."""
    stage, _sep, year = grade.rpartition("_")
    if year.isdigit() and stage in YEARS:
        return _(YEARS[stage]) % {"n": year}
    return _(STAGES[grade]) if grade in STAGES else grade


def listed(items: list[str], locale: str) -> str:
    """上门、到店和线上 / At home, online and at the centre: the locale's own list style."""
    return format_list(items, locale=babel_locale(locale)) if items else ""


def offering_notes(offering: PublicOffering, _: Callable[[str], str]) -> list[str]:
    """The small grey facts under an offering's name."""
    notes: list[str] = []
    if duration := duration_text(offering.duration_min, _):
        notes.append(duration)
    fmt = offering.attributes.get("format")
    if isinstance(fmt, str) and fmt in LESSON_FORMATS:
        notes.append(_(LESSON_FORMATS[fmt]))
    grade = offering.attributes.get("grade")
    if isinstance(grade, str):
        notes.append(grade_text(grade, _))
    if offering.stock is not None and not offering.sold_out:
        notes.append(_("%(n)s in stock") % {"n": offering.stock})
    return notes


def listing_context(request: Request, listing: PublicListing, at: datetime) -> dict[str, Any]:
    locale = request_locale(request)
    _ = translator(request)
    city = request.app.state.city
    today = at.astimezone(city.tz).date()
    schedule = listing.schedule
    has_hours = schedule is not None and any(schedule.weekly[d] for d in DAYS)
    attrs = listing.attributes
    return {
        "listing": listing,
        "t": lambda names: pick_name(names, locale) if names else "",
        "badge": badge(opening_state(schedule, at, city.tz), locale, _)
        if schedule is not None and has_hours
        else None,
        "hours": hours_rows(schedule, today, locale, _) if schedule and has_hours else [],
        "exceptions": upcoming_exceptions(schedule, today, _) if schedule else [],
        "closures": [c for c in schedule.closures if c.end is None or c.end > at]
        if schedule
        else [],
        "price": listing.headline_price(),
        "notes": {o.id: offering_notes(o, _) for o in listing.offerings},
        "grades": listed([grade_text(g, _) for g in attrs.get("grades") or []], locale),
        "formats": listed(
            [_(text) for f, text in LESSON_FORMATS.items() if f in (attrs.get("formats") or [])],
            locale,
        ),
        "media": media_path,
        "map": {
            "lat": listing.location.lat,
            "lng": listing.location.lng,
            "tiles": city.map.tile_url,
            "attribution": city.map.attribution,
            "zoom": max(city.map.default_zoom, 15),
            "area": listing.service_area_geojson(),
        },
    }


async def listing_api(request: Request) -> Response:
    city = request.app.state.city
    listing = await get_public_listing(request.path_params["listing_id"], city)
    return JSONResponse(listing_json(city, listing, now(request)))


routes = [
    # GET /listings/{id} is web.routes.booking_pages': the page with its slot picker or cart
    api_route(
        Operation(
            "GET",
            "/api/v1/listings/{listing_id:id32}/public",
            "A published listing as the public sees it",
            "listings",
            response=PublicListingOut,
            errors=(404,),
            description="Drafts and hidden listings answer 404 like unknown ids. Prices are "
            "integer minor units of `currency`; texts are objects keyed by locale.",
        ),
        listing_api,
        name="api_listing_public",
    ),
]
