"""Opening hours: validation with field paths, open/closed at an instant, the next change, DST,
the weekly minute ranges the search index stores, and a brute-force cross-check. No database."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pydantic
import pytest

from listings.hours import (
    DAYS,
    WEEK_MINUTES,
    Change,
    Closure,
    Day,
    Schedule,
    TimeRange,
    in_minute_ranges,
    is_open,
    local_instant,
    minute_of_week,
    next_change,
    weekly_minute_ranges,
)
from listings.hours_display import opening_state
from marketplace.city import load_city
from marketplace.demo.catalog import generate_catalog
from marketplace.errors import FieldError, ValidationFailed

CITY_DIR = Path(__file__).resolve().parents[2] / "cities" / "changzhou"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)

Json = dict[str, Any]


def local(tz: ZoneInfo, text: str, fold: int = 0) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz, fold=fold)


def cst(text: str) -> datetime:
    return local(SHANGHAI, text)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def daily(*ranges: tuple[str, str], days: tuple[str, ...] = tuple(DAYS)) -> Json:
    return {day: [list(r) for r in ranges] if day in days else [] for day in DAYS}


def problems(
    weekly: object, exceptions: object = None, closures: object = None, field: str = "hours"
) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as caught:
        Schedule.from_json(weekly, exceptions, closures, field=field)
    return caught.value.errors


def one_problem(weekly: object, exceptions: object = None, closures: object = None) -> FieldError:
    found = problems(weekly, exceptions, closures)
    assert len(found) == 1, found
    return found[0]


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly", "field", "reason"),
    [
        ({"mon": [["25:00", "10:00"]]}, "hours.mon[0]", "start '25:00' is not a time of day"),
        ({"mon": [["09:00", "24:30"]]}, "hours.mon[0]", "end '24:30' is not a time of day"),
        ({"mon": [["09:60", "10:00"]]}, "hours.mon[0]", "start '09:60' is not a time of day"),
        ({"mon": [["0900", "10:00"]]}, "hours.mon[0]", "start '0900' is not a time like 09:00"),
        ({"mon": [["9.00", "10:00"]]}, "hours.mon[0]", "start '9.00' is not a time like 09:00"),
        ({"mon": [["09:00:00", "10:00"]]}, "hours.mon[0]", None),
        ({"mon": [[" 9:00", "10:00"]]}, "hours.mon[0]", None),
        ({"mon": [["１０:００", "11:00"]]}, "hours.mon[0]", None),
        ({"tue": [[900, "10:00"]]}, "hours.tue[0]", "start 900 is not a time like 09:00"),
        ({"tue": [["09:00", None]]}, "hours.tue[0]", "end None is not a time like 09:00"),
        (
            {"sun": [["08:00", "20:00"], ["24:00", "10:00"]]},
            "hours.sun[1]",
            "24:00 can only end a range; start at 00:00 instead",
        ),
        ({"wed": [["09:00", "09:00"]]}, "hours.wed[0]", "starts and ends at the same time"),
        ({"wed": [["9:00", "09:00"]]}, "hours.wed[0]", "starts and ends at the same time"),
        ({"wed": [["00:00", "00:00"]]}, "hours.wed[0]", "starts and ends at the same time"),
        ({"thu": [["09:00"]]}, "hours.thu[0]", 'must be a ["HH:MM", "HH:MM"] pair'),
        ({"thu": ["09:00-10:00"]}, "hours.thu[0]", 'must be a ["HH:MM", "HH:MM"] pair'),
        ({"thu": [["09:00", "10:00", "11:00"]]}, "hours.thu[0]", None),
        ({"fri": "09:00-21:00"}, "hours.fri", "must be a list of [start, end] ranges"),
        ({"fri": None}, "hours.fri", "must be a list of [start, end] ranges"),
        ({"monday": [["09:00", "10:00"]]}, "hours.monday", "is not a day; use mon..sun"),
        ({"Mon": []}, "hours.Mon", "is not a day; use mon..sun"),
        ([["09:00", "10:00"]], "hours", 'must map days ("mon".."sun") to lists of ranges'),
        (
            {"mon": [["09:00", "14:00"], ["13:00", "18:00"]]},
            "hours.mon[1]",
            "overlaps hours.mon[0] (09:00-14:00)",
        ),
        (
            # the later-starting range is the one named, wherever it sits in the list
            {"mon": [["13:00", "18:00"], ["09:00", "14:00"]]},
            "hours.mon[0]",
            "overlaps hours.mon[1] (09:00-14:00)",
        ),
        (
            {"mon": [["09:00", "21:00"], ["12:00", "13:00"]]},
            "hours.mon[1]",
            "overlaps hours.mon[0] (09:00-21:00)",
        ),
        (
            {"mon": [["20:00", "02:00"], ["22:00", "23:00"]]},
            "hours.mon[1]",
            "overlaps hours.mon[0] (20:00-02:00)",
        ),
        (
            {"mon": [["18:00", "03:00"]], "tue": [["02:00", "10:00"]]},
            "hours.mon[0]",
            "runs past midnight until 03:00 and overlaps hours.tue[0] (02:00-10:00)",
        ),
        (
            {"sun": [["20:00", "06:00"]], "mon": [["10:00", "12:00"], ["05:00", "08:00"]]},
            "hours.sun[0]",
            "runs past midnight until 06:00 and overlaps hours.mon[1] (05:00-08:00)",
        ),
        (
            {"fri": [["20:00", "04:00"]], "sat": [["00:00", "24:00"]]},
            "hours.fri[0]",
            "runs past midnight until 04:00 and overlaps hours.sat[0] (00:00-24:00)",
        ),
    ],
)
def test_weekly_errors(weekly: Json, field: str, reason: str | None) -> None:
    error = one_problem(weekly)
    assert error.field == field
    if reason is not None:
        assert error.reason.startswith(reason), error.reason


def test_malformed_time_reasons_say_which_end() -> None:
    found = problems({"mon": [["25:00", "26:00"]]})
    assert [e.field for e in found] == ["hours.mon[0]", "hours.mon[0]"]
    assert [e.reason for e in found] == [
        "start '25:00' is not a time of day (00:00 to 24:00)",
        "end '26:00' is not a time of day (00:00 to 24:00)",
    ]


@pytest.mark.parametrize(
    "weekly",
    [
        {"mon": [["9:00", "12:00"], ["12:00", "18:00"]]},  # touching ranges are fine
        {"mon": [["18:00", "02:00"]], "tue": [["02:00", "10:00"]]},  # so is touching at 02:00
        {"sun": [["22:00", "06:00"]], "mon": [["06:00", "12:00"]]},
        {"mon": [["18:00", "00:00"]], "tue": [["00:00", "10:00"]]},
        {"mon": [["00:00", "24:00"]], "tue": [["00:00", "24:00"]]},
        {"mon": [["10:00", "09:00"]], "tue": [["09:00", "10:00"]]},  # 23 hours overnight
        {"mon": [], "tue": []},
        {},
    ],
)
def test_weekly_accepted(weekly: Json) -> None:
    Schedule.from_json(weekly)


def test_exception_errors() -> None:
    base = daily(("09:00", "21:00"))
    cases: list[tuple[object, str, str]] = [
        ({"2026-13-01": []}, "hours.exceptions.2026-13-01", "is not a date (YYYY-MM-DD)"),
        ({"20261001": []}, "hours.exceptions.20261001", "is not a date (YYYY-MM-DD)"),
        ({"2026-W40-4": []}, "hours.exceptions.2026-W40-4", "is not a date (YYYY-MM-DD)"),
        ({"国庆": []}, "hours.exceptions.国庆", "is not a date (YYYY-MM-DD)"),
        (
            {"2026-10-01": None},
            "hours.exceptions.2026-10-01",
            "must be a list of [start, end] ranges",
        ),
        (
            {"2026-10-01": [["10:00", "16:00"], ["25:00", "18:00"]]},
            "hours.exceptions.2026-10-01[1]",
            "start '25:00' is not a time of day (00:00 to 24:00)",
        ),
        (
            {"2026-10-01": [["10:00", "16:00"], ["15:00", "18:00"]]},
            "hours.exceptions.2026-10-01[1]",
            "overlaps hours.exceptions.2026-10-01[0] (10:00-16:00)",
        ),
        (
            # Thursday's exception runs into Friday's regular hours
            {"2026-10-01": [["20:00", "10:00"]]},
            "hours.exceptions.2026-10-01[0]",
            "runs past midnight until 10:00 and overlaps hours.fri[0] (09:00-21:00)",
        ),
        (
            {"2026-10-01": [["20:00", "03:00"]], "2026-10-02": [["02:00", "05:00"]]},
            "hours.exceptions.2026-10-01[0]",
            "runs past midnight until 03:00 and overlaps hours.exceptions.2026-10-02[0] "
            "(02:00-05:00)",
        ),
        (
            [["2026-10-01", []]],
            "hours.exceptions",
            "must map dates (YYYY-MM-DD) to lists of ranges",
        ),
    ]
    for exceptions, field, reason in cases:
        assert one_problem(base, exceptions) == FieldError(field, reason), exceptions


def test_an_exception_overlapped_by_the_night_before() -> None:
    # Wednesday's late opening still runs into the Thursday holiday, which must leave room for it
    weekly = daily(("20:00", "03:00"), days=("wed",))
    assert one_problem(weekly, {"2026-10-01": [["01:00", "05:00"]]}) == FieldError(
        "hours.exceptions.2026-10-01[0]",
        "overlaps hours.wed[0] (20:00-03:00), which runs past midnight until 03:00",
    )
    Schedule.from_json(weekly, {"2026-10-01": [["03:00", "05:00"]]})
    Schedule.from_json(weekly, {"2026-10-01": []})


@pytest.mark.parametrize(
    ("closure", "field", "reason"),
    [
        ({"start": "2026-06-10T12:00:00", "reason": "装修"}, "hours.closures[0].start", None),
        (
            {"start": "2026-06-10T12:00:00+08:00", "end": "2026-06-12T15:00:00", "reason": "x"},
            "hours.closures[0].end",
            "must include a UTC offset, e.g. +08:00",
        ),
        (
            {"start": "2026-06-10T12:00+08:00", "end": "2026-06-09T12:00+08:00", "reason": "x"},
            "hours.closures[0].end",
            "must be after start",
        ),
        (
            {"start": "2026-06-10T12:00+08:00", "end": "2026-06-10T04:00Z", "reason": "x"},
            "hours.closures[0].end",
            "must be after start",
        ),
        (
            {"start": "2026-06-10T12:00+08:00", "end": "2026-06-10T12:00+08:00", "reason": "x"},
            "hours.closures[0].end",
            "must be after start",
        ),
        ({"start": "next week", "reason": "x"}, "hours.closures[0].start", None),
        ({"start": 1760000000, "reason": "x"}, "hours.closures[0].start", None),
        ({"reason": "x"}, "hours.closures[0].start", "is required"),
        ({"start": "2026-06-10T12:00+08:00"}, "hours.closures[0].reason", "is required"),
        ({"start": "2026-06-10T12:00+08:00", "reason": "  "}, "hours.closures[0].reason", None),
        (
            {"start": "2026-06-10T12:00+08:00", "reason": "x" * 201},
            "hours.closures[0].reason",
            None,
        ),
        (
            {"start": "2026-06-10T12:00+08:00", "reason": "x", "until": "2026-07-01"},
            "hours.closures[0].until",
            "is not a closure field; use start, end, reason",
        ),
        ("2026-06-10", "hours.closures[0]", "must be an object with start, end and reason"),
    ],
)
def test_closure_errors(closure: object, field: str, reason: str | None) -> None:
    error = one_problem({}, None, [closure])
    assert error.field == field
    if reason is not None:
        assert error.reason == reason


def test_closures_must_be_a_list() -> None:
    assert one_problem({}, None, {"start": "2026-06-10T12:00+08:00"}) == FieldError(
        "hours.closures", "must be a list of closures"
    )


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        {"mon": [["18:00", "03:00"]], "tue": [["02:00", "10:00"]], "xyz": [], "wed": [["9", "x"]]},
        {"2026-10-01": [["10:00", "10:00"]], "bad": []},
        [
            {"start": "2026-06-10T12:00", "reason": "x"},
            {"start": "2026-06-10T12:00+08:00", "end": "2026-06-01T00:00+08:00", "reason": "x"},
        ],
    )
    assert sorted(e.field for e in found) == sorted(
        [
            "hours.mon[0]",
            "hours.xyz",
            "hours.wed[0]",
            "hours.wed[0]",
            "hours.exceptions.2026-10-01[0]",
            "hours.exceptions.bad",
            "hours.closures[0].start",
            "hours.closures[1].end",
        ]
    )


def test_the_field_prefix_is_the_callers() -> None:
    found = problems(
        {"mon": [["09:00", "14:00"], ["13:00", "18:00"]]},
        {"2026-10-01": [["1:00", "1:00"]]},
        [{"start": "2026-06-10T12:00", "reason": "x"}],
        field="listings[3].hours",
    )
    assert [e.field for e in found] == [
        "listings[3].hours.exceptions.2026-10-01[0]",
        "listings[3].hours.closures[0].start",
        "listings[3].hours.mon[1]",
    ]
    with pytest.raises(ValidationFailed, match=r"^weekly_hours\.mon\[1\]: overlaps"):
        Schedule.from_json({"mon": [["09:00", "14:00"], ["13:00", "18:00"]]}, field="weekly_hours")


def test_direct_construction_checks_the_same_rules() -> None:
    with pytest.raises(ValidationFailed) as caught:
        Schedule(
            weekly={Day.MON: [TimeRange(start="18:00", end="03:00")], Day.TUE: [["02:00", "10:00"]]}
        )  # type: ignore[list-item]
    assert caught.value.errors[0].field == "hours.mon[0]"
    with pytest.raises(pydantic.ValidationError):
        TimeRange(start="24:00", end="10:00")
    with pytest.raises(pydantic.ValidationError):
        TimeRange(start="9:00", end="9:00")
    with pytest.raises(pydantic.ValidationError):
        TimeRange(start="25:00", end="26:00")
    with pytest.raises(pydantic.ValidationError):
        Closure(start=datetime(2026, 6, 10, 12), reason="x")  # naive
    with pytest.raises(pydantic.ValidationError):
        Closure(start=cst("2026-06-10T12:00"), end=cst("2026-06-10T11:00"), reason="x")
    with pytest.raises(pydantic.ValidationError):
        Closure(start=cst("2026-06-10T12:00"), reason=" ")


def test_a_schedule_is_frozen() -> None:
    schedule = Schedule.from_json(daily(("09:00", "21:00")))
    with pytest.raises(pydantic.ValidationError):
        schedule.weekly = {}  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        schedule.weekly[Day.MON][0].start = "10:00"  # type: ignore[misc]


# --- normalising and round trips -------------------------------------------------------------


def test_normalised_shape() -> None:
    schedule = Schedule.from_json(
        {"tue": [["13:30", "17:00"], ["8:30", "12:00"]], "sun": [["18:00", "2:00"]]},
        {"2026-10-02": [], "2026-10-01": [["9:00", "12:00"]]},
        [{"start": "2026-06-10T12:00:00+08:00", "end": None, "reason": " 装修 "}],
    )
    assert schedule.to_json() == {
        "weekly": {
            "mon": [],
            "tue": [["08:30", "12:00"], ["13:30", "17:00"]],
            "wed": [],
            "thu": [],
            "fri": [],
            "sat": [],
            "sun": [["18:00", "02:00"]],
        },
        "exceptions": {"2026-10-01": [["09:00", "12:00"]], "2026-10-02": []},
        "closures": [{"start": "2026-06-10T12:00:00+08:00", "end": None, "reason": "装修"}],
    }
    assert list(schedule.weekly) == list(DAYS)
    assert schedule.weekly[Day.SUN][0].overnight
    assert schedule.weekly[Day.SUN][0].end_minute == 26 * 60
    assert schedule.ranges_on(date(2026, 10, 1)) == [TimeRange(start="09:00", end="12:00")]
    assert schedule.ranges_on(date(2026, 10, 6)) == schedule.weekly[Day.TUE]


def test_round_trips() -> None:
    stored = {
        "weekly": daily(("10:30", "14:00"), ("17:00", "02:00"), days=("mon", "wed", "sun")),
        "exceptions": {"2026-10-01": [], "2026-10-02": [["12:00", "24:00"]]},
        "closures": [
            {
                "start": "2026-06-10T12:00:00+08:00",
                "end": "2026-06-12T15:00:00+08:00",
                "reason": "装修",
            },
            {"start": "2026-08-01T00:00:00+00:00", "end": None, "reason": "店主休假"},
        ],
    }
    schedule = Schedule.from_json(**stored)
    assert schedule.to_json() == stored
    assert Schedule.from_json(**schedule.to_json()) == schedule
    # the shapes are plain JSON, as the database stores them
    assert Schedule.from_json(**json.loads(json.dumps(schedule.to_json()))) == schedule
    assert Schedule.from_json(stored["weekly"]).to_json()["weekly"] == stored["weekly"]


def test_demo_catalogue_hours_all_parse() -> None:
    catalog = generate_catalog(load_city(CITY_DIR))
    assert catalog
    overnight = always = 0
    for item in catalog:
        schedule = Schedule.from_json(item.weekly_hours, field=f"{item.external_id}.hours")
        assert schedule.to_json()["weekly"] == item.weekly_hours
        ranges = weekly_minute_ranges(schedule)
        assert ranges, item.external_id
        overnight += any(r.overnight for rs in schedule.weekly.values() for r in rs)
        always += ranges == [(0, WEEK_MINUTES)]
    # the catalogue exercises both shapes these rules exist for
    assert overnight and always


# --- is_open and next_change -------------------------------------------------------------------

LUNCH_AND_DINNER = Schedule.from_json(daily(("10:30", "14:00"), ("17:00", "21:30")))


@pytest.mark.parametrize(
    ("at", "open_", "change", "opens"),
    [
        ("2026-06-01T08:00", False, "2026-06-01T10:30", True),
        ("2026-06-01T10:29:59", False, "2026-06-01T10:30", True),
        ("2026-06-01T10:30", True, "2026-06-01T14:00", False),  # open from its first instant
        ("2026-06-01T13:59:59.999999", True, "2026-06-01T14:00", False),
        ("2026-06-01T14:00", False, "2026-06-01T17:00", True),  # closed at its end
        ("2026-06-01T21:30", False, "2026-06-02T10:30", True),
        ("2026-06-07T23:59", False, "2026-06-08T10:30", True),  # Sunday night into Monday
    ],
)
def test_regular_hours(at: str, open_: bool, change: str, opens: bool) -> None:
    assert is_open(LUNCH_AND_DINNER, cst(at), SHANGHAI) is open_
    assert next_change(LUNCH_AND_DINNER, cst(at), SHANGHAI) == Change(cst(change), opens)


def test_instants_in_other_zones_and_results_in_the_citys() -> None:
    at = utc("2026-06-01T03:00")  # 11:00 in the city
    assert is_open(LUNCH_AND_DINNER, at, SHANGHAI)
    change = next_change(LUNCH_AND_DINNER, at, SHANGHAI)
    assert change == Change(cst("2026-06-01T14:00"), False)
    assert change is not None and change.at.tzinfo == SHANGHAI
    assert is_open(LUNCH_AND_DINNER, at.astimezone(NEW_YORK), SHANGHAI)


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(LUNCH_AND_DINNER, datetime(2026, 6, 1, 12), SHANGHAI)
    with pytest.raises(ValueError, match="timezone-aware"):
        next_change(LUNCH_AND_DINNER, datetime(2026, 6, 1, 12), SHANGHAI)
    with pytest.raises(ValueError, match="horizon_days"):
        next_change(LUNCH_AND_DINNER, cst("2026-06-01T12:00"), SHANGHAI, horizon_days=-1)


# Tuesday to Sunday 18:00-02:00, closed Mondays: Monday's small hours belong to Sunday night
BBQ = Schedule.from_json(daily(("18:00", "02:00"), days=("tue", "wed", "thu", "fri", "sat", "sun")))


@pytest.mark.parametrize(
    ("at", "open_", "change", "opens"),
    [
        ("2026-06-07T23:00", True, "2026-06-08T02:00", False),  # Sunday night
        ("2026-06-08T01:00", True, "2026-06-08T02:00", False),  # Monday 01:00: Sunday's run
        ("2026-06-08T02:00", False, "2026-06-09T18:00", True),
        ("2026-06-08T20:00", False, "2026-06-09T18:00", True),  # Monday evening closed
        ("2026-06-09T01:00", False, "2026-06-09T18:00", True),  # nothing ran on from Monday
        ("2026-06-09T18:00", True, "2026-06-10T02:00", False),
        ("2026-06-10T00:00", True, "2026-06-10T02:00", False),
    ],
)
def test_overnight(at: str, open_: bool, change: str, opens: bool) -> None:
    assert is_open(BBQ, cst(at), SHANGHAI) is open_
    assert next_change(BBQ, cst(at), SHANGHAI) == Change(cst(change), opens)


def test_midnight_to_midnight_every_day_is_always_open() -> None:
    schedule = Schedule.from_json(daily(("00:00", "24:00")))
    start = cst("2026-06-01T00:00")
    for hours in range(0, 24 * 15, 7):
        at = start + timedelta(hours=hours, minutes=hours % 60)
        assert is_open(schedule, at, SHANGHAI)
        assert next_change(schedule, at, SHANGHAI) is None
    assert weekly_minute_ranges(schedule) == [(0, WEEK_MINUTES)]
    # the same across daylight-saving changes
    assert is_open(schedule, local(BERLIN, "2026-03-29T03:00"), BERLIN)
    assert next_change(schedule, local(BERLIN, "2026-03-28T12:00"), BERLIN) is None
    assert next_change(schedule, local(NEW_YORK, "2026-10-31T12:00"), NEW_YORK) is None


def test_ranges_joined_end_to_end_never_close() -> None:
    # each night runs into the next morning's start: open without a break, like 00:00-24:00
    schedule = Schedule.from_json(daily(("06:00", "18:00"), ("18:00", "06:00")))
    assert weekly_minute_ranges(schedule) == [(0, WEEK_MINUTES)]
    assert is_open(schedule, cst("2026-06-03T05:59"), SHANGHAI)
    assert next_change(schedule, cst("2026-06-03T05:59"), SHANGHAI) is None


def test_a_week_without_hours_never_opens() -> None:
    schedule = Schedule.from_json({})
    assert not is_open(schedule, cst("2026-06-01T12:00"), SHANGHAI)
    assert next_change(schedule, cst("2026-06-01T12:00"), SHANGHAI) is None
    assert weekly_minute_ranges(schedule) == []


def test_horizon() -> None:
    sundays = Schedule.from_json({"sun": [["10:00", "16:00"]]})
    monday = cst("2026-06-01T12:00")
    assert next_change(sundays, monday, SHANGHAI) == Change(cst("2026-06-07T10:00"), True)
    assert next_change(sundays, monday, SHANGHAI, horizon_days=5) is None
    assert next_change(sundays, monday, SHANGHAI, horizon_days=6) is not None  # Sun 10:00 < 6d
    assert next_change(sundays, cst("2026-06-07T10:00"), SHANGHAI, horizon_days=0) is None
    # a change exactly at the horizon counts
    assert next_change(sundays, cst("2026-06-06T10:00"), SHANGHAI, horizon_days=1) == Change(
        cst("2026-06-07T10:00"), True
    )


def test_holiday_exception_replaces_the_day() -> None:
    # 2026-10-01 is a Thursday: closed all day, 2026-10-02 opens late
    schedule = Schedule.from_json(
        daily(("09:00", "21:00")), {"2026-10-01": [], "2026-10-02": [["12:00", "18:00"]]}
    )
    assert is_open(schedule, cst("2026-09-30T20:00"), SHANGHAI)
    assert not is_open(schedule, cst("2026-10-01T12:00"), SHANGHAI)
    assert next_change(schedule, cst("2026-09-30T20:00"), SHANGHAI) == Change(
        cst("2026-09-30T21:00"), False
    )
    assert next_change(schedule, cst("2026-09-30T22:00"), SHANGHAI) == Change(
        cst("2026-10-02T12:00"), True
    )
    assert not is_open(schedule, cst("2026-10-02T10:00"), SHANGHAI)
    assert next_change(schedule, cst("2026-10-02T12:30"), SHANGHAI) == Change(
        cst("2026-10-02T18:00"), False
    )
    assert is_open(schedule, cst("2026-10-03T10:00"), SHANGHAI)


def test_the_night_before_a_holiday_still_runs_into_it() -> None:
    schedule = Schedule.from_json(daily(("18:00", "02:00")), {"2026-10-01": []})
    assert is_open(schedule, cst("2026-10-01T01:00"), SHANGHAI)  # Wednesday night's run
    assert next_change(schedule, cst("2026-10-01T01:00"), SHANGHAI) == Change(
        cst("2026-10-01T02:00"), False
    )
    assert not is_open(schedule, cst("2026-10-01T20:00"), SHANGHAI)
    assert not is_open(schedule, cst("2026-10-02T01:00"), SHANGHAI)  # nothing started on the 1st
    assert next_change(schedule, cst("2026-10-01T02:00"), SHANGHAI) == Change(
        cst("2026-10-02T18:00"), True
    )


def test_a_holiday_on_a_shop_open_around_the_clock() -> None:
    schedule = Schedule.from_json(daily(("00:00", "24:00")), {"2026-10-01": []})
    assert next_change(schedule, cst("2026-09-30T12:00"), SHANGHAI) == Change(
        cst("2026-10-01T00:00"), False
    )
    assert next_change(schedule, cst("2026-10-01T12:00"), SHANGHAI) == Change(
        cst("2026-10-02T00:00"), True
    )


def test_an_exception_running_overnight_spills_into_the_next_day() -> None:
    schedule = Schedule.from_json(daily(("09:00", "21:00")), {"2026-12-31": [["09:00", "03:00"]]})
    assert is_open(schedule, cst("2027-01-01T02:30"), SHANGHAI)
    assert next_change(schedule, cst("2026-12-31T20:00"), SHANGHAI) == Change(
        cst("2027-01-01T03:00"), False
    )


CLOSURE = {
    "start": "2026-06-10T12:00:00+08:00",
    "end": "2026-06-12T15:00:00+08:00",
    "reason": "装修",
}


def test_bounded_closure() -> None:
    schedule = Schedule.from_json(daily(("09:00", "21:00")), None, [CLOSURE])
    assert is_open(schedule, cst("2026-06-10T11:00"), SHANGHAI)
    assert next_change(schedule, cst("2026-06-10T11:00"), SHANGHAI) == Change(
        cst("2026-06-10T12:00"), False
    )
    for at in ("2026-06-10T12:00", "2026-06-11T10:00", "2026-06-12T14:59"):
        assert not is_open(schedule, cst(at), SHANGHAI)
        assert next_change(schedule, cst(at), SHANGHAI) == Change(cst("2026-06-12T15:00"), True)
    assert is_open(schedule, cst("2026-06-12T15:00"), SHANGHAI)
    state = opening_state(schedule, cst("2026-06-11T10:00"), SHANGHAI)
    assert (state.open, state.closed_reason, state.days_until_change) == (False, "装修", 1)
    assert opening_state(schedule, cst("2026-06-12T16:00"), SHANGHAI).closed_reason is None


def test_a_closure_ending_outside_the_hours() -> None:
    ending_late = CLOSURE | {"end": "2026-06-12T22:00:00+08:00"}
    schedule = Schedule.from_json(daily(("09:00", "21:00")), None, [ending_late])
    assert next_change(schedule, cst("2026-06-11T10:00"), SHANGHAI) == Change(
        cst("2026-06-13T09:00"), True
    )
    # an instant given in another offset compares by instant, not wall time
    in_utc = CLOSURE | {"start": "2026-06-10T04:00:00+00:00"}  # 12:00 in the city
    schedule = Schedule.from_json(daily(("09:00", "21:00")), None, [in_utc])
    assert next_change(schedule, cst("2026-06-10T11:00"), SHANGHAI) == Change(
        cst("2026-06-10T12:00"), False
    )


def test_open_ended_closure() -> None:
    closure = {"start": "2026-06-10T12:00:00+08:00", "end": None, "reason": "暂停营业"}
    schedule = Schedule.from_json(daily(("00:00", "24:00")), None, [closure])
    assert next_change(schedule, cst("2026-06-09T12:00"), SHANGHAI) == Change(
        cst("2026-06-10T12:00"), False
    )
    later = cst("2027-01-01T12:00")
    assert not is_open(schedule, later, SHANGHAI)
    assert next_change(schedule, later, SHANGHAI) is None
    state = opening_state(schedule, later, SHANGHAI)
    assert (state.open, state.next_change, state.closed_reason) == (False, None, "暂停营业")
    assert state.days_until_change is None and state.change_day is None


def test_overlapping_closures() -> None:
    closures = [
        CLOSURE,
        {"start": "2026-06-12T12:00:00+08:00", "end": "2026-06-13T12:00:00+08:00", "reason": "b"},
    ]
    schedule = Schedule.from_json(daily(("09:00", "21:00")), None, closures)
    assert next_change(schedule, cst("2026-06-11T10:00"), SHANGHAI) == Change(
        cst("2026-06-13T12:00"), True
    )


# --- daylight saving ---------------------------------------------------------------------------


def test_spring_forward_in_berlin() -> None:
    # 2026-03-29 is a Sunday; 02:00 CET jumps to 03:00 CEST (01:00 UTC)
    schedule = Schedule.from_json({"sun": [["02:30", "10:00"]]})
    change = next_change(schedule, local(BERLIN, "2026-03-28T23:00"), BERLIN)
    assert change == Change(utc("2026-03-29T01:00").astimezone(BERLIN), True)
    assert change is not None and change.at.utcoffset() == 2 * HOUR
    assert change.at.replace(tzinfo=None) == datetime(2026, 3, 29, 3, 0)
    assert not is_open(schedule, utc("2026-03-29T00:59"), BERLIN)
    assert is_open(schedule, utc("2026-03-29T01:00"), BERLIN)
    assert next_change(schedule, utc("2026-03-29T01:00"), BERLIN) == Change(
        local(BERLIN, "2026-03-29T10:00"), False
    )
    assert local_instant(date(2026, 3, 29), 150, BERLIN) == utc("2026-03-29T01:00")


def test_spring_forward_shortens_a_night() -> None:
    until_half_three = Schedule.from_json({"sat": [["22:00", "03:30"]]})
    at = local(BERLIN, "2026-03-28T23:00")
    assert next_change(until_half_three, at, BERLIN) == Change(
        local(BERLIN, "2026-03-29T03:30"), False
    )
    # an end inside the gap closes when the gap ends
    until_half_two = Schedule.from_json({"sat": [["22:00", "02:30"]]})
    assert next_change(until_half_two, at, BERLIN) == Change(
        utc("2026-03-29T01:00").astimezone(BERLIN), False
    )
    assert not is_open(until_half_two, utc("2026-03-29T01:00"), BERLIN)
    assert is_open(until_half_two, utc("2026-03-29T00:59"), BERLIN)


def test_a_range_inside_the_gap_does_not_happen() -> None:
    schedule = Schedule.from_json({"sun": [["02:00", "02:45"]]})
    assert next_change(schedule, local(BERLIN, "2026-03-28T12:00"), BERLIN) == Change(
        local(BERLIN, "2026-04-05T02:00"), True
    )


def test_day_hours_across_both_changes() -> None:
    schedule = Schedule.from_json(daily(("09:00", "17:00")))
    spring = next_change(schedule, local(BERLIN, "2026-03-28T18:00"), BERLIN)
    assert spring == Change(utc("2026-03-29T07:00").astimezone(BERLIN), True)
    autumn = next_change(schedule, local(NEW_YORK, "2026-10-31T18:00"), NEW_YORK)
    assert autumn == Change(utc("2026-11-01T14:00").astimezone(NEW_YORK), True)
    assert autumn is not None and autumn.at.utcoffset() == -5 * HOUR
    assert is_open(schedule, utc("2026-11-01T21:59"), NEW_YORK)  # 16:59 EST
    assert not is_open(schedule, utc("2026-11-01T22:00"), NEW_YORK)


def test_fall_back_in_new_york() -> None:
    # 2026-11-01 is a Sunday; 02:00 EDT falls back to 01:00 EST, so 01:00-02:00 happens twice
    first_130, second_130 = utc("2026-11-01T05:30"), utc("2026-11-01T06:30")
    assert first_130.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)
    assert second_130.astimezone(NEW_YORK).replace(tzinfo=None) == datetime(2026, 11, 1, 1, 30)

    to_three = Schedule.from_json({"sun": [["00:00", "03:00"]]})
    assert is_open(to_three, first_130, NEW_YORK) and is_open(to_three, second_130, NEW_YORK)
    assert next_change(to_three, first_130, NEW_YORK) == Change(
        utc("2026-11-01T08:00").astimezone(NEW_YORK),
        False,  # four real hours after opening
    )

    to_half_one = Schedule.from_json({"sun": [["00:00", "01:30"]]})
    assert next_change(to_half_one, local(NEW_YORK, "2026-11-01T00:10"), NEW_YORK) == Change(
        first_130.astimezone(NEW_YORK), False
    )
    assert not is_open(to_half_one, utc("2026-11-01T06:15"), NEW_YORK)  # 01:15 the second time

    from_half_one = Schedule.from_json({"sun": [["01:30", "09:00"]]})
    assert next_change(from_half_one, local(NEW_YORK, "2026-10-31T20:00"), NEW_YORK) == Change(
        first_130.astimezone(NEW_YORK), True
    )
    assert is_open(from_half_one, second_130, NEW_YORK)

    saturday_night = Schedule.from_json({"sat": [["20:00", "02:00"]]})
    assert is_open(saturday_night, second_130, NEW_YORK)
    assert next_change(saturday_night, second_130, NEW_YORK) == Change(
        utc("2026-11-01T07:00").astimezone(NEW_YORK), False
    )


def test_spring_forward_in_new_york() -> None:
    schedule = Schedule.from_json({"sat": [["20:00", "02:30"]], "sun": [["02:30", "04:00"]]})
    # 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00 UTC); both 02:30s mean 03:00 EDT
    assert next_change(schedule, local(NEW_YORK, "2026-03-07T21:00"), NEW_YORK) == Change(
        local(NEW_YORK, "2026-03-08T04:00"), False
    )


# --- opening state -----------------------------------------------------------------------------


def test_opening_state_days() -> None:
    state = opening_state(LUNCH_AND_DINNER, cst("2026-06-01T12:00"), SHANGHAI)
    assert state.open and state.changes_today and state.change_day == Day.MON
    assert state.closed_reason is None and not state.exception_today

    state = opening_state(LUNCH_AND_DINNER, cst("2026-06-01T22:00"), SHANGHAI)
    assert not state.open and state.changes_tomorrow and state.change_day == Day.TUE
    assert state.next_change == Change(cst("2026-06-02T10:30"), True)

    weekends = Schedule.from_json({"sat": [["09:00", "12:00"]]}, {"2026-06-02": []})
    state = opening_state(weekends, cst("2026-06-02T10:00"), SHANGHAI)
    assert state.days_until_change == 4 and state.change_day == Day.SAT
    assert state.exception_today and not state.changes_today and not state.changes_tomorrow


# --- weekly minute ranges ----------------------------------------------------------------------


def test_weekly_minute_ranges() -> None:
    schedule = Schedule.from_json(
        {
            "mon": [["09:00", "12:00"], ["12:00", "14:00"], ["18:00", "24:00"]],
            "tue": [["00:00", "02:00"], ["20:00", "03:00"]],
            "sun": [["22:00", "02:00"]],
        },
        {"2026-10-01": []},
        [{"start": "2026-06-10T12:00:00+08:00", "reason": "x"}],
    )
    day = 1440
    assert weekly_minute_ranges(schedule) == [
        (0, 120),  # Sunday night wrapped to Monday morning
        (540, 840),  # touching ranges merged
        (1080, day + 120),  # Monday evening joined to Tuesday's small hours
        (day + 1200, 2 * day + 180),
        (6 * day + 1320, WEEK_MINUTES),
    ]


def test_minute_of_week() -> None:
    assert minute_of_week(cst("2026-06-01T00:00"), SHANGHAI) == 0
    assert minute_of_week(cst("2026-06-07T23:59:59"), SHANGHAI) == WEEK_MINUTES - 1
    assert minute_of_week(utc("2026-06-01T01:30"), SHANGHAI) == 9 * 60 + 30
    ranges = weekly_minute_ranges(LUNCH_AND_DINNER)
    assert in_minute_ranges(ranges, 630) and not in_minute_ranges(ranges, 840)
    assert not in_minute_ranges([], 0)


# --- brute force -------------------------------------------------------------------------------


def random_week(rng: random.Random) -> tuple[Json, list[tuple[int, int]]]:
    """Random weekly hours and the minute spans they must compile to: disjoint spans on a
    15-minute grid, rotated so some wrap past Sunday midnight, written as ranges of under a day."""
    count = rng.randint(1, 14)
    points = sorted(rng.sample(range(0, WEEK_MINUTES, 15), 2 * count))
    shift = rng.randrange(0, WEEK_MINUTES, 15)
    spans = [(points[i] + shift, points[i + 1] + shift) for i in range(0, 2 * count, 2)]
    weekly: Json = {day: [] for day in DAYS}
    expected: list[tuple[int, int]] = []
    for start, end in spans:
        while start < end:
            piece = min(end - start, rng.choice((1425, 600, 300)))
            first, last = start % WEEK_MINUTES, (start + piece) % WEEK_MINUTES
            day = DAYS[first // 1440]
            weekly[day].append([_hhmm(first % 1440), _hhmm(last % 1440)])
            expected += (
                [(first, first + piece)]
                if first + piece <= WEEK_MINUTES
                else [
                    (first, WEEK_MINUTES),
                    (0, last),
                ]
            )
            start += piece
    expected.sort()
    merged: list[tuple[int, int]] = []
    for start, end in expected:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return weekly, merged


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def test_brute_force_against_minute_ranges() -> None:
    rng = random.Random(20260601)
    monday = cst("2026-06-01T00:00")
    checked = 0
    for _ in range(25):
        weekly, expected = random_week(rng)
        schedule = Schedule.from_json(weekly)
        ranges = weekly_minute_ranges(schedule)
        assert ranges == expected, weekly

        def member(minute: int, ranges: list[tuple[int, int]] = ranges) -> bool:
            return any(a <= minute % WEEK_MINUTES < b for a, b in ranges)

        for _ in range(20):
            seconds = rng.randrange(21 * 86400)
            at = monday + timedelta(seconds=seconds)
            minute = seconds // 60
            state = member(minute)
            assert is_open(schedule, at, SHANGHAI) is state, (weekly, at)
            limit = seconds + 14 * 86400
            scan = minute + 1
            while scan * 60 <= limit and member(scan) is state:
                scan += 1
            want = Change(monday + timedelta(minutes=scan), not state)
            assert next_change(schedule, at, SHANGHAI) == (want if scan * 60 <= limit else None), (
                weekly,
                at,
            )
            checked += 1
    assert checked == 500
