"""Shared fixtures: the reference city and a migrated database on SQLite and on PostGIS.

Every test that takes `db` runs twice, once per database. Each backend is migrated once per
session from empty; tables are emptied before each test.
"""

from __future__ import annotations

import os
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from tortoise import Tortoise, connections

from marketplace import clock
from marketplace import db as database
from marketplace.city import load_city
from tests.support import ledger_check
from tests.support.pg_cluster import PostgisCluster

REPO = Path(__file__).resolve().parent.parent
CITY_DIR = REPO / "cities" / "changzhou"
BACKENDS = ("sqlite", "postgis")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--start-at",
        metavar="ISO",
        help="start the whole run at this instant, e.g. 2027-03-31T23:40+08:00 (the clock keeps "
        "moving); the servers, commands and browser pages the tests start follow it",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "ledger_left_unbalanced: the test unbalances the books on purpose (to see reconcile "
        "find it), so the after-test reconciliation is skipped",
    )
    _travel_if_told(config)


def _travel_if_told(config: pytest.Config) -> None:
    """`--start-at`: this process travels (time-machine, ticking) and tells its children by how
    much through the environment (see marketplace.clock), so they share one moving clock."""
    start = config.getoption("start_at", None)
    if not start:
        return
    try:
        instant = datetime.fromisoformat(start)
    except ValueError:
        raise pytest.UsageError(f"--start-at {start!r} is not an ISO 8601 instant") from None
    if instant.tzinfo is None:
        raise pytest.UsageError("--start-at needs a UTC offset, e.g. 2027-03-31T23:40+08:00")
    os.environ[clock.SHIFT_ENV] = repr(instant.timestamp() - time.time())
    clock.travel_as_told()


def pytest_report_header(config: pytest.Config) -> str | None:
    if config.getoption("start_at", None):
        return f"clock: started at {clock.now().isoformat(timespec='seconds')}, moving"
    return None


class _Databases:
    """Creates and migrates each backend the first time a test asks for it."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.urls: dict[str, str] = {}
        self.cluster: PostgisCluster | None = None
        self.cluster_url: str | None = None

    def raw_url(self, backend: str) -> str:
        if backend == "sqlite":
            return f"sqlite://{self.tmp / 'taocity-test.sqlite3'}"
        if url := os.environ.get("TEST_DATABASE_URL"):
            return url
        if self.cluster is None:
            # started once per session: a failing migration must not start a second cluster
            self.cluster = PostgisCluster()
            self.cluster_url = self.cluster.start()
        assert self.cluster_url is not None
        return self.cluster_url

    async def url(self, backend: str) -> str:
        if backend not in self.urls:
            url = self.raw_url(backend)
            await database.migrate(url)
            self.urls[backend] = url
        return self.urls[backend]

    def close(self) -> None:
        if self.cluster is not None:
            self.cluster.stop()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Databases]:
    dbs = _Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.close()


async def _empty_all_tables() -> None:
    conn = connections.get("default")
    tables = [m._meta.db_table for m in Tortoise.apps[database.APP_LABEL].values()]
    if conn.capabilities.dialect == "postgres":
        quoted = ", ".join(f'"{t}"' for t in tables)
        await conn.execute_script(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE")
    else:
        _, rows = await conn.execute_query(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='sqlite_sequence'"
        )
        reset_ids = "DELETE FROM sqlite_sequence;" if rows else ""
        await conn.execute_script(
            "PRAGMA foreign_keys=OFF;"
            + "".join(f'DELETE FROM "{t}";' for t in tables)
            + reset_ids
            + "PRAGMA foreign_keys=ON;"
        )


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, databases: _Databases) -> AsyncIterator[str]:
    """A migrated, empty database; the value is the backend's name."""
    url = await databases.url(request.param)
    await database.init_db(url)
    try:
        await _empty_all_tables()
        yield request.param
    finally:
        await database.close_db()


@pytest.fixture(autouse=True)
def _books_reconcile(request: pytest.FixtureRequest) -> None:
    """Every test on a database ends with books that reconcile, whatever money journey it took.
    Requested here, not by each test, so no database is opened for a test that has none."""
    if "db" in request.fixturenames and not request.node.get_closest_marker(
        "ledger_left_unbalanced"
    ):
        request.getfixturevalue("books_reconciled")


@pytest.fixture
async def books_reconciled(db: str) -> AsyncIterator[None]:
    """After the test, and before its database closes: `reconcile()` finds nothing (a test that
    wrote no ledger entry has nothing to reconcile and is not asked)."""
    yield
    found = await ledger_check.discrepancies()
    assert found == [], ledger_check.describe(found)


@pytest.fixture
async def db_url(db: str, databases: _Databases) -> str:
    return databases.urls[db]


@pytest.fixture(scope="session")
def city():

    return load_city(CITY_DIR)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests last: Playwright's sync API leaves its own event loop installed in this
    thread, which the async tests' session loop cannot share."""
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace("\\", "/"))
