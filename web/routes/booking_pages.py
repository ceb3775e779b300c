"""The resident's booking pages: the listing page with its slot picker, holding a slot
(POST /bookings), a booking with its countdown, confirmation, code and cancellation, and the
list of a resident's bookings. Every mistake a resident can make shows the page again with the
reason next to the field; the services decide, these routes only translate."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from marketplace.accounts.models import Account
from marketplace.bookings.errors import BookingNotFound
from marketplace.bookings.holds import hold_booking
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.queries import resident_bookings
from marketplace.bookings.requests import parse_booking_request
from marketplace.bookings.services import confirm_booking
from marketplace.errors import MarketplaceError
from web.auth import current_account, require_account
from web.forms import read_form
from web.i18n import translator
from web.purchase_http import act_then_show, cancel_from, own_purchase
from web.purchase_names import names_for
from web.routes.resident_booking_view import booking_view, list_row
from web.routes.resident_common import (
    field_errors,
    new_key,
    now,
    posted_listing_id,
    read_pin,
)
from web.routes.resident_picker import render_listing
from web.templating import render

# where each field's error is shown on the picker
PICKER_AREAS = {"starts_at": "slot", "party_size": "party", "address": "address", "note": "note"}


async def listing_page(request: Request) -> Response:
    return await render_listing(request, request.path_params["listing_id"])


def _back_to_picker(listing_id: int, form: dict[str, str]) -> str:
    query = {k: form[k] for k in ("offering", "date") if form.get(k)}
    if starts := form.get("starts_at", ""):
        query["slot"] = starts[11:16]  # HH:MM of the local ISO time
    return f"/listings/{listing_id}?{urlencode(query)}#book"


def _booking_body(listing_id: int, form: dict[str, str]) -> dict[str, Any]:
    offering = form.get("offering", "")
    try:
        party: object = int(form.get("party_size") or 1)
    except ValueError:
        party = form.get("party_size")
    return {
        "listing_id": listing_id,
        "offering_id": int(offering) if offering.isdigit() else None,
        "starts_at": form.get("starts_at", ""),
        "party_size": party,
        "address": read_pin(form),
        "note": form.get("note", "")[:500],
    }


async def book(request: Request) -> Response:
    form = await read_form(request)
    listing_id = posted_listing_id(form)
    if listing_id is None:
        raise BookingNotFound("No such listing.")
    account = await current_account(request)
    if account is None:
        next_path = _back_to_picker(listing_id, form)
        return RedirectResponse(f"/login?{urlencode({'next': next_path})}", status_code=303)
    _ = translator(request)
    if not form.get("starts_at"):
        errors = {"slot": _("Pick a time first.")}
        return await render_listing(
            request, listing_id, values=form, errors=errors, status_code=422
        )
    try:
        booking_request = parse_booking_request(_booking_body(listing_id, form))
        booking, _created = await hold_booking(
            request.app.state.city,
            account,
            booking_request,
            form.get("key") or new_key(),
            now=now(request),
        )
    except MarketplaceError as exc:
        errors = field_errors(request, exc, PICKER_AREAS)
        return await render_listing(
            request, listing_id, values=form, errors=errors, status_code=exc.status
        )
    return RedirectResponse(f"/me/bookings/{booking.id}", status_code=303)


async def _own_booking(request: Request) -> tuple[Account, Booking]:
    return await own_purchase(request, BOOKINGS)


async def show_booking(
    request: Request, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    _account, booking = await _own_booking(request)
    context = await booking_view(request, booking, errors or {})
    return await render(request, "bookings/detail.html", context, status_code=status_code)


async def confirm(request: Request) -> Response:
    account, booking = await _own_booking(request)

    async def confirming() -> object:
        city = request.app.state.city
        return await confirm_booking(city, account, booking.id, "pay_at_store", now=now(request))

    return await act_then_show(request, confirming, show_booking, f"/me/bookings/{booking.id}")


async def cancel(request: Request) -> Response:
    _account, booking = await _own_booking(request)

    async def cancelling() -> object:
        return await cancel_from(request, BOOKINGS, now=now(request))

    return await act_then_show(request, cancelling, show_booking, f"/me/bookings/{booking.id}")


async def my_bookings(request: Request) -> Response:
    account = await require_account(request)
    bookings = await resident_bookings(account)
    names = await names_for(bookings)
    rows = [list_row(request, b, names) for b in bookings]
    return await render(request, "bookings/list.html", {"rows": rows})


async def detail(request: Request) -> Response:
    return await show_booking(request)


routes = [
    Route("/listings/{listing_id:id32}", listing_page, methods=["GET"], name="listing"),
    Route("/bookings", book, methods=["POST"], name="book"),
    Route("/me/bookings", my_bookings, methods=["GET"], name="my_bookings"),
    Route("/me/bookings/{booking_id:id64}", detail, methods=["GET"], name="my_booking"),
    Route("/me/bookings/{booking_id:id64}/confirm", confirm, methods=["POST"]),
    Route("/me/bookings/{booking_id:id64}/cancel", cancel, methods=["POST"]),
]
