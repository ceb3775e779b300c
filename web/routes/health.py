"""/healthz for load balancers and deploy checks: the database answers and is migrated.

It also reports how far the search index lags behind the database (the outbox). A lag is
information, not an outage: writes go on and the index catches up, so it never turns the 200.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from marketplace import db
from search import outbox

log = logging.getLogger(__name__)


async def healthz(request: Request) -> JSONResponse:
    database = "ok"
    migrations: dict[str, object] | None = None
    search: dict[str, float | int] | None = None
    try:
        await db.ping()
    except Exception as exc:
        # probed every few seconds: an outage gets one line each time, anything else its traceback
        trace = None if db.is_unavailable(exc) else exc
        log.warning("health check: database unavailable: %r", exc, exc_info=trace)
        # The class name says what failed without echoing connection details to the public.
        database = f"error: {type(exc).__name__}"
    else:
        try:
            applied, pending = await db.migration_status()
            migrations = {"applied": len(applied), "pending": pending}
        except Exception as exc:
            log.warning("health check: migration status unavailable", exc_info=exc)
        try:
            search = await outbox.lag()
        except Exception as exc:  # e.g. the outbox table not migrated yet: pending says so
            log.warning("health check: search outbox lag unavailable", exc_info=exc)
    healthy = database == "ok" and migrations is not None and not migrations["pending"]
    return JSONResponse(
        {
            "status": "ok" if healthy else "degraded",
            "database": database,
            "migrations": migrations,
            "search": search,
        },
        status_code=200 if healthy else 503,
        headers={"Cache-Control": "no-store"}
        | ({} if healthy else {"Retry-After": str(db.DatabaseUnavailable.retry_after_s)}),
    )


routes = [Route("/healthz", healthz, methods=["GET"], name="healthz")]
