"""When the demo's services, lessons and tables can be booked: availability settings in the JSON
`marketplace.bookings.availability` stores, derived from each demo listing's opening hours.

Pure and deterministic: each listing draws from its own generator seeded by its external id, so
the catalogue's own draws (and so every name and price) stay as they were. Cleaners work their
opening hours in jobs of the service's length with 30 minutes to travel between them, one to
three teams at a time; tutors teach weekday evenings and weekend days in lessons of the lesson's
length; restaurants take reservations for lunch and dinner in 30-minute windows of 20-60 covers.
One tutoring listing publishes a Saturday class with 12 places as a date exception.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from listings.hours import parse_time
from listings.types import OfferingKind, Vertical
from marketplace.bookings.availability import WEEKDAYS
from marketplace.demo.catalog import DemoListing, DemoOffering

Settings = dict[str, Any]

CLEANER_BUFFER = 30
LESSON_BUFFER = 15
MAX_SLOT = 720  # what a window allows; longer packages are booked by their first visit
FIRST_VISIT = 120
MAX_NOTICE_MINUTES = 10080
RESERVATION_MEALS = (
    (parse_time("11:00"), parse_time("14:00")),
    (parse_time("17:00"), parse_time("21:00")),
)
RESERVATION_SLOT = 30
SATURDAY_CLASS_PLACES = 12
SATURDAY_CLASS_START = parse_time("14:00")


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _ranges(hours: dict[str, list[list[str]]], day: str) -> list[tuple[int, int]]:
    """A day's opening ranges in minutes; one that runs past midnight ends at midnight here."""
    found = []
    for start, end in hours.get(day, []):
        first, last = parse_time(start), parse_time(end)
        found.append((first, last if last > first else 24 * 60))
    return found


def _window(day: int, start: int, end: int, slot: int, capacity: int) -> dict[str, Any]:
    return {
        "weekday": day,
        "start": _clock(start),
        "end": _clock(end),
        "slot_minutes": slot,
        "capacity": capacity,
    }


def _rng(item: DemoListing, salt: str) -> random.Random:
    return random.Random(f"{item.external_id}:{salt}")


def _slot_length(offering: DemoOffering) -> int:
    minutes = offering.duration_min or 60
    return minutes if minutes <= MAX_SLOT else FIRST_VISIT


def _weekly(item: DemoListing, slot: int, capacity: int) -> list[dict[str, Any]]:
    windows = []
    for day, name in enumerate(WEEKDAYS):
        for start, end in _ranges(item.weekly_hours, name):
            if end - start >= slot:
                windows.append(_window(day, start, end, slot, capacity))
    return windows


def _cleaning(item: DemoListing, index: int, offering: DemoOffering) -> Settings | None:
    slot = _slot_length(offering)
    windows = _weekly(item, slot, _rng(item, f"team{index}").randint(1, 3))
    if not windows:
        return None
    notice = int(item.attributes.get("min_notice_hours") or 2) * 60
    return {
        "windows": windows,
        "buffer_minutes": CLEANER_BUFFER,
        "min_notice_minutes": min(notice, MAX_NOTICE_MINUTES),
        # those booked weeks ahead (a maternity nurse) may be booked further out
        "horizon_days": 90 if notice > MAX_NOTICE_MINUTES // 2 else 30,
    }


def _lesson(item: DemoListing, index: int, offering: DemoOffering) -> Settings | None:
    slot = _slot_length(offering)
    group = offering.attributes.get("format") == "at_centre"
    places = _rng(item, f"class{index}").randint(4, 8) if group else 1
    windows = _weekly(item, slot, places)
    if not windows:
        return None
    return {
        "windows": windows,
        "buffer_minutes": LESSON_BUFFER,
        "min_notice_minutes": 12 * 60,
        "horizon_days": 30,
    }


def offering_availability(item: DemoListing, index: int, offering: DemoOffering) -> Settings | None:
    """The availability of the `index`-th offering; None for what is not booked by slot."""
    if item.vertical == Vertical.HOUSEKEEPING and offering.kind == OfferingKind.SERVICE:
        return _cleaning(item, index, offering)
    if item.vertical == Vertical.TUTORING and offering.kind == OfferingKind.LESSON:
        return _lesson(item, index, offering)
    return None


def table_reservations(item: DemoListing) -> Settings | None:
    """Lunch and dinner reservations where the restaurant is open then; None elsewhere."""
    if item.vertical != Vertical.RESTAURANT:
        return None
    covers = _rng(item, "covers").randint(4, 12) * 5
    windows = []
    for day, name in enumerate(WEEKDAYS):
        for open_at, close_at in _ranges(item.weekly_hours, name):
            for meal_start, meal_end in RESERVATION_MEALS:
                start = -(-max(open_at, meal_start) // RESERVATION_SLOT) * RESERVATION_SLOT
                end = min(close_at, meal_end) // RESERVATION_SLOT * RESERVATION_SLOT
                if end - start >= RESERVATION_SLOT:
                    windows.append(_window(day, start, end, RESERVATION_SLOT, covers))
    if not windows:
        return None
    return {"windows": windows, "min_notice_minutes": 60, "horizon_days": 14}


def next_saturday(today: date) -> date:
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def with_saturday_class(settings: Settings, offering: DemoOffering, day: date) -> Settings:
    """`settings` plus a class of 12 places on `day` instead of that day's usual lessons."""
    slot = _slot_length(offering)
    window = {
        "start": _clock(SATURDAY_CLASS_START),
        "end": _clock(SATURDAY_CLASS_START + slot),
        "slot_minutes": slot,
        "capacity": SATURDAY_CLASS_PLACES,
    }
    exceptions = {**settings.get("exceptions", {}), day.isoformat(): {"windows": [window]}}
    return {**settings, "exceptions": exceptions}


def catalogue_availability(
    catalog: list[DemoListing], today: date
) -> dict[tuple[str, int], Settings | None]:
    """Availability by (external id, offering index) for the whole catalogue; the first tutor
    with a regular lesson also publishes a Saturday class on the Saturday after `today`."""
    found = {
        (item.external_id, i): offering_availability(item, i, offering)
        for item in catalog
        for i, offering in enumerate(item.offerings)
    }
    for item in catalog:
        if item.vertical != Vertical.TUTORING:
            continue
        for i, offering in enumerate(item.offerings):
            settings = found[(item.external_id, i)]
            if settings is not None and not offering.attributes.get("trial"):
                found[(item.external_id, i)] = with_saturday_class(
                    settings, offering, next_saturday(today)
                )
                return found
    return found
