"""When an offering can be booked: weekly windows cut into slots, per-date exceptions, the
notice a merchant needs and how far ahead residents may book. Pure: no database access.

Inside a window, slots start at its start and every `slot_minutes + buffer_minutes` of local wall
clock after it, and each ends by the window's end; windows never run past midnight ("24:00" may
end one), so a slot belongs to the local date it starts on. Daylight saving: a start the clock
skips is skipped, a start the clock repeats means its first occurrence, a slot lasts
`slot_minutes` of real time, and one that would start before the previous slot (plus the buffer)
ended, which only happens just after clocks jump forward, is skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, NoReturn, Self
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from listings.hours import DAY_MINUTES, format_time, local_instant, parse_time
from marketplace.bookings.errors import BeyondHorizon, NoSuchSlot, SlotInPast, SlotTooSoon
from marketplace.city.loader import field_path
from marketplace.city.schema import Loc, config_error, raise_all
from marketplace.errors import FieldError, MarketplaceError, ValidationFailed

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(text: str) -> str:
    try:
        return format_time(parse_time(text))
    except ValueError as exc:
        raise config_error(str(exc)) from None


Clock = Annotated[StrictStr, AfterValidator(_clock)]


class Window(BaseModel):
    """Slots of `slot_minutes` from `start` to `end` (local "HH:MM", end may be "24:00"), each
    with `capacity` places (cleaners, teachers, covers or seats)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: Clock
    end: Clock
    slot_minutes: Annotated[StrictInt, Field(ge=15, le=720)]
    capacity: Annotated[StrictInt, Field(ge=1, le=500)]

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if self.start == "24:00":
            raise_all([(("start",), "24:00 can only end a window")], self.start)
        if self.end_minute <= self.start_minute:
            reason = f"must be after start ({self.start}); a window cannot run past midnight"
            raise_all([(("end",), reason)], self.end)
        if self.end_minute - self.start_minute < self.slot_minutes:
            reason = f"a slot of {self.slot_minutes} minutes does not fit in {self.label()}"
            raise_all([(("slot_minutes",), reason)], self.slot_minutes)
        return self

    @property
    def start_minute(self) -> int:
        return parse_time(self.start)

    @property
    def end_minute(self) -> int:
        return parse_time(self.end)

    def label(self) -> str:
        return f"{self.start}-{self.end}"


class WeeklyWindow(Window):
    weekday: Annotated[StrictInt, Field(ge=0, le=6)]  # 0 = Monday


def _overlaps(indexed: Sequence[tuple[int, Window]], label: str = "") -> list[tuple[int, str]]:
    """(index, reason) for each window starting inside an earlier-starting one."""
    problems: list[tuple[int, str]] = []
    reach: tuple[int, Window] | None = None  # the window reaching furthest so far
    for i, window in sorted(indexed, key=lambda pair: pair[1].start_minute):
        if reach is not None and window.start_minute < reach[1].end_minute:
            problems.append((i, f"overlaps windows[{reach[0]}] ({label}{reach[1].label()})"))
        if reach is None or window.end_minute > reach[1].end_minute:
            reach = (i, window)
    return problems


