"""Assembles the web application for one city: routes, middleware, templates, error pages."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware

from marketplace import db
from marketplace.accounts import passwords
from marketplace.city import City
from marketplace.settings import Settings
from marketplace.worker import JobContext, job_loop
from search import text
from search.factory import engine_for
from web.content_policy import PagePolicy
from web.errors import EXCEPTION_HANDLERS
from web.i18n import Catalogs
from web.middleware.body_size import BodySizeLimitMiddleware
from web.middleware.csrf import CsrfMiddleware
from web.middleware.faults import FaultsMiddleware
from web.middleware.headers import SecurityHeadersMiddleware
from web.middleware.locale import LocaleMiddleware
from web.middleware.session import session_middleware
from web.routes import all_routes, payments_webhook
from web.templating import create_templates

# Photos are the largest thing anyone uploads; anything bigger is refused before it is read.
MAX_BODY_BYTES = 25 * 1024 * 1024
# The one path whose POSTs authenticate by signature (Stripe's webhook), not by a session cookie:
# CSRF has nothing to protect there. Exact, not a prefix, so every other route under
# /api/v1/payments/ (a signed-in wallet or top-up route) keeps the check.
CSRF_EXEMPT_PATHS = frozenset({payments_webhook.PATH})


def steady_state() -> None:
    """Load what the first queries would otherwise load (jieba's dictionary: about 1 s), then
    move everything alive after start-up out of the garbage collector's reach. A full collection
    of a serving process otherwise walks those objects again and again (about 46 ms each time),
    and the request that happens to trigger it waits."""
    text.prepare()
    gc.collect()
    gc.freeze()


def create_app(
    city: City, settings: Settings, *, manage_database: bool = True, serving: bool = False
) -> Starlette:
    """The ASGI app. With `manage_database=False` the caller opens and closes the database;
    `serving` is for the process that serves it (`marketplace.asgi`), not for tests."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await db.init_db(settings.database_url)
        await asyncio.to_thread(passwords.prepare)
        await app.state.search.prepare()
        if serving:
            await asyncio.to_thread(steady_state)
        jobs = None
        if manage_database and settings.run_jobs_in_web:
            # the web process owns the index's writer, so the jobs share its engine
            context = JobContext(settings, city, app.state.search)
            jobs = asyncio.create_task(job_loop(context), name="taocity-jobs")
        try:
            yield
        finally:
            if jobs is not None:
                jobs.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await jobs
            await app.state.search.close()
            if manage_database:
                await db.close_db()

    catalogs = Catalogs(city.locales, city.default_locale)
    app = Starlette(
        # Never the debug page: it would show stack traces to whoever caused the error.
        debug=False,
        routes=all_routes(),
        middleware=[
            Middleware(
                SecurityHeadersMiddleware,
                page_policy=PagePolicy.for_city(city),
                https=settings.secure_cookies,
            ),
            # inside the headers, so its answers carry them; outside the rest, so it catches
            # their errors too, and ends the request without dropping the connection
            Middleware(FaultsMiddleware),
            session_middleware(settings),
            Middleware(
                LocaleMiddleware,
                locales=city.locales,
                default=city.default_locale,
                secure=settings.secure_cookies,
            ),
            Middleware(BodySizeLimitMiddleware, max_bytes=MAX_BODY_BYTES),
            Middleware(CsrfMiddleware, exempt_paths=CSRF_EXEMPT_PATHS),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.city = city
    app.state.search = engine_for(city, settings)
    app.state.settings = settings
    app.state.catalogs = catalogs
    app.state.templates = create_templates(catalogs)
    return app
