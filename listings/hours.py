"""Opening hours: a weekly pattern, holiday exceptions and temporary closures.

All times are local wall-clock times in the city's timezone. The rules:

- A range belongs to the day it starts on. An end earlier than its start runs past midnight into
  the next day (["18:00", "02:00"]); "24:00" may end a range, never start one.
- An exception date replaces the ranges that *start* on that date; an empty list means nothing
  starts that day. A range that started the evening before and runs past midnight still runs into
  the exception date: a holiday does not cut short the night before it.
- A closure keeps the listing closed from its start to its end (or until removed), whatever the
  hours and exceptions say.
- Daylight saving: a wall time that does not exist (clocks jump forward) means the first instant
  after the jump; a wall time that happens twice (clocks fall back) means its first occurrence.
  So on a fall-back night ["00:00", "03:00"] covers both passes through 01:00-02:00, while
  ["00:00", "01:30"] ends at the first 01:30.

Evaluation (`is_open`, `next_change`) and the search index's weekly minute ranges live here;
what a page shows is built in `listings.hours_display`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, Self, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    ValidationInfo,
    field_validator,
    model_validator,
)

from marketplace.errors import FieldError, ValidationFailed


class Day(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"

    @classmethod
    def of(cls, day: date) -> Day:
        return DAYS[day.weekday()]

    @property
    def following(self) -> Day:
        return DAYS[(DAYS.index(self) + 1) % 7]


DAYS: tuple[Day, ...] = tuple(Day)
DAY_MINUTES = 24 * 60
WEEK_MINUTES = 7 * DAY_MINUTES
MAX_REASON = 200

_TIME = re.compile(r"(\d{1,2}):(\d{2})", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_time(text: object) -> int:
    """Minutes since midnight of "HH:MM" or "H:MM"; "24:00" gives 1440. ValueError says why."""
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(f"{text!r} is not a time like 09:00")
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{text!r} is not a time of day (00:00 to 24:00)")
    return hours * 60 + minutes


def format_time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


class TimeRange(BaseModel):
    """[start, end] on one day; an end before the start runs into the next day."""

    model_config = ConfigDict(frozen=True)

    start: str
    end: str

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) == 2:
            return {"start": value[0], "end": value[1]}
        return value

    @field_validator("start", "end")
    @classmethod
    def _normalise(cls, value: str) -> str:
        return format_time(parse_time(value))

    @model_validator(mode="after")
    def _sensible(self) -> Self:
        if self.start == "24:00":
            raise ValueError("24:00 can only end a range; start at 00:00 instead")
        if self.start == self.end:
            raise ValueError("starts and ends at the same time")
        return self

    @property
    def start_minute(self) -> int:
        return parse_time(self.start)

    @property
    def end_minute(self) -> int:
        """The end in minutes after the start day's midnight: beyond 1440 when it runs overnight."""
        end = parse_time(self.end)
        return end + DAY_MINUTES if end < self.start_minute else end

    @property
    def overnight(self) -> bool:
        return self.end_minute > DAY_MINUTES

    def label(self) -> str:
        return f"{self.start}-{self.end}"

    def to_json(self) -> list[str]:
        return [self.start, self.end]


class Closure(BaseModel):
    """Closed from `start` until `end`; no end means until further notice."""

    model_config = ConfigDict(frozen=True)

    start: AwareDatetime
    end: AwareDatetime | None = None
    reason: str

    @field_validator("reason")
    @classmethod
    def _said(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("reason is required")
        if len(value) > MAX_REASON:
            raise ValueError(f"reason is longer than {MAX_REASON} characters")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    def covers(self, at: datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)

    def to_json(self) -> dict[str, str | None]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "reason": self.reason,
        }


# ranges paired with their position in the input, so that errors name the field the user wrote
Indexed = list[tuple[int, TimeRange]]


