"""The frame every 商家中心 page shares: its navigation, posted forms, the map's set-up."""

from __future__ import annotations

from typing import Any

from shapely.geometry import mapping
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings.models import Merchant
from listings.types import ListingStatus, MerchantStatus
from web.auth import require_account
from web.forms import read_form
from web.i18n import N_, request_locale
from web.routes.merchant_forms import Form
from web.routes.pages import VERTICAL_TEXT
from web.templating import render

# Posted forms stay far below this; it bounds what one request makes the parser hold.
MAX_FIELDS = 150

MERCHANT_STATUS_TEXT: dict[MerchantStatus, str] = {
    MerchantStatus.PENDING: N_("Under review"),
    MerchantStatus.APPROVED: N_("Approved"),
    MerchantStatus.REJECTED: N_("Not approved"),
    MerchantStatus.SUSPENDED: N_("Suspended"),
}
LISTING_STATUS_TEXT: dict[str, str] = {
    ListingStatus.DRAFT: N_("Draft"),
    ListingStatus.PUBLISHED: N_("Published"),
    ListingStatus.HIDDEN: N_("Offline"),
    "moderated": N_("Taken offline by the platform"),
}


async def read_fields(request: Request) -> Form:
    """Text fields of a posted form (first value of each name; files are refused)."""
    return await read_form(request, max_fields=MAX_FIELDS)


def redirect(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def map_config(request: Request) -> dict[str, Any]:
    """What map-draw.js needs: tiles, the city's centre, and the city's own outline, districts
    and landmarks, which are drawn from our data so the map still orients without tiles."""
    city = request.app.state.city
    locale = request_locale(request)
    districts = []
    for district in city.area.districts:
        label = district.polygon.representative_point()
        districts.append(
            {
                "name": district.display_name(locale),
                "label": [label.y, label.x],
                "geometry": mapping(district.polygon),
            }
        )
    return {
        "tileUrl": city.map.tile_url,
        "attribution": city.map.attribution,
        "center": [city.center.lat, city.center.lng],
        "zoom": city.map.default_zoom,
        "boundary": mapping(city.area.boundary),
        "districts": districts,
        "landmarks": [
            {"name": lm.display_name(locale), "point": [lm.point.lat, lm.point.lng]}
            for lm in city.landmarks
        ],
    }


def listing_chip(listing: Any) -> tuple[str, str]:
    """(css state, message id) of a listing's state chip."""
    if listing.status == ListingStatus.HIDDEN and listing.hidden_by_operator:
        return "moderated", LISTING_STATUS_TEXT["moderated"]
    return str(listing.status), LISTING_STATUS_TEXT[str(listing.status)]


# the console's sections, in the order of its navigation: (key, message id, icon, path after
# /merchant/<id>); the 商品/服务 section holds every page about listings and what they offer
SECTIONS: tuple[tuple[str, str, str, str], ...] = (
    ("home", N_("Dashboard"), "shop", ""),
    ("bookings", N_("Bookings"), "calendar", "/bookings"),
    ("orders", N_("Orders"), "receipt", "/orders"),
    ("listings", N_("Catalogue"), "box", "/listings"),
    ("payouts", N_("Payments"), "wallet", "/payouts"),
    ("settings", N_("Settings"), "gear", "/settings"),
)
# pages whose routes say `nav="home"` (or their own key) but belong to another section
SECTION_OF_TEMPLATE: dict[str, str] = {
    "merchant/listing_form.html": "listings",
    "merchant/offerings.html": "listings",
    "merchant/photos.html": "listings",
    "merchant/availability.html": "listings",
    "merchant/application.html": "settings",
    "merchant/staff.html": "settings",
}


async def merchant_page(
    request: Request,
    template: str,
    merchant: Merchant | None,
    context: dict[str, Any],
    *,
    nav: str,
    status_code: int = 200,
) -> Response:
    """Render a page in the merchant console's frame: its own navigation, the business being
    managed named at the top with a way to switch to another of the account's businesses."""
    account = await require_account(request)
    owner = merchant is not None and await reads.is_owner(account, merchant)
    # the switcher is offered to whoever runs more than one business
    many = len(await reads.merchants_of(account)) > 1
    base = {
        "merchant": merchant,
        "merchant_name": pick_name(merchant.name, request_locale(request)) if merchant else "",
        "merchant_status": MERCHANT_STATUS_TEXT[merchant.status] if merchant else "",
        "is_owner": owner,
        "nav": SECTION_OF_TEMPLATE.get(template, nav),
        "console_sections": SECTIONS,
        "can_switch": many,
        "vertical_text": VERTICAL_TEXT,
    }
    return await render(request, template, {**base, **context}, status_code=status_code)


def local_path(target: str, default: str) -> str:
    """Where a form asks to go back to: only a merchant page of this site."""
    if target.startswith("/merchant") and "//" not in target and "\\" not in target:
        return target
    return default
