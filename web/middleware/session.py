"""Signed-cookie sessions: stateless, so any web process can serve any request.

The cookie is signed with SESSION_SECRET. During a rotation the secrets in
SESSION_SECRET_PREVIOUS still verify the cookies they signed, and such a cookie is signed again
with the current secret on its next response, so sessions roll over to the new secret as they
are used and the old one can be dropped after the cookies' lifetime.
"""

from __future__ import annotations

import itsdangerous
from itsdangerous.exc import BadSignature
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from marketplace.settings import Settings

COOKIE_NAME = "taocity_session"
MAX_AGE_S = 14 * 24 * 60 * 60
_RESIGN = "taocity.session_resign"


class _ResignMarked:
    """Inside the session middleware: marks the session changed so that it is signed again."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.pop(_RESIGN, False) and scope.get("session"):
            scope["session"].mark_modified()
        await self.app(scope, receive, send)


class RotatingSessionMiddleware(SessionMiddleware):
    """Starlette's session middleware verifying with every key in `keys` (the last one signs)."""

    def __init__(self, app: ASGIApp, *, keys: tuple[str, ...], **options: object) -> None:
        super().__init__(_ResignMarked(app), secret_key=keys[-1], **options)  # type: ignore[arg-type]
        # itsdangerous signs with the last key and accepts a signature by any of them
        self.signer = itsdangerous.TimestampSigner(list(keys))
        self._current = itsdangerous.TimestampSigner(keys[-1])
        self._rotating = len(keys) > 1

    def _signed_by_previous(self, scope: Scope) -> bool:
        cookie = HTTPConnection(scope).cookies.get(self.session_cookie)
        if cookie is None:
            return False
        data = cookie.encode()
        try:
            self._current.unsign(data, max_age=self.max_age)
        except BadSignature:
            return self.signer.validate(data, max_age=self.max_age)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._rotating and scope["type"] in ("http", "websocket"):
            scope[_RESIGN] = self._signed_by_previous(scope)
        await super().__call__(scope, receive, send)


def session_middleware(settings: Settings) -> Middleware:
    # Refuses to build (SettingsError naming SESSION_SECRET) without a real secret.
    keys = settings.session_keys()
    # Starlette signs the cookie with itsdangerous and marks it HttpOnly; Lax keeps it off
    # cross-site POSTs while links from other sites still arrive signed in.
    return Middleware(
        RotatingSessionMiddleware,
        keys=keys,
        session_cookie=COOKIE_NAME,
        max_age=MAX_AGE_S,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
