"""How many bookings wait for a merchant, by the day tabs of the bookings queue: today and
after today (in the city's time). Counted in the database, two small queries."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from marketplace import clock
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState

if TYPE_CHECKING:
    from marketplace.city import City

# what a merchant still has to serve: booked and not yet served, called off or missed
WAITING: tuple[BookingState, ...] = (BookingState.CONFIRMED,)


async def waiting_by_day(
    city: City, merchant_id: int, *, now: datetime | None = None
) -> dict[str, int]:
    """{"today": bookings of today still to serve, "upcoming": those of later days}."""
    now = now or clock.now()
    tz = ZoneInfo(city.timezone)
    start = datetime.combine(now.astimezone(tz).date(), time(0), tz).astimezone(UTC)
    tomorrow = datetime.combine(
        now.astimezone(tz).date() + timedelta(days=1), time(0), tz
    ).astimezone(UTC)
    query = Booking.filter(listing__merchant_id=merchant_id, state__in=list(WAITING))
    today = await query.filter(starts_at__gte=start, starts_at__lt=tomorrow).count()
    upcoming = await query.filter(starts_at__gte=tomorrow).count()
    return {"today": today, "upcoming": upcoming}
