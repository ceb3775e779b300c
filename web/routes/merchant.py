"""商家中心 (merchant centre) pages: apply, follow the application, choose a business, its
dashboard (工作台), its listings (商品/服务) and settings (设置).

Staff pages live in `merchant_staff`, listings in `merchant_listings`, what they offer in
`merchant_offerings`; this module's `routes` gathers them all. Every page needs a signed-in
account; what each account may see or change is decided by the services, never here.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings import onboarding
from listings.console import services as console
from listings.models import Merchant
from listings.types import ListingStatus, MerchantStatus, Vertical
from marketplace.bookings import queue_counts
from marketplace.errors import MarketplaceError, NotFound
from marketplace.notices import services as notices
from marketplace.orders import queries as order_queries
from marketplace.orders.types import OrderState
from web.auth import require_account
from web.i18n import request_locale, translator
from web.routes import merchant_listings, merchant_offerings, merchant_photos, merchant_staff
from web.routes.merchant_errors import form_errors
from web.routes.merchant_forms import Form, apply_input
from web.routes.merchant_frame import (
    MERCHANT_STATUS_TEXT,
    listing_chip,
    local_path,
    map_config,
    merchant_page,
    read_fields,
    redirect,
)
from web.routes.pages import VERTICAL_TEXT

APPLY_FIELDS = (
    "name",
    "contact_name",
    "contact_phone",
    "contact_email",
    "kind",
    "address",
    "location",
)


async def home(request: Request) -> Response:
    """/merchant: straight to one's business, to the form when there is none; for staff of
    several, the business they last worked on, else the choice."""
    account = await require_account(request)
    merchants = await reads.merchants_of(account)
    if not merchants:
        return redirect("/merchant/apply")
    if len(merchants) == 1:
        return redirect(f"/merchant/{merchants[0].id}")
    last = await console.remembered(account, merchants)
    return redirect(f"/merchant/{last.id}" if last else "/merchant/choose")


async def choose(request: Request) -> Response:
    """/merchant/choose?q=: the account's businesses, those whose name holds what was typed.
    The list is filtered on the server (works without script); the page's script filters the
    same rows as one types."""
    account = await require_account(request)
    merchants = await reads.merchants_of(account)
    if not merchants:
        return redirect("/merchant/apply")
    locale = request_locale(request)
    query = request.query_params.get("q", "")[: console.MAX_QUERY].strip()
    last = await console.remembered(account, merchants)
    matched = {m.id for m in console.matching(merchants, query)}
    if last is not None:
        merchants.sort(key=lambda m: m.id != last.id)  # the one worked on last comes first
    # every business is on the page, those that do not match hidden: the script then filters
    # the same rows as one types, whatever the query the page was opened with
    rows = [
        {
            "merchant": m,
            "name": pick_name(m.name, locale),
            "search": " ".join(str(t) for t in (m.name or {}).values()),
            "status_text": MERCHANT_STATUS_TEXT[m.status],
            "last": last is not None and m.id == last.id,
            "shown": m.id in matched,
        }
        for m in merchants
    ]
    context = {"rows": rows, "q": query, "total": len(merchants), "shown": len(matched)}
    return await merchant_page(request, "merchant/choose.html", None, context, nav="choose")


def _apply_context(request: Request, form: Form, errors: dict[str, str]) -> dict[str, Any]:
    city = request.app.state.city
    locale = request_locale(request)
    kinds = [
        (
            vertical,
            VERTICAL_TEXT[vertical][0],
            [
                (f"{vertical.value}:{c.slug}", c.display_name(locale))
                for c in city.categories[vertical]
            ],
        )
        for vertical in Vertical
    ]
    return {"form": form, "errors": errors, "kinds": kinds, "map_config": map_config(request)}


async def apply_page(request: Request) -> Response:
    await require_account(request)
    return await merchant_page(
        request, "merchant/apply.html", None, _apply_context(request, {}, {}), nav="apply"
    )


async def apply_submit(request: Request) -> Response:
    account = await require_account(request)
    form = await read_fields(request)
    city = request.app.state.city
    try:
        merchant = await onboarding.apply(city, account, **apply_input(city, form))
    except MarketplaceError as exc:
        _ = translator(request)
        aliases = {"vertical": "kind", "category": "kind"}
        errors = form_errors(
            _,
            exc,
            APPLY_FIELDS,
            city=city.display_name(request_locale(request)),
            aliases=aliases,
            locales=city.locales,
        )
        context = _apply_context(request, form, errors)
        return await merchant_page(
            request, "merchant/apply.html", None, context, nav="apply", status_code=exc.status
        )
    return redirect(f"/merchant/{merchant.id}/application")


async def _merchant(request: Request) -> Merchant:
    account = await require_account(request)
    return await reads.get_merchant(account, request.path_params["merchant_id"])


def _listing_rows(listings: list[Any], locale: str) -> list[tuple[Any, ...]]:
    return [
        (listing, pick_name(listing.name, locale), *listing_chip(listing)) for listing in listings
    ]


async def dashboard(request: Request) -> Response:
    """工作台: what waits for this business (today's and later bookings, new orders, its own
    notices), then its listings. Opening it is choosing it: the console remembers it."""
    account = await require_account(request)
    merchant = await _merchant(request)
    city = request.app.state.city
    locale = request_locale(request)
    if any(m.id == merchant.id for m in await reads.merchants_of(account)):
        await console.remember(account, merchant)  # an operator looking in is not choosing
    listings = await reads.listings_of(account, merchant)
    unread = await notices.unread(account, limit=10, merchant_id=merchant.id)
    waiting = await queue_counts.waiting_by_day(city, merchant.id)
    context = {
        "rows": _listing_rows(listings, locale),
        "notices": [
            (n, pick_name(n.title, locale), pick_name(n.body or {}, locale)) for n in unread
        ],
        "unread_count": await notices.unread_count(account, merchant_id=merchant.id),
        "work": {
            "today": waiting["today"],
            "upcoming": waiting["upcoming"],
            "new_orders": await order_queries.count_orders(merchant.id, (OrderState.CONFIRMED,)),
        },
        "verticals": list(Vertical),
        "counts": {
            status: sum(1 for listing in listings if listing.status == status)
            for status in ListingStatus
        },
    }
    return await merchant_page(request, "merchant/dashboard.html", merchant, context, nav="home")


async def listings_page(request: Request) -> Response:
    """商品/服务: the business's listings, each with what it offers and its photos."""
    account = await require_account(request)
    merchant = await _merchant(request)
    listings = await reads.listings_of(account, merchant)
    context = {
        "rows": _listing_rows(listings, request_locale(request)),
        "verticals": list(Vertical),
    }
    return await merchant_page(request, "merchant/listings.html", merchant, context, nav="listings")


