"""What the resident's order pages show of a shop order: its state as a chip, the lines and the
total, the hold's countdown, and the code and QR once it is placed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup
from starlette.requests import Request

from geo.areas import pick_name
from marketplace.codes import display_code, qr_svg
from marketplace.lifecycle import ActorRole
from marketplace.orders.kind import ORDER, cancellation_refund
from marketplace.orders.models import Order
from marketplace.orders.pickup import pickup_choice_for
from marketplace.orders.queries import order_history
from marketplace.orders.types import Fulfilment, OrderState
from payments import payable_view
from payments.starting import online_payment_offered
from web.i18n import N_, request_locale, translator
from web.payable_json import payable_shown
from web.purchase_names import PageNames, names_for
from web.routes.order_pickup import pickup_label
from web.routes.resident_common import clock_text, now, seconds_left
from web.routes.resident_picker import when_label

O = OrderState  # noqa: E741
STATES: dict[OrderState, tuple[str, str]] = {
    O.HELD: (N_("Awaiting confirmation"), "wait"),
    O.PENDING_PAYMENT: (N_("Awaiting payment"), "wait"),
    O.CONFIRMED: (N_("Placed"), "ok"),
    O.ACCEPTED: (N_("Order accepted"), "ok"),
    O.PREPARING: (N_("Being prepared"), "ok"),
    O.READY: (N_("Ready for pickup"), "ok"),
    O.PICKED_UP: (N_("Picked up"), "off"),
    O.DELIVERED: (N_("Delivered"), "off"),
    O.CANCELLED_BY_RESIDENT: (N_("Cancelled"), "off"),
    O.CANCELLED_BY_MERCHANT: (N_("Cancelled by the shop"), "off"),
    O.EXPIRED: (N_("Expired"), "off"),
}
SHOWS_CODE = frozenset({O.CONFIRMED, O.ACCEPTED, O.PREPARING, O.READY, O.PICKED_UP, O.DELIVERED})
CANCELLABLE = frozenset({O.HELD, O.PENDING_PAYMENT, O.CONFIRMED})
# the order's way through the shop as its timeline shows it (新订单 → 已接单 → 备货中 → 待取货)
TIMELINE: tuple[tuple[OrderState, str], ...] = (
    (O.CONFIRMED, N_("New order")),
    (O.ACCEPTED, N_("Order accepted")),
    (O.PREPARING, N_("Being prepared")),
    (O.READY, N_("Ready for pickup")),
)
ENDS: dict[OrderState, str] = {
    O.PICKED_UP: N_("Picked up"),
    O.DELIVERED: N_("Delivered"),
    O.CANCELLED_BY_RESIDENT: N_("Cancelled"),
    O.CANCELLED_BY_MERCHANT: N_("Cancelled by the shop"),
}


@dataclass(frozen=True)
class Step:
    label: str
    when: str  # "" while not reached
    done: bool
    current: bool


async def timeline(request: Request, order: Order) -> list[Step]:
    """Each step with the time it happened; the steps still ahead without one. A cancelled
    order ends where it was cancelled."""
    _ = translator(request)
    city = request.app.state.city
    reached = dict(await order_history(order.id))
    state = O(order.state)
    if O.CONFIRMED not in reached:
        return []

    def at(s: OrderState) -> str:
        return f"{reached[s].astimezone(city.tz):%m-%d %H:%M}"

    last = O.DELIVERED if order.fulfilment == Fulfilment.DELIVERY else O.PICKED_UP
    steps = [
        Step(_(label), at(s) if s in reached else "", s in reached, s == state)
        for s, label in TIMELINE
        if s in reached or state not in ENDS or state == last
    ]
    if state in ENDS and state != last:
        steps.append(Step(_(ENDS[state]), at(state) if state in reached else "", True, True))
    else:
        steps.append(
            Step(_(ENDS[last]), at(last) if last in reached else "", last in reached, state == last)
        )
    return steps


@dataclass(frozen=True)
class Row:
    id: int
    title: str
    summary: str
    when: str
    state: str
    tone: str
    code: str
    amount: int


def _expired(order: Order, request: Request) -> bool:
    if order.state == O.EXPIRED:
        return True
    ends = order.hold_expires_at
    waiting = order.state in (O.HELD, O.PENDING_PAYMENT)
    return waiting and ends is not None and ends <= now(request)


def _state(request: Request, order: Order) -> tuple[str, str]:
    _ = translator(request)
    label, tone = STATES[O.EXPIRED if _expired(order, request) else O(order.state)]
    return _(label), tone


def list_row(request: Request, order: Order, names: PageNames, amount_due: int) -> Row:
    """A row of the resident's orders; `amount_due` is the order's payable's."""
    locale = request_locale(request)
    place = names.places.get(order.listing_id)  # type: ignore[attr-defined]
    lines = names.lines.get(order.id, [])
    summary = ", ".join(f"{pick_name(line.name, locale)} ×{line.quantity}" for line in lines)
    label, tone = _state(request, order)
    return Row(
        order.id,
        pick_name(place.name, locale) if place else "",
        summary,
        when_label(request, order.created_at),
        label,
        tone,
        display_code(order.code) if order.state in SHOWS_CODE else "",
        amount_due,
    )


