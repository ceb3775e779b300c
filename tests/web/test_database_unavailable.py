"""A signed-in resident while the database cannot be read (here: SQLite locked past its busy
timeout, PostgreSQL refusing connections): a 503 that says to come back, never a 500, and the
pages that can do without the database still drawn."""

from __future__ import annotations

import sqlite3

import httpx
import pytest
from tortoise.exceptions import OperationalError

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from tests.web.conftest import api_login


async def test_a_signed_in_session_gets_503_not_500_while_the_database_is_down(
    client: httpx.AsyncClient, resident: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await api_login(client)).status_code == 200
    failure = OperationalError(sqlite3.OperationalError("database is locked"))

    async def unreachable(*_: object) -> Account | None:
        raise failure

    monkeypatch.setattr(accounts, "account_for_session", unreachable)

    api = await client.get("/api/v1/me")
    assert api.status_code == 503
    assert api.headers["retry-after"] == "5"
    assert api.json()["code"] == "unavailable"
    assert "locked" not in api.text

    page = await client.get("/me?lang=en")
    assert page.status_code == 503
    assert page.headers["retry-after"] == "5"
    assert "Briefly unavailable" in page.text
    assert "Please try again in a few seconds." in page.text

    # search is drawn from the index, as for a visitor, and the session survives for later
    results = await client.get("/search")
    assert results.status_code == 200
    monkeypatch.undo()
    assert (await client.get("/api/v1/me")).json()["account"]["id"] == resident.id


async def test_connection_refused_while_loading_the_account_is_a_503(
    client: httpx.AsyncClient, resident: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await api_login(client)).status_code == 200

    async def refused(*_: object) -> Account | None:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")

    monkeypatch.setattr(accounts, "account_for_session", refused)
    for path in ("/api/v1/me", "/me", "/me/bookings", "/api/v1/bookings"):
        response = await client.get(path)
        assert response.status_code == 503, path
        assert response.headers["retry-after"] == "5", path
    assert (await client.get("/")).status_code == 200
