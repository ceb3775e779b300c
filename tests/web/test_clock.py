"""The code asks one clock: set it, and the services' "now" and the pages' "today" follow, in
this process and in the processes the tests start (`pytest --start-at`)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine

from marketplace import clock
from marketplace.accounts.models import Account
from marketplace.bookings.holds import hold_booking
from marketplace.bookings.requests import AddressIn, BookingRequest
from marketplace.city import City
from tests.support.bookables import (
    NEAR_HOME,
    cleaning_of,
    confirmed_booking,
    every_day,
    owned_business,
)
from tests.support.live_server import REPO
from tests.web.merchant_helpers import account, signed_in, visible_text

# ten past midnight in the city: still the 31st of May in UTC, already June in Changzhou
SET = datetime(2031, 6, 1, 0, 10, tzinfo=UTC) - timedelta(hours=8)


async def test_services_and_the_merchant_queue_follow_the_clock(
    client: httpx.AsyncClient, city: City, operator: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    # only marketplace.clock is set, not the wall: code that reads the wall is caught here
    monkeypatch.setattr(clock, "now", lambda: SET)
    owner = await account("owner@example.com", "王老板")
    resident = await account("mei@example.com", "小美")
    merchant = await owned_business(city, owner, operator)
    listing, offering = await cleaning_of(merchant, every_day("08:00", "20:00", 120, 2))
    booking = await confirmed_booking(city, resident, listing, offering)
    # the next slot offered after the set instant
    assert booking.starts_at == datetime(2031, 6, 1, 8, tzinfo=city.tz)
    request = BookingRequest(
        listing_id=listing.id,
        offering_id=offering.id,
        starts_at=datetime(2031, 6, 1, 10, tzinfo=city.tz),
        address=AddressIn(lat=NEAR_HOME.lat, lng=NEAR_HOME.lng, text="青果巷 12 号"),
    )
    held, _new = await hold_booking(city, resident, request, "clock-hold")  # no now given
    hold = timedelta(minutes=city.cancellation.hold_minutes)
    assert held.hold_expires_at is not None and held.hold_expires_at.astimezone(UTC) == SET + hold

    await signed_in(client, owner)
    page = await client.get(f"/merchant/{merchant.id}/bookings")  # the today tab
    assert page.status_code == 200
    assert f'data-testid="booking-{booking.id}"' in page.text
    assert re.search(r"6\s*月\s*1\s*日", visible_text(page.text))


def test_a_process_the_tests_start_follows_the_shift() -> None:
    # from the real wall, as `--start-at` computes it (this run may itself be travelling)
    hatch = time_machine.escape_hatch
    wall = hatch.time.time() if hatch.is_travelling() else time.time()
    shift = datetime(2031, 6, 1, tzinfo=UTC).timestamp() - wall
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from marketplace import clock; from tortoise import timezone; "
            "print(clock.now().isoformat()); print(timezone.now().isoformat())",
        ],
        env={**os.environ, clock.SHIFT_ENV: repr(shift)},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    for line in done.stdout.split():
        seen = datetime.fromisoformat(line)
        # moving from the set instant (allowing for a slow start), not the wall's
        assert timedelta(0) <= seen - datetime(2031, 6, 1, tzinfo=UTC) < timedelta(minutes=5)
