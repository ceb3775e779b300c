"""Merchant JSON API v1 for bookings and orders: redeem a resident's code, read the queue, and
say what can be booked (availability, table reservations, the cancellation policy).

The merchant whose queue is read is the one named by `merchant_id`, or a person's only one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from listings.money import parse_price
from marketplace.bookings import queries, setup
from marketplace.bookings.availability import AvailabilitySettings
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.completion import MAX_NOTE, WithoutPayment
from marketplace.errors import MarketplaceError, ValidationFailed
from marketplace.lifecycle import ActorRole
from marketplace.orders.models import Order
from marketplace.orders.queries import merchant_orders
from marketplace.orders.types import OrderState
from marketplace.purchases.errors import CompletionTooEarly, CompletionTooLate
from marketplace.redeem import Settlement, complete_code, look_up_code
from web.auth import require_account
from web.bookings_http import acting_merchant, read_json
from web.bookings_json import (
    BookingsAnswer,
    OrdersAnswer,
    RedeemAnswer,
    booking_json,
    fetch_booking_rows,
    fetch_order_rows,
    local_iso,
    order_json,
)
from web.completion_text import window_refusal
from web.openapi import Operation
from web.openapi import api_route as route
from web.validation import parse_json

PREFIX = "/api/v1/merchant"
TAG = "merchant bookings"
WHICH = "the merchant's id (needed only by people who work for several), 1 to 2147483647"


class CodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64, description="as the resident shows it, e.g. BCD2-FGH3")


class RedeemIn(CodeIn):
    received: str | int | None = Field(
        None,
        description=(
            'what was received at the store, in major units as typed ("120.00"); required when '
            "payment is due at the store, at most the amount due"
        ),
    )
    without_payment: WithoutPayment | None = Field(
        None, description="complete with payment due but none taken, for this reason"
    )
    note: str | None = Field(
        None,
        max_length=MAX_NOTE,
        description="why less than due was received (a discount), or why there is no payment",
    )


class CodeCheckAnswer(BaseModel):
    kind: str = Field(description="booking or order")
    booking: dict[str, Any] | None = None
    order: dict[str, Any] | None = None
    due_at_store: int = Field(description="integer minor units to take at the store; 0: none")
    currency: str
    completable_from: str | None = Field(description="local ISO time the code opens")
    completable_until: str | None = Field(description="local ISO time the code closes")


class QueueParams(BaseModel):
    date: str | None = Field(None, description="a local date, YYYY-MM-DD; default: from today")
    state: str | None = Field(None, description="states, comma-separated")
    merchant_id: str | None = Field(None, description=WHICH)


class OrderQueueParams(BaseModel):
    state: str | None = Field(None, description="states, comma-separated; default: to fulfil")
    merchant_id: str | None = Field(None, description=WHICH)


class PolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    policy: str | None = Field(description="a policy slug of the city; null: the city's default")


class AvailabilityAnswer(BaseModel):
    offering_id: int
    availability: dict[str, Any] | None


class ReservationsAnswer(BaseModel):
    listing_id: int
    reservations: dict[str, Any] | None


class PolicyAnswer(BaseModel):
    listing_id: int
    cancellation_policy: str | None


def _states(text: str | None, kind: type[BookingState] | type[OrderState]) -> tuple[Any, ...]:
    if not text:
        return ()
    try:
        return tuple(kind(part.strip()) for part in text.split(","))
    except ValueError:
        known = ", ".join(s.value for s in kind)
        raise ValidationFailed.on("state", f"must be among: {known}") from None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed.on("date", "must be a date as YYYY-MM-DD") from None


def _window_refused(request: Request, exc: MarketplaceError) -> Response | None:
    """Too early / too late: the 409 in the reader's language, with the time as data too."""
    message = window_refusal(request, exc)
    if message is None:
        return None
    at = exc.opens_at if isinstance(exc, CompletionTooEarly) else exc.closed_at  # type: ignore[attr-defined]
    key = "opens_at" if isinstance(exc, CompletionTooEarly) else "closed_at"
    body = {
        "code": exc.code,
        "message": message,
        "errors": [{"field": "code", "reason": message}],
        key: local_iso(request, at),
    }
    return JSONResponse(body, status_code=exc.status)


async def _purchase_json(request: Request, done: Booking | Order) -> dict[str, Any]:
    if isinstance(done, Booking):
        payables = await fetch_booking_rows([done])
        answer = booking_json(request, done, ActorRole.MERCHANT, payables[done.id])
        return {"kind": "booking", "booking": answer, "order": None}
    payables = await fetch_order_rows([done])
    answer = order_json(request, done, ActorRole.MERCHANT, payables[done.id])
    return {"kind": "order", "booking": None, "order": answer}


async def check_code(request: Request) -> Response:
    """Step one: what the code is, when it can be completed and what is due at the store."""
    account = await require_account(request)
    body = await parse_json(request, CodeIn)
    city = request.app.state.city
    try:
        found = await look_up_code(city, account, body.code)
    except (CompletionTooEarly, CompletionTooLate) as exc:
        return _window_refused(request, exc)  # type: ignore[return-value]
    return JSONResponse(
        {
            **await _purchase_json(request, found.purchase),
            "due_at_store": found.due_at_store,
            "currency": city.currency,
            "completable_from": local_iso(request, found.opens_at),
            "completable_until": local_iso(request, found.closes_at),
        }
    )


