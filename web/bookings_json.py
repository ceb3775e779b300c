"""Bookings and orders as the JSON API answers them, and the models the OpenAPI document shows.

Times carry the city's offset; money is integer minor units plus the city's currency and the
amount as the reader's locale writes it. A code is shown only to the resident, and only once the
booking or order is confirmed: a hold has nothing to show in the store yet, and a merchant learns
the code from the resident, never from the API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from starlette.requests import Request

from geo.areas import pick_name
from marketplace.bookings.models import Booking
from marketplace.bookings.queries import OpenSlot
from marketplace.bookings.types import BOOKING_MACHINE, BookingState
from marketplace.codes import display_code
from marketplace.lifecycle import ActorRole
from marketplace.orders.models import Order, OrderLine
from marketplace.orders.types import ORDER_MACHINE, OrderState
from payments import payable_view
from payments.payable_view import PayableView
from payments.types import LineKind
from web.i18n import request_locale
from web.payable_json import PayableLineOut, lines_json, money

BOOKING_CODE_STATES = frozenset(
    {BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW}
)
ORDER_CODE_STATES = frozenset(
    {
        OrderState.CONFIRMED,
        OrderState.ACCEPTED,
        OrderState.PREPARING,
        OrderState.READY,
        OrderState.PICKED_UP,
        OrderState.DELIVERED,
    }
)
CODE_TEXT = "XXXX-XXXX, to the resident only, once confirmed; null while held"


class SlotOut(BaseModel):
    offering_id: int | None = Field(description="null: a table reservation")
    starts_at: str = Field(description="ISO 8601 with the city's offset")
    ends_at: str
    capacity: int
    remaining: int


class AvailabilityOut(BaseModel):
    listing_id: int
    date: str
    slots: list[SlotOut]


class _Shared(BaseModel):
    id: int
    state: str
    code: str | None = Field(description=CODE_TEXT)
    listing_id: int
    listing_name: str = Field(description="in the request's language")
    amount: int = Field(description="minor units: the amount due")
    currency: str
    amount_text: str
    amount_due: int = Field(description="minor units: what the payable's lines add up to")
    amount_due_text: str
    payable_lines: list[PayableLineOut] = Field(
        description="what is paid for, as priced: items, fees, price changes and who funds them"
    )
    payment_mode: str | None
    hold_expires_at: str | None
    refund_due: int | None = Field(description="minor units, decided when cancelled")
    refund_due_text: str | None
    role: str = Field(description="resident or merchant: how the caller relates to it")
    transitions: list[str] = Field(description="the states the caller may move it to next")
    created_at: str | None


class BookingOut(_Shared):
    offering_id: int | None = Field(description="null: a table reservation")
    offering_name: str | None
    starts_at: str
    ends_at: str
    party_size: int
    cancellation_policy: str
    address_text: str | None
    note: str | None


class LineOut(BaseModel):
    offering_id: int
    name: str
    quantity: int
    unit_price: int
    amount: int
    amount_text: str


class OrderOut(_Shared):
    fulfilment: str
    delivery_fee: int
    delivery_address: str | None
    note: str | None
    pickup_at: str | None = Field(
        description="ISO 8601 with the city's offset: when it can be collected (or leaves for"
        " delivery); asked for as pickup_at when ordering, the first possible time if not"
    )
    lines: list[LineOut]


class PaymentStartOut(BaseModel):
    """Where to pay, when confirming online started a payment (the checkout page's start)."""

    provider: str
    redirect_url: str | None = None
    client_secret: str | None = None


class BookingAnswer(BaseModel):
    booking: BookingOut
    payment: PaymentStartOut | None = None  # only when confirming online started a payment


class BookingsAnswer(BaseModel):
    bookings: list[BookingOut]


class OrderAnswer(BaseModel):
    order: OrderOut
    payment: PaymentStartOut | None = None  # only when confirming online started a payment


class OrdersAnswer(BaseModel):
    orders: list[OrderOut]


class RedeemAnswer(BaseModel):
    kind: str = Field(description="booking or order")
    booking: BookingOut | None = None
    order: OrderOut | None = None


def local_iso(request: Request, at: datetime | None) -> str | None:
    if at is None:
        return None
    return at.astimezone(ZoneInfo(request.app.state.city.timezone)).isoformat()


def slot_json(request: Request, slot: OpenSlot) -> dict[str, Any]:
    return {
        "offering_id": slot.offering_id,
        "starts_at": local_iso(request, slot.starts_at),
        "ends_at": local_iso(request, slot.ends_at),
        "capacity": slot.capacity,
        "remaining": slot.remaining,
    }


def _shared(
    request: Request, row: Booking | Order, role: ActorRole, show: bool, payable: PayableView
) -> dict[str, Any]:
    locale = request_locale(request)
    refund = row.refund_due
    due = payable.amount_due
    return {
        "id": row.id,
        "state": str(row.state),
        "code": display_code(row.code) if show and role is ActorRole.RESIDENT else None,
        "listing_id": row.listing_id,  # type: ignore[union-attr]
        "listing_name": pick_name(row.listing.name or {}, locale),
        "amount": due,
        "currency": payable.currency,
        "amount_text": money(request, due),
        "amount_due": due,
        "amount_due_text": money(request, due),
        "payable_lines": lines_json(request, payable.lines),
        "payment_mode": row.payment_mode,
        "hold_expires_at": local_iso(request, row.hold_expires_at),
        "refund_due": refund,
        "refund_due_text": money(request, refund) if refund is not None else None,
        "role": role.value,
        "created_at": local_iso(request, row.created_at),
    }


def booking_json(
    request: Request, booking: Booking, role: ActorRole, payable: PayableView
) -> dict[str, Any]:
    """`booking` with its listing and offering fetched and its payable (`fetch_booking_rows`)."""
    state = BookingState(booking.state)
    offering = booking.offering
    return {
        **_shared(request, booking, role, state in BOOKING_CODE_STATES, payable),
        "transitions": [t.value for t in BOOKING_MACHINE.targets(state, role)],
        "offering_id": booking.offering_id,  # type: ignore[attr-defined]
        "offering_name": pick_name(offering.name or {}, request_locale(request))
        if offering is not None
        else None,
        "starts_at": local_iso(request, booking.starts_at),
        "ends_at": local_iso(request, booking.ends_at),
        "party_size": booking.party_size,
        "cancellation_policy": booking.cancellation_policy,
        "address_text": booking.address_text,
        "note": booking.note,
    }


def _line_json(request: Request, line: OrderLine, payable: PayableView) -> dict[str, Any]:
    """An order line with its price as the payable's line for that product says."""
    ref = f"offering:{line.offering_id}"  # type: ignore[attr-defined]
    priced = next((p for p in payable.lines if p.kind is LineKind.ITEM and p.ref == ref), None)
    if priced is None:  # every order line was priced into one: a broken payable, not a guess
        raise LookupError(f"{payable.reference} has no line for {ref}")
    return {
        "offering_id": line.offering_id,  # type: ignore[attr-defined]
        "name": pick_name(line.name or {}, request_locale(request)),
        "quantity": priced.quantity,
        "unit_price": priced.unit_amount,
        "amount": priced.amount,
        "amount_text": money(request, priced.amount),
    }


def order_json(
    request: Request, order: Order, role: ActorRole, payable: PayableView
) -> dict[str, Any]:
    """`order` with its listing and lines fetched and its payable (`fetch_order_rows`)."""
    state = OrderState(order.state)
    targets = ORDER_MACHINE.targets(state, role)
    # handing over happens by entering the resident's code (redeem), not as a plain transition
    shown = [t.value for t in targets if t not in (OrderState.PICKED_UP, OrderState.DELIVERED)]
    lines = sorted(order.lines, key=lambda line: line.id)
    return {
        **_shared(request, order, role, state in ORDER_CODE_STATES, payable),
        "transitions": shown,
        "fulfilment": str(order.fulfilment),
        "delivery_fee": payable.total(LineKind.FEE),
        "delivery_address": order.delivery_address,
        "note": order.note,
        "pickup_at": local_iso(request, order.pickup_at),
        "lines": [_line_json(request, line, payable) for line in lines],
    }


async def fetch_booking_rows(bookings: list[Booking]) -> dict[int, PayableView]:
    """Fetch what `booking_json` shows of `bookings`; their payables by booking id."""
    if not bookings:
        return {}
    await Booking.fetch_for_list(bookings, "listing", "offering")
    return await payable_view.views("booking", [b.id for b in bookings])


async def fetch_order_rows(orders: list[Order]) -> dict[int, PayableView]:
    """Fetch what `order_json` shows of `orders`; their payables by order id."""
    if not orders:
        return {}
    await Order.fetch_for_list(orders, "listing", "lines")
    return await payable_view.views("order", [o.id for o in orders])
