"""商家中心: what a listing offers (dishes, services, lessons, products) and their prices."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings import offerings as offering_verbs
from listings.models import Listing, Merchant
from listings.offerings import kind_for
from listings.types import DishTag, ListingStatus, MerchantStatus
from marketplace.errors import MarketplaceError
from web.auth import require_account
from web.i18n import request_locale, translator
from web.routes import merchant_fields as fields
from web.routes import merchant_forms as forms
from web.routes.merchant_errors import form_errors
from web.routes.merchant_forms import Form
from web.routes.merchant_frame import listing_chip, merchant_page, read_fields, redirect
from web.routes.merchant_listings import KIND_TEXT, LISTING, listing_of

OFFERING_FIELDS = (
    "name",
    "description",
    "price",
    "duration_min",
    "stock",
    "sku",
    "tags",
    "format",
    "grade",
    "trial",
    "is_active",
)


async def _offerings_page(
    request: Request,
    listing: Listing,
    merchant: Merchant,
    *,
    new_form: Form | None = None,
    edit: tuple[int, Form] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    account = await require_account(request)
    city = request.app.state.city
    locale = request_locale(request)
    kind = kind_for(listing.vertical)
    rows = []
    for offering in await reads.offerings_of(account, listing):
        form = forms.offering_form(offering, city.minor_units)
        if edit is not None and edit[0] == offering.id:
            form = edit[1]
        rows.append((offering, pick_name(offering.name, locale), form))
    context = {
        "listing": listing,
        "listing_name": pick_name(listing.name, locale),
        "chip": listing_chip(listing),
        "kind": kind,
        "kind_text": KIND_TEXT[kind],
        "rows": rows,
        "new_form": new_form if new_form is not None else forms.new_offering_form(kind),
        "errors": errors or {},
        "edit_id": edit[0] if edit else None,
        "formats": (listing.attributes or {}).get("formats") or [],
        "format_labels": fields.FORMAT_LABELS,
        "grade_labels": fields.GRADE_LABELS,
        "dish_tags": [(t.value, fields.DISH_TAG_LABELS[t.value]) for t in DishTag],
        "created": "created" in request.query_params,
        "can_publish": merchant.status == MerchantStatus.APPROVED
        and listing.status == ListingStatus.DRAFT,
    }
    return await merchant_page(
        request, "merchant/offerings.html", merchant, context, nav="home", status_code=status_code
    )


async def offerings_page(request: Request) -> Response:
    listing, merchant = await listing_of(request)
    return await _offerings_page(request, listing, merchant)


async def offering_add(request: Request) -> Response:
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    city = request.app.state.city
    form = await read_fields(request)
    try:
        data = forms.offering_input(city, kind_for(listing.vertical), form)
        await offering_verbs.add_offering(city, account, listing, data)
    except MarketplaceError as exc:
        errors = form_errors(
            translator(request), exc, OFFERING_FIELDS, locales=request.app.state.city.locales
        )
        return await _offerings_page(
            request, listing, merchant, new_form=form, errors=errors, status_code=exc.status
        )
    return redirect(f"/merchant/listings/{listing.id}/offerings")


async def offering_update(request: Request) -> Response:
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    offering = await reads.get_offering(account, listing, request.path_params["offering_id"])
    city = request.app.state.city
    form = await read_fields(request)
    try:
        data = forms.offering_input(city, kind_for(listing.vertical), form)
        await offering_verbs.update_offering(city, account, offering, data)
    except MarketplaceError as exc:
        errors = form_errors(
            translator(request), exc, OFFERING_FIELDS, locales=request.app.state.city.locales
        )
        return await _offerings_page(
            request,
            listing,
            merchant,
            edit=(offering.id, form),
            errors=errors,
            status_code=exc.status,
        )
    return redirect(f"/merchant/listings/{listing.id}/offerings")


async def offering_delete(request: Request) -> Response:
    account = await require_account(request)
    listing, _merchant = await listing_of(request)
    offering = await reads.get_offering(account, listing, request.path_params["offering_id"])
    await offering_verbs.remove_offering(account, offering)
    return redirect(f"/merchant/listings/{listing.id}/offerings")


routes = [
    Route(LISTING + "/offerings", offerings_page, methods=["GET"], name="merchant_offerings"),
    Route(LISTING + "/offerings", offering_add, methods=["POST"], name="merchant_offering_add"),
    Route(
        LISTING + "/offerings/{offering_id:id32}",
        offering_update,
        methods=["POST"],
        name="merchant_offering_save",
    ),
    Route(
        LISTING + "/offerings/{offering_id:id32}/delete",
        offering_delete,
        methods=["POST"],
        name="merchant_offering_delete",
    ),
]
