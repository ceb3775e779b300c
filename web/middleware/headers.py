"""Security headers on every response: a Content-Security-Policy (pages get one with a fresh
script nonce, everything else one that allows nothing), a Permissions-Policy, and HSTS when the
site is served over HTTPS."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.content_policy import NON_PAGE_POLICY, PERMISSIONS_POLICY, PagePolicy, request_nonce

DEFAULTS = {
    "X-Content-Type-Options": "nosniff",
    # No page of ours is meant to be framed; refusing it stops click-jacking of the forms.
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}
# A year, subdomains included: once a browser has seen it, it never tries plain HTTP again.
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, page_policy: PagePolicy, https: bool) -> None:
        self.app = app
        self.page_policy = page_policy
        # Same switch as Secure cookies: both only make sense when HTTPS ends at our proxy.
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # made before the app runs, so the templates can stamp it on the page's script tags
        nonce = request_nonce(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULTS.items():
                    headers.setdefault(name, value)
                is_page = headers.get("content-type", "").startswith("text/html")
                policy = self.page_policy.header(nonce) if is_page else NON_PAGE_POLICY
                headers.setdefault("Content-Security-Policy", policy)
                if self.https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
