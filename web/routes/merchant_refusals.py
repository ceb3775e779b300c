"""Why a merchant's action did not work, in the reader's words and in the frame of the page the
action came from. Shared by every 商家中心 queue and the payouts page, so it names no kind of
purchase: each caller passes the names of its own states."""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response

from listings import merchant_reads as reads
from marketplace.errors import MarketplaceError
from web.auth import require_account
from web.i18n import N_
from web.reasons import Translate, translate_reason
from web.routes.merchant_frame import merchant_page

# what complete_code and the purchase verbs say, in the reader's language
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), m)
    for p, m in (
        (
            r"no booking or order of yours has this code",
            N_("No booking or order of yours has this code. Check it with the customer."),
        ),
        (r"this code has already been used", N_("This code has already been used.")),
        (r"is not a code.*", N_("That is not a code: 8 letters and digits, like 4K7B-9XH2.")),
        (
            r"this (booking|order) is (?P<state>\w+).*",
            N_("This cannot be done now: it is “%(state)s”."),
        ),
        (
            r"can be marked a no-show only once it has started",
            N_("A booking can be marked a no-show only once it has started."),
        ),
        (
            r"an? \w+ that is (?P<state>\w+) cannot become \w+",
            N_("This cannot be done now: it is “%(state)s”."),
        ),
        (r"enter the resident's code.*", N_("Enter the customer's code to hand the order over.")),
    )
)
# the queue a path like /merchant/3/orders?day=... came from, to light up in the navigation
_QUEUE = re.compile(r"/merchant/(?P<merchant>\d{1,9})/(?P<queue>[a-z_]*)")


def reason_text(_: Translate, reason: str, state_text: dict[str, str] | None = None) -> str:
    names = state_text or {}
    for pattern, message in REASONS:
        if match := pattern.fullmatch(reason):
            state = match.groupdict().get("state")
            return _(message) % {"state": _(names.get(state, state)) if state else ""}
    return translate_reason(_, reason)


def error_text(
    _: Translate, exc: MarketplaceError, state_text: dict[str, str] | None = None
) -> str:
    reasons = [e.reason for e in exc.errors] or [exc.message]
    return " ".join(reason_text(_, r, state_text) for r in reasons)


async def refused(request: Request, message: str, back: str, status: int) -> Response:
    """Why an action did not work, in the frame of the business whose page it came from."""
    merchant = None
    nav = "bookings"
    # at most 9 digits: always an int32 merchant id
    if match := _QUEUE.match(back):
        account = await require_account(request)
        merchant = await reads.get_merchant(account, int(match.group("merchant")))
        nav = match.group("queue") or nav
    context = {"message": message, "back": back}
    return await merchant_page(
        request, "merchant/refused.html", merchant, context, nav=nav, status_code=status
    )
