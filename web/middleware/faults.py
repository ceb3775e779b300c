"""Answers what nothing else answered, and keeps the connection alive while doing it.

Starlette's outermost ServerErrorMiddleware sends its 500 and then re-raises the exception so
that servers and test clients see it; uvicorn then drops the kept-alive connection, and the
client's next request on it fails although the server is fine. This middleware sits inside the
stack and ends the request itself: an unreachable database becomes a 503 with `Retry-After`,
anything else a 500, each in the JSON or page form `web.errors` gives every error.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.errors import unexpected_error_response


class FaultsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking)
        except Exception as exc:
            if started:
                # Part of a response is on the wire: a second answer would corrupt the stream,
                # and the truncated one must not pass for complete. Only closing the connection
                # is honest; the server does that (and logs it) when the exception reaches it.
                raise
            response = await unexpected_error_response(Request(scope, receive), exc)
            await response(scope, receive, send)