async def settings_page(request: Request) -> Response:
    """设置: the business's application and staff, the language, switching business, signing
    out."""
    merchant = await _merchant(request)
    return await merchant_page(request, "merchant/settings.html", merchant, {}, nav="settings")


async def application(request: Request) -> Response:
    merchant = await _merchant(request)
    city = request.app.state.city
    locale = request_locale(request)
    category = (
        city.category(Vertical(merchant.vertical), merchant.category) if merchant.vertical else None
    )
    district = city.area.district(merchant.district) if merchant.district else None
    context = {
        "category_name": category.display_name(locale) if category else "",
        "district_name": district.display_name(locale) if district else "",
        "address": pick_name(merchant.address or {}, locale),
        "can_reapply": merchant.status == MerchantStatus.REJECTED,
    }
    return await merchant_page(
        request, "merchant/application.html", merchant, context, nav="application"
    )


async def notices_read(request: Request) -> Response:
    """Mark read the notices of the business on screen (`merchant`), not its siblings'."""
    account = await require_account(request)
    form = await read_fields(request)
    merchant_id: int | None = None
    if form.get("merchant"):
        if not re.fullmatch(r"\d{1,9}", form["merchant"]):  # a merchant id is a 32-bit int
            raise NotFound("No such merchant.")
        merchant_id = (await reads.get_merchant(account, int(form["merchant"]))).id
    await notices.mark_read(account, merchant_id=merchant_id)
    return redirect(local_path(form.get("back", ""), "/merchant"))


routes: list[BaseRoute] = [
    Route("/merchant", home, methods=["GET"], name="merchant_home"),
    Route("/merchant/apply", apply_page, methods=["GET"], name="merchant_apply"),
    Route("/merchant/apply", apply_submit, methods=["POST"], name="merchant_apply_submit"),
    Route("/merchant/notices/read", notices_read, methods=["POST"], name="merchant_notices_read"),
    Route("/merchant/choose", choose, methods=["GET"], name="merchant_choose"),
    Route("/merchant/{merchant_id:id32}", dashboard, methods=["GET"], name="merchant_dashboard"),
    Route(
        "/merchant/{merchant_id:id32}/listings",
        listings_page,
        methods=["GET"],
        name="merchant_listings",
    ),
    Route(
        "/merchant/{merchant_id:id32}/settings",
        settings_page,
        methods=["GET"],
        name="merchant_settings",
    ),
    Route(
        "/merchant/{merchant_id:id32}/application",
        application,
        methods=["GET"],
        name="merchant_application",
    ),
    *merchant_staff.routes,
    # item and photo routes first: "/merchant/listings/{id}/offerings" is not a listing action
    *merchant_offerings.routes,
    *merchant_photos.routes,
    *merchant_listings.routes,
]