class Schedule(BaseModel):
    """A listing's opening hours. Build from stored JSON with `from_json`, which names every
    problem with its field path; direct construction checks the same rules."""

    model_config = ConfigDict(frozen=True)

    weekly: dict[Day, list[TimeRange]]
    exceptions: dict[date, list[TimeRange]] = {}
    closures: list[Closure] = []

    @field_validator("weekly")
    @classmethod
    def _every_day_sorted(cls, value: dict[Day, list[TimeRange]]) -> dict[Day, list[TimeRange]]:
        return {day: _sorted(value.get(day, [])) for day in DAYS}

    @field_validator("exceptions")
    @classmethod
    def _dates_sorted(cls, value: dict[date, list[TimeRange]]) -> dict[date, list[TimeRange]]:
        return {day: _sorted(value[day]) for day in sorted(value)}

    @model_validator(mode="after")
    def _no_overlaps(self, info: ValidationInfo) -> Self:
        field = (info.context or {}).get("field", "hours")
        errors = _conflicts(
            {day: list(enumerate(ranges)) for day, ranges in self.weekly.items()},
            {day: list(enumerate(ranges)) for day, ranges in self.exceptions.items()},
            field,
        )
        if errors:
            raise _failed(errors)
        return self

    @classmethod
    def from_json(
        cls,
        weekly: object,
        exceptions: object = None,
        closures: object = None,
        *,
        field: str = "hours",
    ) -> Schedule:
        """Parse the stored shapes; raise ValidationFailed listing every problem found."""
        errors: list[FieldError] = []
        week = _parse_weekly(weekly, field, errors)
        special = _parse_exceptions(exceptions, f"{field}.exceptions", errors)
        shut = _parse_closures(closures, f"{field}.closures", errors)
        errors += _conflicts(week, special, field)
        if errors:
            raise _failed(errors)
        return cls.model_validate(
            {
                "weekly": {day: [r for _, r in ranges] for day, ranges in week.items()},
                "exceptions": {day: [r for _, r in ranges] for day, ranges in special.items()},
                "closures": shut,
            },
            context={"field": field},
        )

    def to_json(self) -> dict[str, Any]:
        """{"weekly": ..., "exceptions": ..., "closures": ...}: `from_json(**s.to_json())` == s."""
        return {
            "weekly": {day.value: [r.to_json() for r in self.weekly[day]] for day in DAYS},
            "exceptions": {
                day.isoformat(): [r.to_json() for r in ranges]
                for day, ranges in self.exceptions.items()
            },
            "closures": [c.to_json() for c in self.closures],
        }

    def ranges_on(self, day: date) -> list[TimeRange]:
        """The ranges that start on `day`: its exception if it has one, else its weekday's."""
        if day in self.exceptions:
            return self.exceptions[day]
        return self.weekly[Day.of(day)]


def _sorted(ranges: Iterable[TimeRange]) -> list[TimeRange]:
    return sorted(ranges, key=lambda r: r.start_minute)


def _failed(errors: list[FieldError]) -> ValidationFailed:
    return ValidationFailed("; ".join(f"{e.field}: {e.reason}" for e in errors), errors=errors)


# --- parsing the stored JSON -------------------------------------------------------------------


def _parse_range(raw: object, path: str, errors: list[FieldError]) -> TimeRange | None:
    if not isinstance(raw, list | tuple) or len(raw) != 2:
        errors.append(FieldError(path, 'must be a ["HH:MM", "HH:MM"] pair'))
        return None
    problems: list[str] = []
    minutes: list[int] = []
    for name, text in zip(("start", "end"), raw, strict=True):
        try:
            minutes.append(parse_time(text))
        except ValueError as exc:
            problems.append(f"{name} {exc}")
    if not problems and minutes[0] == DAY_MINUTES:
        problems.append("24:00 can only end a range; start at 00:00 instead")
    elif not problems and minutes[0] == minutes[1]:
        problems.append("starts and ends at the same time")
    if problems:
        errors.extend(FieldError(path, p) for p in problems)
        return None
    return TimeRange(start=format_time(minutes[0]), end=format_time(minutes[1]))


def _parse_ranges(raw: object, path: str, errors: list[FieldError]) -> Indexed:
    if not isinstance(raw, list | tuple):
        errors.append(FieldError(path, "must be a list of [start, end] ranges"))
        return []
    parsed = ((i, _parse_range(item, f"{path}[{i}]", errors)) for i, item in enumerate(raw))
    return [(i, r) for i, r in parsed if r is not None]


