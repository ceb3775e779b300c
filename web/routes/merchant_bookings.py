"""商家中心: the bookings queue (today, upcoming, a chosen day) and its actions, and what both
queues share: which business, the banner of a code just entered, errors in the reader's words.
The code box's own route lives in `merchant_orders`."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from listings import merchant_reads as reads
from listings.console import services as console
from listings.models import Merchant
from marketplace import clock, completion
from marketplace.bookings import queries as booking_queries
from marketplace.bookings import queue_counts
from marketplace.bookings import services as bookings
from marketplace.bookings.kind import BOOKING, BOOKINGS
from marketplace.bookings.models import Booking
from marketplace.bookings.types import BOOKING_MACHINE, BookingState
from marketplace.errors import MarketplaceError, NotFound
from marketplace.lifecycle import ActorRole
from marketplace.orders import services as orders
from marketplace.orders.kind import ORDER, ORDERS
from marketplace.purchases.kinds import PurchaseKind
from payments import payable_view
from payments.reports import recorded_at_store
from web.auth import require_account
from web.completion_text import settled_text
from web.i18n import N_, request_locale, translator
from web.payable_json import payable_shown
from web.purchase_http import cancel_from
from web.purchase_names import PageNames, names_for
from web.queue_tabs import Tab, choose_tab
from web.reasons import Translate
from web.routes import merchant_refusals as refusals
from web.routes.merchant_frame import local_path, merchant_page, read_fields, redirect
from web.routes.merchant_refusals import refused

B = BookingState
STATE_TEXT: dict[str, str] = {
    B.HELD: N_("Being booked"),
    B.PENDING_PAYMENT: N_("Payment pending"),
    B.CONFIRMED: N_("Booked"),
    B.COMPLETED: N_("Served"),
    B.CANCELLED_BY_RESIDENT: N_("Cancelled by the customer"),
    B.CANCELLED_BY_MERCHANT: N_("Cancelled by you"),
    B.EXPIRED: N_("Lapsed"),
    B.NO_SHOW: N_("No-show"),
}
# the state filter chips: (key, label, states)
FILTERS: tuple[tuple[str, str, tuple[BookingState, ...]], ...] = (
    ("", N_("All states"), ()),
    ("confirmed", N_("Booked"), (B.CONFIRMED,)),
    ("completed", N_("Served"), (B.COMPLETED,)),
    ("cancelled", N_("Called off"), (B.CANCELLED_BY_RESIDENT, B.CANCELLED_BY_MERCHANT)),
    ("no_show", N_("No-show"), (B.NO_SHOW,)),
)
TABS = (("today", N_("For today")), ("upcoming", N_("Coming up")))


def error_text(
    _: Translate, exc: MarketplaceError, state_text: dict[str, str] | None = None
) -> str:
    """`exc` in the reader's words, a booking's states named as this queue names them."""
    return refusals.error_text(_, exc, {**STATE_TEXT, **(state_text or {})})


async def queue_merchant(request: Request) -> Merchant:
    account = await require_account(request)
    return await reads.get_merchant(account, request.path_params["merchant_id"])


async def pick_merchant(request: Request, queue: str) -> Response:
    """/merchant/bookings (where notices link): the account's business, the one it last
    worked on, or the choice."""
    account = await require_account(request)
    merchants = await reads.merchants_of(account)
    if not merchants:
        return redirect("/merchant/apply")
    if len(merchants) > 1:
        last = await console.remembered(account, merchants)
        if last is None:
            return redirect("/merchant/choose")
        return redirect(f"/merchant/{last.id}/{queue}")
    return redirect(f"/merchant/{merchants[0].id}/{queue}")


def today_in(request: Request) -> date:
    return clock.today(request.app.state.city.tz)


async def code_box(request: Request, merchant: Merchant) -> dict[str, Any]:
    """The banner of what a code just completed (`?redeemed=b12` / `o34`)."""
    account = await require_account(request)
    locale = request_locale(request)
    key = request.query_params.get("redeemed", "")
    done: dict[str, Any] | None = None
    if re.fullmatch(r"[bo]\d{1,18}", key):
        try:
            if key[0] == "b":
                booking, _role = await bookings.get_booking(account, int(key[1:]))
                details = await names_for([booking], residents=True)
                done = {"kind": "booking", "row": booking_row(booking, details, locale)}
                done.update(await _settled_banner(request, BOOKINGS, BOOKING, booking.id))
            else:
                order, _role = await orders.get_order(account, int(key[1:]))
                details = await names_for(orders=[order], residents=True)
                name = pick_name(details.place_name(order.listing_id), locale)  # type: ignore[attr-defined]
                payable = await payable_view.view(ORDER, order.id)
                done = {
                    "kind": "order",
                    "order": order,
                    "listing_name": name,
                    "amount_due": payable.amount_due if payable else 0,
                }
                done.update(await _settled_banner(request, ORDERS, ORDER, order.id))
        except MarketplaceError:
            done = None
    # a code entered on the upcoming or another day's tab comes back to that tab, where the
    # row it completed is (not to today's, which would not show a booking for tomorrow)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in ("redeemed", "done")]
    back = request.url.path + (f"?{urlencode(kept)}" if kept else "")
    return {
        "redeemed": done,
        "code_form": "",
        "code_error": "",
        "code_back": back,
        "code_check": None,  # the second step, when a code was just checked
    }


async def _settled_banner(
    request: Request, kind: PurchaseKind, name: str, ref_id: int
) -> dict[str, Any]:
    """What the banner says about money: received at the store, or why nothing was."""
    settled = await completion.settled_of(kind, [ref_id], COMPLETED_STATES)
    payable = await payable_view.view(name, ref_id)
    return {
        "settled": settled_text(request, settled.get(ref_id)),
        "received": payable.paid if payable and ref_id in settled else 0,
    }


# the states a code's completion leads to, where the history row keeps how it was settled
COMPLETED_STATES = ["completed", "picked_up", "delivered"]


async def settled_texts(request: Request, kind: PurchaseKind, ids: list[int]) -> dict[int, str]:
    """By purchase id, how a completed one was settled when nothing or less was received."""
    found = await completion.settled_of(kind, ids, COMPLETED_STATES)
    texts = {pid: settled_text(request, s) for pid, s in found.items()}
    return {pid: text for pid, text in texts.items() if text}


def booking_row(
    booking: Booking, details: PageNames, locale: str, payable: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What a booking's card shows; `payable` (`payable_shown`) for its lines and amount."""
    offering_id = booking.offering_id  # type: ignore[attr-defined]
    what = details.offerings.get(offering_id) if offering_id else None
    targets = BOOKING_MACHINE.targets(BookingState(booking.state), ActorRole.MERCHANT)
    started = booking.starts_at <= clock.now()
    return {
        "booking": booking,
        "payable": payable,
        "what": pick_name(what, locale) if what else "",
        "table": offering_id is None,
        "listing_name": pick_name(details.place_name(booking.listing_id), locale),  # type: ignore[attr-defined]
        "resident": details.residents.get(booking.resident_id, ""),  # type: ignore[attr-defined]
        "state_text": STATE_TEXT[booking.state],
        "can_cancel": B.CANCELLED_BY_MERCHANT in targets,
        "can_no_show": B.NO_SHOW in targets and started,
    }


