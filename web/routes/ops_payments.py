"""运营后台: the city's money. Gross, commission, refunds and what is owed to merchants from the
ledger, per month and per vertical; whether the books reconcile; the latest refunds, with the
failed ones first to catch the eye."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from geo.areas import pick_name
from marketplace.accounts import Role
from marketplace.verticals import Vertical
from payments import reports
from payments.ledger import reconcile
from web.auth import require_role
from web.i18n import N_, request_locale
from web.routes.checkout_kinds import numbered
from web.routes.merchant_payouts import month_label
from web.routes.pages import VERTICAL_TEXT
from web.templating import render

REFUND_STATE_TEXT = {
    "pending": N_("Pending"),
    "succeeded": N_("Refunded"),
    "failed": N_("Failed"),
}
REASON_TEXT = {
    "cancelled": N_("Cancelled"),
    "slot_gone": N_("Paid after the hold ended"),
    "operator": N_("By an operator"),
    "provider": N_("At the provider"),
}


def vertical_name(value: str) -> str:
    """The msgid naming a vertical on this page; "Other" only for money no purchase made."""
    try:
        return VERTICAL_TEXT[Vertical(value)][0]
    except ValueError:
        return N_("Other")


async def payments_page(request: Request) -> Response:
    await require_role(request, Role.OPERATOR)
    city = request.app.state.city
    locale = request_locale(request)
    found = await reports.earnings(city.currency, city.tz)
    refunds = await reports.recent_refunds()
    refunds.sort(key=lambda r: r.state != "failed")  # failed first, newest first within
    context = {
        "nav": "payments",
        "total": found.total,
        "months": [(month_label(request, m), s) for m, s in found.months],
        "verticals": [(vertical_name(v), s) for v, s in found.verticals],
        "discrepancies": await reconcile(),
        "refunds": [(r, pick_name(r.merchant_name, locale), numbered(r.kind)) for r in refunds],
        "refund_state_text": REFUND_STATE_TEXT,
        "reason_text": REASON_TEXT,
    }
    return await render(request, "ops/payments.html", context)


routes = [Route("/ops/payments", payments_page, methods=["GET"], name="ops_payments")]
