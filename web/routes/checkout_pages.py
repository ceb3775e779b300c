"""Checkout for a held purchase of any kind (`checkout_kinds`): the summary with the hold's
countdown (the server's clock is the truth), the city's ways to pay, and the pages the provider
sends the resident back to. Paying at the store confirms at once; paying online starts the
payment through the payments core and sends the resident to the provider's page. The webhook,
not the return, confirms."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from marketplace.accounts.models import Account
from marketplace.errors import MarketplaceError, NotFound
from payments import payable_view, purchase_kinds
from payments import services as payments
from payments.errors import AlreadyPaid, ProviderNotAvailable
from payments.factory import available_providers, provider_for
from payments.interfaces import PaymentError, PaymentProvider, ReturnUrls, StartedPayment
from payments.pay_at_store import PROVIDER_NAME as PAY_AT_STORE
from payments.payables import payable_of
from payments.reports import latest_payment
from payments.types import PAID, PaymentState
from web.auth import require_account
from web.forms import read_form
from web.i18n import N_, request_locale, translator
from web.payable_json import payable_shown
from web.routes.checkout_kinds import CHECKOUT_KINDS
from web.routes.resident_common import field_errors, now
from web.templating import format_money, render

STRIPE_METHOD_TEXT = {
    "card": N_("Bank card"),
    "alipay": N_("Alipay"),
    "wechat_pay": N_("WeChat Pay"),
}
WAITING = ("held", "pending_payment")


def provider_named(request: Request, name: str) -> PaymentProvider:
    """One provider per app and name: it holds the HTTP client its calls reuse."""
    state = request.app.state
    cache: dict[str, PaymentProvider] | None = getattr(state, "payment_providers", None)
    if cache is None:
        cache = state.payment_providers = {}
    if name not in cache:
        cache[name] = provider_for(state.city, state.settings, name)
    return cache[name]


async def _payable(request: Request) -> tuple[Account, str, Any, dict[str, Any]]:
    """The signed-in resident's own purchase and what its page shows; anybody else's is not
    found."""
    account = await require_account(request)
    kind, payable_id = request.path_params["kind"], request.path_params["payable_id"]
    shown = CHECKOUT_KINDS.get(kind)
    if shown is None:
        raise NotFound("No such page.")
    record, view = await shown.load(request, account, payable_id)
    if view is None:
        raise NotFound(f"No such {kind}.")
    view["detail_url"] = f"{purchase_kinds.kind_of(kind).link}/{record.id}"
    view["checkout_url"] = f"/checkout/{kind}/{record.id}"
    view["kind"] = kind
    view["words"] = shown.words
    view["record"] = record
    payable = await payable_view.view(kind, record.id)
    if payable is None:
        raise NotFound(f"No such {kind}.")
    view["payable"] = payable_shown(request, payable)
    return account, kind, record, view


def money(request: Request, minor: int) -> str:
    city = request.app.state.city
    locale = request_locale(request)
    return format_money(minor, locale, city.currency, city.minor_units, whole=False)


async def _methods(request: Request, kind: str, record: Any) -> list[dict[str, Any]]:
    """The ways this resident can pay for this now, pay at the store first when it is held."""
    _ = translator(request)
    city, settings = request.app.state.city, request.app.state.settings
    usable = available_providers(city, settings)
    methods: list[dict[str, Any]] = []
    if PAY_AT_STORE in usable and str(record.state) == "held":
        methods.append(
            {
                "value": PAY_AT_STORE,
                "label": _("Pay at the store"),
                "sub": "",
                "button": _("Confirm, pay at the store"),
            }
        )
    payable = await payable_of(kind, record.id)
    if "stripe" in usable and payable.amount_due > 0:
        merchant_id = int(payable.merchant_id)  # type: ignore[attr-defined]
        if await payments.merchant_can_take_online_payments(merchant_id):
            names = [_(STRIPE_METHOD_TEXT[m]) for m in city.payments.stripe_methods]
            methods.append(
                {
                    "value": "stripe",
                    "label": _("Pay online"),
                    "sub": " · ".join(names),
                    "button": _("Pay %(amount)s") % {"amount": money(request, payable.amount_due)},
                }
            )
    return methods


async def checkout_page(
    request: Request, *, error: str = "", retry: str = "", status_code: int = 200
) -> Response:
    _account, kind, record, view = await _payable(request)
    waiting = str(record.state) in WAITING and not view["expired"]
    if not waiting and not view["expired"]:
        return RedirectResponse(view["detail_url"], status_code=303)
    methods = await _methods(request, kind, record) if waiting else []
    context = {
        **view,
        "methods": methods,
        "chosen": retry or (methods[0]["value"] if methods else ""),
        "error": error,
        "retry": retry,
        "pending": str(record.state) == "pending_payment",
    }
    return await render(request, "checkout/page.html", context, status_code=status_code)


async def start_online(
    request: Request, account: Account, kind: str, ref_id: int
) -> StartedPayment:
    """The JSON confirm with online payment: the same start as this page's, with the city's
    first online provider this process can use, returning to this page."""
    city, settings = request.app.state.city, request.app.state.settings
    online = [n for n in available_providers(city, settings) if provider_named(request, n).online]
    if not online:
        raise ProviderNotAvailable(f"{city.slug} takes no online payment at the moment")
    return await payments.start_payment(
        city,
        provider_named(request, online[0]),
        account,
        kind,
        ref_id,
        _urls(request, f"/checkout/{kind}/{ref_id}"),
        now=now(request),
    )


def started_json(started: StartedPayment) -> dict[str, str | None]:
    return {
        "provider": started.provider,
        "redirect_url": started.redirect_url,
        "client_secret": started.client_secret,
    }


def _urls(request: Request, checkout_url: str) -> ReturnUrls:
    base = str(request.base_url).rstrip("/") + checkout_url
    return ReturnUrls(success=f"{base}/success", cancel=f"{base}/cancel")


async def pay(request: Request) -> Response:
    account, kind, record, view = await _payable(request)
    form = await read_form(request)
    _ = translator(request)
    method = form.get("method", "")
    offered = [m["value"] for m in await _methods(request, kind, record)]
    if method not in offered:
        message = _("Choose one of the ways to pay shown.")
        return await checkout_page(request, error=message, status_code=422)
    provider = provider_named(request, method)
    try:
        started = await payments.start_payment(
            request.app.state.city,
            provider,
            account,
            kind,
            record.id,
            _urls(request, view["checkout_url"]),
            now=now(request),
        )
    except AlreadyPaid:
        return RedirectResponse(view["checkout_url"] + "/success", status_code=303)
    except PaymentError as exc:
        message = _(
            "We could not reach the payment service, so nothing was charged. Your %(what)s is "
            "still held for you: try again."
        ) % {"what": _(CHECKOUT_KINDS[kind].noun)}
        return await checkout_page(request, error=message, retry=method, status_code=exc.status)
    except MarketplaceError as exc:
        message = field_errors(request, exc, {}).get("form", "")
        return await checkout_page(request, error=message, status_code=exc.status)
    if not provider.online:
        return RedirectResponse(view["detail_url"], status_code=303)
    target = started.redirect_url or view["checkout_url"] + "/success"
    return RedirectResponse(target, status_code=303)


async def returned(request: Request) -> Response:
    """Where the provider sends the resident back: paid, still confirming, failed or lapsed."""
    _account, kind, record, view = await _payable(request)
    cancelled = request.url.path.endswith("/cancel")
    payment = await latest_payment(kind, record.id)
    state = str(record.state)
    if view["code"]:
        outcome = "paid" if payment is not None and payment.state in PAID else "confirmed"
    elif view["expired"]:
        outcome = "expired"
    elif state not in WAITING:
        outcome = "closed"
    elif cancelled or (payment is not None and payment.state == PaymentState.FAILED):
        outcome = "failed"
    else:
        outcome = "confirming"  # the event has not arrived yet: this page refreshes
    late_refund = payment is not None and payment.refund_owed
    context = {**view, "outcome": outcome, "late_refund": late_refund, "cancelled": cancelled}
    return await render(request, "checkout/result.html", context)


routes = [
    Route(
        "/checkout/{kind:str}/{payable_id:id64}", checkout_page, methods=["GET"], name="checkout"
    ),
    Route("/checkout/{kind:str}/{payable_id:id64}", pay, methods=["POST"], name="checkout_pay"),
    Route("/checkout/{kind:str}/{payable_id:id64}/success", returned, methods=["GET"]),
    Route("/checkout/{kind:str}/{payable_id:id64}/cancel", returned, methods=["GET"]),
]