async def _closed_note(request: Request, order: Order) -> str:
    """Before paying: the shop is closed now, so the order waits for its next opening."""
    _ = translator(request)
    found = await pickup_choice_for(
        request.app.state.city,
        order.listing_id,  # type: ignore[attr-defined]
        now(request),
    )
    if found is None or found.open_now or order.pickup_at is None:
        return ""
    when = pickup_label(request, order.pickup_at)
    return _("The shop is closed now; your order will be ready for pickup %(when)s.") % {
        "when": when
    }


async def order_view(request: Request, order: Order, errors: dict[str, str]) -> dict[str, Any]:
    locale = request_locale(request)
    _ = translator(request)
    names = await names_for(orders=[order])
    place = names.places.get(order.listing_id)  # type: ignore[attr-defined]
    expired = _expired(order, request)
    left = 0 if expired else seconds_left(order.hold_expires_at, now(request))
    label, tone = _state(request, order)
    delivery = order.fulfilment == Fulfilment.DELIVERY
    payable = await payable_view.view(ORDER, order.id)
    # what cancelling now would give back: the rule the cancellation itself applies
    city = request.app.state.city
    refund = await cancellation_refund(city, order, ActorRole.RESIDENT, now(request))
    shows_code = order.state in SHOWS_CODE
    return {
        "order": order,
        "place_name": pick_name(place.name, locale) if place else "",
        "place_address": pick_name(place.address, locale) if place and place.address else "",
        "payable": payable_shown(request, payable) if payable else None,
        "delivery": delivery,
        "state_label": label,
        "tone": tone,
        "held": order.state == O.HELD and not expired,
        "expired": expired,
        "seconds_left": left,
        "clock": clock_text(left),
        "pay_online": bool(payable and payable.amount_due)
        and await online_payment_offered(
            request.app.state.city,
            request.app.state.settings,
            order.listing_id,  # type: ignore[attr-defined]
        ),
        "code": display_code(order.code) if shows_code else "",
        "pickup_label": pickup_label(request, order.pickup_at) if order.pickup_at else "",
        "closed_note": await _closed_note(request, order) if order.state == O.HELD else "",
        "timeline": await timeline(request, order),
        "qr": Markup(qr_svg(order.code)) if shows_code else "",
        "refund": refund.due,
        "cancellable": order.state in CANCELLABLE and not expired,
        "errors": errors,
        "again": f"/listings/{order.listing_id}#order",  # type: ignore[attr-defined]
        "pay_text": _("Pay on delivery") if delivery else _("Pay at pickup"),
    }
