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

from marketplace.bookings import queries, setup
from marketplace.bookings.availability import AvailabilitySettings
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BookingState
from marketplace.errors import ValidationFailed
from marketplace.lifecycle import ActorRole
from marketplace.orders.queries import merchant_orders
from marketplace.orders.types import OrderState
from marketplace.redeem import redeem_code
from web.auth import require_account
from web.bookings_http import acting_merchant, read_json
from web.bookings_json import (
    BookingsAnswer,
    OrdersAnswer,
    RedeemAnswer,
    booking_json,
    fetch_booking_rows,
    fetch_order_rows,
    order_json,
)
from web.openapi import Operation
from web.openapi import api_route as route
from web.validation import parse_json

PREFIX = "/api/v1/merchant"
TAG = "merchant bookings"
WHICH = "the merchant's id (needed only by people who work for several), 1 to 2147483647"


class RedeemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64, description="as the resident shows it, e.g. BCD2-FGH3")


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


async def redeem(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, RedeemIn)
    done = await redeem_code(request.app.state.city, account, body.code)
    if isinstance(done, Booking):
        payables = await fetch_booking_rows([done])
        answer = booking_json(request, done, ActorRole.MERCHANT, payables[done.id])
        return JSONResponse({"kind": "booking", "booking": answer, "order": None})
    payables = await fetch_order_rows([done])
    answer = order_json(request, done, ActorRole.MERCHANT, payables[done.id])
    return JSONResponse({"kind": "order", "booking": None, "order": answer})


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
            f"{PREFIX}/redeem",
            "Enter a resident's code: completes the booking or hands the order over",
            body=RedeemIn,
            response=RedeemAnswer,
            errors=(404, 409, 422),
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
