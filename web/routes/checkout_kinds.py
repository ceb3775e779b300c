"""What the checkout pages show for each kind of purchase: the resident's own record and its
page view, and the word for it. The money pages look a kind up here by the payable's kind and
never branch on it; a new kind of purchase adds one entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from marketplace.accounts.models import Account
from marketplace.bookings.services import get_booking
from marketplace.lifecycle import ActorRole
from marketplace.orders.services import get_order
from web.i18n import N_
from web.routes.resident_booking_view import booking_view
from web.routes.resident_order_view import order_view

# (the record, its page view) for the resident who owns it; (record, None) for anyone else
Loader = Callable[[Request, Account, int], Awaitable[tuple[Any, dict[str, Any] | None]]]


@dataclass(frozen=True)
class CheckoutKind:
    load: Loader
    noun: str  # N_-marked: "your %(what)s is still held"
    detail_path: str  # where the resident's own purchases of this kind live


async def _booking(request: Request, account: Account, ref_id: int) -> tuple[Any, Any]:
    record, role = await get_booking(account, ref_id)
    if role is not ActorRole.RESIDENT:
        return record, None
    return record, await booking_view(request, record, {})


async def _order(request: Request, account: Account, ref_id: int) -> tuple[Any, Any]:
    record, role = await get_order(account, ref_id)
    if role is not ActorRole.RESIDENT:
        return record, None
    return record, await order_view(request, record, {})


CHECKOUT_KINDS: dict[str, CheckoutKind] = {
    "booking": CheckoutKind(_booking, N_("booking"), "/me/bookings"),
    "order": CheckoutKind(_order, N_("order"), "/me/orders"),
}
