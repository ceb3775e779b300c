"""JSON API v1: sign-up, sign-in, sign-out and the signed-in account."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Account
from marketplace.accounts.ratelimit import LoginLimits, SignupLimits
from marketplace.errors import ValidationFailed
from marketplace.input_bounds import Line
from web import csrf
from web.auth import require_account, sign_in, sign_out
from web.client_ip import client_ip
from web.i18n import negotiate, request_locale
from web.middleware.locale import remember_locale
from web.openapi import Operation, api_route, openapi_json
from web.validation import parse_json

PREFIX = "/api/v1"


class SignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifier: Line = Field(min_length=1, max_length=254, description="phone number or e-mail")
    password: str = Field(min_length=1, max_length=1024)
    display_name: Line = Field(min_length=1, max_length=64)
    locale: str | None = Field(default=None, max_length=16)


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    identifier: Line = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class AccountOut(BaseModel):
    id: int
    display_name: str
    email: str | None
    phone: str | None
    roles: list[str]
    locale: str
    created_at: str | None


class SessionOut(BaseModel):
    account: AccountOut
    csrf_token: str = Field(description="send as X-CSRF-Token on unsafe requests")


def account_json(account: Account) -> dict[str, Any]:
    return {
        "id": account.id,
        "display_name": account.display_name,
        "email": account.email,
        "phone": account.phone,
        "roles": sorted(role.value for role in account.roles),
        "locale": account.locale,
        "created_at": account.created_at.isoformat() if account.created_at else None,
    }


def _signed_in(request: Request, account: Account, status_code: int) -> JSONResponse:
    # The token comes back in the body: an API client sends it as X-CSRF-Token from now on.
    response = JSONResponse(
        {"account": account_json(account), "csrf_token": csrf.get_token(request.session)},
        status_code=status_code,
    )
    remember_locale(response, account.locale, secure=request.app.state.settings.secure_cookies)
    return response


async def signup(request: Request) -> Response:
    body = await parse_json(request, SignupIn)
    city = request.app.state.city
    locale = request_locale(request)
    if body.locale is not None:
        chosen = negotiate(body.locale, city.locales)
        if chosen is None:
            raise ValidationFailed.on("locale", f"must be one of {', '.join(city.locales)}")
        locale = chosen
    limits = SignupLimits.from_settings(request.app.state.settings)
    account = await accounts.register(
        body.identifier, body.password, body.display_name, locale, client_ip(request), limits=limits
    )
    sign_in(request, account)
    return _signed_in(request, account, 201)


async def login(request: Request) -> Response:
    body = await parse_json(request, LoginIn)
    limits = LoginLimits.from_settings(request.app.state.settings)
    account = await accounts.authenticate(
        body.identifier, body.password, client_ip(request), limits=limits
    )
    sign_in(request, account)
    return _signed_in(request, account, 200)


async def logout(request: Request) -> Response:
    await sign_out(request)
    return Response(status_code=204)


async def me(request: Request) -> Response:
    account = await require_account(request)
    return JSONResponse(
        {"account": account_json(account), "csrf_token": csrf.get_token(request.session)}
    )


routes = [
    api_route(
        Operation(
            "POST",
            f"{PREFIX}/auth/signup",
            "Create an account and sign in",
            "accounts",
            body=SignupIn,
            response=SessionOut,
            status=201,
            errors=(422, 429),
        ),
        signup,
        name="api_signup",
    ),
    api_route(
        Operation(
            "POST",
            f"{PREFIX}/auth/login",
            "Sign in",
            "accounts",
            body=LoginIn,
            response=SessionOut,
            errors=(401, 422, 429),
        ),
        login,
        name="api_login",
    ),
    api_route(
        Operation(
            "POST",
            f"{PREFIX}/auth/logout",
            "Sign out everywhere",
            "accounts",
            status=204,
            errors=(403,),
        ),
        logout,
        name="api_logout",
    ),
    api_route(
        Operation(
            "GET",
            f"{PREFIX}/me",
            "The signed-in account",
            "accounts",
            response=SessionOut,
            errors=(),
            signed_in=True,
        ),
        me,
        name="api_me",
    ),
    Route(f"{PREFIX}/openapi.json", openapi_json, methods=["GET"], name="api_openapi"),
]
