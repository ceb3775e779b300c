"""Sign-in and sign-up throttling: a guesser is slowed down without locking the owner out."""

from __future__ import annotations

import asyncio

import pytest

from marketplace.accounts import ratelimit
from marketplace.accounts import services as accounts
from marketplace.accounts.errors import BadCredentials
from marketplace.accounts.models import Account, LoginAttempt, SignupAttempt
from marketplace.errors import RateLimited, ValidationFailed
from marketplace.settings import Settings
from tests.support.stopped_clock import StoppedClock, stopped_clock_fixture  # noqa: F401

PASSWORD = "correct horse battery"
LIMITS = ratelimit.LoginLimits(
    max_failures_per_account=100,
    max_failures_per_ip=20,
    window_s=900,
    max_failures_per_client=3,
    max_delay_s=300,
)


async def guess(
    ip: str, password: str = "wrong password", limits: ratelimit.LoginLimits = LIMITS
) -> str:
    """What one sign-in attempt gets: "ok", "bad" (401) or "wait N" (429 with Retry-After)."""
    try:
        await accounts.authenticate("mei@example.com", password, ip, limits=limits)
    except BadCredentials:
        return "bad"
    except RateLimited as exc:
        return f"wait {exc.retry_after_s}"
    return "ok"


@pytest.fixture
async def mei(db: str) -> Account:
    return await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")


async def test_twenty_wrong_passwords_do_not_lock_the_owner_out(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    defaults = ratelimit.LoginLimits.from_settings(Settings())
    answers = [await guess("203.0.113.7", limits=defaults) for _ in range(20)]
    assert answers[:3] == ["bad"] * 3
    assert set(answers[3:]) == {"wait 1"}
    # the owner signs in from another address, at once
    assert await guess("198.51.100.9", PASSWORD, limits=defaults) == "ok"


async def test_each_further_failure_from_one_client_doubles_the_wait_up_to_a_cap(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    ip, long_window = "203.0.113.7", ratelimit.LoginLimits(window_s=86400, max_delay_s=300)
    assert [await guess(ip, limits=long_window) for _ in range(3)] == ["bad"] * 3
    waits = []
    for _ in range(12):
        refused = await guess(ip, limits=long_window)
        assert refused.startswith("wait ")
        waits.append(int(refused.split()[1]))
        stopped_clock.advance(waits[-1] - 0.5)
        assert await guess(ip, limits=long_window) == "wait 1"  # half a second left
        stopped_clock.advance(0.5)
        assert await guess(ip, limits=long_window) == "bad"  # then one more try gets through
    assert waits == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]
    # the right password is no way round the wait: the client must wait like any other
    assert (await guess(ip, PASSWORD, limits=long_window)).startswith("wait ")


async def test_a_success_clears_the_clients_delay(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    ip = "203.0.113.7"
    assert [await guess(ip) for _ in range(4)] == ["bad", "bad", "bad", "wait 1"]
    stopped_clock.advance(1)
    assert await guess(ip, PASSWORD) == "ok"
    assert [await guess(ip) for _ in range(4)] == ["bad", "bad", "bad", "wait 1"]


async def test_failures_older_than_the_window_stop_delaying(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    ip = "203.0.113.7"
    for _ in range(3):
        await guess(ip)
    assert await guess(ip) == "wait 1"
    stopped_clock.advance(LIMITS.window_s + 1)
    assert await guess(ip, PASSWORD) == "ok"


async def test_the_per_account_ceiling_is_far_above_what_one_person_mistypes(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    defaults = ratelimit.LoginLimits.from_settings(Settings())
    assert defaults.max_failures_per_account >= 50
    assert defaults.max_failures_per_client <= 5
    # a guess spread over many addresses still meets a ceiling on the account
    for n in range(10):
        assert await guess(f"10.1.0.{n}") == "bad"
    assert await guess("198.51.100.9", PASSWORD) == "ok"
    ceiling = ratelimit.LoginLimits(max_failures_per_account=10, window_s=900)
    for n in range(10):
        with pytest.raises(BadCredentials):
            await accounts.authenticate("mei@example.com", "x", f"10.2.0.{n}", limits=ceiling)
    with pytest.raises(RateLimited) as exc:
        await accounts.authenticate("mei@example.com", PASSWORD, "10.3.0.1", limits=ceiling)
    assert exc.value.retry_after_s == 900


async def test_concurrent_guesses_from_one_client_see_each_other(
    mei: Account, stopped_clock: StoppedClock
) -> None:
    answers = await asyncio.gather(*(guess("203.0.113.7") for _ in range(12)))
    # each attempt is written before its check, so no more than the free failures get a
    # password verification, however the twelve interleave
    assert answers.count("bad") <= LIMITS.max_failures_per_client
    assert all(a == "bad" or a.startswith("wait ") for a in answers)
    assert await LoginAttempt.filter(ip="203.0.113.7").count() == answers.count("bad")


SIGNUPS = ratelimit.SignupLimits(max_per_ip=3, max_per_identifier=2, window_s=3600)


async def register(identifier: str, ip: str, limits: ratelimit.SignupLimits = SIGNUPS) -> str:
    try:
        await accounts.register(identifier, PASSWORD, "小美", "zh-CN", ip, limits=limits)
    except RateLimited as exc:
        return f"wait {exc.retry_after_s}"
    except ValidationFailed as exc:
        return exc.errors[0].reason
    return "ok"


async def test_sign_ups_are_limited_per_address(db: str, stopped_clock: StoppedClock) -> None:
    answers = [await register(f"u{n}@example.com", "203.0.113.7") for n in range(5)]
    assert answers == ["ok", "ok", "ok", "wait 3600", "wait 3600"]
    assert await Account.all().count() == 3
    assert await register("u9@example.com", "198.51.100.9") == "ok"
    stopped_clock.advance(1800)
    assert await register("u10@example.com", "203.0.113.7") == "wait 1800"
    stopped_clock.advance(1801)
    assert await register("u10@example.com", "203.0.113.7") == "ok"
    # rows no window reaches are cleared as sign-ups come
    assert await SignupAttempt.filter(created_at__lt=stopped_clock.at).count() == 0


async def test_sign_ups_are_limited_per_identifier_whatever_the_spelling(
    db: str, stopped_clock: StoppedClock
) -> None:
    answers = [
        await register(spelling, f"10.0.0.{n}")
        for n, spelling in enumerate(["138 0013 8000", "+86 138-0013-8000", "13800138000"])
    ]
    assert answers == ["ok", "already registered", "wait 3600"]


async def test_default_sign_up_limits_stop_a_burst_from_one_address(
    db: str, stopped_clock: StoppedClock
) -> None:
    defaults = ratelimit.SignupLimits.from_settings(Settings())
    answers = [await register(f"b{n}@example.com", "203.0.113.7", defaults) for n in range(11)]
    assert answers == ["ok"] * 10 + ["wait 3600"]


async def test_concurrent_sign_ups_from_one_address_cannot_pass_the_limit(
    db: str, stopped_clock: StoppedClock
) -> None:
    answers = await asyncio.gather(
        *(register(f"c{n}@example.com", "203.0.113.7") for n in range(10))
    )
    assert answers.count("ok") <= SIGNUPS.max_per_ip
    assert await Account.all().count() == answers.count("ok")
