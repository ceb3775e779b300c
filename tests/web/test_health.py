"""/healthz reports the database and its migrations, and says 503 when either is not ready."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from marketplace import db
from marketplace.app import create_app
from marketplace.city import City
from marketplace.settings import Settings
from tests.web.conftest import client_for


async def test_healthy_when_migrated(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"]["applied"] >= 1
    assert body["migrations"]["pending"] == []
    assert response.headers["cache-control"] == "no-store"


async def test_degraded_when_migrations_are_pending(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def status() -> tuple[list[str], list[str]]:
        return ["taocity.0001_initial"], ["taocity.0002_next"]

    monkeypatch.setattr(db, "migration_status", status)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "migrations": {"applied": 1, "pending": ["taocity.0002_next"]},
        "search": {"pending": 0, "oldest_s": 0.0},
    }


async def test_degraded_when_the_database_does_not_answer(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down() -> None:
        raise ConnectionRefusedError("connect to 10.0.0.5:5432 user=taocity password=hunter2")

    monkeypatch.setattr(db, "ping", down)
    response = await client.get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "error: ConnectionRefusedError"
    assert body["migrations"] is None
    assert "hunter2" not in response.text


def test_the_app_opens_and_closes_its_own_database(tmp_path: Path, city: City) -> None:
    url = f"sqlite://{tmp_path / 'own.sqlite3'}"
    settings = Settings(
        database_url=url,
        session_secret="test-session-secret-0123456789-abcdef",
        search_dir=tmp_path / "search",
    )

    async def scenario() -> tuple[int, int]:
        await db.migrate(url)
        app = create_app(city, settings)
        async with client_for(app) as client:
            async with app.router.lifespan_context(app):
                while_open = (await client.get("/healthz")).status_code
            after_close = (await client.get("/healthz")).status_code
        return while_open, after_close

    assert asyncio.run(scenario()) == (200, 503)
