"""A clock that stands still until a test moves it, for waits counted in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from marketplace import clock


class StoppedClock:
    """The instant `marketplace.clock.now()` answers; moves only when a test moves it."""

    def __init__(self) -> None:
        self.at = datetime(2027, 3, 31, 15, 40, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


@pytest.fixture(name="stopped_clock")
def stopped_clock_fixture(monkeypatch: pytest.MonkeyPatch) -> Iterator[StoppedClock]:
    stopped = StoppedClock()
    monkeypatch.setattr(clock, "now", stopped.now)
    yield stopped
