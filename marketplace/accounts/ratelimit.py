"""Sign-in and sign-up throttling backed by database rows, so limits hold across web processes.

An attempt is written *before* the password is checked and counted as a failure until it is
marked successful. Concurrent guesses therefore see each other, even from different processes:
the count cannot be raced past the limit by firing many attempts at once. A refused attempt is
deleted again, so hammering does not extend the wait.

Sign-in failures are counted three ways inside a sliding window:
- per (account, client address): after a few free failures each further try must wait twice as
  long as the one before. This is what slows a guesser down, and it slows only that guesser: the
  owner, signing in from an address that has not failed, is not held up by it.
- per account, from anywhere: a ceiling far above what one person mistypes, against guessing
  spread over many addresses.
- per address, on any account: against one address trying one password on many accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.queryset import QuerySet

from marketplace import clock
from marketplace.accounts.models import LoginAttempt, SignupAttempt
from marketplace.errors import RateLimited
from marketplace.settings import Settings

TOO_MANY_ATTEMPTS = "Too many sign-in attempts. Please wait a few minutes and try again."
WAIT_BEFORE_RETRY = "Too many wrong passwords from here. Please wait a moment and try again."
TOO_MANY_SIGNUPS = "Too many sign-ups from here. Please try again later."


@dataclass(frozen=True, slots=True)
class LoginLimits:
    max_failures_per_account: int = 100
    max_failures_per_ip: int = 20
    window_s: int = 900
    # failures of one account from one address before each further try must wait
    max_failures_per_client: int = 3
    max_delay_s: int = 300

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        return cls(
            max_failures_per_account=settings.login_max_failures_per_account,
            max_failures_per_ip=settings.login_max_failures_per_ip,
            window_s=settings.login_window_s,
            max_failures_per_client=settings.login_max_failures_per_client,
            max_delay_s=settings.login_max_delay_s,
        )

    def delay_s(self, failures: int) -> int:
        """How long a client waits after its latest failure, having failed `failures` times."""
        over = failures - self.max_failures_per_client
        if over < 0:
            return 0
        # 2 ** over without building a huge integer for a long run of failures
        return self.max_delay_s if over >= 30 else min(2**over, self.max_delay_s)


@dataclass(frozen=True, slots=True)
class SignupLimits:
    max_per_ip: int = 10
    max_per_identifier: int = 5
    window_s: int = 3600

    @classmethod
    def from_settings(cls, settings: Settings) -> SignupLimits:
        return cls(
            max_per_ip=settings.signup_max_per_ip,
            max_per_identifier=settings.signup_max_per_identifier,
            window_s=settings.signup_window_s,
        )


def _as_utc(moment: datetime) -> datetime:
    # Tortoise returns naive datetimes when configured with use_tz=False; those are UTC too.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((_as_utc(moment) - now).total_seconds()))


async def _after_last_success(
    counted: QuerySet[LoginAttempt], successes: QuerySet[LoginAttempt], window_start: datetime
) -> QuerySet[LoginAttempt]:
    """`counted` from the last success on: it proves the password was known, so a count
    restarts after it (by id, which orders attempts even when their clocks tie)."""
    last = await successes.filter(created_at__gte=window_start).order_by("-id").first()
    return counted.filter(id__gt=last.id) if last is not None else counted


async def _refusal(
    identifier: str, ip: str, attempt: LoginAttempt, now: datetime, limits: LoginLimits
) -> RateLimited | None:
    window = timedelta(seconds=limits.window_s)
    window_start = now - window
    failures = LoginAttempt.filter(succeeded=False).exclude(id=attempt.id)
    succeeded = LoginAttempt.filter(identifier=identifier, succeeded=True)

    # (account, client): progressive delay after the free failures
    pair = failures.filter(identifier=identifier, ip=ip, created_at__gte=window_start)
    pair = await _after_last_success(pair, succeeded.filter(ip=ip), window_start)
    count = await pair.count()
    if count >= limits.max_failures_per_client:
        latest = await pair.order_by("-created_at").first()
        if latest is not None:
            frees_at = _as_utc(latest.created_at) + timedelta(seconds=limits.delay_s(count))
            if frees_at > now:
                return RateLimited(WAIT_BEFORE_RETRY, retry_after_s=_seconds_until(frees_at, now))

    # the account from anywhere (the address's count does not restart after a success, or one
    # valid account would unlock guessing at all the others)
    account = failures.filter(identifier=identifier, created_at__gte=window_start)
    ceilings = (
        (await _after_last_success(account, succeeded, window_start),
         limits.max_failures_per_account),
        (failures.filter(ip=ip, created_at__gte=window_start), limits.max_failures_per_ip),
    )  # fmt: skip
    for counted, limit in ceilings:
        if await counted.count() >= limit:
            oldest = await counted.order_by("created_at").first()
            frees_at = (_as_utc(oldest.created_at) if oldest else now) + window
            return RateLimited(TOO_MANY_ATTEMPTS, retry_after_s=_seconds_until(frees_at, now))
    return None


async def begin_attempt(identifier: str, ip: str, limits: LoginLimits) -> LoginAttempt:
    """Record an attempt, or refuse it with RateLimited when a limit is already reached."""
    now = clock.now()
    attempt = await LoginAttempt.create(
        identifier=identifier, ip=ip, succeeded=False, created_at=now
    )
    refusal = await _refusal(identifier, ip, attempt, now, limits)
    if refusal is not None:
        await attempt.delete()
        raise refusal
    return attempt


async def mark_succeeded(attempt: LoginAttempt) -> None:
    attempt.succeeded = True
    await attempt.save(update_fields=["succeeded"])


async def prune_attempts(older_than: datetime) -> int:
    """Delete attempts no window can reach any more; returns how many were removed."""
    return await LoginAttempt.filter(created_at__lt=older_than).delete()


async def begin_signup(identifier: str, ip: str, limits: SignupLimits) -> SignupAttempt:
    """Record a sign-up attempt, or refuse it with RateLimited when this address or this
    identifier has made too many inside the window (written first, like sign-in attempts)."""
    now = clock.now()
    window_start = now - timedelta(seconds=limits.window_s)
    # Sign-ups are few: each one clears the rows no window reaches, so no job is needed.
    await SignupAttempt.filter(created_at__lt=window_start).delete()
    attempt = await SignupAttempt.create(identifier=identifier, ip=ip, created_at=now)
    others = SignupAttempt.filter(created_at__gte=window_start).exclude(id=attempt.id)
    for counted, limit in (
        (others.filter(ip=ip), limits.max_per_ip),
        (others.filter(identifier=identifier), limits.max_per_identifier),
    ):
        if await counted.count() >= limit:
            await attempt.delete()
            oldest = await counted.order_by("created_at").first()
            frees_at = (_as_utc(oldest.created_at) if oldest else now) + timedelta(
                seconds=limits.window_s
            )
            raise RateLimited(TOO_MANY_SIGNUPS, retry_after_s=_seconds_until(frees_at, now))
    return attempt
