"""The one clock domain code asks for "now".

Nothing else reads the wall clock: a test sets the instant (time-machine moves this clock with
the rest of the process), and `pytest --start-at` starts a whole run at a chosen moment.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today(tz: ZoneInfo) -> date:
    """Today's date in the given time zone (a city's day turns at its own midnight)."""
    return now().astimezone(tz).date()
