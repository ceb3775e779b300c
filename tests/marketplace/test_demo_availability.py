"""The demo is bookable: every service and lesson has availability the bookings package accepts,
restaurants take reservations, shops have stock (some low, some sold out), and it is all the
same every time."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from listings.models import Listing, Offering
from listings.types import OfferingKind, Vertical
from marketplace.bookings.availability import AvailabilitySettings, offered_slots, slots_on
from marketplace.city import City
from marketplace.demo.availability import (
    SATURDAY_CLASS_PLACES,
    catalogue_availability,
    next_saturday,
    table_reservations,
)
from marketplace.demo.catalog import generate_catalog
from marketplace.demo.seed import seed_demo

TODAY = date(2026, 11, 25)  # a Wednesday
NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
TZ = ZoneInfo("Asia/Shanghai")


def test_every_service_and_lesson_is_bookable_within_two_weeks(city: City) -> None:
    catalog = generate_catalog(city, 600)
    found = catalogue_availability(catalog, TODAY)
    problems = []
    for item in catalog:
        for i, offering in enumerate(item.offerings):
            data = found[(item.external_id, i)]
            bookable = offering.kind in (OfferingKind.SERVICE, OfferingKind.LESSON)
            if not bookable:
                assert data is None, item.external_id
                continue
            if data is None:
                problems.append(f"{item.external_id}[{i}]: no availability")
                continue
            settings = AvailabilitySettings.from_json(data)
            slots = [
                s
                for d in range(settings.horizon_days)
                for s in offered_slots(settings, date.fromordinal(TODAY.toordinal() + d), TZ, NOW)
            ]
            if not slots:
                problems.append(f"{item.external_id}[{i}]: no slot ahead")
    assert problems == []


def test_cleaners_and_tutors_work_realistic_hours(city: City) -> None:
    catalog = generate_catalog(city, 600)
    found = catalogue_availability(catalog, TODAY)
    cleaner = next(i for i in catalog if i.vertical == Vertical.HOUSEKEEPING)
    settings = AvailabilitySettings.from_json(found[(cleaner.external_id, 0)])
    assert settings.buffer_minutes == 30
    assert {w.capacity for w in settings.windows} <= {1, 2, 3}
    assert min(w.start for w in settings.windows) >= "08:00"
    assert max(w.end for w in settings.windows) <= "18:00"
    tutor = next(i for i in catalog if i.vertical == Vertical.TUTORING)
    lessons = AvailabilitySettings.from_json(found[(tutor.external_id, 0)])
    weekday_starts = {w.start for w in lessons.windows if w.weekday < 5}
    assert weekday_starts <= {"17:30", "18:00"}
    assert any(w.weekday >= 5 for w in lessons.windows)


def test_one_tutor_publishes_a_saturday_class_of_twelve(city: City) -> None:
    catalog = generate_catalog(city, 600)
    found = catalogue_availability(catalog, TODAY)
    saturday = next_saturday(TODAY)
    assert saturday == date(2026, 11, 28)
    classes = [
        key
        for key, data in found.items()
        if data and saturday.isoformat() in data.get("exceptions", {})
    ]
    assert len(classes) == 1
    settings = AvailabilitySettings.from_json(found[classes[0]])
    (slot,) = slots_on(settings, saturday, TZ)
    assert slot.capacity == SATURDAY_CLASS_PLACES


def test_restaurants_take_reservations_and_shops_have_stock(city: City) -> None:
    catalog = generate_catalog(city, 600)
    restaurants = [i for i in catalog if i.vertical == Vertical.RESTAURANT]
    reservations = [table_reservations(i) for i in restaurants]
    assert all(r is not None for r in reservations)
    for data in reservations:
        settings = AvailabilitySettings.from_json(data, field="reservations")
        assert {w.slot_minutes for w in settings.windows} == {30}
        assert all(20 <= w.capacity <= 60 for w in settings.windows)
        assert all("11:00" <= w.start and w.end <= "21:00" for w in settings.windows)
    assert all(table_reservations(i) is None for i in catalog if i.vertical != Vertical.RESTAURANT)
    stock = Counter(
        "sold out" if o.stock == 0 else "low" if (o.stock or 0) <= 5 else "plenty"
        for i in catalog
        for o in i.offerings
        if o.kind == OfferingKind.PRODUCT
    )
    assert stock["sold out"] >= 1 and stock["low"] >= 1 and stock["plenty"] >= 1


def test_the_same_inputs_give_the_same_availability(city: City) -> None:
    first = catalogue_availability(generate_catalog(city, 200, 5), TODAY)
    again = catalogue_availability(generate_catalog(city, 200, 5), TODAY)
    assert first == again


async def test_the_seed_writes_the_availability(db: str, city: City) -> None:
    await seed_demo(city, count=80, seed=3, today=TODAY)
    catalog = {i.external_id: i for i in generate_catalog(city, 80, 3)}
    found = catalogue_availability(list(catalog.values()), TODAY)
    for listing in await Listing.all().prefetch_related("offerings"):
        item = catalog[str(listing.external_id)]
        assert listing.reservations == table_reservations(item)
        for offering in sorted(listing.offerings, key=lambda o: o.sort_order):
            assert offering.availability == found[(item.external_id, offering.sort_order)]
    assert await Offering.filter(kind=OfferingKind.SERVICE, availability=None).count() == 0