def _parse_weekly(raw: object, field: str, errors: list[FieldError]) -> dict[Day, Indexed]:
    week: dict[Day, Indexed] = {day: [] for day in DAYS}
    if raw is None:
        return week
    if not isinstance(raw, Mapping):
        errors.append(FieldError(field, 'must map days ("mon".."sun") to lists of ranges'))
        return week
    for key, ranges in raw.items():
        if key not in DAYS:
            errors.append(FieldError(f"{field}.{key}", "is not a day; use mon..sun"))
            continue
        week[Day(key)] = _parse_ranges(ranges, f"{field}.{key}", errors)
    return week


def _parse_date(key: object) -> date | None:
    if isinstance(key, date) and not isinstance(key, datetime):
        return key
    if isinstance(key, str) and _DATE.fullmatch(key):
        try:
            return date.fromisoformat(key)
        except ValueError:
            return None
    return None


def _parse_exceptions(raw: object, field: str, errors: list[FieldError]) -> dict[date, Indexed]:
    special: dict[date, Indexed] = {}
    if raw is None:
        return special
    if not isinstance(raw, Mapping):
        errors.append(FieldError(field, "must map dates (YYYY-MM-DD) to lists of ranges"))
        return special
    for key, ranges in raw.items():
        day = _parse_date(key)
        if day is None:
            errors.append(FieldError(f"{field}.{key}", "is not a date (YYYY-MM-DD)"))
        elif day in special:
            errors.append(FieldError(f"{field}.{key}", "is given twice"))
        else:
            special[day] = _parse_ranges(ranges, f"{field}.{day.isoformat()}", errors)
    return special


def _parse_instant(raw: object, path: str, errors: list[FieldError]) -> datetime | None:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, str):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            errors.append(FieldError(path, f"{raw!r} is not an ISO 8601 date and time"))
            return None
    else:
        errors.append(FieldError(path, "must be an ISO 8601 date and time"))
        return None
    if value.utcoffset() is None:
        # a naive time is ambiguous across the city's DST changes and across servers
        errors.append(FieldError(path, "must include a UTC offset, e.g. +08:00"))
        return None
    return value


def _parse_closure(raw: object, path: str, errors: list[FieldError]) -> Closure | None:
    if not isinstance(raw, Mapping):
        errors.append(FieldError(path, "must be an object with start, end and reason"))
        return None
    before = len(errors)
    errors.extend(
        FieldError(f"{path}.{key}", "is not a closure field; use start, end, reason")
        for key in raw
        if key not in ("start", "end", "reason")
    )
    start = end = None
    if raw.get("start") is None:
        errors.append(FieldError(f"{path}.start", "is required"))
    else:
        start = _parse_instant(raw["start"], f"{path}.start", errors)
    if raw.get("end") is not None:
        end = _parse_instant(raw["end"], f"{path}.end", errors)
        if start is not None and end is not None and end <= start:
            errors.append(FieldError(f"{path}.end", "must be after start"))
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        errors.append(FieldError(f"{path}.reason", "is required"))
    elif len(reason.strip()) > MAX_REASON:
        errors.append(FieldError(f"{path}.reason", f"is longer than {MAX_REASON} characters"))
    if len(errors) > before:
        return None
    return Closure(start=start, end=end, reason=str(reason).strip())


def _parse_closures(raw: object, field: str, errors: list[FieldError]) -> list[Closure]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple):
        errors.append(FieldError(field, "must be a list of closures"))
        return []
    parsed = (_parse_closure(item, f"{field}[{i}]", errors) for i, item in enumerate(raw))
    return [c for c in parsed if c is not None]


# --- overlaps ----------------------------------------------------------------------------------


