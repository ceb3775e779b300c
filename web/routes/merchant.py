"""商家中心 (merchant centre) pages: apply, follow the application, the dashboard.

Staff pages live in `merchant_staff`, listings in `merchant_listings`, what they offer in
`merchant_offerings`; this module's `routes` gathers them all. Every page needs a signed-in
account; what each account may see or change is decided by the services, never here.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings import onboarding
from listings.models import Merchant
from listings.types import ListingStatus, MerchantStatus, Vertical
from marketplace.errors import MarketplaceError
from marketplace.notices import services as notices
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
    """/merchant: straight to one's business, to the form when there is none, else a choice."""
    account = await require_account(request)
    merchants = await reads.merchants_of(account)
    if not merchants:
        return redirect("/merchant/apply")
    if len(merchants) == 1:
        return redirect(f"/merchant/{merchants[0].id}")
    locale = request_locale(request)
    rows = [(m, pick_name(m.name, locale), MERCHANT_STATUS_TEXT[m.status]) for m in merchants]
    return await merchant_page(request, "merchant/choose.html", None, {"rows": rows}, nav="home")


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


async def dashboard(request: Request) -> Response:
    account = await require_account(request)
    merchant = await _merchant(request)
    locale = request_locale(request)
    listings = await reads.listings_of(account, merchant)
    rows = [
        (listing, pick_name(listing.name, locale), *listing_chip(listing)) for listing in listings
    ]
    unread = await notices.unread(account, limit=10)
    context = {
        "rows": rows,
        "notices": [
            (n, pick_name(n.title, locale), pick_name(n.body or {}, locale)) for n in unread
        ],
        "verticals": list(Vertical),
        "counts": {
            status: sum(1 for listing in listings if listing.status == status)
            for status in ListingStatus
        },
    }
    return await merchant_page(request, "merchant/dashboard.html", merchant, context, nav="home")


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
    account = await require_account(request)
    form = await read_fields(request)
    await notices.mark_read(account)
    return redirect(local_path(form.get("back", ""), "/merchant"))


routes: list[BaseRoute] = [
    Route("/merchant", home, methods=["GET"], name="merchant_home"),
    Route("/merchant/apply", apply_page, methods=["GET"], name="merchant_apply"),
    Route("/merchant/apply", apply_submit, methods=["POST"], name="merchant_apply_submit"),
    Route("/merchant/notices/read", notices_read, methods=["POST"], name="merchant_notices_read"),
    Route("/merchant/{merchant_id:id32}", dashboard, methods=["GET"], name="merchant_dashboard"),
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
