"""What a page needs to say about opening hours right now: open or not, and when that changes.

The wording (营业中 / 已打烊 · 明天 09:00 开门) is the web layer's; this module gives it the facts,
including which local day the change falls on, so templates do no date arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from listings.hours import Change, Day, Schedule, closure_at, is_open, next_change


@dataclass(frozen=True, slots=True)
class OpeningState:
    open: bool
    next_change: Change | None
    # set while a temporary closure is in force, whatever the regular hours would have been
    closed_reason: str | None
    # local calendar days from `at` to the change: 0 today, 1 tomorrow, ...; None with no change
    days_until_change: int | None
    change_day: Day | None
    # `at`'s local date has a holiday exception in place of the weekly hours
    exception_today: bool

    @property
    def changes_today(self) -> bool:
        return self.days_until_change == 0

    @property
    def changes_tomorrow(self) -> bool:
        return self.days_until_change == 1


def opening_state(
    schedule: Schedule, at: datetime, tz: ZoneInfo, horizon_days: int = 14
) -> OpeningState:
    change = next_change(schedule, at, tz, horizon_days)
    today = at.astimezone(tz).date()
    closure = closure_at(schedule, at)
    days = (change.at.date() - today).days if change else None
    return OpeningState(
        open=is_open(schedule, at, tz),
        next_change=change,
        closed_reason=closure.reason if closure else None,
        days_until_change=days,
        change_day=Day.of(change.at.date()) if change else None,
        exception_today=today in schedule.exceptions,
    )
