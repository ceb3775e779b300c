"""商家中心: the code box in two steps, on both queues. First the code: what it is, when, and the
amount due at the store (refused at once when it cannot be completed: not found, used, too
early with the time it opens, too late). Then the merchant confirms with the amount received
(prefilled with the amount due) or completes without payment with a reason; the completion and
the store payment are one transaction (`marketplace.redeem.complete_code`).

Works as plain forms; merchant-bookings.js only shows the discount reason when less is typed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from listings.money import minor_units_to_decimal, parse_price
from marketplace.bookings.kind import BOOKING
from marketplace.bookings.models import Booking
from marketplace.completion import MAX_NOTE, WithoutPayment
from marketplace.errors import MarketplaceError, NotFound, ValidationFailed
from marketplace.orders import services as orders
from marketplace.orders.errors import OrderNotReady
from marketplace.orders.kind import ORDER
from marketplace.orders.types import OrderState
from marketplace.redeem import CodeCheck, Settlement, complete_code, look_up_code
from payments import payable_view
from web.auth import require_account
from web.completion_text import WITHOUT_PAYMENT, moment, window_refusal
from web.i18n import request_locale, translator
from web.payable_json import payable_shown
from web.purchase_names import names_for
from web.routes.merchant_bookings import booking_row, bookings_page, queue_merchant
from web.routes.merchant_frame import read_fields, redirect
from web.routes.merchant_orders import ORDER_STATE_TEXT, orders_page
from web.routes.merchant_refusals import error_text, reason_text
from web.routes.resident_common import now

Form = dict[str, str]


async def _box(request: Request) -> tuple[Form, str, str]:
    """The posted form, the queue it came from and where to go back to; only the business's
    own people use its box (404 otherwise)."""
    await require_account(request)
    form = await read_fields(request)
    queue = "orders" if form.get("queue") == "orders" else "bookings"
    try:
        merchant_id = int(form.get("merchant", ""))
    except ValueError:
        raise NotFound("No such merchant.") from None
    # the queue pages read the business from the path: give them this one
    request.scope["path_params"] = {**request.path_params, "merchant_id": merchant_id}
    await queue_merchant(request)
    queue_path = f"/merchant/{merchant_id}/{queue}"
    back = form.get("back", "")
    if back.split("?")[0] != queue_path:
        back = queue_path  # only the tabs of the queue the box is on
    return form, queue, back


async def _queue(request: Request, queue: str, extra: dict[str, Any], status: int) -> Response:
    page = orders_page if queue == "orders" else bookings_page
    return await page(request, extra=extra, status_code=status)


def _refusal(request: Request, exc: MarketplaceError) -> str:
    return window_refusal(request, exc) or error_text(translator(request), exc, ORDER_STATE_TEXT)


async def _shown(request: Request, check: CodeCheck) -> dict[str, Any]:
    """What step two shows of the purchase the code found."""
    locale = request_locale(request)
    purchase = check.purchase
    city = request.app.state.city
    shown: dict[str, Any] = {
        "due": check.due_at_store,
        "due_typed": str(minor_units_to_decimal(check.due_at_store, city.currency)),
        "closes_at": moment(request, check.closes_at) if check.closes_at else "",
        "reasons": list(WITHOUT_PAYMENT.items()),
    }
    if isinstance(purchase, Booking):
        details = await names_for([purchase], residents=True)
        payable = await payable_view.view(BOOKING, purchase.id)
        lines = payable_shown(request, payable) if payable else None
        return {**shown, "kind": "booking", "row": booking_row(purchase, details, locale, lines)}
    details = await names_for(orders=[purchase], residents=True)
    payable = await payable_view.view(ORDER, purchase.id)
    return {
        **shown,
        "kind": "order",
        "order": purchase,
        "listing_name": pick_name(details.place_name(purchase.listing_id), locale),  # type: ignore[attr-defined]
        "resident": details.residents.get(purchase.resident_id, ""),  # type: ignore[attr-defined]
        "payable": payable_shown(request, payable) if payable else None,
        # a code for an order not yet 待取货: confirming marks it ready first, said before
        "not_ready": ""
        if purchase.state == OrderState.READY
        else ORDER_STATE_TEXT.get(OrderState(purchase.state), str(purchase.state)),
    }


async def check(request: Request) -> Response:
    """Step one: the code typed or scanned; the queue again with what it is and how to confirm,
    or with the reason it cannot be completed next to the box."""
    account = await require_account(request)
    form, queue, back = await _box(request)
    text = form.get("code", "")
    try:
        found = await look_up_code(request.app.state.city, account, text, now=now(request))
    except MarketplaceError as exc:
        extra = {"code_form": text, "code_error": _refusal(request, exc), "code_back": back}
        return await _queue(request, queue, extra, exc.status)
    step = {
        **await _shown(request, found),
        "code": text.strip(),
        "received": "",
        "note": "",
        "without_payment": "",
        "errors": {},
    }
    extra = {"code_form": text, "code_back": back, "code_check": step}
    return await _queue(request, queue, extra, 200)


def _settlement(request: Request, form: Form) -> Settlement:
    """What the confirm form says; 422 naming the field for an amount that is not one."""
    city = request.app.state.city
    note = form.get("note", "").strip()[:MAX_NOTE] or None
    reason = form.get("without_payment", "")
    if reason:
        try:
            return Settlement(without_payment=WithoutPayment(reason), note=note)
        except ValueError:
            raise ValidationFailed.on("without_payment", "choose a reason from the list") from None
    typed = form.get("received", "").strip()
    received = parse_price(typed, currency=city.currency, field="received") if typed else None
    return Settlement(received=received, note=note)


async def complete(request: Request) -> Response:
    """Step two: complete with what was received (or without payment, with a reason). Success
    goes back to the queue with a banner; a refusal shows step two again with the field's
    error, or the box with the code's."""
    account = await require_account(request)
    form, queue, back = await _box(request)
    city = request.app.state.city
    text = form.get("code", "")
    try:
        settlement = _settlement(request, form)
        at = now(request)
        try:
            done = await complete_code(city, account, text, settlement, now=at)
        except OrderNotReady as waiting:
            # step one said so and the merchant confirmed: each step to 待取货, then hand over
            if form.get("make_ready") != str(waiting.order_id):
                raise
            await orders.make_ready(account, waiting.order_id, now=at)
            done = await complete_code(city, account, text, settlement, now=at)
    except MarketplaceError as exc:
        fields = {e.field for e in exc.errors}
        if isinstance(exc, ValidationFailed) and fields & {"received", "note", "without_payment"}:
            return await _again(request, queue, back, form, exc)
        extra = {"code_form": text, "code_error": _refusal(request, exc), "code_back": back}
        return await _queue(request, queue, extra, exc.status)
    key = ("b" if isinstance(done, Booking) else "o") + str(done.id)
    return redirect(f"{back}{'&' if '?' in back else '?'}redeemed={key}")


async def _again(
    request: Request, queue: str, back: str, form: Form, exc: ValidationFailed
) -> Response:
    """Step two once more, what was typed kept and each field's error beside it."""
    account = await require_account(request)
    text = form.get("code", "")
    try:
        found = await look_up_code(request.app.state.city, account, text, now=now(request))
    except MarketplaceError as gone:  # it changed meanwhile: say why at the box
        extra = {"code_form": text, "code_error": _refusal(request, gone), "code_back": back}
        return await _queue(request, queue, extra, gone.status)
    _ = translator(request)
    errors = {e.field: reason_text(_, e.reason) for e in exc.errors}
    step = {
        **await _shown(request, found),
        "code": text.strip(),
        "received": form.get("received", ""),
        "note": form.get("note", ""),
        "without_payment": form.get("without_payment", ""),
        "errors": errors,
    }
    extra = {"code_form": text, "code_back": back, "code_check": step}
    return await _queue(request, queue, extra, exc.status)


routes = [
    Route("/merchant/redeem/check", check, methods=["POST"], name="merchant_redeem_check"),
    Route("/merchant/redeem/complete", complete, methods=["POST"], name="merchant_redeem_complete"),
]
