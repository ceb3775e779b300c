"""Refuses unsafe requests (POST, PUT, PATCH, DELETE) that do not carry the session's token.

Pages send it as the `csrf_token` form field or the `X-CSRF-Token` header. The JSON API needs
the header only when the request is authenticated by the session cookie: a request without a
signed-in session has no ambient authority a forged request could borrow.

Exemptions are exact paths, never prefixes: a signed-in route added later next to an exempt
callback (a wallet top-up under /api/v1/payments/) must still be checked.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web import csrf
from web.auth import SESSION_ACCOUNT

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        api_prefix: str = "/api/",
        exempt_paths: Collection[str] = (),
    ) -> None:
        self.app = app
        self.api_prefix = api_prefix
        # Server-to-server callbacks (payment webhooks) authenticate by signature instead.
        self.exempt_paths = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in self.exempt_paths:
            await self.app(scope, receive, send)
            return
        session = scope["session"]
        headers = Headers(scope=scope)
        presented = headers.get(csrf.HEADER)
        if path.startswith(self.api_prefix):
            if SESSION_ACCOUNT not in session or csrf.token_matches(session, presented):
                await self.app(scope, receive, send)
                return
        else:
            body: bytes | None = None
            if presented is None and headers.get("content-type", "").startswith(FORM_TYPES):
                body = await _read_body(receive)
                if body is None:  # the client went away
                    return
                presented = await _form_token(scope, body)
            if csrf.token_matches(session, presented):
                await self.app(scope, receive if body is None else _replay(body, receive), send)
                return
        # Imported here: the error module renders pages, which needs the whole web layer.
        from web.errors import error_response

        response = await error_response(Request(scope), csrf.CsrfFailed())
        await response(scope, receive, send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the already-read body to the app, then defers to the client."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return next((value for name, value in fields if name == csrf.FORM_FIELD), None)
    request = Request(scope, _replay(body, _no_more_body))
    try:
        async with request.form() as form:
            value = form.get(csrf.FORM_FIELD)
    except MultiPartException:
        return None  # unreadable form: treated as a missing token
    return value if isinstance(value, str) else None


async def _no_more_body() -> Message:
    return {"type": "http.disconnect"}
