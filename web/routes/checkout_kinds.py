"""What the checkout pages show for each kind of purchase: the resident's own record and its
page view, and the word for it. The money pages look a kind up here by the payable's kind and
never branch on it; a new kind of purchase adds one entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from marketplace.accounts.models import Account
from marketplace.bookings.kind import BOOKINGS
from marketplace.lifecycle import ActorRole
from marketplace.orders.kind import ORDERS
from marketplace.purchases.access import get_purchase
from marketplace.purchases.kinds import PurchaseKind
from web.i18n import N_
from web.routes.resident_booking_view import booking_view
from web.routes.resident_order_view import order_view

# (the record, its page view) for the resident who owns it; (record, None) for anyone else
Loader = Callable[[Request, Account, int], Awaitable[tuple[Any, dict[str, Any] | None]]]
# (request, the resident's record, form errors) -> the page's view of it
View = Callable[[Request, Any, dict[str, str]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Words:
    """What the money pages say about a kind of purchase; each N_-marked, translated where
    shown."""

    noun: str  # "your %(what)s is still held"
    paid: str  # after the payment arrived
    show_code: str  # under the code
    view: str  # the link to it
    back: str  # the link back to it
    numbered: str  # "Booking #%(id)s"


@dataclass(frozen=True)
class CheckoutKind:
    load: Loader
    words: Words

    @property
    def noun(self) -> str:
        return self.words.noun


def _loader(kind: PurchaseKind, view: View) -> Loader:
    async def load(request: Request, account: Account, ref_id: int) -> tuple[Any, Any]:
        record, role = await get_purchase(kind, account, ref_id)
        if role is not ActorRole.RESIDENT:
            return record, None
        return record, await view(request, record, {})

    return load


BOOKING_WORDS = Words(
    noun=N_("booking"),
    paid=N_("Your booking is confirmed."),
    show_code=N_("Show this code at the store"),
    view=N_("View booking"),
    back=N_("Back to the booking"),
    numbered=N_("Booking #%(id)s"),
)
ORDER_WORDS = Words(
    noun=N_("order"),
    paid=N_("Your order is placed."),
    show_code=N_("Show this code when you collect"),
    view=N_("View order"),
    back=N_("Back to the order"),
    numbered=N_("Order #%(id)s"),
)
CHECKOUT_KINDS: dict[str, CheckoutKind] = {
    BOOKINGS.name: CheckoutKind(_loader(BOOKINGS, booking_view), BOOKING_WORDS),
    ORDERS.name: CheckoutKind(_loader(ORDERS, order_view), ORDER_WORDS),
}


def numbered(kind: str) -> str:
    """How a list of money names one purchase of `kind` ("Booking #%(id)s")."""
    shown = CHECKOUT_KINDS.get(kind)
    return shown.words.numbered if shown is not None else "#%(id)s"