def _overlaps_within(path: str, ranges: Indexed) -> list[FieldError]:
    errors: list[FieldError] = []
    ordered = sorted(ranges, key=lambda pair: pair[1].start_minute)
    reach: tuple[int, TimeRange] | None = None  # the range reaching furthest so far
    for index, current in ordered:
        if reach is not None and current.start_minute < reach[1].end_minute:
            other = f"{path}[{reach[0]}] ({reach[1].label()})"
            errors.append(FieldError(f"{path}[{index}]", f"overlaps {other}"))
        if reach is None or current.end_minute > reach[1].end_minute:
            reach = (index, current)
    return errors


def _spill_overlaps(
    path: str, ranges: Indexed, next_path: str, next_ranges: Indexed
) -> list[FieldError]:
    """Errors on `ranges` whose run past midnight overlaps a range of the next day."""
    errors: list[FieldError] = []
    for index, current in ranges:
        spill = current.end_minute - DAY_MINUTES
        hit = min(
            ((j, r) for j, r in next_ranges if r.start_minute < spill),
            key=lambda pair: pair[1].start_minute,
            default=None,
        )
        if hit is not None:
            reason = (
                f"runs past midnight until {current.end} and overlaps "
                f"{next_path}[{hit[0]}] ({hit[1].label()})"
            )
            errors.append(FieldError(f"{path}[{index}]", reason))
    return errors


def _spilled_into(path: str, ranges: Indexed, prev_path: str, prev: Indexed) -> list[FieldError]:
    """Errors on `ranges` (an exception date) overlapped by the previous day's overnight run."""
    errors: list[FieldError] = []
    spill = max((r.end_minute - DAY_MINUTES for _, r in prev), default=0)
    for index, current in ranges:
        if current.start_minute < spill:
            culprit = next(
                (j, r) for j, r in prev if r.end_minute - DAY_MINUTES > current.start_minute
            )
            reason = (
                f"overlaps {prev_path}[{culprit[0]}] ({culprit[1].label()}), "
                f"which runs past midnight until {culprit[1].end}"
            )
            errors.append(FieldError(f"{path}[{index}]", reason))
    return errors


def _conflicts(
    week: Mapping[Day, Indexed], special: Mapping[date, Indexed], field: str
) -> list[FieldError]:
    errors: list[FieldError] = []
    for day in DAYS:
        errors += _overlaps_within(f"{field}.{day}", week[day])
    for day in DAYS:
        after = day.following
        errors += _spill_overlaps(f"{field}.{day}", week[day], f"{field}.{after}", week[after])
    for day, ranges in sorted(special.items()):
        path = f"{field}.exceptions.{day.isoformat()}"
        errors += _overlaps_within(path, ranges)
        after = day + timedelta(days=1)
        if after in special:
            after_path, after_ranges = f"{field}.exceptions.{after.isoformat()}", special[after]
        else:
            after_path, after_ranges = f"{field}.{Day.of(after)}", week[Day.of(after)]
        errors += _spill_overlaps(path, ranges, after_path, after_ranges)
        before = day - timedelta(days=1)
        if before not in special:  # an exception the day before was checked just above
            prev = Day.of(before)
            errors += _spilled_into(path, ranges, f"{field}.{prev}", week[prev])
    return errors


# --- the week compiled to minutes, for the search index --------------------------------------


Point = TypeVar("Point", int, datetime)