class DateException(BaseModel):
    """A local date that does not follow the week: `closed`, or these `windows` instead."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    closed: StrictBool = False
    windows: tuple[Window, ...] = ()

    @model_validator(mode="after")
    def _closed_or_windows(self) -> Self:
        if self.closed and self.windows:
            raise_all([(("windows",), "must be empty when the date is closed")], self.windows)
        if not self.closed and not self.windows:
            reason = "give the date's windows, or set closed to true"
            raise_all([(("windows",), reason)], self.windows)
        overlaps = _overlaps(list(enumerate(self.windows)))
        raise_all([(("windows", i, "start"), why) for i, why in overlaps], self.windows)
        return self


class AvailabilitySettings(BaseModel):
    """What a merchant sets per bookable offering; stored as JSON (`to_json`, `from_json`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    windows: tuple[WeeklyWindow, ...] = ()
    buffer_minutes: Annotated[StrictInt, Field(ge=0, le=240)] = 0
    min_notice_minutes: Annotated[StrictInt, Field(ge=0, le=10080)] = 0
    horizon_days: Annotated[StrictInt, Field(ge=1, le=365)] = 30
    exceptions: dict[date, DateException] = {}

    @field_validator("windows")
    @classmethod
    def _no_overlap_per_weekday(cls, windows: tuple[WeeklyWindow, ...]) -> tuple[WeeklyWindow, ...]:
        problems: list[tuple[Loc, str]] = []
        for day in range(7):
            same_day = [(i, w) for i, w in enumerate(windows) if w.weekday == day]
            problems += [((i, "start"), why) for i, why in _overlaps(same_day, WEEKDAYS[day] + " ")]
        raise_all(problems, windows)
        return windows

    @field_validator("exceptions")
    @classmethod
    def _dates_sorted(cls, value: dict[date, DateException]) -> dict[date, DateException]:
        return dict(sorted(value.items()))

    @classmethod
    def from_json(cls, data: object, *, field: str = "availability") -> AvailabilitySettings:
        """Parse stored JSON; ValidationFailed names every problem's path under `field`."""
        if not isinstance(data, dict):
            raise ValidationFailed.on(field, "must be an object with windows and settings")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors = [FieldError(_path(field, e["loc"]), _reason(e)) for e in exc.errors()]
            message = "; ".join(f"{e.field}: {e.reason}" for e in errors)
            raise ValidationFailed(message, errors=errors) from None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON; `from_json(s.to_json()) == s`."""
        return self.model_dump(mode="json")

    def windows_on(self, local_date: date) -> tuple[Window, ...]:
        """The windows of `local_date` by start: its exception's, or else its weekday's."""
        if local_date in self.exceptions:
            chosen: Sequence[Window] = self.exceptions[local_date].windows
        else:
            chosen = [w for w in self.windows if w.weekday == local_date.weekday()]
        return tuple(sorted(chosen, key=lambda w: w.start_minute))


def _path(field: str, loc: Loc) -> str:
    return f"{field}.{field_path(loc)}"


def _reason(error: Any) -> str:
    if error["type"] == "missing":
        return "required"
    if error["type"] == "extra_forbidden":
        return "unknown field"
    message = str(error["msg"])
    return message[:1].lower() + message[1:]


# --- slots -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """One bookable slot: [starts_at, ends_at) in UTC and the places it has."""

    starts_at: datetime
    ends_at: datetime
    capacity: int


def _aware(at: datetime, name: str) -> datetime:
    if at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return at


def _wall_start(day: date, minute: int, tz: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall time (its first occurrence), or None if the clock skips it."""
    wall = datetime.combine(day, time()) + timedelta(minutes=minute)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        return None
    return instant


def slots_on(settings: AvailabilitySettings, local_date: date, tz: ZoneInfo) -> list[SlotSpec]:
    """Every slot starting on `local_date` in `tz`, in order, whatever the time is now."""
    slots: list[SlotSpec] = []
    buffer = timedelta(minutes=settings.buffer_minutes)
    for window in settings.windows_on(local_date):
        length = timedelta(minutes=window.slot_minutes)
        window_end = local_instant(local_date, window.end_minute, tz)
        free_from: datetime | None = None
        last_start = window.end_minute - window.slot_minutes
        step = window.slot_minutes + settings.buffer_minutes
        for minute in range(window.start_minute, last_start + 1, step):
            start = _wall_start(local_date, minute, tz)
            if start is None or (free_from is not None and start < free_from):
                continue
            if start + length > window_end:
                continue
            slots.append(SlotSpec(start, start + length, window.capacity))
            free_from = start + length + buffer
    return slots


def offered_slots(
    settings: AvailabilitySettings, local_date: date, tz: ZoneInfo, now: datetime
) -> list[SlotSpec]:
    """The slots of `local_date` a resident may book at `now`: not past, not sooner than the
    minimum notice, and the date no more than `horizon_days` after today's local date."""
    today = _aware(now, "now").astimezone(tz).date()
    if local_date > today + timedelta(days=settings.horizon_days):
        return []
    earliest = now + timedelta(minutes=settings.min_notice_minutes)
    return [slot for slot in slots_on(settings, local_date, tz) if slot.starts_at >= earliest]


def _duration(minutes: int) -> str:
    size, unit = next(
        (s, u) for s, u in ((DAY_MINUTES, "day"), (60, "hour"), (1, "minute")) if minutes % s == 0
    )
    return f"{minutes // size} {unit}{'' if minutes == size else 's'}"


def _refuse(error: type[MarketplaceError], reason: str) -> NoReturn:
    raise error(reason, errors=[FieldError("starts_at", reason)])


def check_bookable(
    settings: AvailabilitySettings, starts_at: datetime, tz: ZoneInfo, now: datetime
) -> SlotSpec:
    """The slot starting exactly at `starts_at`, or the reason a resident cannot book it now."""
    _aware(starts_at, "starts_at")
    _aware(now, "now")
    local = starts_at.astimezone(tz)
    when = local.strftime("%Y-%m-%d %H:%M")
    if starts_at < now:
        _refuse(SlotInPast, f"the slot at {when} has already started")
    # compared in UTC: an aware time in a repeated hour never equals one in another zone
    instant = starts_at.astimezone(UTC)
    slot = next((s for s in slots_on(settings, local.date(), tz) if s.starts_at == instant), None)
    if slot is None:
        _refuse(NoSuchSlot, f"{when} is not a start time this offering offers")
    if starts_at < now + timedelta(minutes=settings.min_notice_minutes):
        notice = _duration(settings.min_notice_minutes)
        _refuse(SlotTooSoon, f"the slot at {when} is too soon: book at least {notice} ahead")
    if local.date() > now.astimezone(tz).date() + timedelta(days=settings.horizon_days):
        horizon = _duration(settings.horizon_days * DAY_MINUTES)
        _refuse(BeyondHorizon, f"the slot at {when} is too far ahead: book at most {horizon} ahead")
    return slot


def next_offered(
    settings: AvailabilitySettings, tz: ZoneInfo, now: datetime, limit: int = 6
) -> list[SlotSpec]:
    """The next `limit` slots a resident may book, from today to the horizon."""
    today = _aware(now, "now").astimezone(tz).date()
    found: list[SlotSpec] = []
    for offset in range(settings.horizon_days + 1):
        if len(found) >= limit:
            break
        found += offered_slots(settings, today + timedelta(days=offset), tz, now)
    return found[:limit]
