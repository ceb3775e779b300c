"""Orders JSON API v1: a resident's pickup and delivery orders from a shop, and the shop moving
them along. HTTP in, HTTP out: the orders package checks every value and every permission."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from marketplace.lifecycle import ActorRole
from marketplace.orders.checkout import quote_order
from marketplace.orders.kind import ORDERS
from marketplace.orders.models import Order
from marketplace.orders.queries import resident_orders
from marketplace.orders.requests import OrderRequest, parse_order_request
from marketplace.orders.services import advance_order, place_order
from web.auth import require_account
from web.bookings_http import idempotency_key, optional_body, read_json
from web.bookings_json import OrderAnswer, OrdersAnswer, fetch_order_rows, order_json
from web.openapi import Operation
from web.openapi import api_route as route
from web.payable_json import PayableLineOut, lines_json, money
from web.purchase_http import cancel_from, confirm_from, purchase_for
from web.routes.bookings_api import CancelIn, ConfirmIn
from web.routes.checkout_pages import started_json
from web.routes.resident_common import now
from web.validation import parse_json

PREFIX = "/api/v1"
TAG = "orders"
ORDER = f"{PREFIX}/orders/{{order_id:id64}}"
WRITE_ERRORS = (403, 404, 409, 422)


class AdvanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    state: Literal["accepted", "preparing", "ready"] = Field(
        description="the next step only (新订单 → accepted → preparing → ready); handing over"
        " needs the code (redeem)"
    )


class QuoteOut(BaseModel):
    """What placing the cart would charge now, priced by the same step as placing it."""

    lines: list[PayableLineOut]
    amount_due: int = Field(description="minor units")
    amount_due_text: str
    currency: str


async def _answer(
    request: Request,
    order: Order,
    role: ActorRole,
    status: int = 200,
    *,
    payment: dict[str, str | None] | None = None,
) -> Response:
    payables = await fetch_order_rows([order])
    body: dict[str, object] = {"order": order_json(request, order, role, payables[order.id])}
    if payment is not None:
        body["payment"] = payment
    return JSONResponse(body, status_code=status)


async def place(request: Request) -> Response:
    account = await require_account(request)
    key = idempotency_key(request)
    wanted = parse_order_request(await read_json(request))
    order, created = await place_order(
        request.app.state.city, account, wanted, key, now=now(request)
    )
    return await _answer(request, order, ActorRole.RESIDENT, 201 if created else 200)


async def quote(request: Request) -> Response:
    """The cart's lines and total from the one pricing step; nothing is held or kept."""
    wanted = parse_order_request(await read_json(request), address_required=False)
    priced = await quote_order(wanted)
    return JSONResponse(
        {
            "lines": lines_json(request, priced.lines),
            "amount_due": priced.amount_due,
            "amount_due_text": money(request, priced.amount_due),
            "currency": request.app.state.city.currency,
        }
    )


async def my_orders(request: Request) -> Response:
    account = await require_account(request)
    rows = await resident_orders(account)
    payables = await fetch_order_rows(rows)
    answer = [order_json(request, o, ActorRole.RESIDENT, payables[o.id]) for o in rows]
    return JSONResponse({"orders": answer})


async def one_order(request: Request) -> Response:
    order, role = await purchase_for(request, ORDERS)
    return await _answer(request, order, role)


async def confirm(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, ConfirmIn)
    order, started = await confirm_from(request, ORDERS, account, body.payment_mode, now(request))
    payment = None if started is None else started_json(started)
    return await _answer(request, order, ActorRole.RESIDENT, payment=payment)


async def cancel(request: Request) -> Response:
    await require_account(request)
    body = await optional_body(request, CancelIn)
    order, role = await cancel_from(request, ORDERS, reason=body.reason)
    return await _answer(request, order, role)


async def advance(request: Request) -> Response:
    account = await require_account(request)
    body = await parse_json(request, AdvanceIn)
    order_id = request.path_params["order_id"]
    _, role = await purchase_for(request, ORDERS)
    order = await advance_order(account, order_id, body.state)
    return await _answer(request, order, role)


def _op(method: str, path: str, summary: str, **extra: object) -> Operation:
    return Operation(method, path, summary, TAG, signed_in=True, **extra)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    route(
        _op(
            "POST",
            f"{PREFIX}/orders",
            "Order from a shop: holds the stock for a few minutes (201; 200 for a replay)",
            body=OrderRequest,
            response=OrderAnswer,
            status=201,
            errors=WRITE_ERRORS,
            description="Send an Idempotency-Key header (8-80 letters, digits, ._:-): a retry "
            "with the same key and body answers 200 with the first order; the same key with "
            "another body is a 409.",
        ),
        place,
    ),
    route(
        Operation(
            "POST",
            f"{PREFIX}/orders/quote",
            "What a cart would cost: its lines and amount due, holding nothing",
            TAG,
            body=OrderRequest,
            response=QuoteOut,
            errors=(409, 422),
            description="The same body as placing an order; the delivery address may be left "
            "out (it is checked when the order is placed). No Idempotency-Key: nothing is kept.",
        ),
        quote,
    ),
    route(_op("GET", f"{PREFIX}/orders", "My orders", response=OrdersAnswer, errors=()), my_orders),
    route(
        _op("GET", ORDER, "An order of mine or of my shop", response=OrderAnswer, errors=(404,)),
        one_order,
    ),
    route(
        _op(
            "POST",
            f"{ORDER}/confirm",
            "Confirm: pay at pickup or online",
            body=ConfirmIn,
            response=OrderAnswer,
            errors=(*WRITE_ERRORS, 502, 503),
        ),
        confirm,
    ),
    route(
        _op(
            "POST",
            f"{ORDER}/cancel",
            "Cancel (resident or shop); says the refund due",
            body=CancelIn,
            response=OrderAnswer,
            errors=WRITE_ERRORS,
            body_required=False,
        ),
        cancel,
    ),
    route(
        _op(
            "POST",
            f"{ORDER}/advance",
            "The shop accepts an order or marks it ready",
            body=AdvanceIn,
            response=OrderAnswer,
            errors=WRITE_ERRORS,
        ),
        advance,
    ),
]
