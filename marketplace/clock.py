"""The one clock domain code asks for "now".

Nothing else reads the wall clock: a test sets the instant (time-machine moves this clock with
the rest of the process), and `pytest --start-at` starts a whole run at a chosen moment.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

# Processes the test suite starts (live servers, the CLI, scripts run against their database)
# cannot be travelled from outside, yet must share the run's moving clock, or a page's "today"
# and the test's would disagree. `pytest --start-at` puts in their environment how many seconds
# the run's clock is ahead of the wall (negative: behind); a process that finds it travels by
# the same amount at import, with the clock still moving. Honoured only when set, and it needs
# the test extras (time-machine); nothing sets it outside the suite.
SHIFT_ENV = "TAOCITY_CLOCK_SHIFT_S"


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


def today(tz: ZoneInfo) -> date:
    """Today's date in the given time zone (a city's day turns at its own midnight)."""
    return now().astimezone(tz).date()


_travelling = False


def travel_as_told() -> None:
    """Travel by the shift in the environment, once per process; nothing when it is unset."""
    global _travelling
    shift = os.environ.get(SHIFT_ENV)
    if not shift or _travelling:
        return
    import time

    import time_machine

    hatch = time_machine.escape_hatch
    wall = hatch.time.time() if hatch.is_travelling() else time.time()
    time_machine.travel(wall + float(shift), tick=True).start()
    _travelling = True


travel_as_told()
