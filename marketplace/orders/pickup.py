"""When a shop order can be picked up: from the shop's opening hours and the time it needs to
have an order ready (the listing's own preparation time, or the city's `[orders]` default).

A pickup time is allowed when the shop is open at it, it is at least the preparation time after
both now and the opening it falls in (the shop prepares only while open), and it lies within the
city's `max_days_ahead`. "As soon as possible" is the first such time; while the shop is closed
that is its next opening plus the preparation time, and pages say so before the resident pays.
A listing without any opening hours published is taken as always open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from listings.hours import Schedule, Span, open_spans
from listings.models import Listing
from marketplace.errors import FieldError
from marketplace.orders.errors import PickupNotPossible

if TYPE_CHECKING:
    from marketplace.city import City

MAX_SLOTS = 200  # a page lists at most this many times to choose from


@dataclass(frozen=True, slots=True)
class PickupRules:
    schedule: Schedule | None  # None: no hours published, always open
    tz: ZoneInfo
    preparation: timedelta
    step: timedelta
    horizon: timedelta


@dataclass(frozen=True, slots=True)
class PickupChoice:
    """What the cart offers: the first possible time, and the times to choose from."""

    asap: datetime | None  # None: nothing possible within the horizon
    slots: tuple[datetime, ...]
    open_now: bool

    @property
    def for_next_opening(self) -> bool:
        """The shop is closed now: the order waits for its next opening."""
        return not self.open_now and self.asap is not None


def _schedule(listing: Listing) -> Schedule | None:
    if not (listing.weekly_hours or listing.hours_exceptions or listing.closures):
        return None
    schedule = Schedule.from_json(listing.weekly_hours, listing.hours_exceptions, listing.closures)
    if not any(schedule.weekly.values()) and not any(schedule.exceptions.values()):
        return None if not schedule.closures else schedule
    return schedule


def rules_for(city: City, listing: Listing) -> PickupRules:
    settings = city.orders
    own = (listing.attributes or {}).get("preparation_minutes")
    minutes = int(own) if isinstance(own, int) and own >= 0 else settings.preparation_minutes
    return PickupRules(
        _schedule(listing),
        city.tz,
        timedelta(minutes=minutes),
        timedelta(minutes=settings.slot_minutes),
        timedelta(days=settings.max_days_ahead),
    )


def _spans(rules: PickupRules, now: datetime) -> list[Span]:
    last = now + rules.horizon + rules.preparation
    if rules.schedule is None:
        return [(now, last + timedelta(days=1))]
    today = now.astimezone(rules.tz).date()
    end_day = last.astimezone(rules.tz).date()
    return [
        (start, end)
        for start, end in open_spans(rules.schedule, rules.tz, today - timedelta(days=1), end_day)
        if end > now
    ]


def _ceil_minute(at: datetime) -> datetime:
    whole = at.replace(second=0, microsecond=0)
    return whole if whole == at else whole + timedelta(minutes=1)


def _earliest_in(span: Span, rules: PickupRules, now: datetime) -> datetime:
    return _ceil_minute(max(span[0], now) + rules.preparation)


def _limit(rules: PickupRules, now: datetime) -> datetime:
    # the horizon counts from the first possible time, so a shop closed for a long weekend
    # still offers its next opening
    return now + rules.horizon + rules.preparation


def choice(rules: PickupRules, now: datetime) -> PickupChoice:
    """The times a resident may choose at `now`: the first possible one, then every step on
    the city's grid (:00, :15, ...) while the shop is open, within the horizon."""
    now = now.astimezone(UTC)
    slots: list[datetime] = []
    limit = _limit(rules, now)
    step_minutes = int(rules.step.total_seconds() // 60)
    for span in _spans(rules, now):
        t = _earliest_in(span, rules, now)
        if t >= span[1] or t > limit:
            continue
        slots.append(t)
        local = t.astimezone(rules.tz)
        into = (local.hour * 60 + local.minute) % step_minutes
        t = t + timedelta(minutes=step_minutes - into) if into else t + rules.step
        while t < span[1] and t <= limit and len(slots) < MAX_SLOTS:
            slots.append(t)
            t += rules.step
    if rules.schedule is None:
        opened = True
    else:
        opened = any(start <= now < end for start, end in _spans(rules, now))
    return PickupChoice(slots[0] if slots else None, tuple(slots), opened)


def _refuse(reason: str) -> PickupNotPossible:
    return PickupNotPossible(f"pickup_at: {reason}", errors=[FieldError("pickup_at", reason)])


def _stamp(at: datetime, tz: ZoneInfo) -> str:
    return at.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def check_pickup(rules: PickupRules, chosen: datetime | None, now: datetime) -> datetime:
    """The pickup time for an order placed at `now`: `chosen` when it is possible, the first
    possible time when None; PickupNotPossible (field pickup_at, and why) otherwise."""
    now = now.astimezone(UTC)
    spans = _spans(rules, now)
    limit = _limit(rules, now)
    firsts = [
        _earliest_in(span, rules, now) for span in spans if _earliest_in(span, rules, now) < span[1]
    ]
    firsts = [t for t in firsts if t <= limit]
    if not firsts:
        raise _refuse("the shop has no opening in which it can prepare an order soon enough")
    if chosen is None:
        return firsts[0]
    if chosen.utcoffset() is None:
        raise _refuse("must include a time zone offset")
    chosen = chosen.astimezone(UTC)
    earliest = _stamp(firsts[0], rules.tz)
    if chosen <= now:
        raise _refuse(f"is in the past; the earliest pickup is {earliest}")
    if chosen < now + rules.preparation:
        minutes = int(rules.preparation.total_seconds() // 60)
        raise _refuse(f"the shop needs {minutes} minutes to prepare; the earliest is {earliest}")
    if chosen > limit:
        days = rules.horizon.days
        raise _refuse(f"is too far ahead: at most {days} days ahead")
    for span in spans:
        if span[0] <= chosen < span[1]:
            if chosen < _earliest_in(span, rules, now):
                minutes = int(rules.preparation.total_seconds() // 60)
                ready = _stamp(_earliest_in(span, rules, now), rules.tz)
                raise _refuse(
                    f"the shop needs {minutes} minutes after opening to prepare; "
                    f"the earliest that day is {ready}"
                )
            return chosen
    raise _refuse(f"the shop is closed then; the earliest pickup is {earliest}")


def pickup_choice(city: City, listing: Listing, now: datetime) -> PickupChoice:
    return choice(rules_for(city, listing), now)


async def pickup_choice_for(city: City, listing_id: int, now: datetime) -> PickupChoice | None:
    """The cart's pickup choice for a shop's listing; None when it is not a shop that exists."""
    listing = await Listing.get_or_none(id=listing_id)
    if listing is None:
        return None
    return pickup_choice(city, listing, now)