async def bookings_page(
    request: Request, *, extra: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    merchant = await queue_merchant(request)
    city = request.app.state.city
    locale = request_locale(request)
    today = today_in(request)
    params = request.query_params
    chosen: date | None = None
    try:
        chosen = date.fromisoformat(params.get("date", "")) if params.get("date") else None
    except ValueError:
        chosen = None
    # each day tab counts what waits under it; without a choice the queue opens where work is
    waiting = await queue_counts.waiting_by_day(city, merchant.id)
    day_tabs = [Tab(key, label, waiting[key]) for key, label in TABS]
    tab = "date" if chosen else choose_tab(day_tabs, params.get("tab"))
    state_key = params.get("state", "")
    states = next((s for k, _label, s in FILTERS if k == state_key), ())
    if tab == "upcoming":
        found = await booking_queries.merchant_bookings(city, merchant.id, states=states)
        found = [b for b in found if b.starts_at.astimezone(city.tz).date() > today]
    else:
        day = chosen or today
        found = await booking_queries.merchant_bookings(city, merchant.id, day=day, states=states)
    details = await names_for(found, residents=True)
    payables = await payable_view.views(BOOKING, [b.id for b in found])
    rows = [booking_row(b, details, locale, payable_shown(request, payables[b.id])) for b in found]
    days: list[tuple[date, list[dict[str, Any]]]] = []
    for row in rows:
        day_of = row["booking"].starts_at.astimezone(city.tz).date()
        if not days or days[-1][0] != day_of:
            days.append((day_of, []))
        days[-1][1].append(row)
    context = {
        "tab": tab,
        "day_tabs": day_tabs,
        "chosen": (chosen or today).isoformat(),
        "today": today,
        "tomorrow": today + timedelta(days=1),
        "state_key": state_key,
        "filters": FILTERS,
        "days": days,
        "count": len(rows),
        "here_query": _shown_query(request, tab) if request.method == "GET" else "",
        "queue": "bookings",
        "done": params.get("done", ""),
        "store_paid": await recorded_at_store("booking", [b.id for b in found]),
        "settled": await settled_texts(request, BOOKINGS, [b.id for b in found]),
        **await code_box(request, merchant),
        **(extra or {}),
    }
    if tab != "date" and "tab" not in params and not extra:
        # an action on the tab chosen for the reader comes back to that tab, even once its
        # work is done and the choice would fall elsewhere
        context["code_back"] = f"{request.url.path}?{_shown_query(request, tab, drop=True)}"
    return await merchant_page(
        request,
        "merchant/bookings.html",
        merchant,
        context,
        nav="bookings",
        status_code=status_code,
    )


def _shown_query(request: Request, tab: str, *, drop: bool = False) -> str:
    """This page's query with the tab it shows written out (`drop`: without a code's banner)."""
    skip = ("tab", "redeemed", "done") if drop else ("tab",)
    kept = [(k, v) for k, v in request.query_params.multi_items() if k not in skip]
    if tab != "date":
        kept.insert(0, ("tab", tab))
    return urlencode(kept)


async def bookings_redirect(request: Request) -> Response:
    return await pick_merchant(request, "bookings")


def _back(form: dict[str, str], default: str) -> str:
    return local_path(form.get("back", ""), default)


def _with(path: str, key: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{key}={value}"


async def _refused(request: Request, exc: MarketplaceError, back: str) -> Response:
    if isinstance(exc, NotFound):
        raise exc
    return await refused(request, error_text(translator(request), exc), back, exc.status)


async def booking_cancel(request: Request) -> Response:
    await require_account(request)
    form = await read_fields(request)
    back = _back(form, "/merchant/bookings")
    try:
        await cancel_from(request, BOOKINGS, reason=form.get("reason", ""))
    except MarketplaceError as exc:
        return await _refused(request, exc, back)
    return redirect(_with(back, "done", "cancelled"))


async def booking_no_show(request: Request) -> Response:
    account = await require_account(request)
    form = await read_fields(request)
    back = _back(form, "/merchant/bookings")
    try:
        await bookings.mark_no_show(
            request.app.state.city, account, request.path_params["booking_id"]
        )
    except MarketplaceError as exc:
        return await _refused(request, exc, back)
    return redirect(_with(back, "done", "no_show"))


routes = [
    Route("/merchant/bookings", bookings_redirect, methods=["GET"], name="merchant_bookings_pick"),
    Route(
        "/merchant/{merchant_id:id32}/bookings",
        bookings_page,
        methods=["GET"],
        name="merchant_bookings",
    ),
    Route(
        "/merchant/bookings/{booking_id:id64}/cancel",
        booking_cancel,
        methods=["POST"],
        name="merchant_booking_cancel",
    ),
    Route(
        "/merchant/bookings/{booking_id:id64}/no-show",
        booking_no_show,
        methods=["POST"],
        name="merchant_booking_no_show",
    ),
]
