"""Fixtures for the web layer: the app on the migrated test database, and clients for it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.app import create_app
from marketplace.settings import Settings

PASSWORD = "correct horse battery"
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url,
        search_dir=tmp_path / "search",
        media_dir=tmp_path / "media",
        session_secret="test-session-secret-not-for-production",
    )


@pytest.fixture
def make_app(city: Any, settings: Settings) -> Callable[..., Starlette]:
    def make(**overrides: Any) -> Starlette:
        return create_app(city, settings.model_copy(update=overrides), manage_database=False)

    return make


@pytest.fixture
def app(make_app: Callable[..., Starlette]) -> Starlette:
    return make_app()


def client_for(app: Starlette, ip: str = "127.0.0.1", **kwargs: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(ip, 40000), **kwargs)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.fixture
async def resident(db: str) -> Account:
    """A signed-up resident, mei@example.com, whose password is PASSWORD."""
    return await accounts.sign_up("mei@example.com", PASSWORD, "小美", "zh-CN")


@pytest.fixture
async def operator(db: str) -> Account:
    return await accounts.create_operator("ops@example.com", PASSWORD, "运营小王")


@pytest.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as c:
        yield c


async def csrf_token_from(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The CSRF token a page embeds in its forms (and, with it, this client's session)."""
    response = await client.get(path)
    match = _CSRF_FIELD.search(response.text)
    assert match, f"no csrf_token field on {path}"
    return match.group(1)


async def api_signup(
    client: httpx.AsyncClient,
    identifier: str = "mei@example.com",
    password: str = PASSWORD,
    display_name: str = "小美",
    **extra: Any,
) -> httpx.Response:
    body = {"identifier": identifier, "password": password, "display_name": display_name}
    return await client.post("/api/v1/auth/signup", json=body | extra)


async def api_login(
    client: httpx.AsyncClient,
    identifier: str = "mei@example.com",
    password: str = PASSWORD,
    *,
    csrf_token: str | None = None,
) -> httpx.Response:
    headers = {"X-CSRF-Token": csrf_token} if csrf_token else {}
    return await client.post(
        "/api/v1/auth/login",
        json={"identifier": identifier, "password": password},
        headers=headers,
    )
