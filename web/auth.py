"""Who is signed in, and the one place roles are enforced for routes.

The session cookie holds the account id, the account's `session_version` at sign-in and a keyed
digest of its password hash; a cookie whose version no longer matches (after logout) or whose
digest does not (after a password change) is ignored.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from marketplace.accounts import Role
from marketplace.accounts import services as accounts
from marketplace.accounts.errors import LoginRequired
from marketplace.accounts.models import Account
from marketplace.accounts.sessions import password_stamp, stamp_matches
from marketplace.errors import PermissionDenied
from marketplace.settings import Settings
from web import csrf

SESSION_ACCOUNT = "uid"
SESSION_VERSION = "sv"
SESSION_PASSWORD = "pw"
_UNSET = object()

Endpoint = Callable[[Request], Awaitable[Response]]


async def current_account(conn: HTTPConnection) -> Account | None:
    """The signed-in account, looked up once per request."""
    cached = conn.scope.get("state", {}).get("account", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    account: Account | None = None
    session = conn.session
    account_id, version = session.get(SESSION_ACCOUNT), session.get(SESSION_VERSION)
    if isinstance(account_id, int) and isinstance(version, int):
        account = await accounts.account_for_session(account_id, version)
        if account is not None:
            account = _check_password_stamp(session, account, _session_keys(conn))
        if account is None:
            # A stale cookie (logged out elsewhere, disabled): forget it.
            session.pop(SESSION_ACCOUNT, None)
            session.pop(SESSION_VERSION, None)
            session.pop(SESSION_PASSWORD, None)
    conn.scope.setdefault("state", {})["account"] = account
    return account


def _check_password_stamp(
    session: dict[str, object], account: Account, keys: tuple[str, ...]
) -> Account | None:
    """The account if the session predates no password change, else None."""
    stamp = session.get(SESSION_PASSWORD)
    if not stamp_matches(account.password_hash, stamp, keys):
        return None
    current = password_stamp(account.password_hash, keys[-1])
    if stamp != current:
        # made with a previous secret during a rotation: carried over to the current one
        session[SESSION_PASSWORD] = current
    return account


def sign_in(conn: HTTPConnection, account: Account) -> None:
    """Start a fresh session for `account`: nothing from the anonymous session carries over."""
    conn.session.clear()
    conn.session[SESSION_ACCOUNT] = account.id
    conn.session[SESSION_VERSION] = account.session_version
    conn.session[SESSION_PASSWORD] = password_stamp(account.password_hash, _session_keys(conn)[-1])
    csrf.rotate_token(conn.session)
    conn.scope.setdefault("state", {})["account"] = account


def _session_keys(conn: HTTPConnection) -> tuple[str, ...]:
    settings: Settings = conn.app.state.settings
    return settings.session_keys()


async def sign_out(conn: HTTPConnection) -> None:
    account = await current_account(conn)
    if account is not None:
        # The cookie is signed, not stored: only a new version makes copies of it worthless.
        await accounts.end_sessions(account)
    conn.session.clear()
    conn.scope.setdefault("state", {})["account"] = None


async def require_account(conn: HTTPConnection) -> Account:
    account = await current_account(conn)
    if account is None:
        raise LoginRequired()
    return account


async def require_role(conn: HTTPConnection, *roles: Role) -> Account:
    """The signed-in account if it holds any of `roles`; LoginRequired or PermissionDenied."""
    account = await require_account(conn)
    if not account.has_role(*roles):
        raise PermissionDenied("Your account may not open this page.")
    return account


def requires_role(*roles: Role) -> Callable[[Endpoint], Endpoint]:
    """Decorate an endpoint so that only accounts holding one of `roles` reach it."""

    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Response:
            await require_role(request, *roles)
            return await endpoint(request)

        return guarded

    return decorate


def requires_login(endpoint: Endpoint) -> Endpoint:
    @functools.wraps(endpoint)
    async def guarded(request: Request) -> Response:
        await require_account(request)
        return await endpoint(request)

    return guarded


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go to after a form, never another site (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target
