"""Resident pages: the home page and 我的 (the account page)."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from listings import services as listings
from listings.types import Vertical
from marketplace.accounts import Role
from marketplace.db import is_unavailable
from web.auth import require_account
from web.degraded import account_if_reachable, counts_from_index
from web.i18n import N_
from web.templating import render


@dataclass(frozen=True, slots=True)
class VerticalTile:
    vertical: Vertical
    title: str  # message id, translated in the template
    blurb: str
    icon: str
    count: int


# Message ids for the four verticals, in the order the home page shows them.
VERTICAL_TEXT: dict[Vertical, tuple[str, str]] = {
    Vertical.RESTAURANT: (N_("Food"), N_("Restaurants, snacks and takeaway")),
    Vertical.HOUSEKEEPING: (N_("Housekeeping"), N_("Cleaning, nannies and repairs at home")),
    Vertical.TUTORING: (N_("Tutoring"), N_("Tutors and classes for every subject")),
    Vertical.SHOP: (N_("Shops"), N_("Local shops with pickup")),
}

ROLE_TEXT: dict[Role, str] = {
    Role.RESIDENT: N_("Resident"),
    Role.MERCHANT_STAFF: N_("Merchant staff"),
    Role.OPERATOR: N_("Operator"),
}


async def home(request: Request) -> Response:
    # drawn without the database if need be: counted by the index, as for a visitor
    await account_if_reachable(request)
    try:
        total = await listings.count_published_listings()
        by_vertical = await listings.count_by_vertical()
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        # the index counts the same published listings (give or take the outbox's lag)
        total, by_vertical = await counts_from_index(request)
    tiles = [
        VerticalTile(v, title, blurb, v.value, by_vertical.get(v, 0))
        for v, (title, blurb) in VERTICAL_TEXT.items()
    ]
    return await render(request, "home.html", {"total": total, "tiles": tiles})


async def me(request: Request) -> Response:
    account = await require_account(request)
    roles = [ROLE_TEXT[role] for role in Role if role in account.roles]
    return await render(
        request,
        "me.html",
        {
            "roles": roles,
            "is_operator": account.has_role(Role.OPERATOR),
            "is_merchant": account.has_role(Role.MERCHANT_STAFF),
        },
    )


routes = [
    Route("/", home, methods=["GET"], name="home"),
    Route("/me", me, methods=["GET"], name="me"),
]
