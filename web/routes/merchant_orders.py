"""商家中心: a shop's orders by state (accept, ready, cancel), the code box both queues post to,
and the counts the navigation shows beside the two queues."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from geo.areas import pick_name
from marketplace.bookings import queries as booking_queries
from marketplace.bookings.types import BookingState
from marketplace.errors import MarketplaceError, NotFound
from marketplace.lifecycle import ActorRole
from marketplace.orders import queries as order_queries
from marketplace.orders import services as orders
from marketplace.orders.kind import ORDER, ORDERS
from marketplace.orders.models import Order
from marketplace.orders.types import ORDER_MACHINE, Fulfilment, OrderState
from payments import payable_view
from payments.reports import recorded_at_store
from web.auth import require_account
from web.i18n import N_, request_locale, translator
from web.payable_json import payable_shown
from web.purchase_http import cancel_from
from web.purchase_names import PageNames, names_for
from web.queue_tabs import Tab, choose_tab
from web.routes.merchant_bookings import (
    code_box,
    pick_merchant,
    queue_merchant,
    today_in,
)
from web.routes.merchant_frame import local_path, merchant_page, read_fields, redirect
from web.routes.merchant_refusals import error_text, refused
from web.routes.order_pickup import pickup_label
from web.routes.resident_common import now

O = OrderState  # noqa: E741
ORDER_STATE_TEXT: dict[str, str] = {
    O.HELD: N_("Being ordered"),
    O.PENDING_PAYMENT: N_("Payment pending"),
    O.CONFIRMED: N_("New order"),
    O.ACCEPTED: N_("Order accepted"),
    O.PREPARING: N_("Being prepared"),
    O.READY: N_("Ready to hand over"),
    O.PICKED_UP: N_("Collected"),
    O.DELIVERED: N_("Delivered to the door"),
    O.CANCELLED_BY_RESIDENT: N_("Cancelled by the customer"),
    O.CANCELLED_BY_MERCHANT: N_("Cancelled by you"),
    O.EXPIRED: N_("Lapsed"),
}
# the tabs: (key, label, states), one per step of the shop's work, then the finished ones
SECTIONS: tuple[tuple[str, str, tuple[OrderState, ...]], ...] = (
    ("new", N_("New order"), (O.CONFIRMED,)),
    ("accepted", N_("Order accepted"), (O.ACCEPTED,)),
    ("preparing", N_("Being prepared"), (O.PREPARING,)),
    ("ready", N_("Ready to hand over"), (O.READY,)),
    ("done", N_("Handed over"), (O.PICKED_UP, O.DELIVERED)),
    ("cancelled", N_("Called off"), (O.CANCELLED_BY_RESIDENT, O.CANCELLED_BY_MERCHANT)),
)
WORK = ("new", "accepted", "preparing", "ready")  # the tabs with something to do, in turn
# the older "all to do" tab's link opens the tab that has work
OLD_KEYS = {"active": ""}
SECTION_OF: dict[OrderState, str] = {s: key for key, _l, states in SECTIONS for s in states}
# the one button that moves an order on, by the state it is in
NEXT_STEP: dict[OrderState, tuple[OrderState, str]] = {
    O.CONFIRMED: (O.ACCEPTED, N_("Accept order")),
    O.ACCEPTED: (O.PREPARING, N_("Start preparing")),
    O.PREPARING: (O.READY, N_("Mark ready for pickup")),
}


def opening_tab(asked: str, counts: dict[str, int]) -> str:
    """The tab asked for, or (none asked, or an old key) the first with work: new orders
    before accepted before preparing before ready; new orders when there is none."""
    tabs = [
        Tab(key, label, counts.get(key, 0) if key in WORK else 0) for key, label, _s in SECTIONS
    ]
    return choose_tab(tabs, OLD_KEYS.get(asked, asked))


def _order_row(
    order: Order, details: PageNames, locale: str, payable: dict[str, Any]
) -> dict[str, Any]:
    state = OrderState(order.state)
    targets = ORDER_MACHINE.targets(state, ActorRole.MERCHANT)
    step = NEXT_STEP.get(state)
    return {
        "order": order,
        "listing_name": pick_name(details.place_name(order.listing_id), locale),  # type: ignore[attr-defined]
        "resident": details.residents.get(order.resident_id, ""),  # type: ignore[attr-defined]
        "payable": payable,
        "delivery": order.fulfilment == Fulfilment.DELIVERY,
        "state_text": ORDER_STATE_TEXT[state],
        "next": step if step and step[0] in targets else None,
        "awaits_code": state == O.READY,
        "can_cancel": O.CANCELLED_BY_MERCHANT in targets,
    }


async def orders_page(
    request: Request, *, extra: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    merchant = await queue_merchant(request)
    locale = request_locale(request)
    counts = {
        k: await order_queries.count_orders(merchant.id, states)
        for k, _label, states in SECTIONS
        if k in WORK
    }
    key = opening_tab(request.query_params.get("state", ""), counts)
    section = next(s for s in SECTIONS if s[0] == key)
    found = await order_queries.merchant_orders(merchant.id, states=section[2])
    details = await names_for(orders=found, residents=True)
    payables = await payable_view.views(ORDER, [o.id for o in found])
    context = {
        "rows": [
            _order_row(o, details, locale, payable_shown(request, payables[o.id])) for o in found
        ],
        "sections": SECTIONS,
        "section": section[0],
        "counts": counts,
        "queue": "orders",
        "done": request.query_params.get("done", ""),
        "store_paid": await recorded_at_store("order", [o.id for o in found]),
        **await code_box(request, merchant),
        "pickup_labels": {o.id: pickup_label(request, o.pickup_at) for o in found if o.pickup_at},
        **(extra or {}),
    }
    return await merchant_page(
        request, "merchant/orders.html", merchant, context, nav="orders", status_code=status_code
    )


async def orders_redirect(request: Request) -> Response:
    return await pick_merchant(request, "orders")


async def _acted(request: Request, verb: str) -> Response:
    account = await require_account(request)
    form = await read_fields(request)
    back = local_path(form.get("back", ""), "/merchant/orders")
    order_id = request.path_params["order_id"]
    try:
        if verb == "cancel":
            await cancel_from(request, ORDERS, reason=form.get("reason", ""))
        else:
            moved = await orders.advance_order(
                account, order_id, form.get("target", ""), now=now(request)
            )
            # follow the order to its new tab, where its next step is
            tab = SECTION_OF.get(OrderState(moved.state), "")
            back = f"{back.split('?')[0]}?state={tab}#order-{moved.id}"
    except ValueError:
        raise NotFound("No such step.") from None
    except MarketplaceError as exc:
        if isinstance(exc, NotFound):
            raise
        message = error_text(translator(request), exc, ORDER_STATE_TEXT)
        return await refused(request, message, back, exc.status)
    return redirect(back)


async def order_advance(request: Request) -> Response:
    return await _acted(request, "advance")


async def order_cancel(request: Request) -> Response:
    return await _acted(request, "cancel")


async def queue_counts(request: Request) -> Response:
    """Today's bookings still to come and new orders, for the badges in the navigation."""
    merchant = await queue_merchant(request)
    city = request.app.state.city
    today = await booking_queries.merchant_bookings(
        city, merchant.id, day=today_in(request), states=(BookingState.CONFIRMED,)
    )
    new = await order_queries.count_orders(merchant.id, (O.CONFIRMED,))
    return JSONResponse({"bookings": len(today), "orders": new})


routes = [
    Route("/merchant/orders", orders_redirect, methods=["GET"], name="merchant_orders_pick"),
    Route(
        "/merchant/{merchant_id:id32}/orders", orders_page, methods=["GET"], name="merchant_orders"
    ),
    Route(
        "/merchant/{merchant_id:id32}/queue-counts",
        queue_counts,
        methods=["GET"],
        name="merchant_queue_counts",
    ),
    Route(
        "/merchant/orders/{order_id:id64}/advance",
        order_advance,
        methods=["POST"],
        name="merchant_order_advance",
    ),
    Route(
        "/merchant/orders/{order_id:id64}/cancel",
        order_cancel,
        methods=["POST"],
        name="merchant_order_cancel",
    ),
]
