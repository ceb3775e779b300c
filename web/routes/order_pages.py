"""The resident's shop order pages: ordering from a shop's listing page (POST /orders), an order
with its countdown, confirmation (pay at pickup), code and cancellation, and the list of a
resident's orders. Mistakes show the listing page again with the reason next to the product or
field; the services decide, these routes only translate."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from marketplace.accounts.models import Account
from marketplace.errors import MarketplaceError
from marketplace.orders.checkout import place_order
from marketplace.orders.errors import NotOrderable, PickupNotPossible
from marketplace.orders.kind import ORDER, ORDERS
from marketplace.orders.models import Order
from marketplace.orders.queries import resident_orders
from marketplace.orders.requests import parse_order_request
from marketplace.orders.services import confirm_order
from payments import payable_view
from web.auth import current_account, require_account
from web.forms import read_form
from web.i18n import request_locale, translator
from web.purchase_http import act_then_show, cancel_from, own_purchase
from web.purchase_names import names_for
from web.routes.resident_common import (
    field_errors,
    new_key,
    now,
    posted_listing_id,
    read_pin,
)
from web.routes.resident_order_view import list_row, order_view
from web.routes.resident_picker import render_listing
from web.templating import format_money, render


def _lines(form: dict[str, str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The cart's lines from qty_<offering id> fields, and the fields that are not a number."""
    lines: list[dict[str, Any]] = []
    bad: dict[str, str] = {}
    for name, value in form.items():
        if not name.startswith("qty_") or not name[4:].isdigit() or not value.strip():
            continue
        try:
            quantity = int(value)
        except ValueError:
            bad[name] = value
            continue
        if quantity > 0:
            lines.append({"offering_id": int(name[4:]), "quantity": quantity})
    return lines, bad


def _areas(lines: list[dict[str, Any]]) -> dict[str, str]:
    areas = {
        "address": "address",
        "fulfilment": "fulfilment",
        "lines": "lines",
        "pickup_at": "pickup_at",
    }
    for i, line in enumerate(lines):
        areas[f"lines[{i}].quantity"] = areas[f"lines[{i}].offering_id"] = (
            f"qty_{line['offering_id']}"
        )
        areas[f"lines[{i}]"] = f"qty_{line['offering_id']}"
    return areas


def _money(request: Request) -> Any:
    city = request.app.state.city
    locale = request_locale(request)
    return lambda minor: format_money(minor, locale, city.currency, city.minor_units, whole=True)


async def order(request: Request) -> Response:
    form = await read_form(request)
    listing_id = posted_listing_id(form)
    if listing_id is None:
        raise NotOrderable("No such shop.")
    account = await current_account(request)
    if account is None:
        next_path = f"/listings/{listing_id}#order"
        return RedirectResponse(f"/login?{urlencode({'next': next_path})}", status_code=303)
    _ = translator(request)
    lines, bad = _lines(form)
    if bad or not lines:
        errors = {name: _("Enter a whole number.") for name in bad} or {
            "lines": _("Choose at least one item.")
        }
        return await render_listing(
            request, listing_id, values=form, errors=errors, status_code=422
        )
    delivery = form.get("fulfilment") == "delivery"
    body = {
        "listing_id": listing_id,
        "lines": lines,
        "fulfilment": form.get("fulfilment") or "pickup",
        "address": read_pin(form) if delivery else None,
        "note": form.get("note", "")[:500],
        "pickup_at": form.get("pickup_at") or None,
    }
    try:
        request_ = parse_order_request(body)
        placed, _created = await place_order(
            request.app.state.city,
            account,
            request_,
            form.get("key") or new_key(),
            now=now(request),
        )
    except MarketplaceError as exc:
        errors = field_errors(request, exc, _areas(lines), _money(request))
        if isinstance(exc, PickupNotPossible) or any(e.field == "pickup_at" for e in exc.errors):
            errors["pickup_at"] = _(
                "The shop cannot have it ready then: it is closed, or it needs more time to"
                " prepare. Choose another time."
            )
        return await render_listing(
            request, listing_id, values=form, errors=errors, status_code=exc.status
        )
    return RedirectResponse(f"/me/orders/{placed.id}", status_code=303)


async def _own_order(request: Request) -> tuple[Account, Order]:
    return await own_purchase(request, ORDERS)


async def show_order(
    request: Request, *, errors: dict[str, str] | None = None, status_code: int = 200
) -> Response:
    _account, found = await _own_order(request)
    context = await order_view(request, found, errors or {})
    return await render(request, "orders/detail.html", context, status_code=status_code)


async def detail(request: Request) -> Response:
    return await show_order(request)


async def confirm(request: Request) -> Response:
    account, found = await _own_order(request)

    async def confirming() -> object:
        city = request.app.state.city
        return await confirm_order(city, account, found.id, "pay_at_store", now=now(request))

    return await act_then_show(request, confirming, show_order, f"/me/orders/{found.id}")


async def cancel(request: Request) -> Response:
    _account, found = await _own_order(request)

    async def cancelling() -> object:
        return await cancel_from(request, ORDERS, now=now(request))

    return await act_then_show(request, cancelling, show_order, f"/me/orders/{found.id}")


async def my_orders(request: Request) -> Response:
    account = await require_account(request)
    orders = await resident_orders(account)
    names = await names_for(orders=orders, lines=True)
    payables = await payable_view.views(ORDER, [o.id for o in orders])
    rows = [list_row(request, o, names, payables[o.id].amount_due) for o in orders]
    return await render(request, "orders/list.html", {"rows": rows})


async def orders_tab(request: Request) -> Response:
    """The 订单 tab: a resident's bookings, with their orders one tap away."""
    await require_account(request)
    return RedirectResponse("/me/bookings", status_code=303)


routes = [
    Route("/orders", orders_tab, methods=["GET"], name="orders_tab"),
    Route("/orders", order, methods=["POST"], name="order"),
    Route("/me/orders", my_orders, methods=["GET"], name="my_orders"),
    Route("/me/orders/{order_id:id64}", detail, methods=["GET"], name="my_order"),
    Route("/me/orders/{order_id:id64}/confirm", confirm, methods=["POST"]),
    Route("/me/orders/{order_id:id64}/cancel", cancel, methods=["POST"]),
]
