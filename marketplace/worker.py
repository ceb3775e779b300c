"""Background jobs: `taocity worker` in production, a task inside the web process when embedded.

A job is an async function run every `every_s` seconds. Later work (the search outbox, hold
expiry) registers here; today the worker keeps the sign-in throttle table small.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from marketplace.settings import Settings

log = logging.getLogger("taocity.worker")


@dataclass(frozen=True)
class Job:
    name: str
    every_s: float
    run: Callable[[Settings], Awaitable[int]]  # returns how many things it handled


async def purge_login_attempts(settings: Settings) -> int:
    """Attempts older than the throttle window can no longer count against anyone."""
    from marketplace.accounts.ratelimit import prune_attempts

    return await prune_attempts(datetime.now(UTC) - timedelta(seconds=settings.login_window_s))


JOBS: tuple[Job, ...] = (Job("purge-login-attempts", 600, purge_login_attempts),)


async def run_due_jobs(settings: Settings, last_run: dict[str, float], now: float) -> None:
    for job in JOBS:
        if now - last_run.get(job.name, float("-inf")) < job.every_s:
            continue
        last_run[job.name] = now
        try:
            handled = await job.run(settings)
        except Exception:  # one failing job must not stop the others; it runs again next time
            log.exception("job %s failed", job.name)
        else:
            if handled:
                log.info("job %s handled %d", job.name, handled)


async def job_loop(settings: Settings, *, once: bool = False, tick_s: float = 1.0) -> None:
    """Run due jobs until cancelled; the database must already be initialised."""
    last_run: dict[str, float] = {}
    while True:
        await run_due_jobs(settings, last_run, time.monotonic())
        if once:
            return
        await asyncio.sleep(tick_s)


async def run_worker(settings: Settings, *, once: bool = False) -> None:
    from marketplace import db

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    await db.init_db(settings.database_url)
    try:
        await job_loop(settings, once=once)
    finally:
        await db.close_db()
