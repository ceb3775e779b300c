"""Bookings JSON API v1: a listing's free slots, and a resident's bookings from hold to cancel.

HTTP in, HTTP out: the bookings package checks every value and decides who may do what.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.bookings import queries
from marketplace.bookings.kind import BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.requests import BookingRequest, parse_booking_request
from marketplace.bookings.services import hold_booking, mark_no_show
from marketplace.errors import ValidationFailed
from marketplace.input_bounds import Text, id_number
from marketplace.lifecycle import ActorRole
from web.auth import require_account
from web.bookings_http import idempotency_key, optional_body, read_json
from web.bookings_json import (
    AvailabilityOut,
    BookingAnswer,
    BookingsAnswer,
    booking_json,
    fetch_booking_rows,
    slot_json,
)
from web.openapi import Operation
from web.openapi import api_route as route
from web.purchase_http import cancel_from, confirm_from, purchase_for
from web.routes.checkout_pages import started_json
from web.routes.resident_common import now
from web.validation import parse_json

PREFIX = "/api/v1"
TAG = "bookings"
BOOKING = f"{PREFIX}/bookings/{{booking_id:id64}}"
IDEMPOTENCY = (
    "Send an Idempotency-Key header (8-80 letters, digits, ._:-): a retry with the same key "
    "and body answers 200 with the first booking; the same key with another body is a 409."
)


class AvailabilityParams(BaseModel):
    date: str = Field(description="the local date, YYYY-MM-DD")
    offering_id: str | None = Field(None, description="one offering only: its id, 1 to 2147483647")


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    payment_mode: str = Field(description="pay_at_store or online")


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Text | None = Field(None, max_length=300)


def _date(text: str | None) -> date:
    if not text:
        raise ValidationFailed.on("date", "is required, as YYYY-MM-DD")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.on("date", "must be a date as YYYY-MM-DD") from None


def _offering_id(text: str | None) -> int | None:
    return id_number(text, "offering_id")


async def availability(request: Request) -> Response:
    city = request.app.state.city
    day = _date(request.query_params.get("date"))
    offering_id = _offering_id(request.query_params.get("offering_id"))
    listing = await queries.published_listing(request.path_params["listing_id"])
    slots = await queries.slots_on_date(city, listing, day, offering_id=offering_id)
    return JSONResponse(
        {
            "listing_id": listing.id,
            "date": day.isoformat(),
            "slots": [slot_json(request, s) for s in slots],
        }
    )


async def _answer(
    request: Request,
    booking: Booking,
    role: ActorRole,
    status: int = 200,
    *,
    payment: dict[str, str | None] | None = None,
) -> Response:
    payables = await fetch_booking_rows([booking])
    body: dict[str, object] = {
        "booking": booking_json(request, booking, role, payables[booking.id])
    }
    if payment is not None:
        body["payment"] = payment
    return JSONResponse(body, status_code=status)


async def hold(request: Request) -> Response:
    account = await require_account(request)
    key = idempotency_key(request)
    wanted = parse_booking_request(await read_json(request))
    booking, created = await hold_booking(request.app.state.city, account, wanted, key)
    return await _answer(request, booking, ActorRole.RESIDENT, 201 if created else 200)


async def my_bookings(request: Request) -> Response:
    account = await require_account(request)
    rows = await queries.resident_bookings(account)
    payables = await fetch_booking_rows(rows)
    answer = [booking_json(request, b, ActorRole.RESIDENT, payables[b.id]) for b in rows]
    return JSONResponse({"bookings": answer})


async def one_booking(request: Request) -> Response:
    booking, role = await purchase_for(request, BOOKINGS)
    return await _answer(request, booking, role)


async def confirm(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, ConfirmIn)
    booking, started = await confirm_from(
        request, BOOKINGS, account, body.payment_mode, now(request)
    )
    payment = None if started is None else started_json(started)
    return await _answer(request, booking, ActorRole.RESIDENT, payment=payment)


async def cancel(request: Request) -> Response:
    await require_account(request)
    body = await optional_body(request, CancelIn)
    booking, role = await cancel_from(request, BOOKINGS, reason=body.reason)
    return await _answer(request, booking, role)


async def no_show(request: Request) -> Response:
    account = await require_account(request)
    booking_id = request.path_params["booking_id"]
    booking = await mark_no_show(request.app.state.city, account, booking_id)
    return await _answer(request, booking, ActorRole.MERCHANT)


def _op(method: str, path: str, summary: str, **extra: object) -> Operation:
    return Operation(method, path, summary, TAG, signed_in=True, **extra)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    route(
        Operation(
            "GET",
            f"{PREFIX}/listings/{{listing_id:id32}}/availability",
            "A listing's bookable slots on one date, with the places left",
            TAG,
            query=AvailabilityParams,
            response=AvailabilityOut,
            errors=(404, 422),
            description="Full slots are listed too (remaining 0). A bad date, a date beyond "
            "the horizon or an offering the listing does not book is a 422 naming it.",
        ),
        availability,
    ),
    route(
        _op(
            "POST",
            f"{PREFIX}/bookings",
            "Hold a slot for a few minutes (201; 200 for a replay of the same key)",
            body=BookingRequest,
            response=BookingAnswer,
            status=201,
            errors=(403, 409, 422),
            description=IDEMPOTENCY,
        ),
        hold,
    ),
    route(
        _op("GET", f"{PREFIX}/bookings", "My bookings", response=BookingsAnswer, errors=()),
        my_bookings,
    ),
    route(
        _op(
            "GET",
            BOOKING,
            "A booking of mine or of my merchant",
            response=BookingAnswer,
            errors=(404,),
        ),
        one_booking,
    ),
    route(
        _op(
            "POST",
            f"{BOOKING}/confirm",
            "Confirm a hold: pay at the store or online",
            body=ConfirmIn,
            response=BookingAnswer,
            errors=(403, 404, 409, 422, 502, 503),
        ),
        confirm,
    ),
    route(
        _op(
            "POST",
            f"{BOOKING}/cancel",
            "Cancel (resident or merchant); says the refund due",
            body=CancelIn,
            response=BookingAnswer,
            errors=(403, 404, 409, 422),
            body_required=False,
        ),
        cancel,
    ),
    route(
        _op(
            "POST",
            f"{BOOKING}/no-show",
            "The resident did not come (merchant, once started)",
            response=BookingAnswer,
            errors=(403, 404, 409, 422),
        ),
        no_show,
    ),
]
