"""The one mapping from errors to HTTP: JSON under /api/, a friendly translated page elsewhere.

Nothing here ever puts a stack trace in front of a person; unexpected errors are logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from marketplace.accounts.errors import LoginRequired
from marketplace.db import DatabaseUnavailable, is_unavailable
from marketplace.errors import MarketplaceError, RateLimited
from web.i18n import N_, translator
from web.reasons import known_reason
from web.templating import render

log = logging.getLogger(__name__)

API_PREFIX = "/api/"

# Titles of the error page, by status; message ids are English, pages show them translated.
_TITLES: dict[int, str] = {
    400: N_("That request did not work"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Page not found"),
    405: N_("That does not work here"),
    409: N_("That changed in the meantime"),
    413: N_("That upload is too large"),
    422: N_("Please check what you entered"),
    429: N_("Too many attempts"),
    500: N_("Something went wrong on our side"),
    503: N_("We are busy right now"),
}
_DEFAULT_MESSAGES: dict[int, str] = {
    404: N_("We could not find this page. It may have moved, or the link may be mistyped."),
    405: N_("This address cannot be used that way."),
    413: N_("Please choose a smaller file."),
    500: N_("Sorry, this did not work. Please try again in a moment."),
    503: N_("Please try again in a moment."),
}
# While the database cannot be reached: the page and the API say so, and when to come back.
UNAVAILABLE_TITLE = N_("Briefly unavailable")
UNAVAILABLE_MESSAGE = N_(
    "The service is briefly unavailable while we reconnect. Please try again in a few seconds."
)
_FIELD_LABELS: dict[str, str] = {
    "identifier": N_("Phone number or e-mail"),
    "password": N_("Password"),
    "display_name": N_("Name"),
    "locale": N_("Language"),
    "body": N_("Request"),
}
_HTTP_CODES: dict[int, str] = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _headers(exc: MarketplaceError) -> dict[str, str]:
    if isinstance(exc, RateLimited | DatabaseUnavailable):
        return {"Retry-After": str(exc.retry_after_s)}
    return {}


def _translated_reason(_: Callable[[str], str], error: dict[str, str]) -> dict[str, str]:
    reason = error["reason"]
    return {"field": error["field"], "reason": _(reason)}


def _body(request: Request, code: str, message: str, errors: list[dict[str, str]]) -> dict:
    _ = translator(request)
    translated = [_translated_reason(_, e) for e in errors]
    # ValidationFailed.on builds "field: reason" in English; rebuild it from translated parts.
    if translated and _(message) == message:
        message = "; ".join(f"{e['field']}: {e['reason']}" for e in translated)
    return {"code": code, "message": _(message), "errors": translated}


async def _page(
    request: Request,
    status: int,
    message: str,
    *,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    title: str | None = None,
) -> Response:
    try:
        _ = translator(request)
        context = {
            "status": status,
            "title": _(title or _TITLES.get(status, _TITLES[400])),
            "message": _(message) if message else "",
            "errors": [_labelled(_, e) for e in errors or []],
        }
        return await render(
            request,
            "error.html",
            context,
            status_code=status,
            headers=headers,
            load_account=False,
        )
    except Exception:
        # The error page itself failed (a broken template, no app state): say so plainly.
        log.exception("rendering the error page failed")
        return PlainTextResponse(HTTPStatus(status).phrase, status_code=status, headers=headers)


def _labelled(_: Callable[[str], str], error: dict[str, str]) -> dict[str, str]:
    field, reason = error["field"], error["reason"]
    # a sentence with values in it ("must be a whole number from 1 to 10000") has no catalog
    # entry of its own; the shared patterns rebuild it in the reader's language
    return {
        "field": _(_FIELD_LABELS.get(field, field)),
        "reason": known_reason(_, reason) or _(reason),
    }


def login_redirect(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?{urlencode({'next': here})}", status_code=303)


async def error_response(request: Request, exc: MarketplaceError) -> Response:
    errors = [e.as_dict() for e in exc.errors]
    if is_api(request):
        return JSONResponse(
            _body(request, exc.code, exc.message, errors),
            status_code=exc.status,
            headers=_headers(exc),
        )
    if isinstance(exc, LoginRequired):
        return login_redirect(request)
    if isinstance(exc, DatabaseUnavailable):
        return await _page(
            request, exc.status, exc.message, headers=_headers(exc), title=UNAVAILABLE_TITLE
        )
    # A ValidationFailed message is "field: reason"; on a page the per-field list says it better.
    message = "" if errors else exc.message
    return await _page(request, exc.status, message, errors=errors, headers=_headers(exc))


async def marketplace_error_handler(request: Request, exc: MarketplaceError) -> Response:
    return await error_response(request, exc)


async def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    headers = dict(exc.headers or {})
    message = _DEFAULT_MESSAGES.get(status, "")
    if is_api(request):
        code = _HTTP_CODES.get(status, HTTPStatus(status).phrase.lower().replace(" ", "_"))
        body = _body(request, code, message or HTTPStatus(status).phrase, [])
        return JSONResponse(body, status_code=status, headers=headers)
    return await _page(request, status, message, headers=headers)


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        body = _body(request, "internal", _DEFAULT_MESSAGES[500], [])
        return JSONResponse(body, status_code=500)
    return await _page(request, 500, _DEFAULT_MESSAGES[500])


async def unexpected_error_response(request: Request, exc: Exception) -> Response:
    """The answer to an exception nothing handled: raised outside the routes (a middleware),
    the database out of reach (503, whatever the route), or a bug (500, traceback logged)."""
    if isinstance(exc, MarketplaceError):
        return await error_response(request, exc)
    if isinstance(exc, HTTPException):
        return await http_exception_handler(request, exc)
    if is_unavailable(exc):
        # one line per request: during an outage a traceback each time would drown the log
        log.warning(
            "database unavailable on %s %s: %s: %s",
            request.method,
            request.url.path,
            type(exc).__name__,
            exc,
        )
        return await error_response(request, DatabaseUnavailable(UNAVAILABLE_MESSAGE))
    return await _internal_error(request, exc)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    # Only reached for errors outside web.middleware.faults (which answers everything inside).
    return await unexpected_error_response(request, exc)


EXCEPTION_HANDLERS: dict[Any, Callable[..., Awaitable[Response]]] = {
    MarketplaceError: marketplace_error_handler,
    HTTPException: http_exception_handler,
    Exception: server_error_handler,
}
