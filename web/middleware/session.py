"""Signed-cookie sessions: stateless, so any web process can serve any request."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from marketplace.settings import Settings

COOKIE_NAME = "taocity_session"
MAX_AGE_S = 14 * 24 * 60 * 60


def session_middleware(settings: Settings) -> Middleware:
    # Starlette signs the cookie with itsdangerous and marks it HttpOnly; Lax keeps it off
    # cross-site POSTs while links from other sites still arrive signed in.
    return Middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie=COOKIE_NAME,
        max_age=MAX_AGE_S,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