async def redeem(request: Request) -> Response:
    """Step two: complete with what was received at the store, in one transaction."""
    account = await require_account(request)
    body = await parse_json(request, RedeemIn)
    city = request.app.state.city
    received = None
    if body.received is not None and body.received != "":
        received = parse_price(body.received, currency=city.currency, field="received")
    settlement = Settlement(received=received, without_payment=body.without_payment, note=body.note)
    try:
        done = await complete_code(city, account, body.code, settlement)
    except (CompletionTooEarly, CompletionTooLate) as exc:
        return _window_refused(request, exc)  # type: ignore[return-value]
    return JSONResponse(await _purchase_json(request, done))


async def bookings(request: Request) -> Response:
    account = await require_account(request)
    params = request.query_params
    day, states = _day(params.get("date")), _states(params.get("state"), BookingState)
    merchant = await acting_merchant(account, params.get("merchant_id"))
    city = request.app.state.city
    rows = await queries.merchant_bookings(city, merchant.id, day=day, states=states)
    payables = await fetch_booking_rows(rows)
    answer = [booking_json(request, b, ActorRole.MERCHANT, payables[b.id]) for b in rows]
    return JSONResponse({"bookings": answer})


async def orders(request: Request) -> Response:
    account = await require_account(request)
    params = request.query_params
    states = _states(params.get("state"), OrderState)
    merchant = await acting_merchant(account, params.get("merchant_id"))
    rows = await merchant_orders(merchant.id, states=states)
    payables = await fetch_order_rows(rows)
    answer = [order_json(request, o, ActorRole.MERCHANT, payables[o.id]) for o in rows]
    return JSONResponse({"orders": answer})


async def set_availability(request: Request) -> Response:
    account = await require_account(request)
    data = await read_json(request)
    offering_id = request.path_params["offering_id"]
    offering = await setup.set_offering_availability(account, offering_id, data)
    return JSONResponse({"offering_id": offering.id, "availability": offering.availability})


async def set_reservations(request: Request) -> Response:
    account = await require_account(request)
    data = await read_json(request)
    listing = await setup.set_table_reservations(account, request.path_params["listing_id"], data)
    return JSONResponse({"listing_id": listing.id, "reservations": listing.reservations})


async def set_policy(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, PolicyIn)
    city, listing_id = request.app.state.city, request.path_params["listing_id"]
    listing = await setup.set_cancellation_policy(city, account, listing_id, body.policy)
    return JSONResponse({"listing_id": listing.id, "cancellation_policy": body.policy})


def _op(method: str, path: str, summary: str, **extra: object) -> Operation:
    return Operation(method, path, summary, TAG, signed_in=True, **extra)  # type: ignore[arg-type]


SETTINGS_TEXT = "Send null to stop taking bookings. Every bad value is a 422 naming its path."
LISTING = f"{PREFIX}/listings/{{listing_id:id32}}"
routes: list[BaseRoute] = [
    route(
        _op(
            "POST",
            f"{PREFIX}/codes/check",
            "What a resident's code is, when it can be completed, what is due at the store",
            body=CodeIn,
            response=CodeCheckAnswer,
            errors=(404, 409, 422),
        ),
        check_code,
    ),
    route(
        _op(
            "POST",
            f"{PREFIX}/redeem",
            "Enter a resident's code: completes the booking or hands the order over, recording "
            "what was received at the store in the same step",
            body=RedeemIn,
            response=RedeemAnswer,
            errors=(404, 409, 422),
            description=(
                "A code opens the city's lead time before the start and closes its limit after "
                "the end (409 completion_too_early with opens_at, completion_too_late with "
                "closed_at). With payment due at the store, send received (at most the amount "
                "due; less needs a note) or without_payment with its reason."
            ),
        ),
        redeem,
    ),
    route(
        _op(
            "GET",
            f"{PREFIX}/bookings",
            "The merchant's bookings on a date or from today",
            query=QueueParams,
            response=BookingsAnswer,
            errors=(403, 404, 422),
        ),
        bookings,
    ),
    route(
        _op(
            "GET",
            f"{PREFIX}/orders",
            "The shop's orders to fulfil",
            query=OrderQueueParams,
            response=OrdersAnswer,
            errors=(403, 404, 422),
        ),
        orders,
    ),
    route(
        _op(
            "PUT",
            f"{PREFIX}/offerings/{{offering_id:id32}}/availability",
            "When a service or lesson can be booked",
            body=AvailabilitySettings,
            response=AvailabilityAnswer,
            errors=(403, 404, 422),
            description=SETTINGS_TEXT,
            body_nullable=True,
        ),
        set_availability,
    ),
    route(
        _op(
            "PUT",
            f"{LISTING}/reservations",
            "A restaurant's table reservations (covers per window)",
            body=AvailabilitySettings,
            response=ReservationsAnswer,
            errors=(403, 404, 422),
            description=SETTINGS_TEXT,
            body_nullable=True,
        ),
        set_reservations,
    ),
    route(
        _op(
            "PUT",
            f"{LISTING}/cancellation-policy",
            "The listing's cancellation policy",
            body=PolicyIn,
            response=PolicyAnswer,
            errors=(403, 404, 422),
        ),
        set_policy,
    ),
]
