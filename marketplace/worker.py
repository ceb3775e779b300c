"""Background jobs: `taocity worker` in production, a task inside the web process when embedded.

A job is an async function run every `every_s` seconds with a `JobContext`: the settings, and
the city and its search engine when the process serves one. The worker keeps the sign-in
throttle table small, applies the search outbox to the engine, releases expired booking and
order holds and reminds residents of their bookings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from marketplace import clock
from marketplace.settings import Settings

if TYPE_CHECKING:
    from marketplace.city import City
    from search.interfaces import SearchEngine

log = logging.getLogger("taocity.worker")

OUTBOX_BATCH = 200  # listings per engine write; the job repeats batches until none is due


@dataclass(frozen=True)
class JobContext:
    """What jobs may use. The web process passes its own engine: one writer per index."""

    settings: Settings
    city: City | None = None
    engine: SearchEngine | None = None


@dataclass(frozen=True)
class Job:
    name: str
    every_s: float
    run: Callable[[JobContext], Awaitable[int]]  # returns how many things it handled


async def purge_login_attempts(context: JobContext) -> int:
    """Attempts older than the throttle window can no longer count against anyone."""
    from marketplace.accounts.ratelimit import prune_attempts

    window = timedelta(seconds=context.settings.login_window_s)
    return await prune_attempts(clock.now() - window)


async def apply_search_outbox(context: JobContext) -> int:
    """Push pending listing changes to the engine, batch after batch until none is due."""
    from search.outbox import drain

    if context.city is None or context.engine is None:
        return 0  # a process without a city has no index to keep
    handled = 0
    while applied := await drain(context.city, context.engine, batch=OUTBOX_BATCH):
        handled += applied
        if applied < OUTBOX_BATCH:
            break
    return handled


async def expire_holds(context: JobContext) -> int:
    """Give back the places and stock of holds nobody confirmed in time (each exactly once)."""
    from marketplace.bookings.services import expire_holds as expire_bookings
    from marketplace.orders.services import expire_orders

    if context.city is None:
        return 0
    return await expire_bookings(context.city) + await expire_orders()


async def remind_bookings(context: JobContext) -> int:
    from marketplace.bookings.services import send_reminders

    if context.city is None:
        return 0
    return await send_reminders(context.city)


async def make_refunds_due(context: JobContext) -> int:
    """Refund cancelled bookings and orders, payments that came after their hold expired, and
    refunds the provider could not be reached for (each once: their keys are fixed)."""
    from payments.refunds_due import refund_what_is_due

    if context.city is None:
        return 0
    return await refund_what_is_due(context.city, context.settings)


JOBS: tuple[Job, ...] = (
    Job("purge-login-attempts", 600, purge_login_attempts),
    Job("search-outbox", 1, apply_search_outbox),
    # a hold's places are back on sale within 15 s of its expiry
    Job("expire-holds", 15, expire_holds),
    Job("remind-bookings", 300, remind_bookings),
    Job("refunds", 30, make_refunds_due),
)


async def run_due_jobs(context: JobContext, last_run: dict[str, float], now: float) -> None:
    for job in JOBS:
        if now - last_run.get(job.name, float("-inf")) < job.every_s:
            continue
        last_run[job.name] = now
        try:
            handled = await job.run(context)
        except Exception:  # one failing job must not stop the others; it runs again next time
            log.exception("job %s failed", job.name)
        else:
            if handled:
                log.info("job %s handled %d", job.name, handled)


async def job_loop(
    context: JobContext | Settings, *, once: bool = False, tick_s: float = 1.0
) -> None:
    """Run due jobs until cancelled; the database must already be initialised. Given bare
    settings, jobs that need a city or an engine have nothing to do."""
    if isinstance(context, Settings):
        context = JobContext(context)
    last_run: dict[str, float] = {}
    while True:
        await run_due_jobs(context, last_run, time.monotonic())
        if once:
            return
        await asyncio.sleep(tick_s)


async def run_worker(settings: Settings, *, once: bool = False) -> None:
    from marketplace import db
    from marketplace.city import load_city
    from search.factory import engine_for

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    city = load_city(settings.require_city_dir())
    engine = engine_for(city, settings)
    await db.init_db(settings.database_url)
    try:
        await engine.prepare()
        await job_loop(JobContext(settings, city, engine), once=once)
    finally:
        await engine.close()
        await db.close_db()
