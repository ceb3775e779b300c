"""Chooses the request's locale: `?lang=` first, then the locale cookie, then the city default.

A signed-in account's own choice reaches the cookie at sign-in and whenever it is changed, so
choosing the locale needs no database read.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.i18n import negotiate

COOKIE_NAME = "taocity_locale"
MAX_AGE_S = 365 * 24 * 60 * 60


def locale_cookie_header(locale: str, *, secure: bool) -> str:
    flags = f"Path=/; Max-Age={MAX_AGE_S}; HttpOnly; SameSite=Lax"
    return f"{COOKIE_NAME}={locale}; {flags}" + ("; Secure" if secure else "")


def remember_locale(response: Response, locale: str, *, secure: bool) -> None:
    response.headers.append("Set-Cookie", locale_cookie_header(locale, secure=secure))


class LocaleMiddleware:
    def __init__(self, app: ASGIApp, *, locales: Sequence[str], default: str, secure: bool) -> None:
        self.app = app
        self.locales = tuple(locales)
        self.default = default
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        from_query = negotiate(conn.query_params.get("lang"), self.locales)
        from_cookie = negotiate(conn.cookies.get(COOKIE_NAME), self.locales)
        locale = from_query or from_cookie or self.default
        scope.setdefault("state", {})["locale"] = locale
        # `?lang=` is a plain link a visitor can follow, so it also sticks like the switch does.
        remember = from_query is not None and from_query != from_cookie

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Language", locale)
                headers.add_vary_header("Cookie")
                if remember:
                    headers.append("Set-Cookie", locale_cookie_header(locale, secure=self.secure))
            await send(message)

        await self.app(scope, receive, send_with_language)
