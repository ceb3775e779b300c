"""Sign-in throttling backed by `LoginAttempt` rows, so limits hold across web processes.

An attempt is written *before* the password is checked and counted as a failure until it is
marked successful. Concurrent guesses therefore see each other, even from different processes:
the count cannot be raced past the limit by firing many attempts at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace import clock
from marketplace.accounts.models import LoginAttempt
from marketplace.errors import RateLimited
from marketplace.settings import Settings

TOO_MANY_ATTEMPTS = "Too many sign-in attempts. Please wait a few minutes and try again."


@dataclass(frozen=True, slots=True)
class LoginLimits:
    max_failures_per_account: int = 5
    max_failures_per_ip: int = 20
    window_s: int = 900

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        return cls(
            max_failures_per_account=settings.login_max_failures_per_account,
            max_failures_per_ip=settings.login_max_failures_per_ip,
            window_s=settings.login_window_s,
        )


def _as_utc(moment: datetime) -> datetime:
    # Tortoise returns naive datetimes when configured with use_tz=False; those are UTC too.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def begin_attempt(identifier: str, ip: str, limits: LoginLimits) -> LoginAttempt:
    """Record an attempt, or refuse it with RateLimited when a limit is already reached."""
    now = clock.now()
    attempt = await LoginAttempt.create(
        identifier=identifier, ip=ip, succeeded=False, created_at=now
    )
    window_start = now - timedelta(seconds=limits.window_s)
    earlier = LoginAttempt.filter(succeeded=False).exclude(id=attempt.id)

    # A success proves the password was known, so the account's count restarts after it; the
    # address's count does not, or one valid account would unlock guessing at all the others.
    successes = LoginAttempt.filter(identifier=identifier, succeeded=True)
    last_success = (
        await successes.filter(created_at__gte=window_start).order_by("-created_at").first()
    )
    account_start = last_success.created_at if last_success is not None else window_start
    checks = (
        (
            earlier.filter(identifier=identifier, created_at__gte=account_start),
            limits.max_failures_per_account,
        ),
        (earlier.filter(ip=ip, created_at__gte=window_start), limits.max_failures_per_ip),
    )
    for failures, limit in checks:
        if await failures.count() >= limit:
            oldest = await failures.order_by("created_at").first()
            # A refused attempt is not kept: it would otherwise extend the lock-out forever.
            await attempt.delete()
            raise RateLimited(TOO_MANY_ATTEMPTS, retry_after_s=_retry_after(oldest, now, limits))
    return attempt


def _retry_after(oldest: LoginAttempt | None, now: datetime, limits: LoginLimits) -> int:
    if oldest is None:
        return limits.window_s
    frees_at = _as_utc(oldest.created_at) + timedelta(seconds=limits.window_s)
    return max(1, math.ceil((frees_at - _as_utc(now)).total_seconds()))


async def mark_succeeded(attempt: LoginAttempt) -> None:
    attempt.succeeded = True
    await attempt.save(update_fields=["succeeded"])


async def prune_attempts(older_than: datetime) -> int:
    """Delete attempts no window can reach any more; returns how many were removed."""
    return await LoginAttempt.filter(created_at__lt=older_than).delete()
