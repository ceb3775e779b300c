"""商家中心: create and edit a listing, put it online or take it off."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings import catalogue
from listings import merchant_reads as reads
from listings.models import Listing, Merchant
from listings.offerings import kind_for
from listings.types import MerchantStatus, OfferingKind, Vertical
from marketplace.errors import MarketplaceError, NotFound
from web.auth import require_account
from web.i18n import N_, request_locale, translator
from web.routes import merchant_fields as fields
from web.routes import merchant_forms as forms
from web.routes.merchant_errors import DAY_NAMES, form_errors
from web.routes.merchant_forms import Form
from web.routes.merchant_frame import (
    listing_chip,
    local_path,
    map_config,
    merchant_page,
    read_fields,
    redirect,
)

LISTING = "/merchant/listings/{listing_id:id32}"
KIND_TEXT: dict[OfferingKind, tuple[str, str]] = {
    # (what the list is called, what one of them is called)
    OfferingKind.DISH: (N_("Menu"), N_("Add a dish")),
    OfferingKind.SERVICE: (N_("Services"), N_("Add a service")),
    OfferingKind.LESSON: (N_("Lessons"), N_("Add a lesson")),
    OfferingKind.PRODUCT: (N_("Products"), N_("Add a product")),
}


# empty holiday and closure rows under the stored ones, to add new ones without script
BLANK_ROWS = 3


def _listing_fields(vertical: Vertical, form: Form) -> list[str]:
    names = ["category", "name", "description", "address", "location", "tags", "hours"]
    names += [f"hours.{day}" for day in DAY_NAMES]
    names += [spec.name for spec in fields.ATTR_FIELDS[vertical]]
    names += forms.row_fields(form, BLANK_ROWS)
    return [*names, "service_area", forms.AREA_RADIUS]


def _vertical_of(request: Request) -> Vertical:
    try:
        return Vertical(request.query_params.get("vertical", ""))
    except ValueError:
        raise NotFound("No such kind of business.") from None


async def _listing_page(
    request: Request,
    merchant: Merchant,
    vertical: Vertical,
    form: Form,
    errors: dict[str, str],
    *,
    listing: Listing | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    city = request.app.state.city
    locale = request_locale(request)
    context: dict[str, Any] = {
        "listing": listing,
        "saved": saved,
        "chip": listing_chip(listing) if listing else None,
        "vertical": vertical,
        "form": form,
        "errors": errors,
        "categories": [(c.slug, c.display_name(locale)) for c in city.categories[vertical]],
        "attr_fields": fields.ATTR_FIELDS[vertical],
        "area_switch": fields.AREA_SWITCH[vertical],
        "days": list(DAY_NAMES.items()),
        "holiday_rows": forms.rows_in(form, forms.HOLIDAY) + BLANK_ROWS,
        "closure_rows": forms.rows_in(form, forms.CLOSURE) + BLANK_ROWS,
        "map_config": map_config(request),
        "can_publish": merchant.status == MerchantStatus.APPROVED,
        "kind_text": KIND_TEXT[kind_for(vertical)],
    }
    return await merchant_page(
        request,
        "merchant/listing_form.html",
        merchant,
        context,
        nav="home",
        status_code=status_code,
    )


def _errors(
    request: Request, exc: MarketplaceError, vertical: Vertical, form: Form
) -> dict[str, str]:
    city = request.app.state.city
    city_name = city.display_name(request_locale(request))
    return form_errors(
        translator(request),
        forms.on_rows(exc, form, city.tz),
        _listing_fields(vertical, form),
        city=city_name,
        locales=city.locales,
    )


async def new_listing_page(request: Request) -> Response:
    account = await require_account(request)
    merchant = await reads.get_merchant(account, request.path_params["merchant_id"])
    vertical = _vertical_of(request)
    form = forms.default_listing_form(vertical)
    return await _listing_page(request, merchant, vertical, form, {})


async def new_listing_submit(request: Request) -> Response:
    account = await require_account(request)
    merchant = await reads.get_merchant(account, request.path_params["merchant_id"])
    vertical = _vertical_of(request)
    form = await read_fields(request)
    city = request.app.state.city
    values, problems = forms.listing_input(city, vertical, form)
    try:
        if problems:
            raise forms.refused(problems)
        listing = await catalogue.create_listing(
            city, account, merchant, vertical=vertical, **values
        )
    except MarketplaceError as exc:
        errors = _errors(request, exc, vertical, form)
        return await _listing_page(
            request, merchant, vertical, form, errors, status_code=exc.status
        )
    return redirect(f"/merchant/listings/{listing.id}/offerings?created=1")


async def listing_of(request: Request) -> tuple[Listing, Merchant]:
    account = await require_account(request)
    listing = await reads.get_listing(account, request.path_params["listing_id"])
    return listing, await reads.merchant_of(listing)


async def edit_listing_page(request: Request) -> Response:
    listing, merchant = await listing_of(request)
    form = forms.listing_form(request.app.state.city, listing)
    return await _listing_page(
        request,
        merchant,
        Vertical(listing.vertical),
        form,
        {},
        listing=listing,
        saved="saved" in request.query_params,
    )


async def edit_listing_submit(request: Request) -> Response:
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    vertical = Vertical(listing.vertical)
    form = await read_fields(request)
    city = request.app.state.city
    values, problems = forms.listing_input(city, vertical, form)
    try:
        if problems:
            raise forms.refused(problems)
        await catalogue.update_listing(city, account, listing, values)
    except MarketplaceError as exc:
        errors = _errors(request, exc, vertical, form)
        return await _listing_page(
            request, merchant, vertical, form, errors, listing=listing, status_code=exc.status
        )
    return redirect(f"/merchant/listings/{listing.id}?saved=1")


async def listing_action(request: Request) -> Response:
    """Publish, hide (take offline), unpublish or restore, from the dashboard or the editor."""
    account = await require_account(request)
    listing, merchant = await listing_of(request)
    form = await read_fields(request)
    action = request.path_params["action"]
    try:
        if action == "publish":
            await catalogue.publish(account, listing)
        elif action == "hide":
            await catalogue.hide(account, listing, form.get("reason") or None)
        elif action == "unpublish":
            await catalogue.unpublish(account, listing)
        elif action == "restore":
            await catalogue.restore(account, listing)
        else:
            raise NotFound("No such action.")
    except MarketplaceError as exc:
        if isinstance(exc, NotFound):
            raise
        return await _action_refused(request, merchant, exc)
    return redirect(local_path(form.get("back", ""), f"/merchant/{merchant.id}"))


async def _action_refused(request: Request, merchant: Merchant, exc: MarketplaceError) -> Response:
    errors = form_errors(translator(request), exc, ())
    context = {"message": " ".join(errors.values()), "back": f"/merchant/{merchant.id}"}
    return await merchant_page(
        request, "merchant/refused.html", merchant, context, nav="home", status_code=exc.status
    )


routes = [
    Route(
        "/merchant/{merchant_id:id32}/listings/new",
        new_listing_page,
        methods=["GET"],
        name="merchant_listing_new",
    ),
    Route(
        "/merchant/{merchant_id:id32}/listings/new",
        new_listing_submit,
        methods=["POST"],
        name="merchant_listing_create",
    ),
    Route(LISTING, edit_listing_page, methods=["GET"], name="merchant_listing"),
    Route(LISTING, edit_listing_submit, methods=["POST"], name="merchant_listing_save"),
    Route(
        LISTING + "/{action:str}", listing_action, methods=["POST"], name="merchant_listing_action"
    ),
]
