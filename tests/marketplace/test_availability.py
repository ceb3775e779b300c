"""Availability: slots from weekly windows and exceptions, DST, notice, horizon, validation."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from marketplace.bookings.availability import (
    AvailabilitySettings,
    SlotSpec,
    check_bookable,
    next_offered,
    offered_slots,
    slots_on,
)
from marketplace.bookings.errors import BeyondHorizon, NoSuchSlot, SlotInPast, SlotTooSoon
from marketplace.errors import MarketplaceError, ValidationFailed

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")

MONDAY = date(2026, 6, 1)  # a Monday
NY_SPRING = date(2026, 3, 8)  # Sunday: 02:00 EST -> 03:00 EDT
NY_FALL = date(2026, 11, 1)  # Sunday: 02:00 EDT -> 01:00 EST
LONDON_SPRING = date(2026, 3, 29)  # Sunday: 01:00 GMT -> 02:00 BST
LONDON_FALL = date(2026, 10, 25)  # Sunday: 02:00 BST -> 01:00 GMT


def window(
    weekday: int | None, start: str, end: str, slot: int = 60, capacity: int = 1
) -> dict[str, Any]:
    data: dict[str, Any] = {"start": start, "end": end, "slot_minutes": slot, "capacity": capacity}
    if weekday is not None:
        data["weekday"] = weekday
    return data


def settings(*windows: dict[str, Any], **extra: Any) -> AvailabilitySettings:
    return AvailabilitySettings.from_json({"windows": list(windows), **extra})


def local(day: date, hh_mm: str, tz: ZoneInfo, fold: int = 0) -> datetime:
    """The instant of a wall time, in UTC: an aware time inside a repeated hour never compares
    equal to one in another zone, so tests compare instants in UTC."""
    hours, minutes = map(int, hh_mm.split(":"))
    wall = datetime(day.year, day.month, day.day, hours, minutes, tzinfo=tz, fold=fold)
    return wall.astimezone(UTC)


def walls(slots: list[SlotSpec], tz: ZoneInfo) -> list[str]:
    return [s.starts_at.astimezone(tz).strftime("%H:%M") for s in slots]


def minutes(slot: SlotSpec) -> float:
    return (slot.ends_at - slot.starts_at).total_seconds() / 60


# --- slots on a date ---------------------------------------------------------------------------


class TestSlotsOn:
    def test_slots_follow_each_other_and_end_by_the_window_end(self) -> None:
        found = slots_on(settings(window(0, "09:00", "12:00", capacity=3)), MONDAY, SHANGHAI)
        assert walls(found, SHANGHAI) == ["09:00", "10:00", "11:00"]
        assert found[0] == SlotSpec(
            datetime(2026, 6, 1, 1, 0, tzinfo=UTC), datetime(2026, 6, 1, 2, 0, tzinfo=UTC), 3
        )
        assert all(s.starts_at.utcoffset() == timedelta(0) for s in found)

    def test_buffer_between_jobs(self) -> None:
        found = slots_on(
            settings(window(0, "09:00", "12:00", slot=60), buffer_minutes=30), MONDAY, SHANGHAI
        )
        # 09:00-10:00, 10:30-11:30; a 12:00 start would end after the window
        assert walls(found, SHANGHAI) == ["09:00", "10:30"]

    def test_a_slot_that_would_overrun_is_not_offered(self) -> None:
        found = slots_on(settings(window(0, "09:00", "11:30", slot=60)), MONDAY, SHANGHAI)
        assert walls(found, SHANGHAI) == ["09:00", "10:00"]

    def test_other_weekdays_have_no_slots(self) -> None:
        week = settings(window(0, "09:00", "12:00"))
        assert slots_on(week, MONDAY + timedelta(days=1), SHANGHAI) == []
        assert slots_on(week, MONDAY + timedelta(days=7), SHANGHAI) != []

    def test_window_ending_at_midnight(self) -> None:
        found = slots_on(settings(window(0, "22:00", "24:00")), MONDAY, SHANGHAI)
        assert walls(found, SHANGHAI) == ["22:00", "23:00"]
        assert found[-1].ends_at.astimezone(SHANGHAI) == local(
            MONDAY + timedelta(1), "00:00", SHANGHAI
        )

    def test_several_windows_in_order_with_their_own_capacity(self) -> None:
        found = slots_on(
            settings(window(0, "14:00", "16:00", capacity=2), window(0, "09:00", "10:00")),
            MONDAY,
            SHANGHAI,
        )
        assert walls(found, SHANGHAI) == ["09:00", "14:00", "15:00"]
        assert [s.capacity for s in found] == [1, 2, 2]

    def test_exception_closes_a_day(self) -> None:
        week = settings(
            window(0, "09:00", "12:00"), exceptions={MONDAY.isoformat(): {"closed": True}}
        )
        assert slots_on(week, MONDAY, SHANGHAI) == []
        assert len(slots_on(week, MONDAY + timedelta(days=7), SHANGHAI)) == 3

    def test_exception_replaces_the_windows(self) -> None:
        week = settings(
            window(0, "09:00", "12:00"),
            exceptions={MONDAY.isoformat(): {"windows": [window(None, "13:00", "15:00", 30, 4)]}},
        )
        found = slots_on(week, MONDAY, SHANGHAI)
        assert walls(found, SHANGHAI) == ["13:00", "13:30", "14:00", "14:30"]
        assert {s.capacity for s in found} == {4}

    def test_one_off_saturday_class(self) -> None:
        saturday = date(2026, 6, 6)
        event = AvailabilitySettings.from_json(
            {"exceptions": {"2026-06-06": {"windows": [window(None, "10:00", "12:00", 120, 12)]}}}
        )
        assert slots_on(event, saturday, SHANGHAI) == [
            SlotSpec(local(saturday, "10:00", SHANGHAI), local(saturday, "12:00", SHANGHAI), 12)
        ]
        assert slots_on(event, saturday + timedelta(days=7), SHANGHAI) == []


class TestDaylightSaving:
    def test_new_york_spring_gap_is_skipped(self) -> None:
        found = slots_on(settings(window(6, "01:00", "04:00", slot=30)), NY_SPRING, NEW_YORK)
        assert walls(found, NEW_YORK) == ["01:00", "01:30", "03:00", "03:30"]
        assert all(minutes(s) == 30 for s in found)
        # 01:30 EST + 30 minutes is 03:00 EDT: the next slot starts as it ends
        assert found[1].ends_at == found[2].starts_at

    def test_a_slot_across_the_jump_lasts_real_minutes_and_later_ones_do_not_overlap(self) -> None:
        found = slots_on(settings(window(6, "00:00", "06:00", slot=90)), NY_SPRING, NEW_YORK)
        # 01:30 EST lasts until 04:00 EDT, so the 03:00 EDT start is skipped
        assert walls(found, NEW_YORK) == ["00:00", "01:30", "04:30"]
        assert found[1].ends_at.astimezone(NEW_YORK).strftime("%H:%M") == "04:00"
        assert all(minutes(s) == 90 for s in found)

    def test_new_york_fall_back_uses_the_first_occurrence(self) -> None:
        found = slots_on(settings(window(6, "00:00", "03:00")), NY_FALL, NEW_YORK)
        assert walls(found, NEW_YORK) == ["00:00", "01:00", "02:00"]
        first_one = found[1].starts_at.astimezone(NEW_YORK)
        assert first_one.utcoffset() == timedelta(hours=-4)  # EDT, the first 01:00
        assert found[1].ends_at == local(NY_FALL, "01:00", NEW_YORK, fold=1)
        assert all(minutes(s) == 60 for s in found)

    def test_window_ending_inside_the_repeated_hour_ends_at_its_first_pass(self) -> None:
        found = slots_on(settings(window(6, "00:00", "01:30", slot=30)), NY_FALL, NEW_YORK)
        assert walls(found, NEW_YORK) == ["00:00", "00:30", "01:00"]
        assert found[-1].ends_at == local(NY_FALL, "01:30", NEW_YORK)

    def test_london_spring_and_fall(self) -> None:
        spring = slots_on(settings(window(6, "00:30", "03:30")), LONDON_SPRING, LONDON)
        assert walls(spring, LONDON) == ["00:30", "02:30"]
        fall = slots_on(settings(window(6, "00:00", "03:00")), LONDON_FALL, LONDON)
        assert walls(fall, LONDON) == ["00:00", "01:00", "02:00"]
        assert fall[1].starts_at.astimezone(LONDON).utcoffset() == timedelta(hours=1)  # BST
        assert all(minutes(s) == 60 for s in spring + fall)

    def test_window_ending_at_midnight_on_a_change_day(self) -> None:
        found = slots_on(settings(window(6, "20:00", "24:00", slot=120)), LONDON_SPRING, LONDON)
        assert walls(found, LONDON) == ["20:00", "22:00"]
        assert found[-1].ends_at == local(LONDON_SPRING + timedelta(1), "00:00", LONDON)

    def test_a_window_entirely_inside_the_gap_has_no_slots(self) -> None:
        assert slots_on(settings(window(6, "02:00", "03:00", 30)), NY_SPRING, NEW_YORK) == []


# --- random valid settings ---------------------------------------------------------------------


def random_settings(rng: random.Random) -> dict[str, Any]:
    windows = []
    for weekday in range(7):
        cursor = rng.randrange(0, 12 * 60, 15)
        for _ in range(rng.randint(0, 3)):
            slot = rng.choice([15, 30, 45, 60, 90, 120, 150])
            end = cursor + slot + rng.randrange(0, 300, 5)
            if end > 24 * 60:
                break
            stamp = [f"{m // 60:02d}:{m % 60:02d}" for m in (cursor, end)]
            windows.append(window(weekday, *stamp, slot, rng.randint(1, 20)))
            cursor = end + rng.randrange(0, 120, 15)
    rng.shuffle(windows)
    return {"windows": windows, "buffer_minutes": rng.choice([0, 0, 5, 15, 30, 45])}


@pytest.mark.parametrize("seed", range(60))
def test_random_settings_give_well_formed_slots(seed: int) -> None:
    rng = random.Random(seed)
    raw = random_settings(rng)
    plan = AvailabilitySettings.from_json(raw)
    assert AvailabilitySettings.from_json(plan.to_json()) == plan
    tz = rng.choice([SHANGHAI, NEW_YORK, LONDON])
    days = [NY_SPRING, NY_FALL, LONDON_SPRING, LONDON_FALL, MONDAY + timedelta(rng.randrange(7))]
    for day in days:
        found = slots_on(plan, day, tz)
        assert [s.starts_at for s in found] == sorted(s.starts_at for s in found)
        for w in plan.windows_on(day):
            start = local(day, w.start, tz)
            end = (
                local(day + timedelta(1), "00:00", tz)
                if w.end == "24:00"
                else local(day, w.end, tz)
            )
            inside = [s for s in found if start <= s.starts_at < end]
            for slot in inside:
                assert slot.ends_at <= end
                assert minutes(slot) == w.slot_minutes
                assert slot.capacity == w.capacity
            gap = timedelta(minutes=plan.buffer_minutes)
            for before, after in pairwise(inside):
                assert after.starts_at >= before.ends_at + gap
        # on days without a change every grid start is offered
        offsets = {local(day, t, tz).astimezone(tz).utcoffset() for t in ("00:00", "23:59")}
        if len(offsets) == 1:
            expected = sum(
                len(range(0, w.end_minute - w.start_minute - w.slot_minutes + 1, step))
                for w in plan.windows_on(day)
                for step in [w.slot_minutes + plan.buffer_minutes]
            )
            assert len(found) == expected


# --- offered, checked, next ------------------------------------------------------------------


WEEKDAYS_9_TO_12 = [window(d, "09:00", "12:00", capacity=2) for d in range(7)]


class TestOffered:
    def test_notice_exactly_at_the_boundary_is_offered(self) -> None:
        plan = settings(*WEEKDAYS_9_TO_12, min_notice_minutes=60)
        now = local(MONDAY, "08:00", SHANGHAI)
        assert walls(offered_slots(plan, MONDAY, SHANGHAI, now), SHANGHAI) == [
            "09:00",
            "10:00",
            "11:00",
        ]
        later = now + timedelta(minutes=1)
        assert walls(offered_slots(plan, MONDAY, SHANGHAI, later), SHANGHAI) == ["10:00", "11:00"]

    def test_past_slots_are_not_offered(self) -> None:
        plan = settings(*WEEKDAYS_9_TO_12)
        now = local(MONDAY, "10:00", SHANGHAI)
        assert walls(offered_slots(plan, MONDAY, SHANGHAI, now), SHANGHAI) == ["10:00", "11:00"]
        assert offered_slots(plan, MONDAY - timedelta(1), SHANGHAI, now) == []

    def test_horizon_counts_local_dates(self) -> None:
        plan = settings(*WEEKDAYS_9_TO_12, horizon_days=7)
        # 23:30 local is already the next day in UTC's terms for Shanghai (UTC+8): use local dates
        now = local(MONDAY, "23:30", SHANGHAI)
        assert len(offered_slots(plan, MONDAY + timedelta(7), SHANGHAI, now)) == 3
        assert offered_slots(plan, MONDAY + timedelta(8), SHANGHAI, now) == []

    def test_now_must_be_aware(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            offered_slots(settings(*WEEKDAYS_9_TO_12), MONDAY, SHANGHAI, datetime(2026, 6, 1))


class TestCheckBookable:
    plan = settings(*WEEKDAYS_9_TO_12, min_notice_minutes=120, horizon_days=14)
    now = local(MONDAY, "07:00", SHANGHAI)

    def test_an_offered_slot(self) -> None:
        slot = check_bookable(self.plan, local(MONDAY, "09:00", SHANGHAI), SHANGHAI, self.now)
        assert slot == SlotSpec(
            local(MONDAY, "09:00", SHANGHAI), local(MONDAY, "10:00", SHANGHAI), 2
        )
        # the same instant written in another zone is the same slot
        same = check_bookable(self.plan, slot.starts_at.astimezone(UTC), SHANGHAI, self.now)
        assert same == slot

    def test_in_the_past(self) -> None:
        with pytest.raises(SlotInPast) as caught:
            check_bookable(
                self.plan,
                local(MONDAY, "09:00", SHANGHAI),
                SHANGHAI,
                local(MONDAY, "09:01", SHANGHAI),
            )
        assert caught.value.code == "slot_in_past" and caught.value.status == 422
        assert "2026-06-01 09:00" in caught.value.message
        assert caught.value.errors[0].field == "starts_at"

    def test_too_soon_names_the_notice(self) -> None:
        with pytest.raises(SlotTooSoon) as caught:
            check_bookable(
                self.plan,
                local(MONDAY, "09:00", SHANGHAI),
                SHANGHAI,
                self.now + timedelta(minutes=1),
            )
        assert caught.value.code == "slot_too_soon"
        assert "at least 2 hours ahead" in caught.value.message

    def test_notice_in_minutes_and_days(self) -> None:
        for notice, text in ((90, "90 minutes"), (60, "1 hour"), (2880, "2 days")):
            plan = settings(*WEEKDAYS_9_TO_12, min_notice_minutes=notice)
            with pytest.raises(SlotTooSoon, match=text):
                check_bookable(
                    plan,
                    local(MONDAY, "09:00", SHANGHAI),
                    SHANGHAI,
                    local(MONDAY, "08:01", SHANGHAI),
                )

    def test_beyond_the_horizon_names_it(self) -> None:
        last = MONDAY + timedelta(14)
        assert check_bookable(self.plan, local(last, "11:00", SHANGHAI), SHANGHAI, self.now)
        with pytest.raises(BeyondHorizon) as caught:
            check_bookable(
                self.plan, local(last + timedelta(1), "09:00", SHANGHAI), SHANGHAI, self.now
            )
        assert caught.value.code == "beyond_horizon"
        assert "at most 14 days ahead" in caught.value.message

    @pytest.mark.parametrize("when", ["09:15", "12:00", "13:00"])
    def test_not_a_start_time(self, when: str) -> None:
        with pytest.raises(NoSuchSlot) as caught:
            check_bookable(self.plan, local(MONDAY, when, SHANGHAI), SHANGHAI, self.now)
        assert caught.value.code == "no_such_slot"
        assert f"2026-06-01 {when} is not a start time" in caught.value.message
        assert isinstance(caught.value, MarketplaceError)

    def test_the_second_pass_of_a_repeated_hour_is_not_a_start(self) -> None:
        plan = settings(window(6, "00:00", "03:00"))
        now = local(NY_FALL, "00:00", NEW_YORK) - timedelta(days=1)
        assert check_bookable(plan, local(NY_FALL, "01:00", NEW_YORK), NEW_YORK, now)
        with pytest.raises(NoSuchSlot):
            check_bookable(plan, local(NY_FALL, "01:00", NEW_YORK, fold=1), NEW_YORK, now)
        # given as the city's own wall time, not UTC
        wall = datetime(2026, 11, 1, 1, 0, tzinfo=NEW_YORK)
        assert check_bookable(plan, wall, NEW_YORK, now).starts_at == wall.astimezone(UTC)

    def test_naive_times_are_a_programming_error(self) -> None:
        with pytest.raises(ValueError, match="starts_at must be timezone-aware"):
            check_bookable(self.plan, datetime(2026, 6, 1, 9), SHANGHAI, self.now)


class TestNextOffered:
    def test_across_days_skipping_closed_ones(self) -> None:
        plan = settings(
            window(0, "09:00", "11:00"),
            window(2, "14:00", "16:00"),
            exceptions={(MONDAY + timedelta(7)).isoformat(): {"closed": True}},
        )
        now = local(MONDAY, "09:30", SHANGHAI)
        found = next_offered(plan, SHANGHAI, now, limit=4)
        assert [s.starts_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M") for s in found] == [
            "06-01 10:00",
            "06-03 14:00",
            "06-03 15:00",
            "06-10 14:00",
        ]

    def test_stops_at_the_horizon(self) -> None:
        now = local(MONDAY, "08:00", SHANGHAI)
        plan = settings(window(3, "09:00", "10:00"), horizon_days=10)
        found = next_offered(plan, SHANGHAI, now)
        assert [s.starts_at.astimezone(SHANGHAI).day for s in found] == [4, 11]  # June 11: day 10
        plan = settings(window(3, "09:00", "10:00"), horizon_days=9)
        assert [
            s.starts_at.astimezone(SHANGHAI).day for s in next_offered(plan, SHANGHAI, now)
        ] == [4]

    def test_nothing_to_offer(self) -> None:
        assert (
            next_offered(AvailabilitySettings(), SHANGHAI, local(MONDAY, "08:00", SHANGHAI)) == []
        )
        assert (
            next_offered(settings(*WEEKDAYS_9_TO_12), SHANGHAI, local(MONDAY, "08:00", SHANGHAI), 0)
            == []
        )


# --- validation ------------------------------------------------------------------------------


def problems(data: object, field: str = "availability") -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        AvailabilitySettings.from_json(data, field=field)
    assert caught.value.code == "invalid" and caught.value.status == 422
    return [(e.field, e.reason) for e in caught.value.errors]


class TestValidation:
    def test_round_trip(self) -> None:
        plan = settings(
            window(0, "9:00", "24:00", 90, 3),
            buffer_minutes=15,
            min_notice_minutes=30,
            horizon_days=60,
            exceptions={"2026-06-06": {"closed": True}},
        )
        data = plan.to_json()
        assert data["windows"][0]["start"] == "09:00"
        assert data["exceptions"] == {"2026-06-06": {"closed": True, "windows": []}}
        assert AvailabilitySettings.from_json(data) == plan

    def test_end_before_start_names_the_path(self) -> None:
        found = problems(
            {
                "windows": [
                    window(0, "09:00", "12:00"),
                    window(1, "09:00", "12:00"),
                    window(2, "12:00", "09:00"),
                ]
            }
        )
        assert found == [
            (
                "availability.windows[2].end",
                "must be after start (12:00); a window cannot run past midnight",
            )
        ]

    def test_overlap_on_the_same_weekday_only(self) -> None:
        data = {
            "windows": [
                window(0, "09:00", "12:00"),
                window(1, "11:00", "13:00"),
                window(0, "12:00", "14:00"),  # touching is fine
                window(0, "13:00", "15:00"),
            ]
        }
        assert problems(data) == [
            ("availability.windows[3].start", "overlaps windows[2] (mon 12:00-14:00)")
        ]

    @pytest.mark.parametrize(
        ("change", "path", "reason"),
        [
            ({"slot_minutes": 14}, "windows[0].slot_minutes", "greater than or equal to 15"),
            ({"slot_minutes": 721}, "windows[0].slot_minutes", "less than or equal to 720"),
            ({"capacity": 0}, "windows[0].capacity", "greater than or equal to 1"),
            ({"capacity": 501}, "windows[0].capacity", "less than or equal to 500"),
            ({"capacity": "2"}, "windows[0].capacity", "valid integer"),
            ({"weekday": 7}, "windows[0].weekday", "less than or equal to 6"),
            ({"start": "24:00"}, "windows[0].start", "24:00 can only end a window"),
            ({"start": "9:60"}, "windows[0].start", "is not a time of day"),
            ({"end": "noon"}, "windows[0].end", "is not a time like 09:00"),
            ({"end": "09:30"}, "windows[0].slot_minutes", "60 minutes does not fit"),
            ({"colour": "red"}, "windows[0].colour", "unknown field"),
        ],
    )
    def test_window_fields(self, change: dict[str, Any], path: str, reason: str) -> None:
        [(field, why)] = problems({"windows": [{**window(0, "09:00", "12:00"), **change}]})
        assert field == f"availability.{path}"
        assert reason in why

    def test_missing_window_field(self) -> None:
        data = {"windows": [{"weekday": 0, "start": "09:00", "end": "10:00", "capacity": 1}]}
        assert problems(data) == [("availability.windows[0].slot_minutes", "required")]

    @pytest.mark.parametrize(
        ("key", "value", "reason"),
        [
            ("buffer_minutes", -1, "greater than or equal to 0"),
            ("buffer_minutes", 241, "less than or equal to 240"),
            ("min_notice_minutes", 10081, "less than or equal to 10080"),
            ("horizon_days", 0, "greater than or equal to 1"),
            ("horizon_days", 366, "less than or equal to 365"),
            ("horizon_days", True, "valid integer"),
        ],
    )
    def test_settings_ranges(self, key: str, value: object, reason: str) -> None:
        [(field, why)] = problems({"windows": [], key: value})
        assert field == f"availability.{key}"
        assert reason in why

    def test_exceptions(self) -> None:
        one = window(None, "09:00", "10:00", 30)
        data = {
            "exceptions": {
                "2026-13-01": {"closed": True},
                "2026-06-02": {"closed": True, "windows": [one]},
                "2026-06-03": {},
                "2026-06-04": {"windows": [one, window(None, "09:30", "10:30", 30)]},
                "2026-06-05": {"windows": [{**one, "weekday": 1}]},
                "2026-06-06": {"windows": [{**one, "end": "08:00"}]},
            }
        }
        found = problems(data)
        assert found[0][0] == "availability.exceptions.2026-13-01"
        assert found[1:] == [
            ("availability.exceptions.2026-06-02.windows", "must be empty when the date is closed"),
            (
                "availability.exceptions.2026-06-03.windows",
                "give the date's windows, or set closed to true",
            ),
            (
                "availability.exceptions.2026-06-04.windows[1].start",
                "overlaps windows[0] (09:00-10:00)",
            ),
            ("availability.exceptions.2026-06-05.windows[0].weekday", "unknown field"),
            (
                "availability.exceptions.2026-06-06.windows[0].end",
                "must be after start (09:00); a window cannot run past midnight",
            ),
        ]

    def test_every_problem_at_once_under_the_callers_field(self) -> None:
        data = {
            "windows": [window(0, "09:00", "08:00"), window(9, "09:00", "10:00")],
            "horizon_days": 0,
        }
        assert [f for f, _ in problems(data, field="offerings[2].availability")] == [
            "offerings[2].availability.windows[0].end",
            "offerings[2].availability.windows[1].weekday",
            "offerings[2].availability.horizon_days",
        ]

    @pytest.mark.parametrize("data", [None, [], "windows"])
    def test_not_an_object(self, data: object) -> None:
        assert problems(data) == [("availability", "must be an object with windows and settings")]