def _merge(spans: Iterable[tuple[Point, Point]]) -> list[tuple[Point, Point]]:
    """Sorted, with overlapping or touching spans joined (18:00-24:00 + 00:00-02:00 is one)."""
    merged: list[tuple[Point, Point]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def weekly_minute_ranges(schedule: Schedule) -> list[tuple[int, int]]:
    """The weekly hours as [start, end) minutes since Monday 00:00 (0..10080), sorted and merged;
    a Sunday-night range wraps to Monday morning. Exceptions and closures are not included."""
    spans: list[tuple[int, int]] = []
    for offset, day in enumerate(DAYS):
        base = offset * DAY_MINUTES
        for r in schedule.weekly[day]:
            start, end = base + r.start_minute, base + r.end_minute
            if end <= WEEK_MINUTES:
                spans.append((start, end))
            else:
                spans += [(start, WEEK_MINUTES), (0, end - WEEK_MINUTES)]
    return _merge(spans)


def minute_of_week(at: datetime, tz: ZoneInfo) -> int:
    """Where `at` falls on the local weekly clock: the value to test against the ranges above."""
    local = _aware(at).astimezone(tz)
    return local.weekday() * DAY_MINUTES + local.hour * 60 + local.minute


def in_minute_ranges(ranges: Sequence[tuple[int, int]], minute: int) -> bool:
    i = bisect_right(ranges, (minute, WEEK_MINUTES + 1)) - 1
    return i >= 0 and ranges[i][0] <= minute < ranges[i][1]


# --- evaluation at an instant ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Change:
    """The next time the listing opens (`opens`) or closes; `at` is in the city's timezone."""

    at: datetime
    opens: bool


Span = tuple[datetime, datetime]  # [start, end) in UTC
_FOREVER = datetime.max.replace(tzinfo=UTC)


def _aware(at: datetime) -> datetime:
    if at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    return at


def local_instant(day: date, minute: int, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall time `minute` after `day`'s midnight in `tz` (see the DST rule)."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)  # fold=0: the first of a repeated time
    if instant.astimezone(tz).replace(tzinfo=None) == wall:
        return instant
    # `wall` falls in a spring-forward gap; fold=0 read it with the old offset, which lands after
    # the jump and fold=1 before it, so the jump lies between: find the second it happens
    before = int(wall.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    after = int(instant.timestamp())
    offset = instant.astimezone(tz).utcoffset()
    while after - before > 1:
        mid = (before + after) // 2
        if datetime.fromtimestamp(mid, UTC).astimezone(tz).utcoffset() == offset:
            after = mid
        else:
            before = mid
    return datetime.fromtimestamp(after, UTC)


def _subtract(spans: list[Span], holes: list[Span]) -> list[Span]:
    result: list[Span] = []
    for start, end in spans:
        pieces = [(start, end)]
        for hole_start, hole_end in holes:
            pieces = [
                part
                for s, e in pieces
                for part in ((s, min(e, hole_start)), (max(s, hole_end), e))
                if part[0] < part[1]
            ]
        result += pieces
    return result


def open_spans(schedule: Schedule, tz: ZoneInfo, first: date, last: date) -> list[Span]:
    """UTC spans when the listing is open, from ranges starting on local dates first..last.
    Spans near `first` miss what spilled in from the day before; callers start a day early."""
    spans: list[Span] = []
    day = first
    while day <= last:
        for r in schedule.ranges_on(day):
            start = local_instant(day, r.start_minute, tz)
            end = local_instant(day, r.end_minute, tz)
            if start < end:  # a range inside a spring-forward gap vanishes
                spans.append((start, end))
        day += timedelta(days=1)
    holes = [
        (c.start.astimezone(UTC), c.end.astimezone(UTC) if c.end else _FOREVER)
        for c in schedule.closures
    ]
    return _subtract(_merge(spans), _merge(holes))


def is_open(schedule: Schedule, at: datetime, tz: ZoneInfo) -> bool:
    today = _aware(at).astimezone(tz).date()
    spans = open_spans(schedule, tz, today - timedelta(days=1), today)
    return any(start <= at < end for start, end in spans)


def next_change(
    schedule: Schedule, at: datetime, tz: ZoneInfo, horizon_days: int = 14
) -> Change | None:
    """The first opening or closing strictly after `at` and within `horizon_days` days of it;
    None when nothing changes in that time (open around the clock, or closed throughout)."""
    if horizon_days < 0:
        raise ValueError("horizon_days must not be negative")
    limit = _aware(at) + timedelta(days=horizon_days)
    today = at.astimezone(tz).date()
    # one local day past the limit, so that no span is cut short before the limit
    last = limit.astimezone(tz).date() + timedelta(days=1)
    for start, end in open_spans(schedule, tz, today - timedelta(days=1), last):
        if end <= at:
            continue
        if start > at:
            return Change(start.astimezone(tz), True) if start <= limit else None
        return Change(end.astimezone(tz), False) if end <= limit else None
    return None


def closure_at(schedule: Schedule, at: datetime) -> Closure | None:
    return next((c for c in schedule.closures if c.covers(_aware(at))), None)
