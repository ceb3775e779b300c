"""商家中心: payouts. The business's Stripe Connect status with the way to connect (the account is
made once, then the owner finishes onboarding on Stripe's pages and comes back to a page that
re-reads the status), its earnings from the ledger per month, and recording a payment the
customer made at the store from the queues."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from babel.dates import format_skeleton
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from listings import merchant_reads as reads
from listings.models import Merchant
from marketplace.errors import MarketplaceError, NotFound
from payments import onboarding, purchase_kinds, reports
from payments import services as payments
from payments.factory import available_providers
from payments.interfaces import PaymentError
from payments.onboarding import PayoutStatus
from web.auth import require_account
from web.i18n import N_, babel_locale, request_locale, translator
from web.routes.checkout_pages import provider_named
from web.routes.merchant_frame import local_path, merchant_page, read_fields, redirect
from web.routes.merchant_refusals import error_text, refused

STATUS_TEXT: dict[PayoutStatus, tuple[str, str]] = {
    PayoutStatus.NOT_CONNECTED: (
        N_("Not connected"),
        N_("Connect a Stripe account so customers can pay you online."),
    ),
    PayoutStatus.INCOMPLETE: (
        N_("Onboarding not finished"),
        N_("Stripe still needs some details before you can take online payments."),
    ),
    PayoutStatus.CHARGES_ENABLED: (
        N_("Taking payments"),
        N_("Customers can pay you online. Payouts start once Stripe has checked your bank."),
    ),
    PayoutStatus.PAYOUTS_ENABLED: (
        N_("Payouts enabled"),
        N_("Customers can pay you online and Stripe pays you out."),
    ),
}


def month_label(request: Request, month: datetime) -> str:
    return format_skeleton("yMMM", month, locale=babel_locale(request_locale(request)))


async def _merchant(request: Request) -> Merchant:
    account = await require_account(request)
    return await reads.get_merchant(account, request.path_params["merchant_id"])


async def payouts_page(request: Request, *, error: str = "", status_code: int = 200) -> Response:
    merchant = await _merchant(request)
    account = await require_account(request)
    city = request.app.state.city
    payout = await onboarding.payout_account(account, merchant.id)
    status = onboarding.status_of(payout)
    found = await reports.earnings(city.currency, city.tz, merchant.id)
    context: dict[str, Any] = {
        "status": status.value,
        "status_text": STATUS_TEXT[status],
        "payout": payout,
        "stripe": "stripe" in available_providers(city, request.app.state.settings),
        "total": found.total,
        "months": [(month_label(request, m), s) for m, s in found.months],
        "error": error,
        "done": request.query_params.get("done", ""),
    }
    return await merchant_page(
        request,
        "merchant/payouts.html",
        merchant,
        context,
        nav="payouts",
        status_code=status_code,
    )


def _stripe_error(request: Request) -> str:
    _ = translator(request)
    return _("We could not reach Stripe just now. Nothing changed; please try again.")


async def connect(request: Request) -> Response:
    merchant = await _merchant(request)
    account = await require_account(request)
    city = request.app.state.city
    here = f"{str(request.base_url).rstrip('/')}/merchant/{merchant.id}/payouts"
    try:
        url = await onboarding.start_onboarding(
            provider_named(request, "stripe"),  # type: ignore[arg-type]
            account,
            merchant.id,
            email=merchant.contact_email or account.email,
            country=city.country,
            refresh_url=here,
            return_url=f"{here}/return",
        )
    except PaymentError:
        return await payouts_page(request, error=_stripe_error(request), status_code=503)
    return RedirectResponse(url, status_code=303)


async def returned(request: Request) -> Response:
    merchant = await _merchant(request)
    account = await require_account(request)
    try:
        await onboarding.refresh_status(provider_named(request, "stripe"), account, merchant.id)  # type: ignore[arg-type]
    except PaymentError:
        return await payouts_page(request, error=_stripe_error(request), status_code=503)
    return redirect(f"/merchant/{merchant.id}/payouts?done=returned")


async def store_paid(request: Request) -> Response:
    """The customer paid at the store: record it, once, and go back to the queue."""
    account = await require_account(request)
    form = await read_fields(request)
    kind = request.path_params["kind"]
    if kind not in {k.name for k in purchase_kinds.registered()}:
        raise NotFound("No such page.")
    back = local_path(form.get("back", ""), f"/merchant/{kind}s")
    try:
        await payments.record_store_payment(
            request.app.state.city, account, kind, request.path_params["payable_id"]
        )
    except MarketplaceError as exc:
        if isinstance(exc, NotFound):
            raise
        return await refused(request, error_text(translator(request), exc), back, exc.status)
    return redirect(f"{back}{'&' if '?' in back else '?'}done=store_paid")


routes = [
    Route("/merchant/{merchant_id:id32}/payouts", payouts_page, methods=["GET"], name="payouts"),
    Route("/merchant/{merchant_id:id32}/payouts/connect", connect, methods=["POST"]),
    Route("/merchant/{merchant_id:id32}/payouts/return", returned, methods=["GET"]),
    Route(
        "/merchant/{kind:str}s/{payable_id:id64}/store-paid",
        store_paid,
        methods=["POST"],
        name="merchant_store_paid",
    ),
]
