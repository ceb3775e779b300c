"""Sign-up, sign-in and sign-out pages, and the language switch."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from marketplace.accounts import services as accounts
from marketplace.accounts.ratelimit import LoginLimits, SignupLimits
from marketplace.errors import MarketplaceError, RateLimited
from web.auth import current_account, safe_next, sign_in, sign_out
from web.client_ip import client_ip
from web.forms import read_form
from web.i18n import negotiate, request_locale, translator
from web.middleware.locale import remember_locale
from web.templating import render


def _redirect(request: Request, target: str) -> RedirectResponse:
    return RedirectResponse(safe_next(target), status_code=303)


def _form_errors(request: Request, exc: MarketplaceError) -> dict[str, str]:
    """Translated reasons by field; an error not about one field goes under "form"."""
    _ = translator(request)
    if exc.errors:
        return {e.field: _(e.reason) for e in exc.errors}
    return {"form": _(exc.message)}


def _retry_headers(exc: MarketplaceError) -> dict[str, str] | None:
    return {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, RateLimited) else None


async def login_page(request: Request) -> Response:
    if await current_account(request) is not None:
        return _redirect(request, request.query_params.get("next", "/me"))
    context = {"next": safe_next(request.query_params.get("next"), "/"), "values": {}, "errors": {}}
    return await render(request, "login.html", context)


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    identifier, password = form.get("identifier", ""), form.get("password", "")
    next_path = safe_next(form.get("next"))
    limits = LoginLimits.from_settings(request.app.state.settings)
    try:
        account = await accounts.authenticate(
            identifier, password, client_ip(request), limits=limits
        )
    except MarketplaceError as exc:
        context = {
            "next": next_path,
            "values": {"identifier": identifier},
            "errors": _form_errors(request, exc),
        }
        return await render(
            request, "login.html", context, status_code=exc.status, headers=_retry_headers(exc)
        )
    sign_in(request, account)
    response = _redirect(request, next_path)
    remember_locale(response, account.locale, secure=request.app.state.settings.secure_cookies)
    return response


async def signup_page(request: Request) -> Response:
    if await current_account(request) is not None:
        return _redirect(request, "/me")
    context = {"next": safe_next(request.query_params.get("next"), "/"), "values": {}, "errors": {}}
    return await render(request, "signup.html", context)


async def signup_submit(request: Request) -> Response:
    form = await read_form(request)
    values = {k: form.get(k, "") for k in ("identifier", "display_name")}
    next_path = safe_next(form.get("next"))
    try:
        account = await accounts.register(
            values["identifier"],
            form.get("password", ""),
            values["display_name"],
            request_locale(request),
            client_ip(request),
            limits=SignupLimits.from_settings(request.app.state.settings),
        )
    except MarketplaceError as exc:
        context = {"next": next_path, "values": values, "errors": _form_errors(request, exc)}
        return await render(
            request, "signup.html", context, status_code=exc.status, headers=_retry_headers(exc)
        )
    sign_in(request, account)
    return _redirect(request, next_path)


async def logout_submit(request: Request) -> Response:
    await sign_out(request)
    return _redirect(request, "/")


async def locale_submit(request: Request) -> Response:
    """The 中文 / EN switch: remembered in a cookie, and on the account when signed in."""
    form = await read_form(request)
    city = request.app.state.city
    locale = negotiate(form.get("locale"), city.locales) or request_locale(request)
    account = await current_account(request)
    if account is not None and account.locale != locale:
        await accounts.set_locale(account, locale)
    response = _redirect(request, form.get("next", "/"))
    remember_locale(response, locale, secure=request.app.state.settings.secure_cookies)
    return response


routes = [
    Route("/login", login_page, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login_submit"),
    Route("/signup", signup_page, methods=["GET"], name="signup"),
    Route("/signup", signup_submit, methods=["POST"], name="signup_submit"),
    Route("/logout", logout_submit, methods=["POST"], name="logout"),
    Route("/locale", locale_submit, methods=["POST"], name="locale"),
]
