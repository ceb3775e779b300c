"""Session cookies: no default secret to forge them with, rotation, and password changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from base64 import b64encode
from collections.abc import Callable
from pathlib import Path

import itsdangerous
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette

from marketplace.accounts import passwords
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.settings import Settings, SettingsError
from tests.support.live_server import free_port
from tests.web.conftest import api_login, api_signup, client_for
from web.middleware.session import COOKIE_NAME

REPO = Path(__file__).resolve().parents[2]
OLD_SECRET = "the-secret-of-last-month-0123456789-abcdef"
NEW_SECRET = "the-secret-of-this-month-0123456789-ghijkl"
# what the app used to fall back to when SESSION_SECRET was not set
PUBLIC_DEFAULT = "dev-only-not-secret"


def signed_cookie(secret: str, session: dict[str, object]) -> str:
    """A session cookie as the middleware writes one, signed with `secret`."""
    data = b64encode(json.dumps(session).encode())
    return itsdangerous.TimestampSigner(secret).sign(data).decode()


@pytest.mark.parametrize("secret", [None, "", PUBLIC_DEFAULT, "x" * 31])
def test_the_app_will_not_start_without_a_real_secret(
    make_app: Callable[..., Starlette], secret: str | None
) -> None:
    with pytest.raises(SettingsError) as exc:
        make_app(session_secret=None if secret is None else SecretStr(secret))
    assert exc.value.message.startswith("SESSION_SECRET: ")
    assert "32 bytes" in exc.value.message


async def test_a_cookie_signed_with_the_old_default_is_no_operator(
    make_app: Callable[..., Starlette], operator: Account
) -> None:
    forged = signed_cookie(PUBLIC_DEFAULT, {"uid": operator.id, "sv": 0})
    with pytest.raises(SettingsError):
        make_app(session_secret=None)
    async with client_for(make_app()) as client:
        client.cookies.set(COOKIE_NAME, forged)
        assert (await client.get("/api/v1/me")).status_code == 401


def _run_without_secret(args: list[str], secret: str | None, tmp_path: Path) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_SECRET")}
    env |= {
        "CITY_DIR": str(REPO / "cities" / "changzhou"),
        "DATABASE_URL": f"sqlite://{tmp_path}/unused.sqlite3",
        "SEARCH_DIR": str(tmp_path / "search"),
    }
    if secret is not None:
        env["SESSION_SECRET"] = secret
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert done.returncode != 0
    return done.stdout + done.stderr


@pytest.mark.parametrize("secret", [None, "too-short-0123456789"])
def test_serving_refuses_to_start_and_says_why_in_one_line(
    tmp_path: Path, secret: str | None
) -> None:
    port = str(free_port())
    serve = ["-c", "from marketplace.cli import main; main()", "serve", "--port", port]
    said = _run_without_secret(serve, secret, tmp_path)
    lines = [line for line in said.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: SESSION_SECRET: "), said
    # uvicorn started by hand on the ASGI module refuses the same way
    uvicorn = ["-m", "uvicorn", "marketplace.asgi:app", "--port", port]
    said = _run_without_secret(uvicorn, secret, tmp_path)
    assert "error: SESSION_SECRET: " in said and "Traceback" not in said


async def test_the_previous_secret_still_verifies_during_a_rotation(
    make_app: Callable[..., Starlette],
) -> None:
    before = make_app(session_secret=SecretStr(OLD_SECRET))
    async with client_for(before) as client:
        assert (await api_signup(client)).status_code == 201
        old_cookie = client.cookies[COOKIE_NAME]

    rolling = make_app(
        session_secret=SecretStr(NEW_SECRET), session_secret_previous=SecretStr(OLD_SECRET)
    )
    async with client_for(rolling) as client:
        client.cookies.set(COOKIE_NAME, old_cookie)
        me = await client.get("/api/v1/me")
        assert me.status_code == 200
        assert me.json()["account"]["email"] == "mei@example.com"
        # used once, the cookie comes back signed with the current secret
        new_cookie = me.cookies[COOKIE_NAME]
        assert new_cookie != old_cookie

    after = make_app(session_secret=SecretStr(NEW_SECRET))
    async with client_for(after) as client:
        client.cookies.set(COOKIE_NAME, new_cookie)
        assert (await client.get("/api/v1/me")).status_code == 200
    async with client_for(after) as client:
        client.cookies.set(COOKIE_NAME, old_cookie)
        assert (await client.get("/api/v1/me")).status_code == 401


async def test_a_changed_password_ends_every_earlier_session(
    app: Starlette, resident: Account
) -> None:
    async with client_for(app) as phone, client_for(app, ip="198.51.100.9") as laptop:
        for device in (phone, laptop):
            assert (await api_login(device)).status_code == 200
            assert (await device.get("/api/v1/me")).status_code == 200

        await accounts.set_password(resident, "a brand new passphrase")

        for device in (phone, laptop):
            assert (await device.get("/api/v1/me")).status_code == 401
    async with client_for(app) as device:
        assert (await api_login(device)).status_code == 401
        assert (await api_login(device, password="a brand new passphrase")).status_code == 200
        assert (await device.get("/api/v1/me")).status_code == 200


async def test_a_password_changed_outside_the_app_ends_sessions_too(
    app: Starlette, resident: Account
) -> None:
    async with client_for(app) as client:
        assert (await api_login(client)).status_code == 200
        # e.g. an operator's reset straight in the database, or a restore from a backup
        new_hash = passwords.hash_password("reset by the operator")
        await Account.filter(id=resident.id).update(password_hash=new_hash)
        assert (await client.get("/api/v1/me")).status_code == 401
    async with client_for(app) as client:
        assert (await api_login(client, password="reset by the operator")).status_code == 200
        assert (await client.get("/api/v1/me")).status_code == 200


def test_previous_secrets_are_listed_oldest_first_and_checked_too() -> None:
    settings = Settings(
        session_secret=NEW_SECRET, session_secret_previous=f" {OLD_SECRET} , {'o' * 40} "
    )
    assert settings.session_keys() == ("o" * 40, OLD_SECRET, NEW_SECRET)
    weak = Settings(session_secret=NEW_SECRET, session_secret_previous=PUBLIC_DEFAULT)
    with pytest.raises(SettingsError) as exc:
        weak.session_keys()
    assert exc.value.message.startswith("SESSION_SECRET_PREVIOUS: too short")
