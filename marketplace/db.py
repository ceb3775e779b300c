"""The database: Tortoise configuration from DATABASE_URL, migrations and health.

`postgres://` runs on asyncpg with PostGIS; `sqlite://PATH` on a SQLite client that registers
PostGIS's spatial function names (geo.sqlite_backend). One set of native migrations serves both.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
from tortoise import Tortoise, connections
from tortoise.backends.base.config_generator import expand_db_url
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.exceptions import ConfigurationError
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.executor import MigrationExecutor

from marketplace.errors import MarketplaceError

APP_LABEL = "taocity"
MODEL_MODULES = [
    "marketplace.accounts.models",
    "listings.models",
    "marketplace.notices.models",
    "listings.photos.models",
    "listings.console.models",
    "listings.index_outbox",
    "marketplace.bookings.models",
    "marketplace.orders.models",
    "marketplace.purchases.models",
    "marketplace.places.models",
    "payments.models",
    # favourites and recently viewed listings
    "marketplace.favourites.models",
]
MIGRATIONS_MODULE = "marketplace.migrations"


class DatabaseUrlError(MarketplaceError):
    code = "database_url"


class PostgisMissing(MarketplaceError):
    """The database lacks the PostGIS extension and this role may not create it."""

    code = "postgis_missing"


class DatabaseUnavailable(MarketplaceError):
    """The database cannot be reached just now; the same request should work once it is back."""

    code = "unavailable"
    status = 503
    retry_after_s = 5


# PostgreSQL says it cannot serve now (starting, shutting down, out of connections) or the
# connection broke (SQLSTATE classes 08, 57 and 53300). Not every asyncpg error: a bad value or
# a constraint is our fault or the client's, and must stay what it is.
_POSTGRES_UNAVAILABLE: tuple[type[BaseException], ...] = (
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.TooManyConnectionsError,
)
# SQLite's words for a file it cannot open, or a lock held past the busy timeout.
_SQLITE_UNAVAILABLE = ("unable to open database", "database is locked", "disk i/o error")


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and what it wraps: chained causes, and the original Tortoise keeps in its args."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.extend(e for e in (current.__cause__, current.__context__) if e is not None)
        todo.extend(a for a in current.args if isinstance(a, BaseException))


def is_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database cannot be reached now (rather than a bug or bad input).

    The one place that knows how each driver says so: refused or broken connections (asyncpg
    raises them raw; Tortoise's DBConnectionError is a ConnectionError too), PostgreSQL
    shutting down or starting up (CannotConnectNowError), connections closed under a query,
    host lookups that fail, and SQLite files that cannot be opened or stay locked."""
    for cause in _causes(exc):
        if isinstance(cause, DatabaseUnavailable | ConnectionError | socket.gaierror):
            return True
        if isinstance(cause, _POSTGRES_UNAVAILABLE):
            return True
        if isinstance(cause, asyncpg.InterfaceError) and "closed" in str(cause):
            return True
        if isinstance(cause, sqlite3.OperationalError):
            if any(words in str(cause).lower() for words in _SQLITE_UNAVAILABLE):
                return True
        # asyncio's "Multiple exceptions: [Errno 111] Connect call failed ..." when every
        # address of a host refused: a bare OSError whose parts were connection errors
        if type(cause) is OSError and "Connect call failed" in str(cause):
            return True
    return False


def connection_config(database_url: str) -> dict[str, Any]:
    """Tortoise connection settings for a `postgres://` or `sqlite://` URL."""
    scheme = database_url.split("://", 1)[0]
    if scheme not in {"postgres", "postgresql", "sqlite"}:
        raise DatabaseUrlError(
            f"DATABASE_URL: unsupported scheme {scheme!r}; use postgres:// or sqlite://"
        )
    try:
        config = expand_db_url(database_url)
    except ConfigurationError as exc:
        raise DatabaseUrlError(f"DATABASE_URL: {exc}") from None
    if scheme == "sqlite":
        config["engine"] = "geo.sqlite_backend"
        path = config["credentials"]["file_path"]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # wait for a lock instead of failing at once when the worker and web briefly overlap
        config["credentials"].setdefault("busy_timeout", 5000)
    return config


def tortoise_config(database_url: str) -> dict[str, Any]:
    return {
        "connections": {"default": connection_config(database_url)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(database_url: str) -> None:
    """Connect for the life of the process; the context is visible to every task."""
    # Tortoise caches each model's INSERT per connection name, and ours is always "default":
    # a process that moves to another database (tests, benchmarks) must not reuse the old SQL.
    EXECUTOR_CACHE.clear()
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


# SQLSTATEs of CREATE EXTENSION refused: insufficient_privilege, and the extension's files
# absent on the server (undefined_file)
_NOT_ALLOWED = "42501"
_NOT_INSTALLED = "58P01"


def _sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error, looked for through Tortoise's wrapping."""
    seen: BaseException | None = exc
    while seen is not None:
        if state := getattr(seen, "sqlstate", None):
            return str(state)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = seen.__cause__ or inner
    return None


async def ensure_postgis(database_url: str) -> None:
    """Before any migration writes anything: make sure PostGIS is there, or say who must add it.

    PostGIS is not a trusted extension, so a role that owns its database still cannot create it;
    a superuser runs `CREATE EXTENSION postgis` once. Checked here rather than inside the first
    migration so that a refusal leaves the database exactly as it was (no migration table, no
    half-applied step), whatever migrations come later.
    """
    config = connection_config(database_url)
    if config["engine"] == "geo.sqlite_backend":
        return
    name = config["credentials"].get("database", "")
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    try:
        conn = connections.get("default")
        _, rows = await conn.execute_query("SELECT 1 FROM pg_extension WHERE extname = 'postgis'")
        if rows:
            return
        try:
            # a superuser (or a managed service's admin role) may create it itself
            await conn.execute_script("CREATE EXTENSION IF NOT EXISTS postgis")
        except Exception as exc:
            state = _sqlstate(exc)
            if state == _NOT_ALLOWED:
                raise PostgisMissing(
                    f'the database "{name}" lacks the postgis extension; as a superuser run: '
                    f'CREATE EXTENSION postgis; in database "{name}"'
                ) from None
            if state == _NOT_INSTALLED:
                raise PostgisMissing(
                    f'the database server of "{name}" has no PostGIS installed; install '
                    "PostGIS 3 for its PostgreSQL (Debian: postgresql-15-postgis-3), then as a "
                    f'superuser run: CREATE EXTENSION postgis; in database "{name}"'
                ) from None
            raise
    finally:
        await Tortoise.close_connections()


async def migrate(database_url: str) -> list[str]:
    """Apply every pending migration; returns the names applied."""
    await ensure_postgis(database_url)
    applied: list[str] = []

    def progress(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            applied.append(f"{app_label}.{name}")

    await run_migrations(config=tortoise_config(database_url), progress=progress)
    await Tortoise.close_connections()
    return applied


async def migration_status() -> tuple[list[str], list[str]]:
    """(applied, pending) migration names on the initialised connection."""
    executor = MigrationExecutor(
        connections.get("default"),
        {APP_LABEL: tortoise_config("sqlite://:memory:")["apps"][APP_LABEL]},
    )
    steps = await executor.plan(None)
    pending = [f"{s.migration.app_label}.{s.migration.name}" for s in steps if not s.backward]
    applied = [f"{k.app_label}.{k.name}" for k in await executor.recorder.applied_migrations()]
    return applied, pending


async def ping() -> None:
    await connections.get("default").execute_query("SELECT 1")


def is_postgres() -> bool:
    return connections.get("default").capabilities.dialect == "postgres"
