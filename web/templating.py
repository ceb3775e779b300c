"""Jinja2 for the pages: autoescaped, translated, money and dates in the city's conventions."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.templating import Jinja2Templates

from marketplace.city import City
from web import csrf
from web.auth import current_account
from web.content_policy import request_nonce
from web.i18n import Catalogs, babel_locale, request_locale
from web.place import cookie_place, display_name, place_of

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"

# Set while `render` draws a page, so helpers called from imported macros (which do not see the
# caller's variables) still know the request and its locale.
_rendering: ContextVar[Request | None] = ContextVar("taocity_rendering", default=None)


def _request_of(ctx: Context) -> Request | None:
    request = ctx.get("request")
    if isinstance(request, Request):
        return request
    return _rendering.get()


def _locale_of(ctx: Context) -> str:
    locale = ctx.get("locale")
    if isinstance(locale, str):
        return locale
    request = _request_of(ctx)
    if request is not None:
        return request_locale(request)
    return "en"


def _city_of(ctx: Context) -> City:
    request = _request_of(ctx)
    if request is None:
        raise RuntimeError("templates render inside a request")
    return request.app.state.city


@cache
def _whole_pattern(locale: str) -> str:
    # The locale's own currency pattern without its fraction part: "¤#,##0.00" -> "¤#,##0".
    pattern = babel_locale(locale).currency_formats["standard"].pattern
    return re.sub(r"\.0+", "", pattern)


def format_money(minor_units: int, locale: str, currency: str, digits: int, *, whole: bool) -> str:
    """Integer minor units as the locale writes money: ¥38.00, or ¥38 when `whole` allows."""
    amount = Decimal(minor_units).scaleb(-digits)
    if whole and amount == amount.to_integral_value():
        return format_currency(
            amount,
            currency,
            _whole_pattern(locale),
            locale=babel_locale(locale),
            currency_digits=False,
        )
    return format_currency(amount, currency, locale=babel_locale(locale))


@pass_context
def _money(ctx: Context, minor_units: int, whole: bool = False) -> str:
    city = _city_of(ctx)
    return format_money(minor_units, _locale_of(ctx), city.currency, city.minor_units, whole=whole)


@pass_context
def _number(ctx: Context, value: int | float | Decimal) -> str:
    return format_decimal(value, locale=babel_locale(_locale_of(ctx)))


def format_moment(value: datetime, locale: str, tz: tzinfo, fmt: str = "medium") -> str:
    """A stored (UTC) moment as people in the city read it: their zone, their language."""
    return format_datetime(value, fmt, tzinfo=tz, locale=babel_locale(locale))


@pass_context
def _datetime(ctx: Context, value: datetime, fmt: str = "medium") -> str:
    return format_moment(value, _locale_of(ctx), _city_of(ctx).tz, fmt)


@pass_context
def _date(ctx: Context, value: date, fmt: str = "medium") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(_city_of(ctx).tz).date()
    return format_date(value, fmt, locale=babel_locale(_locale_of(ctx)))


@pass_context
def _time(ctx: Context, value: time | datetime, fmt: str = "short") -> str:
    if isinstance(value, datetime):
        value = value.astimezone(_city_of(ctx).tz).timetz()
    return format_time(value, fmt, locale=babel_locale(_locale_of(ctx)))


@pass_context
def _csrf_token(ctx: Context) -> str:
    request = _request_of(ctx)
    if request is None:
        raise RuntimeError("csrf_token() needs a request")
    return csrf.get_token(request.session)


@pass_context
def _csrf_field(ctx: Context) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(
        csrf.FORM_FIELD, _csrf_token(ctx)
    )


@pass_context
def _csp_nonce(ctx: Context) -> str:
    """The nonce this response's Content-Security-Policy lets scripts run with."""
    request = _request_of(ctx)
    if request is None:
        raise RuntimeError("csp_nonce() needs a request")
    return request_nonce(request.scope)


@pass_context
def _has_route(ctx: Context, path: str) -> bool:
    """Whether some route serves `path`; links to pages not built yet are not drawn."""
    request = _request_of(ctx)
    if request is None:
        return False
    for route in request.app.routes:
        if isinstance(route, Route) and route.path == path:
            return True
        if isinstance(route, Mount) and path.startswith(route.path + "/"):
            return True
    return False


@cache
def _static_version(path: str) -> str:
    file = STATIC_DIR / path
    if not file.is_file():
        return "0"
    return hashlib.sha256(file.read_bytes()).hexdigest()[:10]


def _static(path: str) -> str:
    # A content hash in the URL lets browsers cache assets for long without going stale.
    return f"/static/{quote(path)}?v={_static_version(path)}"


# How the language switch names each language: in that language, short, as residents expect.
_SWITCH_LABELS = {"zh": "中文", "en": "EN"}


def _locale_label(tag: str) -> str:
    language = tag.split("-", 1)[0].lower()
    return _SWITCH_LABELS.get(language) or babel_locale(tag).get_display_name() or tag


def _common_context(request: Request) -> dict[str, Any]:
    locale = request_locale(request)
    city: City = request.app.state.city
    return {
        "locale": locale,
        "city": city,
        "city_name": city.display_name(locale),
        "account": request.scope.get("state", {}).get("account"),
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        **_place_context(request, city, locale),
    }


def _place_context(request: Request, city: City, locale: str) -> dict[str, Any]:
    # `render` asked `place_of` before drawing (it may need the database); an error page drawn
    # without the database knows the cookie's place only
    state = request.scope.get("state", {})
    asked = "place" in state
    place = state["place"] if asked else cookie_place(request)
    # error pages stay script-free (and byte-identical for the same error): the chooser's
    # "use my position" button, which needs place.js, is then simply not offered
    return {
        "place": place,
        "place_name": display_name(place, city, locale),
        "place_script": asked,
    }


def create_templates(catalogs: Catalogs) -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )

    @pass_context
    def gettext(ctx: Context, message: str) -> str:
        return catalogs.gettext(_locale_of(ctx), message)

    @pass_context
    def ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
        return catalogs.ngettext(_locale_of(ctx), singular, plural, n)

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(money=_money, number=_number, datetime=_datetime, date=_date, time=_time)
    env.globals.update(
        csrf_field=_csrf_field,
        csrf_token=_csrf_token,
        csp_nonce=_csp_nonce,
        has_route=_has_route,
        static=_static,
        locales=catalogs.locales,
        locale_label=_locale_label,
    )
    return Jinja2Templates(env=env, context_processors=[_common_context])


async def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    load_account: bool = True,
) -> Response:
    """Render a page. Error pages pass `load_account=False`: they must draw without a database."""
    if load_account:
        await current_account(request)
        await place_of(request)
    templates: Jinja2Templates = request.app.state.templates
    token = _rendering.set(request)
    try:
        return templates.TemplateResponse(
            request, name, dict(context or {}), status_code=status_code, headers=headers
        )
    finally:
        _rendering.reset(token)
